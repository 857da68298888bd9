/** Waiting for the reconciler of a server on a test clock, before the test moves the clock on. */
import assert from 'node:assert/strict';
import type { TestClock } from '../../src/clock.js';
import type { Store } from '../../src/store/store.js';

/**
 * Until the reconciler (or the reconcilers of replicas sharing `store` and `clock`) has done all
 * that was due by the clock's time, and has armed itself for what is next: its passes run on the
 * database, not on the clock, and a timer set only after the clock moved past its time would run
 * the work late, stamped with the later time.
 */
export async function reconciled(store: Store, clock: TestClock): Promise<void> {
  for (let attempt = 0; attempt < 3000; attempt++) {
    const next = await store.nextDueAt();
    if (next === undefined || (next > clock.now() && (clock.nextTimerAt() ?? Infinity) <= next)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`the reconciler never caught up with ${new Date(clock.now()).toISOString()}`);
}
