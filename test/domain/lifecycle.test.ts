import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PartnerApp } from '../../src/domain/partnerApp.js';
import { Reconciler } from '../../src/domain/lifecycle.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Advance, Store } from '../../src/store/store.js';
import { storedApp } from '../helpers/apps.js';

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
  const reconciler = new Reconciler(store, { deletedRetentionMs: 60_000, gatewayBaseUrl: () => 'http://127.0.0.1/' }, 60_000, createLogger('silent'), (lateByMs) => lags.push(lateByMs));
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
