/**
 * `npm run bench -- --store postgres`: partnerplane on PostgreSQL, one replica and then three behind
 * a round-robin splitter (bench/splitter.ts), each operation against pgbench running the same
 * statements as raw SQL (bench/lib/postgres.ts), so that the ratio shows what partnerplane's layer
 * costs over the database. Rounds alternate between the two, as against the bare server.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { AUDIT_COLUMNS } from '../src/store/auditRows.js';
import { rowsForPage } from '../src/store/paging.js';
import { APP_COLUMNS, APP_STATE_COLUMNS } from '../src/store/rows.js';
import { IDEMPOTENCY_COLUMNS } from '../src/store/statements.js';
import { createBenchSchema, literal, runPgbench, seededArnSql, seedPostgres, Sql, statement, type BenchSchema } from './lib/postgres.js';
import { BENCH_SETTINGS, freePort, startPartnerplane, startSplitter, type Running } from './lib/processes.js';
import { describeRound, emptySeries, record, type Call, type Rounds, Sequence, type Series, type Target } from './lib/rounds.js';
import { BENCH_ACCOUNT, EXECUTION_ROLE, seededArn } from './lib/seed.js';
import { BENCH_REGION, callOk } from './lib/signing.js';
import { partnerplaneCalls } from './lib/workloads.js';

/** The pool of connections each replica keeps to PostgreSQL (pg's default): pgbench gets as many sessions. */
const SESSIONS_PER_REPLICA = 10;
/** A pgbench value unique to each transaction (`:r`). */
const RANDOM = '\\set r random(1, 9000000000000000)';

export interface PostgresBenchOptions {
  databaseUrl: string;
  rounds: Rounds;
  seconds: number;
  roundCount: number;
  warmupSeconds: number;
  /** Apps the partnerplane calls use (seededArn(0 … seededApps - 1)); pgbench's updates use as many others. */
  seededApps: number;
  operations: readonly string[];
  workDir: string;
  progress(message: string): void;
}

export interface PostgresResult {
  operation: string;
  replicas: number;
  ours: Series;
  pgbench: Series;
  ratios: number[];
}

/** The rows a real call wrote, read back: the values pgbench's statements are given. */
interface Template {
  idempotency: unknown[];
  app: unknown[];
  audit: unknown[];
}

async function rowsOf(url: string, token: string, arn: string, operation: string, columns: string): Promise<Template> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const one = async (sql: string, values: unknown[]) => {
      const { rows } = await client.query({ text: sql, values, rowMode: 'array' });
      if (rows.length !== 1) throw new Error(`the template ${operation} left ${rows.length} rows for: ${sql}`);
      return rows[0] as unknown[];
    };
    return {
      idempotency: await one(`SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency WHERE token = $1`, [token]),
      app: await one(`SELECT ${columns} FROM apps WHERE arn = $1`, [arn]),
      audit: await one(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE operation = $1 AND target = $2`, [operation, arn]),
    };
  } finally {
    await client.end();
  }
}

/**
 * One real CreatePartnerApp and one UpdatePartnerApp (of the app after pgbench's), on a server whose
 * transitions never end, so that the rows they wrote are read back as they were written.
 */
async function templates(schema: BenchSchema, templateApp: number): Promise<{ create: Template; update: Template }> {
  const long = String(3_600_000);
  const server = await startPartnerplane({ databaseUrl: schema.url, flags: { '--create-delay-ms': long, '--update-delay-ms': long } });
  try {
    const createToken = randomUUID();
    const created = await callOk(server.endpoint, 'CreatePartnerApp', { Name: 'pgbenchtemplate', Type: 'lakera-guard', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: EXECUTION_ROLE, ClientToken: createToken });
    const updateToken = randomUUID();
    await callOk(server.endpoint, 'UpdatePartnerApp', { Arn: seededArn(templateApp), Tier: 'small', ClientToken: updateToken });
    return {
      create: await rowsOf(schema.url, createToken, created.Arn, 'CreatePartnerApp', APP_COLUMNS),
      update: await rowsOf(schema.url, updateToken, seededArn(templateApp), 'UpdatePartnerApp', APP_STATE_COLUMNS),
    };
  } finally {
    await server.stop();
  }
}

/** The idempotency record with pgbench's own token, and the audit columns as the store appends them (one array each). */
const claimValues = (template: Template) => template.idempotency.map((value, index) => (index === 3 ? new Sql(`'pgbench-' || :r`) : value));
const auditValues = (template: Template, target: Sql) => template.audit.map((value, index) => [index === 5 ? target : value]);

/**
 * pgbench scripts of the statements the PostgreSQL store runs for each operation, in its order
 * (PostgresStore.getApp, listApps, startTransition, createApp). The store reads the apps the
 * Describes of a turn ask for in one statement; pgbench's asks for one app, as one Describe alone
 * would. Its apps' transitions are due a year on, so that partnerplane's reconciler has none of
 * pgbench's work to do.
 */
function scripts(seededApps: number, { create, update }: { create: Template; update: Template }): Record<string, string> {
  const later = (dueAt: unknown) => Number(dueAt) + 365 * 86_400_000;
  const updated = seededArnSql('i');
  const dueAtColumn = APP_STATE_COLUMNS.split(',').findIndex((column) => column.trim() === 'due_at');
  const updateState = update.app.map((value, index) => (index === dueAtColumn ? later(value) : value));
  const createdArn = new Sql(`${literal(`${seededArn(0).slice(0, -12)}pgb`).text} || :r`);
  const createColumns = APP_COLUMNS.split(',').map((column) => column.trim());
  const createRow = create.app.map((value, index) => {
    const column = createColumns[index];
    if (column === 'arn') return createdArn;
    if (column === 'name') return new Sql(`'pgbench' || :r`);
    return column === 'due_at' ? later(value) : value;
  });
  return {
    DescribePartnerApp: [`\\set i random(0, ${seededApps - 1})`, statement('getApp', [[seededArnSql('i')]])].join('\n'),
    ListPartnerApps: statement('listFirst', [BENCH_ACCOUNT, BENCH_REGION, rowsForPage(100)]),
    UpdatePartnerApp: [
      `\\set i random(${seededApps}, ${2 * seededApps - 1})`,
      RANDOM,
      'BEGIN;',
      statement('claimAndLockApp', [...claimValues(update), updated]),
      statement('saveAndAudit', [...updateState, updated, ...auditValues(update, updated)]),
      'COMMIT;',
    ].join('\n'),
    CreatePartnerApp: [
      RANDOM,
      'BEGIN;',
      statement('createApp', [...claimValues(create), ...createRow, Number(BENCH_SETTINGS['--max-apps-per-account']), [], [], ...auditValues(create, createdArn)]),
      'COMMIT;',
    ].join('\n'),
  };
}

/** The call of each operation: the same as on SQLite (the spread Describe). */
function callOf(operation: string, seededApps: number): Call {
  const calls = partnerplaneCalls(seededApps);
  const call = [calls.describeSpread, calls.list, calls.update, calls.create].find((candidate) => candidate.operation === operation);
  if (!call) throw new Error(`no PostgreSQL workload for ${operation}`);
  return call;
}

/** The servers of one arrangement: where wrk connects, and every process whose CPU time is partnerplane's. */
interface Arrangement {
  replicas: number;
  target: Target;
  stop(): Promise<void>;
}

async function arrange(url: string, replicas: number): Promise<Arrangement> {
  const servers: Running[] = [];
  try {
    for (let index = 0; index < replicas; index++) servers.push(await startPartnerplane({ databaseUrl: url }));
    const splitter = replicas > 1 ? await startSplitter(servers.map((server) => server.endpoint.port)) : undefined;
    const cpuSeconds = () => servers.reduce((sum, server) => sum + server.cpuSeconds(), 0);
    const stopAll = async () => {
      await splitter?.stop();
      await Promise.all(servers.map((server) => server.stop()));
    };
    return { replicas, target: { endpoint: (splitter ?? servers[0]!).endpoint, cpuSeconds }, stop: stopAll };
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
}

async function compare(options: PostgresBenchOptions, arrangement: Arrangement, url: string, operation: string, script: string): Promise<PostgresResult> {
  const { rounds, seconds, progress } = options;
  const call = callOf(operation, options.seededApps);
  const sequence = new Sequence();
  const scriptFile = path.join(options.workDir, `pgbench-${operation}.sql`);
  const clients = SESSIONS_PER_REPLICA * arrangement.replicas;
  const result: PostgresResult = { operation, replicas: arrangement.replicas, ours: emptySeries(), pgbench: emptySeries(), ratios: [] };
  progress(`PostgreSQL, ${arrangement.replicas} replica(s): ${operation} against pgbench with ${clients} sessions`);
  const warm = await runPgbench(url, scriptFile, script, clients, options.warmupSeconds);
  let expected = await rounds.warmUp(arrangement.target, call, sequence, warm.transactionsPerSecond);
  for (let round = 1; round <= options.roundCount; round++) {
    const base = await runPgbench(url, scriptFile, script, clients, seconds);
    const ours = await rounds.signed(arrangement.target, call, sequence, expected, seconds);
    expected = Math.max(expected, ours.requestsPerSecond);
    const pgbenchRound = { requestsPerSecond: base.transactionsPerSecond, p50Ms: base.latencyMs, p99Ms: NaN, cpuUsPerRequest: NaN };
    record(result.pgbench, pgbenchRound);
    record(result.ours, ours);
    result.ratios.push(ours.requestsPerSecond / base.transactionsPerSecond);
    progress(`  pgbench       ${base.transactionsPerSecond.toFixed(0).padStart(6)} tps    latency average ${base.latencyMs.toFixed(2)} ms`);
    progress(describeRound('partnerplane', ours));
  }
  return result;
}

/** Every selected operation on one replica, then on three behind the splitter, each against pgbench. */
export async function postgresBench(options: PostgresBenchOptions): Promise<PostgresResult[]> {
  const schema = await createBenchSchema(options.databaseUrl);
  const results: PostgresResult[] = [];
  try {
    const apps = options.seededApps;
    // Ours update [0, apps), pgbench's [apps, 2 × apps), the template call the one after.
    await seedPostgres(schema.url, 2 * apps + 1, `http://127.0.0.1:${await freePort()}`);
    const byOperation = scripts(apps, await templates(schema, 2 * apps));
    for (const replicas of [1, 3]) {
      const arrangement = await arrange(schema.url, replicas);
      try {
        for (const operation of options.operations) results.push(await compare(options, arrangement, schema.url, operation, byOperation[operation]!));
      } finally {
        await arrangement.stop();
      }
    }
  } finally {
    await schema.drop();
  }
  return results;
}
