/**
 * Migrations on the store under test (SQLite, or PostgreSQL in the PostgreSQL run): several runs
 * at once on an empty database apply each migration exactly once between them, as replicas
 * starting together do; `partnerplane migrate` afterwards has nothing to do; a newer schema is
 * refused before anything is applied.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { postgresMigrations } from '../../src/store/migrations/postgres/index.js';
import { sqliteMigrations } from '../../src/store/migrations/sqlite/index.js';
import { migrateStore } from '../../src/store/index.js';
import { addMigrationFunctions, openSqliteStore, sqlitePathFrom } from '../../src/store/sqlite.js';
import { appToRow } from '../../src/store/rows.js';
import { SQLITE_STATEMENTS } from '../../src/store/sqliteStatements.js';
import { appArn, newAppId, type PartnerApp, type PartnerAppStatus } from '../../src/domain/partnerApp.js';
import { historyTable } from '../../src/store/migrations/migration.js';
import { tempDir } from '../helpers/server.js';
import { freshDataLocation } from '../helpers/serverProcess.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONCURRENT_RUNS = 4;

function migrateCommand(flags: string[]): Promise<{ stdout: string }> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'migrate', ...flags], {
    cwd: ROOT,
    env: { ...process.env, PARTNERPLANE_DATABASE_URL: '', PARTNERPLANE_DATA_DIR: '' },
    timeout: 30_000,
  });
}

test('migrations run several at once apply each migration once; `partnerplane migrate` then has nothing to do', async (t) => {
  const data = await freshDataLocation();
  t.after(() => data.remove());
  const [flag, value] = data.flags as [string, string];
  const config = loadConfig(flag === '--database-url' ? { databaseUrl: value } : { dataDir: value }, {});
  const expected = (data.storeName === 'PostgreSQL' ? postgresMigrations : sqliteMigrations).map((migration) => migration.version);

  // Each run opens its own connections (or file handle), as separate replicas would.
  const runs = await Promise.all(Array.from({ length: CONCURRENT_RUNS }, () => migrateStore(config)));
  assert.deepEqual(
    runs.flatMap((run) => run.applied).sort((a, b) => a - b),
    expected,
  );

  const { stdout } = await migrateCommand(data.flags);
  assert.equal(stdout.trim(), `${data.storeName === 'PostgreSQL' ? 'postgres' : 'sqlite'}: schema already up to date`);
});

test('`partnerplane migrate` on an empty database applies every migration and says which', async (t) => {
  const data = await freshDataLocation();
  t.after(() => data.remove());
  const expected = (data.storeName === 'PostgreSQL' ? postgresMigrations : sqliteMigrations).map((migration) => migration.version);
  const { stdout } = await migrateCommand(data.flags);
  assert.equal(stdout.trim(), `${data.storeName === 'PostgreSQL' ? 'postgres' : 'sqlite'}: applied migrations ${expected.join(', ')}`);
});

test('a database whose schema is newer than this partnerplane knows is refused before anything is applied', async (t) => {
  const data = await freshDataLocation();
  t.after(() => data.remove());
  const [flag, value] = data.flags as [string, string];
  const history = [
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from a later partnerplane', 0)",
  ];
  let appsTableExists: () => Promise<boolean>;
  if (data.storeName === 'PostgreSQL') {
    const client = new pg.Client({ connectionString: value });
    await client.connect();
    t.after(() => client.end());
    for (const sql of history) await client.query(sql);
    appsTableExists = async () => (await client.query("SELECT to_regclass('apps') AS apps")).rows[0].apps !== null;
  } else {
    const db = new Database(sqlitePathFrom(undefined, value));
    t.after(() => db.close());
    for (const sql of history) db.exec(sql);
    appsTableExists = async () => db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'apps'").get() !== undefined;
  }
  const config = loadConfig(flag === '--database-url' ? { databaseUrl: value } : { dataDir: value }, {});
  await assert.rejects(migrateStore(config), /the database has schema version 99, newer than this partnerplane knows \(\d+\)/);
  assert.equal(await appsTableExists(), false, 'no migration was applied');
});

// SQLite's own migrations of data (these run in either run of the suite, on a SQLite file of their own).

/** A SQLite database file with the migrations before `version` applied, open for the test to fill. */
function sqliteBefore(t: TestContext, version: number): { file: string; db: Database.Database } {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = sqlitePathFrom(undefined, dir);
  const db = new Database(file);
  db.exec(historyTable('INTEGER'));
  addMigrationFunctions(db);
  for (const migration of sqliteMigrations.filter((each) => each.version < version)) {
    db.exec(migration.sql);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)').run(migration.version, migration.name);
  }
  return { file, db };
}

test('a SQLite database with ClientToken records of before migration 8 keeps them, found by the key alone', async (t) => {
  const { file, db } = sqliteBefore(t, 8);
  const key = { accountId: '111122223333', region: 'eu-west-1', operation: 'CreatePartnerApp', token: 'made-before-8' };
  const record = { ...key, requestHash: 'hash-1', response: '{"Arn":"first"}', createdAt: 1_700_000_000_000 };
  const insert = db.prepare('INSERT INTO idempotency (account_id, region, operation, token, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  insert.run(key.accountId, key.region, key.operation, key.token, record.requestHash, record.response, record.createdAt);
  insert.run(key.accountId, key.region, 'UpdatePartnerApp', key.token, 'hash-2', '{"Arn":"other"}', record.createdAt + 1);
  db.close();

  const store = openSqliteStore(file);
  t.after(() => store.close());
  assert.deepEqual(await store.findIdempotency(key), record);
  assert.equal((await store.findIdempotency({ ...key, operation: 'UpdatePartnerApp' }))?.response, '{"Arn":"other"}');
  assert.equal(await store.findIdempotency({ ...key, token: 'never-used' }), undefined);
  assert.equal((await store.exportState()).idempotency.length, 2);
});

test('a SQLite database of before migration 9 keeps the names of its apps not Deleted taken, and frees the others', async (t) => {
  const { file, db } = sqliteBefore(t, 9);
  const app = (name: string, status: PartnerAppStatus): PartnerApp => ({
    arn: appArn('us-east-1', '111122223333', newAppId()),
    accountId: '111122223333',
    region: 'us-east-1',
    name,
    type: 'comet',
    status,
    settings: { ExecutionRoleArn: 'arn:aws:iam::111122223333:role/r', Tier: 'small', AuthType: 'IAM' },
    version: '1.1',
    creationTime: 1,
    lastModifiedTime: 1,
    failTransition: false,
  });
  const insert = db.prepare(SQLITE_STATEMENTS.insertApp);
  for (const old of [app('deleted-before', 'Deleted'), app('deleting-before', 'Deleting'), app('available-before', 'Available')]) insert.run(...appToRow(old));
  db.close();

  const store = openSqliteStore(file);
  t.after(() => store.close());
  const create = (name: string) => store.createApp({ app: app(name, 'Creating'), tags: [], maxAppsPerAccount: 10 });
  assert.deepEqual(await create('deleted-before'), { outcome: 'done' });
  assert.deepEqual(await create('deleting-before'), { outcome: 'name-taken' });
  assert.deepEqual(await create('available-before'), { outcome: 'name-taken' });
  assert.deepEqual(await store.countAppsByStatus(), { Available: 1, Creating: 1, Deleted: 1, Deleting: 1 });
});
