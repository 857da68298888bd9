/**
 * Migrations on the store under test (SQLite, or PostgreSQL in the PostgreSQL run): several runs
 * at once on an empty database apply each migration exactly once between them, as replicas
 * starting together do; `partnerplane migrate` afterwards has nothing to do.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { postgresMigrations } from '../../src/store/migrations/postgres/index.js';
import { sqliteMigrations } from '../../src/store/migrations/sqlite/index.js';
import { migrateStore } from '../../src/store/index.js';
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
