/**
 * The PostgreSQL part of the bench's yardstick: a schema of its own for each run, apps seeded into
 * it through the store's schema and row mapping, and pgbench running, as raw SQL, the statements
 * the PostgreSQL store runs for each operation (src/store/postgresStatements.ts), with the values
 * a real call of that operation gave them.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { migratePostgres } from '../../src/store/postgres.js';
import { POSTGRES_ONLY_STATEMENTS, POSTGRES_STATEMENTS, type PostgresOnlyStatement } from '../../src/store/postgresStatements.js';
import type { StatementName } from '../../src/store/statements.js';
import { APP_COLUMNS, appToRow } from '../../src/store/rows.js';
import { builtInCatalog } from '../../src/catalog/builtin.js';
import { BENCH_ACCOUNT, seededApp, seededArn } from './seed.js';
import { queryOnce, withSearchPath } from '../../test/helpers/postgres.js';

export interface BenchSchema {
  /** The database URL whose connections use the schema (search_path). */
  url: string;
  drop(): Promise<void>;
}

/** A fresh schema in the database at `databaseUrl`, migrated by the store's own migrations. */
export async function createBenchSchema(databaseUrl: string): Promise<BenchSchema> {
  const schema = `partnerplane_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await queryOnce(databaseUrl, `CREATE SCHEMA ${schema}`);
  const url = withSearchPath(databaseUrl, schema);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migratePostgres(pool);
  } finally {
    await pool.end();
  }
  return {
    url,
    drop: () => queryOnce(databaseUrl, `DROP SCHEMA ${schema} CASCADE`),
  };
}

const SEED_BATCH = 500;

/** Adds `count` Available apps (seededArn(0) … seededArn(count - 1)) to the schema at `url`. */
export async function seedPostgres(url: string, count: number, publicUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = APP_COLUMNS.split(',').length;
    const start = Date.now() - count;
    await client.query('BEGIN');
    for (let first = 0; first < count; first += SEED_BATCH) {
      const rows = Array.from({ length: Math.min(SEED_BATCH, count - first) }, (_, offset) => appToRow(seededApp(first + offset, publicUrl, start + first + offset)));
      const values = rows.map((_, row) => `(${Array.from({ length: columns }, (_, column) => `$${row * columns + column + 1}`).join(', ')})`);
      await client.query(`INSERT INTO apps (${APP_COLUMNS}) VALUES ${values.join(', ')}`, rows.flat());
    }
    await client.query('INSERT INTO account_usage (account_id, live_apps) VALUES ($1, $2)', [BENCH_ACCOUNT, count]);
    await client.query('UPDATE maintenance_plan SET catalog = $1', [builtInCatalog.maintenanceFingerprint()]);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

/** Raw SQL: a pgbench expression, e.g. one built from a `\set` variable. */
export class Sql {
  constructor(readonly text: string) {}
}

/**
 * A value as SQL in a pgbench script: Sql as it is, anything else as a literal. pgbench reads
 * `:name` in a command as a variable, so a string with a colon in it is written as an escape
 * string with the colon escaped.
 */
function sqlOf(value: unknown): string {
  if (value instanceof Sql) return value.text;
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return `ARRAY[${value.map(sqlOf).join(', ')}]`;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const text = String(value).replaceAll("'", "''");
  return /[:\\]/.test(text) ? `E'${text.replaceAll('\\', '\\\\').replaceAll(':', '\\x3a')}'` : `'${text}'`;
}

/** The store's statement with its parameters given (values as literals, Sql as it is), as one pgbench command. */
export function statement(name: StatementName | PostgresOnlyStatement, values: readonly unknown[]): string {
  const sql = name in POSTGRES_ONLY_STATEMENTS ? POSTGRES_ONLY_STATEMENTS[name as PostgresOnlyStatement] : POSTGRES_STATEMENTS[name as StatementName];
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return `${oneLine.replace(/\$(\d+)/g, (_, position: string) => `(${sqlOf(values[Number(position) - 1])})`)};`;
}

/** A string as an SQL literal pgbench leaves alone, to be joined with an expression. */
export const literal = (value: string): Sql => new Sql(sqlOf(value));

/** The ARN of the seeded app numbered by the pgbench variable `variable` (seededArn's form, built in SQL). */
export function seededArnSql(variable: string): Sql {
  const prefix = seededArn(0).slice(0, -12);
  return new Sql(`${sqlOf(prefix)} || lpad(:${variable}::text, 12, '0')`);
}

export interface PgbenchResult {
  transactionsPerSecond: number;
  latencyMs: number;
}

/**
 * Runs `script` with pgbench for `seconds`: `clients` sessions, one thread, prepared statements (as
 * the store's named statements are), against the schema at `url`.
 */
export function runPgbench(url: string, scriptFile: string, script: string, clients: number, seconds: number): Promise<PgbenchResult> {
  fs.writeFileSync(scriptFile, script);
  const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', '1', '-T', String(seconds), '-f', scriptFile, url];
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.once('error', (error) => reject(new Error(`could not run pgbench (apt-get install -y postgresql-client): ${error.message}`)));
    child.once('exit', (code) => {
      const tps = /^tps = ([\d.]+)/m.exec(output);
      const latency = /^latency average = ([\d.]+) ms/m.exec(output);
      const failed = /^number of failed transactions: (\d+)/m.exec(output);
      if (code !== 0 || !tps || !latency || (failed && failed[1] !== '0') || /aborted/.test(output)) {
        return reject(new Error(`pgbench failed (${code}):\n${output}\nscript:\n${script}`));
      }
      resolve({ transactionsPerSecond: Number(tps[1]), latencyMs: Number(latency[1]) });
    });
  });
}
