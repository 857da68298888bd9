/** WAL checkpoints made by a worker thread, not by the connection that serves requests. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Checkpointer } from '../../src/store/checkpointer.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { storedApp } from '../helpers/apps.js';
import { tempDir } from '../helpers/server.js';

/**
 * Apps in the database file itself, leaving aside what only the WAL holds; undefined when the copy
 * caught the worker halfway through writing the file's pages (then SQLite finds the copy corrupt).
 */
function appsInDatabaseFile(file: string, copyDir: string): number | undefined {
  const copy = path.join(copyDir, 'copy.sqlite');
  fs.copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    // Before the first checkpoint even the schema is only in the WAL.
    const hasApps = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'apps'").pluck().get();
    return hasApps ? (db.prepare('SELECT count(*) FROM apps').pluck().get() as number) : 0;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CORRUPT') return undefined;
    throw error;
  } finally {
    db.close();
  }
}

test('writes reach the database file by a checkpoint the serving connection does not make', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'partnerplane.sqlite');
  const store = openSqliteStore(file);
  try {
    // Far fewer pages than SQLite's own checkpoint threshold (1,000): only the worker moves them.
    for (let index = 0; index < 5; index++) {
      assert.equal((await store.createApp({ app: storedApp({ name: `app${index}` }), tags: [], maxAppsPerAccount: 100 })).outcome, 'done');
    }
    const deadline = Date.now() + 5_000;
    while ((appsInDatabaseFile(file, dir) ?? 0) < 5) {
      assert.ok(Date.now() < deadline, 'the apps reached the database file within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that fails hands checkpoints back to the serving connection and says so', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'moved.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // The worker opens the file by name: once it is gone, the worker cannot start.
  fs.renameSync(file, path.join(dir, 'elsewhere.sqlite'));
  let reportFailure!: (error: Error) => void;
  const failure = new Promise<Error>((resolve) => (reportFailure = resolve));
  const checkpointer = new Checkpointer(db, reportFailure, () => undefined);
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
  // The worker does not keep the process alive: this timer does, while the test waits.
  const patience = setTimeout(() => reportFailure(new Error('no failure reported within 10 s')), 10_000);
  assert.match((await failure).message, /^SQLITE_CANTOPEN: /);
  clearTimeout(patience);
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  await checkpointer.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('under a steady stream of writes the WAL is started over, not grown without end', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'busy.sqlite');
  const store = openSqliteStore(file);
  try {
    // 25,000 creates write some 100,000 WAL frames (400 MB were the WAL never started over), in
    // groups of 32 with no pause between them for the worker to catch up in.
    for (let batch = 0; batch < 25_000 / 32; batch++) {
      const creates = Array.from({ length: 32 }, (_, index) => store.createApp({ app: storedApp({ name: `app${batch}-${index}` }), tags: [], maxAppsPerAccount: 100_000 }));
      for (const outcome of await Promise.all(creates)) assert.equal(outcome.outcome, 'done');
    }
    const walBytes = fs.statSync(`${file}-wal`).size;
    assert.ok(walBytes < 128 * 1024 * 1024, `the WAL stayed under 128 MB (${(walBytes / 1024 / 1024).toFixed(0)} MB)`);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
