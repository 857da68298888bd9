/** The scans of the apps table that /metrics asks for, made off the event loop (store/offLoopReads.ts). */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { SQLITE_STATEMENTS } from '../../src/store/sqliteStatements.js';
import { appToRow } from '../../src/store/rows.js';
import { storedApp } from '../helpers/apps.js';
import { tempDir } from '../helpers/server.js';

const APPS = 100_000;

/** Adds `count` Available apps straight through the schema: creating them one by one would take minutes. */
function seed(file: string, count: number): void {
  const db = new Database(file);
  try {
    const insert = db.prepare(SQLITE_STATEMENTS.insertApp);
    db.transaction(() => {
      for (let index = 0; index < count; index++) insert.run(...appToRow(storedApp({ name: `app${index}`, status: 'Available' })));
    })();
  } finally {
    db.close();
  }
}

/** The longest time the event loop went without running a 1 ms timer while `work` was awaited. */
async function longestPauseDuring(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await work();
    longest = Math.max(longest, performance.now() - last);
  } finally {
    clearInterval(timer);
  }
  return longest;
}

test('counting every app by status and by backend phase leaves the event loop serving', async () => {
  const file = path.join(tempDir(), 'partnerplane.sqlite');
  await openSqliteStore(file).close();
  seed(file, APPS);
  // The same scan on this thread, for scale (the second time, with the file in the page cache):
  // for all of it nothing else runs.
  const reader = new Database(file, { readonly: true });
  const count = reader.prepare(SQLITE_STATEMENTS.countByStatus);
  count.all();
  const started = performance.now();
  count.all();
  const onThisThread = performance.now() - started;
  reader.close();

  const store = openSqliteStore(file);
  try {
    assert.deepEqual(await store.countAppsByStatus(), { Available: APPS });
    assert.deepEqual(await store.countBackendsByPhase(), {});
    // Compared with the scan on this thread, not with a fixed time: a busy machine slows both.
    const pause = await longestPauseDuring(() => store.countAppsByStatus());
    assert.ok(pause < onThisThread / 2, `the event loop paused ${pause.toFixed(1)} ms during the count, which takes ${onThisThread.toFixed(1)} ms on it`);
  } finally {
    await store.close();
  }
});

test('an in-memory store, which a worker cannot open, counts on its own connection', async () => {
  const store = openSqliteStore(':memory:');
  assert.equal((await store.createApp({ app: storedApp(), tags: [], maxAppsPerAccount: 10 })).outcome, 'done');
  assert.deepEqual(await store.countAppsByStatus(), { Creating: 1 });
  await store.close();
});
