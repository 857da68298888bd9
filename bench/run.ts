/**
 * `npm run bench`: how fast partnerplane answers, next to the floor (a bare node:http server
 * answering a body of the same size) and next to moto's server mode, and how it holds up with
 * 100,000 apps stored. The servers run in their own processes; wrk drives them from another,
 * replaying requests that were SigV4-signed (each distinct) just before each round.
 * Progress goes to stderr; the report, in Markdown, to stdout. See docs/performance.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { withoutPassword } from '../src/config.js';
import { busyShare, describeMachine, filesystemOf, loadAverage } from './lib/machine.js';
import { BENCH_SETTINGS, freePort, ROOT, startBareServer, startMoto, startPartnerplane, type Running } from './lib/processes.js';
import { dockerBench } from './docker.js';
import { seedApps, seededArn } from './lib/seed.js';
import { partnerplaneCalls } from './lib/workloads.js';
import { postgresBench, type PostgresResult } from './postgres.js';
import { describeRound, emptySeries, record, Rounds, Sequence, summary, type Call, type Series } from './lib/rounds.js';
import { callOk, signCall, type Endpoint } from './lib/signing.js';
import { fixed, median, percent, table, times } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '32' },
    ops: { type: 'string' },
    'scale-apps': { type: 'string' },
    'skip-moto': { type: 'boolean', default: false },
    'skip-scale': { type: 'boolean', default: false },
    'skip-docker': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'check-budget': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    store: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string' },
  },
});
if (args.store !== 'sqlite' && args.store !== 'postgres') throw new Error(`--store is sqlite or postgres, not ${args.store}`);

/** --quick: a smoke run (tiny rounds, a small scale data set) that only shows the bench works. */
const quick = args.quick;
const SECONDS = Number(args.seconds ?? (quick ? 1 : 3));
const ROUNDS = Number(args.rounds ?? (quick ? 1 : 3));
const WARMUP_SECONDS = quick ? 1 : 2;
const WARMUP_ROUNDS = quick ? 1 : 3;
const CONNECTIONS = Number(args.connections);
const SEEDED_APPS = quick ? 2_000 : 20_000;
const SCALE_APPS = Number(args['scale-apps'] ?? (quick ? 2_000 : 100_000));
const SMALL_APPS = 100;
const MOTO_MODELS = 120;

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'partnerplane-bench-'));
process.on('exit', () => fs.rmSync(workDir, { recursive: true, force: true }));

// ---- workloads ---------------------------------------------------------------------------------

interface Workload {
  name: string;
  partnerplane: Call;
  moto?: Call;
  /** The least share of the bare server's requests/s the budget allows. */
  floor?: number;
}

const uniqueTag = Date.now().toString(36);
const motoContainer = { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/bench:latest' };
const calls = partnerplaneCalls(SEEDED_APPS);

const WORKLOADS: Workload[] = [
  {
    name: 'DescribePartnerApp (one app)',
    partnerplane: calls.describeOne,
    floor: 0.8,
  },
  {
    name: `DescribePartnerApp (${SEEDED_APPS.toLocaleString('en')} apps)`,
    partnerplane: calls.describeSpread,
    floor: 0.8,
    moto: { operation: 'DescribeModel', input: (n) => ({ ModelName: `seeded${n % MOTO_MODELS}` }) },
  },
  {
    name: 'ListPartnerApps (page of 100)',
    partnerplane: calls.list,
    floor: 0.3,
    moto: { operation: 'ListModels', input: () => ({ MaxResults: 100 }) },
  },
  { name: 'UpdatePartnerApp', partnerplane: calls.update, floor: 0.3 },
  {
    name: 'CreatePartnerApp',
    partnerplane: calls.create,
    floor: 0.3,
    moto: {
      operation: 'CreateModel',
      input: (n) => ({ ModelName: `bench${uniqueTag}n${n}`, ExecutionRoleArn: 'arn:aws:iam::123456789012:role/bench', PrimaryContainer: motoContainer }),
    },
  },
];

const selected = args.ops
  ? WORKLOADS.filter((workload) => args.ops!.split(',').some((op) => workload.partnerplane.operation.toLowerCase().includes(op.trim().toLowerCase())))
  : WORKLOADS;

// ---- rounds ------------------------------------------------------------------------------------

const rounds = new Rounds({ connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, warmupRounds: WARMUP_ROUNDS, workDir, progress });

interface WorkloadResult {
  workload: Workload;
  ours: Series;
  bare: Series;
  ratios: number[];
  moto?: Series;
}

/** Rounds alternate between the bare server and partnerplane, so drifting load hits both alike. */
async function againstBare(server: Running, workload: Workload): Promise<WorkloadResult> {
  const target = workload.partnerplane;
  const sequence = new Sequence();
  const [first] = sequence.take(1);
  const answer = await callOk(server.endpoint, target.operation, target.input(first!));
  const answerBytes = Buffer.byteLength(JSON.stringify(answer));
  progress(`${workload.name}: answers ${answerBytes} bytes; load average ${loadAverage()}`);
  const bare = await startBareServer(answerBytes);
  const result: WorkloadResult = { workload, ours: emptySeries(), bare: emptySeries(), ratios: [] };
  try {
    const primer = await rounds.signPool(server.endpoint, target, sequence, 2 * CONNECTIONS);
    const bareWarm = await rounds.measured(bare, { poolFile: primer, poolSize: 0, seconds: WARMUP_SECONDS, allowRepeats: true });
    let expected = await rounds.warmUp(server, target, sequence, bareWarm.requestsPerSecond);
    for (let round = 1; round <= ROUNDS; round++) {
      const bareRound = await rounds.measured(bare, { poolFile: primer, poolSize: 0, seconds: SECONDS, allowRepeats: true });
      const ours = await rounds.signed(server, target, sequence, expected, SECONDS);
      expected = Math.max(expected, ours.requestsPerSecond);
      record(result.bare, bareRound);
      record(result.ours, ours);
      result.ratios.push(ours.requestsPerSecond / bareRound.requestsPerSecond);
      progress(describeRound('bare', bareRound));
      progress(describeRound('partnerplane', ours));
    }
  } finally {
    await bare.stop();
  }
  return result;
}

async function againstMoto(results: WorkloadResult[]): Promise<void> {
  const withMoto = results.filter((result) => result.workload.moto);
  if (withMoto.length === 0) return;
  const moto = await startMoto();
  try {
    progress(`moto: seeding ${MOTO_MODELS} models`);
    for (let index = 0; index < MOTO_MODELS; index++) {
      await callOk(moto.endpoint, 'CreateModel', { ModelName: `seeded${index}`, ExecutionRoleArn: 'arn:aws:iam::123456789012:role/bench', PrimaryContainer: motoContainer });
    }
    for (const result of withMoto) {
      const target = result.workload.moto!;
      const sequence = new Sequence();
      progress(`moto ${target.operation}:`);
      let expected = await rounds.warmUp(moto, target, sequence, 1000);
      result.moto = emptySeries();
      for (let round = 1; round <= ROUNDS; round++) {
        const motoRound = await rounds.signed(moto, target, sequence, expected, SECONDS);
        expected = Math.max(expected, motoRound.requestsPerSecond);
        record(result.moto, motoRound);
        progress(describeRound('moto', motoRound));
      }
    }
  } finally {
    await moto.stop();
  }
}

// ---- scale -------------------------------------------------------------------------------------

interface ScaleResult {
  apps: number;
  seedSeconds: number;
  startup: { apps: number; ms: number; rssMiB: number }[];
  rssAfterMiB: number;
  rows: { name: string; small: Series; large: Series }[];
  walk: { pages: number; seconds: number; firstMs: number; middleMs: number; lastMs: number };
}

async function startupOf(dataDir: string, port: number, apps: number): Promise<{ apps: number; ms: number; rssMiB: number }> {
  const samples: { ms: number; rssMiB: number }[] = [];
  for (let attempt = 0; attempt < (quick ? 1 : 3); attempt++) {
    const server = await startPartnerplane({ dataDir, port });
    samples.push({ ms: server.startupMs, rssMiB: server.rssMiB() });
    await server.stop();
  }
  return { apps, ms: median(samples.map((sample) => sample.ms)), rssMiB: median(samples.map((sample) => sample.rssMiB)) };
}

/** Pages through every app with MaxResults 100 (or only the first `pageLimit` pages), timing each page. */
async function walk(endpoint: Endpoint, apps: number, pageLimit = Infinity) {
  const pageMs: number[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  const started = performance.now();
  do {
    const request = await signCall(endpoint, 'ListPartnerApps', { MaxResults: 100, ...(token && { NextToken: token }) });
    const { host: _host, ...headers } = request.headers;
    const sent = performance.now();
    const response = await fetch(`http://${endpoint.hostname}:${endpoint.port}/`, { method: 'POST', headers, body: request.body });
    const page = (await response.json()) as { Summaries: { Arn: string }[]; NextToken?: string };
    pageMs.push(performance.now() - sent);
    if (response.status !== 200) throw new Error(`ListPartnerApps answered ${response.status} during the walk`);
    for (const summary of page.Summaries) seen.add(summary.Arn);
    token = page.NextToken;
  } while (token && pageMs.length < Math.min(pageLimit, apps));
  if (pageLimit === Infinity && seen.size !== apps) throw new Error(`the walk saw ${seen.size} distinct apps of ${apps}`);
  const tenth = Math.max(1, Math.floor(pageMs.length / 10));
  const middleStart = Math.floor((pageMs.length - tenth) / 2);
  return {
    pages: pageMs.length,
    seconds: (performance.now() - started) / 1000,
    firstMs: median(pageMs.slice(0, tenth)),
    middleMs: median(pageMs.slice(middleStart, middleStart + tenth)),
    lastMs: median(pageMs.slice(-tenth)),
  };
}

/**
 * Describes every one of `apps` seeded apps once, CONNECTIONS at a time: afterwards the server has
 * read each of them (a serving SQLite store keeps the apps it has read in memory).
 */
async function describeEach(endpoint: Endpoint, apps: number): Promise<void> {
  let next = 0;
  const reader = async () => {
    while (next < apps) await callOk(endpoint, 'DescribePartnerApp', { Arn: seededArn(next++) });
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, reader));
}

async function scale(): Promise<ScaleResult> {
  const dirs = { empty: path.join(workDir, 'empty'), small: path.join(workDir, 'small'), large: path.join(workDir, 'large') };
  const smallPort = await freePort();
  const largePort = await freePort();
  const seedStart = performance.now();
  await seedApps(dirs.large, SCALE_APPS, `http://127.0.0.1:${largePort}`);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  await seedApps(dirs.small, SMALL_APPS, `http://127.0.0.1:${smallPort}`);
  progress(`scale: seeded ${SCALE_APPS} apps in ${seedSeconds.toFixed(1)} s; measuring start-up`);

  const startup = [await startupOf(dirs.empty, await freePort(), 0), await startupOf(dirs.large, largePort, SCALE_APPS)];
  const small = await startPartnerplane({ dataDir: dirs.small, port: smallPort });
  const large = await startPartnerplane({ dataDir: dirs.large, port: largePort });
  try {
    // Describe spreads over the whole data set, so the large one cannot be served from a hot corner:
    // from a fresh start many of its reads are of apps not read before, which come from SQLite.
    // Then again once every app has been read: then only the number of apps stored differs.
    const spread = (apps: number) => (n: number) => ({ Arn: seededArn((n * 7919) % apps) });
    const describe = { small: { operation: 'DescribePartnerApp', input: spread(SMALL_APPS) }, large: { operation: 'DescribePartnerApp', input: spread(SCALE_APPS) } };
    const cases: { name: string; small: Call; large: Call; readFirst?: boolean }[] = [
      { name: 'DescribePartnerApp, from a fresh start', ...describe },
      { name: 'DescribePartnerApp, every app read once before', ...describe, readFirst: true },
      { name: 'ListPartnerApps (page of 100)', small: { operation: 'ListPartnerApps', input: () => ({ MaxResults: 100 }) }, large: { operation: 'ListPartnerApps', input: () => ({ MaxResults: 100 }) } },
    ];
    const rows: ScaleResult['rows'] = [];
    // Each case's pools are sized from the rate the case before reached: a guess far below it made
    // each warm-up outrun its pool twice, signing and running the round again each time.
    let rateSeen = 5_000;
    for (const { name, small: smallCall, large: largeCall, readFirst } of cases) {
      progress(`scale: ${name} with ${SMALL_APPS} and with ${SCALE_APPS} apps`);
      if (readFirst) await Promise.all([describeEach(small.endpoint, SMALL_APPS), describeEach(large.endpoint, SCALE_APPS)]);
      const sequences = { small: new Sequence(), large: new Sequence() };
      let expected = await rounds.warmUp(small, smallCall, sequences.small, rateSeen, `warm-up ${SMALL_APPS}`);
      expected = Math.max(expected, await rounds.warmUp(large, largeCall, sequences.large, expected, `warm-up ${SCALE_APPS}`));
      rateSeen = expected;
      const row = { name, small: emptySeries(), large: emptySeries() };
      for (let round = 1; round <= ROUNDS; round++) {
        const onSmall = await rounds.signed(small, smallCall, sequences.small, expected, SECONDS);
        const onLarge = await rounds.signed(large, largeCall, sequences.large, expected, SECONDS);
        expected = Math.max(expected, onSmall.requestsPerSecond, onLarge.requestsPerSecond);
        record(row.small, onSmall);
        record(row.large, onLarge);
        progress(describeRound(`${SMALL_APPS} apps`, onSmall));
        progress(describeRound(`${SCALE_APPS} apps`, onLarge));
      }
      rows.push(row);
    }
    progress(`scale: paging through ${SCALE_APPS} apps`);
    await walk(large.endpoint, SCALE_APPS, 20);
    const walked = await walk(large.endpoint, SCALE_APPS);
    return { apps: SCALE_APPS, seedSeconds, startup, rssAfterMiB: large.rssMiB(), rows, walk: walked };
  } finally {
    await small.stop();
    await large.stop();
  }
}

// ---- report ------------------------------------------------------------------------------------

function mainTable(results: WorkloadResult[]): string {
  const rows = results.map(({ workload, ours, bare, ratios, moto }) => {
    const o = summary(ours);
    const b = summary(bare);
    const m = moto && summary(moto);
    return [
      workload.name,
      fixed(o.rps),
      fixed(o.p50, 2),
      fixed(o.p99, 2),
      fixed(o.cpuUs),
      fixed(b.rps),
      fixed(b.p50, 2),
      fixed(b.p99, 2),
      fixed(b.cpuUs),
      percent(median(ratios)),
      m ? `${workload.moto!.operation} ${fixed(m.rps)}` : '—',
      m ? times(o.rps / m.rps) : '—',
    ];
  });
  return table(['Operation', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'bare req/s', 'bare p50', 'bare p99', 'bare CPU µs/req', 'ours / bare', 'moto req/s', 'ours / moto'], rows);
}

function scaleReport(result: ScaleResult): string {
  const lines = [
    table(
      ['Operation', `req/s, ${SMALL_APPS} apps`, `p50 ms, ${SMALL_APPS}`, `CPU µs/req, ${SMALL_APPS}`, `req/s, ${result.apps} apps`, `p50 ms, ${result.apps}`, `CPU µs/req, ${result.apps}`, `req/s ${result.apps} / ${SMALL_APPS}`],
      result.rows.map(({ name, small, large }) => {
        const s = summary(small);
        const l = summary(large);
        // As in the main table, a ratio per round (the two servers' rounds run back to back) and
        // its median: the machine's drift over a round pair is small, over the whole part not.
        const ratios = large.rps.map((rps, round) => rps / small.rps[round]!);
        return [name, fixed(s.rps), fixed(s.p50, 2), fixed(s.cpuUs), fixed(l.rps), fixed(l.p50, 2), fixed(l.cpuUs), percent(median(ratios))];
      }),
    ),
    '',
    table(
      ['Apps stored', 'start-up ms', 'RSS at start MiB'],
      result.startup.map(({ apps, ms, rssMiB }) => [String(apps), fixed(ms), fixed(rssMiB)]),
    ),
    '',
    `RSS with ${result.apps} apps after the rounds and the walk: ${fixed(result.rssAfterMiB)} MiB (seeding took ${result.seedSeconds.toFixed(1)} s).`,
    `Paging through all ${result.apps} apps, 100 a page: ${result.walk.pages} pages in ${result.walk.seconds.toFixed(1)} s; ` +
      `median ms per page in the first tenth ${fixed(result.walk.firstMs, 2)}, middle tenth ${fixed(result.walk.middleMs, 2)}, last tenth ${fixed(result.walk.lastMs, 2)}.`,
  ];
  return lines.join('\n');
}

/** What the budget allows beyond the ratios: memory and start-up with SCALE_BUDGET_APPS apps stored. */
const RSS_BUDGET_MIB = 150;
const STARTUP_BUDGET_MS = 300;
const SCALE_BUDGET_APPS = 100_000;
const POSTGRES_FLOORS: Record<string, number> = { DescribePartnerApp: 0.5, CreatePartnerApp: 0.5 };

class Verdict {
  readonly lines: string[] = [];
  met = true;

  check(label: string, ok: boolean): void {
    this.met &&= ok;
    this.lines.push(`- ${ok ? 'met' : 'MISSED'}: ${label}`);
  }
}

function budget(results: WorkloadResult[], scaled: ScaleResult | undefined): Verdict {
  const verdict = new Verdict();
  for (const result of results) {
    const { floor, name, moto } = result.workload;
    const ratio = median(result.ratios);
    if (floor !== undefined) verdict.check(`${name} at ${percent(ratio)} of the bare server (budget ≥ ${percent(floor)})`, ratio >= floor);
    // Only when moto was measured (not with --skip-moto).
    if (moto && result.moto) {
      const versusMoto = summary(result.ours).rps / summary(result.moto).rps;
      verdict.check(`${name} at ${times(versusMoto)} moto's ${moto.operation} (budget ≥ 10×)`, versusMoto >= 10);
    }
  }
  // Judged only at the size the budget names (the smoke test scales to a few hundred apps).
  if (scaled && scaled.apps === SCALE_BUDGET_APPS) {
    verdict.check(`RSS ${fixed(scaled.rssAfterMiB)} MiB with ${scaled.apps} apps, every one read and described (budget ≤ ${RSS_BUDGET_MIB} MiB)`, scaled.rssAfterMiB <= RSS_BUDGET_MIB);
    const startup = scaled.startup.find((entry) => entry.apps === scaled.apps)!;
    verdict.check(`start-up ${fixed(startup.ms)} ms with ${scaled.apps} apps (budget < ${STARTUP_BUDGET_MS} ms)`, startup.ms < STARTUP_BUDGET_MS);
  }
  return verdict;
}

function postgresBudget(results: PostgresResult[]): Verdict {
  const verdict = new Verdict();
  for (const result of results) {
    const floor = POSTGRES_FLOORS[result.operation];
    if (floor === undefined || result.replicas !== 1) continue;
    const ratio = median(result.ratios);
    verdict.check(`${result.operation} on PostgreSQL at ${percent(ratio)} of pgbench with the same statements (budget ≥ ${percent(floor)})`, ratio >= floor);
  }
  return verdict;
}

function postgresTable(results: PostgresResult[]): string {
  const rows = results.map(({ operation, replicas, ours, pgbench, ratios }) => {
    const o = summary(ours);
    const p = summary(pgbench);
    return [operation, String(replicas), fixed(o.rps), fixed(o.p50, 2), fixed(o.p99, 2), fixed(o.cpuUs), fixed(p.rps), fixed(p.p50, 2), percent(median(ratios))];
  });
  return table(['Operation', 'replicas', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'pgbench tps', 'pgbench latency ms', 'ours / pgbench'], rows);
}

// ---- main --------------------------------------------------------------------------------------

const settingsText = () => Object.entries(BENCH_SETTINGS).map(([flag, value]) => `${flag} ${value}`).join(' ');
const roundsText = () =>
  `Each round: wrk, 1 thread, ${CONNECTIONS} connections, ${SECONDS} s, every request distinct and SigV4-signed beforehand; ${ROUNDS} rounds each, medians shown.`;

/** The SQLite run: against the bare server, moto, and the scale part. */
async function sqliteRun(header: string[]): Promise<{ report: string[]; verdict: Verdict }> {
  const dataDir = path.join(workDir, 'main');
  const port = await freePort();
  await seedApps(dataDir, SEEDED_APPS, `http://127.0.0.1:${port}`);
  const profileDir = args['cpu-prof'] && path.resolve(args['cpu-prof']);
  const server = await startPartnerplane({ dataDir, port, cpuProfileDir: profileDir });
  progress(`partnerplane up in ${server.startupMs.toFixed(0)} ms with ${SEEDED_APPS} apps; data on ${filesystemOf(dataDir)}`);
  const results: WorkloadResult[] = [];
  try {
    for (const workload of selected) results.push(await againstBare(server, workload));
  } finally {
    await server.stop();
  }
  if (profileDir) progress(`CPU profile of the server written to ${profileDir}`);
  if (!args['skip-moto']) await againstMoto(results);
  const scaled = args['skip-scale'] ? undefined : await scale();
  const docker = args['skip-docker'] ? undefined : await dockerBench({ sequential: quick ? 2 : 20, concurrent: quick ? 3 : 50, workDir, progress });
  const report = [
    ...header,
    roundsText(),
    `partnerplane: SQLite (WAL, every write flushed to disk before its answer) on ${filesystemOf(dataDir)}, ${SEEDED_APPS} apps seeded, ${settingsText()}.`,
    '',
    mainTable(results),
  ];
  if (scaled) report.push('', `### With ${SMALL_APPS} and with ${scaled.apps} apps stored`, '', scaleReport(scaled));
  if (docker) report.push('', '### Apps on the docker runtime', '', docker);
  return { report, verdict: budget(results, scaled) };
}

/** The PostgreSQL run: each operation on one replica and on three, against pgbench. */
async function postgresRun(header: string[]): Promise<{ report: string[]; verdict: Verdict }> {
  const databaseUrl = args['database-url'] ?? process.env.PARTNERPLANE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const operations = [...new Set(selected.map((workload) => workload.partnerplane.operation))];
  const results = await postgresBench({ databaseUrl, rounds, seconds: SECONDS, roundCount: ROUNDS, warmupSeconds: WARMUP_SECONDS, seededApps: SEEDED_APPS, operations, workDir, progress });
  const report = [
    ...header,
    roundsText(),
    `partnerplane: PostgreSQL at ${withoutPassword(databaseUrl)} (a schema of the run's own), ${SEEDED_APPS} apps seeded, ${settingsText()}; three replicas behind a round-robin TCP splitter.`,
    `pgbench: the PostgreSQL store's statements for each operation as a custom script, prepared, one thread, as many sessions as the replicas' pools hold (10 each).`,
    '',
    postgresTable(results),
  ];
  return { report, verdict: postgresBudget(results) };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
  const othersBusy = await busyShare(2000);
  const header = [`Machine: ${describeMachine()}.`, `Before the run, other processes kept ${percent(othersBusy)} of the CPU busy; load average ${loadAverage()}.`];
  progress(header.join(' '));
  const { report, verdict } = args.store === 'postgres' ? await postgresRun(header) : await sqliteRun(header);
  report.splice(header.length, 0, `After the run: load average ${loadAverage()}.`);
  if (verdict.lines.length) report.push('', 'Budget:', ...verdict.lines);
  console.log(['## partnerplane bench', '', ...report].join('\n'));
  if (args['check-budget'] && !verdict.met) process.exitCode = 1;
}

await main();
