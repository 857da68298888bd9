import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock, wallClock } from '../../src/clock.js';
import type { Advance } from '../../src/domain/lifecycle.js';
import type { PartnerApp } from '../../src/domain/partnerApp.js';
import { createLogger } from '../../src/logger.js';
import { Reconciler } from '../../src/reconciler/reconciler.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { storedApp } from '../helpers/apps.js';

const lifecycle = { deletedRetentionMs: 60_000, gatewayBaseUrl: () => 'http://127.0.0.1/', versions: () => [], upgradeDelayMs: () => 1_000 };

/**
 * A store holding `apps` due, whose runDueTransitions calls advance `runs` times for each (as the
 * SQLite store does when its group commit runs a group again), then stores them or throws `failure`.
 */
function storeWithDueApps(apps: PartnerApp[], runs: number, failure?: Error) {
  let due = apps;
  const store = {
    async runDueTransitions(_now: number, _limit: number, advance: (app: PartnerApp) => Advance): Promise<number> {
      for (let run = 0; run < runs; run++) for (const app of due) advance(app);
      if (failure) throw failure;
      const stored = due.length;
      due = [];
      return stored;
    },
    nextDueAt: async () => undefined,
    purgeExpired: async () => undefined,
  };
  return store as unknown as Store;
}

async function lagsObserved(store: Store): Promise<number[]> {
  const lags: number[] = [];
  const reconciler = new Reconciler({
    store,
    lifecycle,
    pollIntervalMs: 60_000,
    clock: wallClock,
    logger: createLogger('silent'),
    observeLag: (lateByMs) => lags.push(lateByMs),
  });
  reconciler.start();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await reconciler.stop();
  return lags;
}

test('the reconciler observes the lag of each stored transition once, however often the store advanced it', async () => {
  const dueAt = Date.now() - 1_000;
  const apps = [storedApp({ dueAt }), storedApp({ dueAt })];
  const lags = await lagsObserved(storeWithDueApps(apps, 2));
  assert.equal(lags.length, 2);
  for (const lateByMs of lags) assert.ok(lateByMs >= 1_000, `${lateByMs} ms late`);
});

test('transitions the store failed to keep are not observed', async () => {
  const apps = [storedApp({ dueAt: Date.now() - 1_000 })];
  assert.deepEqual(await lagsObserved(storeWithDueApps(apps, 1, new Error('disk full'))), []);
});

/** Waits (in real time) until `check` holds, for what a timer of the test clock set off. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`never happened: ${what}`);
}

test('on a test clock, transitions fall due when the clock is moved, not when real time passes', async () => {
  const clock = new TestClock(Date.UTC(2030, 0, 6, 1, 0));
  const store = openSqliteStore(':memory:');
  const reconciler = new Reconciler({ store, lifecycle, pollIntervalMs: 3_600_000, clock, logger: createLogger('silent') });
  try {
    const app = storedApp({ creationTime: clock.now(), lastModifiedTime: clock.now(), dueAt: clock.now() + 5_000 });
    assert.deepEqual(await store.createApp({ app, tags: [], maxAppsPerAccount: 10 }), { outcome: 'done' });
    reconciler.start();
    reconciler.wake(app.dueAt!);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await store.getApp(app.arn))?.status, 'Creating', 'no clock time has passed');

    clock.advance(4_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await store.getApp(app.arn))?.status, 'Creating', 'a millisecond before it is due');

    clock.advance(1);
    await eventually(async () => (await store.getApp(app.arn))?.status === 'Available', 'the app became Available');
    const created = (await store.getApp(app.arn))!;
    assert.equal(created.lastModifiedTime, app.dueAt, 'the transition is stamped with the clock time it ran at');

    // Deleted apps are forgotten after the retention, by the same clock (the poll finds the due time).
    assert.deepEqual(
      await store.startTransition({ arn: app.arn, from: ['Available'], to: 'Deleting', dueAt: clock.now() + 1_000, lastModifiedTime: clock.now(), failTransition: false, maxTags: 50 }),
      { outcome: 'done' },
    );
    reconciler.wake(clock.now() + 1_000);
    clock.advance(1_000);
    await eventually(async () => (await store.getApp(app.arn))?.status === 'Deleted', 'the app became Deleted');
    clock.advance(lifecycle.deletedRetentionMs);
    await eventually(async () => (await store.getApp(app.arn)) === undefined, 'the deleted app was forgotten');
  } finally {
    await reconciler.stop();
    await store.close();
  }
});
