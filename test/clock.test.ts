import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMovable, OffsetClock, TestClock, wallClock } from '../src/clock.js';

test('a test clock stands still until it is moved, and runs the timers it passes in the order of their times', () => {
  const clock = new TestClock(1_000);
  const fired: [string, number][] = [];
  clock.at(1_300, () => fired.push(['third', clock.now()]));
  clock.at(1_100, () => fired.push(['first', clock.now()]));
  const cancelled = clock.at(1_150, () => fired.push(['cancelled', clock.now()]));
  clock.at(1_200, () => {
    fired.push(['second', clock.now()]);
    // A timer set by a timer runs in the same move when it falls due within it.
    clock.at(1_250, () => fired.push(['set by second', clock.now()]));
  });
  clock.at(5_000, () => fired.push(['later', clock.now()]));
  cancelled.cancel();

  assert.equal(clock.now(), 1_000);
  clock.advance(400);
  assert.equal(clock.now(), 1_400);
  assert.deepEqual(fired, [
    ['first', 1_100],
    ['second', 1_200],
    ['set by second', 1_250],
    ['third', 1_300],
  ]);
  assert.throws(() => clock.advance(-1), RangeError);
});

test('a timer already due on a test clock runs on the next turn, unless cancelled first', async () => {
  const clock = new TestClock(1_000);
  const fired: string[] = [];
  clock.at(1_000, () => fired.push('due now'));
  clock.at(900, () => fired.push('overdue')).cancel();
  assert.deepEqual(fired, [], 'not while the caller is still running');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(fired, ['due now']);
  clock.advance(1_000);
  assert.deepEqual(fired, ['due now'], 'each timer runs once');
});

test('the wall clock runs a timer at its time', async () => {
  const started = Date.now();
  const firedAt = await new Promise<number>((resolve) => wallClock.at(started + 30, () => resolve(Date.now())));
  // Less one millisecond: Date.now() and node's timers round differently.
  assert.ok(firedAt - started >= 29, `fired ${firedAt - started} ms after it was set for 30`);
  let ran = false;
  wallClock.at(Date.now() + 10, () => (ran = true)).cancel();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(ran, false, 'a cancelled timer does not run');
});

test('an offset clock flows with the wall clock, jumps forward when moved, and runs the timers it passes, in order', async () => {
  const clock = new OffsetClock();
  const start = clock.now();
  assert.ok(Math.abs(start - Date.now()) < 50);
  const fired: string[] = [];
  clock.at(start + 3_600_000, () => fired.push('in an hour'));
  clock.at(start + 60_000, () => fired.push('in a minute'));
  const tomorrow = clock.at(start + 86_400_000, () => fired.push('tomorrow'));
  clock.at(start + 120_000, () => fired.push('cancelled')).cancel();
  clock.advance(2 * 3_600_000);
  assert.ok(clock.now() - start >= 2 * 3_600_000);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(fired, ['in a minute', 'in an hour']);
  assert.ok(isMovable(clock) && isMovable(new TestClock()) && !isMovable(wallClock));
  assert.throws(() => clock.advance(-1), RangeError);
  tomorrow.cancel();
});
