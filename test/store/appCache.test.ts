/**
 * A serving SQLite store reads apps through its AppCache: every way the store writes an app's row
 * must show in the next read, and no second server may change the database behind it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { PartnerApp } from '../../src/domain/partnerApp.js';
import { AppCache } from '../../src/store/appCache.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { storedApp } from '../helpers/apps.js';
import { tempDir } from '../helpers/server.js';

/** Times fixed, so the tests can say when a transition falls due. */
const newApp = (name: string): PartnerApp => storedApp({ name, creationTime: 1_000, lastModifiedTime: 1_000, dueAt: 2_000 });

async function withServingStore(run: (store: SqliteStore, file: string) => Promise<void>): Promise<void> {
  const dir = tempDir();
  // A data directory not made yet, as on a first `serve`.
  const file = path.join(dir, 'data', 'partnerplane.sqlite');
  const store = openSqliteStore(file, { serving: true });
  try {
    await run(store, file);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one statement on a connection of its own, as anything but the store would. */
function runBehindTheStore(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

test('AppCache holds at most its capacity, making room with the oldest entry', () => {
  const cache = new AppCache(2);
  const [first, second, third] = ['a', 'b', 'c'].map(newApp) as [PartnerApp, PartnerApp, PartnerApp];
  // Each read from the database is a fresh copy, which the cache takes over.
  const remember = (app: PartnerApp) => cache.remember(structuredClone(app));
  remember(first);
  remember(second);
  remember(first);
  assert.equal(cache.size, 2, 'remembering a held app again takes no room');
  remember(third);
  assert.equal(cache.size, 2);
  assert.equal(cache.get(first.arn), undefined, 'the oldest entry made room');
  assert.deepEqual(cache.get(second.arn), second);
  assert.deepEqual(cache.get(third.arn), third);
});

test('AppCache hands every reader the same app, frozen to its leaves', () => {
  const cache = new AppCache();
  const plain = newApp('shared');
  const app = { ...plain, settings: { ...plain.settings, MaintenanceConfig: { MaintenanceWindowStart: 'Sun:01:00' } } };
  cache.remember(app);
  const first = cache.get(app.arn)!;
  assert.deepEqual(first, app);
  assert.equal(cache.get(app.arn), first);
  assert.throws(() => ((first as { status: string }).status = 'Failed'), TypeError);
  assert.throws(() => ((first.settings as { Tier: string }).Tier = 'large'), TypeError);
  assert.throws(() => ((first.settings.MaintenanceConfig as { MaintenanceWindowStart: string }).MaintenanceWindowStart = 'Mon:02:00'), TypeError);
  assert.equal(cache.get(app.arn)!.settings.Tier, 'small');
});

test('AppCache keeps one copy of what apps have alike, and each app as it was read', () => {
  const cache = new AppCache();
  const [first, second] = ['a', 'b'].map((name) => newApp(name)) as [PartnerApp, PartnerApp];
  const other = { ...newApp('c'), settings: { ...first.settings, Tier: 'large' } };
  const kept = [first, second, other].map((app) => cache.remember(structuredClone(app)));
  assert.equal(kept[0]!.settings, kept[1]!.settings, 'equal settings are one object');
  assert.equal(kept[1]!.settings, cache.get(second.arn)!.settings);
  assert.notEqual(kept[0]!.settings, kept[2]!.settings);
  assert.deepEqual(kept, [first, second, other], 'each app reads as it was remembered');
  assert.ok(kept.every((app) => Object.isFrozen(app) && Object.isFrozen(app.settings)));
});

test('every write of a serving store shows in its next read of the app', async () => {
  await withServingStore(async (store) => {
    const app = newApp('cached');
    assert.equal((await store.createApp({ app, tags: [], maxAppsPerAccount: 10 })).outcome, 'done');
    assert.equal((await store.getApp(app.arn))?.status, 'Creating');

    assert.equal((await store.armFailure({ arn: app.arn })).valueOf(), 1);
    assert.equal((await store.getApp(app.arn))?.failTransition, true, 'arming one app');

    await store.runDueTransitions(2_000, 10, (due) => ({ kind: 'save', app: { ...due, status: 'Available', dueAt: undefined, failTransition: false } }));
    assert.equal((await store.getApp(app.arn))?.status, 'Available', 'a transition applied by the reconciler');

    await store.armFailure({ type: 'comet' });
    assert.equal((await store.getApp(app.arn))?.failTransition, true, 'arming every app of its type');

    const started = await store.startTransition({ arn: app.arn, from: ['Available'], to: 'Updating', dueAt: 3_000, lastModifiedTime: 2_500, failTransition: false, maxTags: 50 });
    assert.equal(started.outcome, 'done');
    assert.equal((await store.getApp(app.arn))?.status, 'Updating', 'a transition started by an operation');

    const snapshot = await store.exportState();
    await store.reset();
    assert.equal(await store.getApp(app.arn), undefined, 'a reset');
    await store.importState(snapshot);
    assert.equal((await store.getApp(app.arn))?.status, 'Updating', 'an import');

    await store.startTransition({ arn: app.arn, from: ['Updating'], to: 'Deleted', dueAt: 4_000, lastModifiedTime: 3_500, failTransition: false, maxTags: 50 });
    assert.equal((await store.getApp(app.arn))?.status, 'Deleted');
    await store.runDueTransitions(4_000, 10, () => ({ kind: 'forget' }));
    assert.equal(await store.getApp(app.arn), undefined, 'an app forgotten after its retention');
  });
});

test('every write of a serving store shows in its next page of apps, and a page is kept until one', async () => {
  await withServingStore(async (store) => {
    const app = newApp('listed');
    const listed = async () => {
      const page = await store.listApps(app.accountId, app.region, { limit: 10 });
      assert.equal(await store.listApps(app.accountId, app.region, { limit: 10 }), page, 'the same page again while nothing changed');
      return page.items.map((summary) => `${summary.name} ${summary.status}`);
    };
    assert.deepEqual(await listed(), []);
    await store.createApp({ app, tags: [], maxAppsPerAccount: 10 });
    assert.deepEqual(await listed(), ['listed Creating'], 'a new app');
    await store.runDueTransitions(2_000, 10, (due) => ({ kind: 'save', app: { ...due, status: 'Available', dueAt: undefined } }));
    assert.deepEqual(await listed(), ['listed Available'], 'a transition applied by the reconciler');
    await store.startTransition({ arn: app.arn, from: ['Available'], to: 'Updating', dueAt: 3_000, lastModifiedTime: 2_500, failTransition: false, maxTags: 50 });
    assert.deepEqual(await listed(), ['listed Updating'], 'a transition started by an operation');
    const snapshot = await store.exportState();
    await store.reset();
    assert.deepEqual(await listed(), [], 'a reset');
    await store.importState(snapshot);
    assert.deepEqual(await listed(), ['listed Updating'], 'an import');
    await store.runDueTransitions(3_000, 10, () => ({ kind: 'forget' }));
    assert.deepEqual(await listed(), [], 'an app forgotten');
  });
});

test('a write rolled back after it saved the app leaves no stale app behind', async () => {
  await withServingStore(async (store, file) => {
    const app = newApp('rolled-back');
    await store.createApp({ app, tags: [], maxAppsPerAccount: 10 });
    assert.equal((await store.getApp(app.arn))?.status, 'Creating');
    runBehindTheStore(file, "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
    // The app is saved first, then its audit record is refused: the whole write is rolled back.
    const audit = { time: 2_500, operation: 'UpdatePartnerApp', requestId: 'r', outcome: 'Success' };
    await assert.rejects(
      store.startTransition({ arn: app.arn, from: ['Creating'], to: 'Updating', dueAt: 3_000, lastModifiedTime: 2_500, failTransition: false, maxTags: 50, audit }),
      /audit refused/,
    );
    assert.equal((await store.getApp(app.arn))?.status, 'Creating');
  });
});

test('a serving store answers a read of an app it has read from memory, not from the database', async () => {
  await withServingStore(async (store, file) => {
    const app = newApp('in memory');
    await store.createApp({ app, tags: [], maxAppsPerAccount: 10 });
    assert.equal((await store.getApp(app.arn))?.status, 'Creating');
    // A change behind the store's back, which the hold on the database exists to rule out.
    runBehindTheStore(file, "UPDATE apps SET status = 'Available' WHERE arn = ?", app.arn);
    assert.equal((await store.getApp(app.arn))?.status, 'Creating');
  });
});

test('a second server on the same SQLite database is refused, in this process or by `partnerplane serve`, until the first closes', async () => {
  await withServingStore(async (_store, file) => {
    assert.throws(() => openSqliteStore(file, { serving: true }), /is being served by another partnerplane server/);
    const other = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--data-dir', path.dirname(file)], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PARTNERPLANE_DATABASE_URL: '' },
    });
    assert.equal(other.status, 2, other.stderr);
    assert.equal(
      other.stderr.trim(),
      `partnerplane: ${file} is being served by another partnerplane server (it holds ${file}-serving); one SQLite database serves one server, several share PostgreSQL`,
    );
    // Reading it, as `partnerplane audit` does, needs no hold.
    const reader = openSqliteStore(file);
    await reader.close();
  });
});
