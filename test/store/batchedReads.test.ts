/** BatchedReads: the reads asked for in one turn of the event loop go to one read, and each caller gets its own value. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchedReads } from '../../src/store/batchedReads.js';

/** A read of squares that records the keys of each call. */
function squares() {
  const calls: number[][] = [];
  const reads = new BatchedReads<number, number>(async (keys) => {
    calls.push(keys);
    return new Map(keys.filter((key) => key >= 0).map((key) => [key, key * key]));
  });
  return { calls, reads };
}

test('the reads of one turn are one read, each caller answered with its own value', async () => {
  const { calls, reads } = squares();
  const answers = await Promise.all([reads.get(2), reads.get(3), reads.get(2), reads.get(-1)]);
  assert.deepEqual(answers, [4, 9, 4, undefined], 'a key asked twice is read once; one not found is undefined');
  assert.deepEqual(calls, [[2, 3, -1]]);
});

test('reads of later turns are read again, after the earlier ones', async () => {
  const { calls, reads } = squares();
  assert.equal(await reads.get(5), 25);
  assert.equal(await reads.get(5), 25);
  assert.deepEqual(calls, [[5], [5]], 'nothing is kept between turns');
});

test('a read that fails fails every caller of its turn, and only those', async () => {
  let fail = true;
  const reads = new BatchedReads<string, string>(async (keys) => {
    if (fail) throw new Error('database unavailable');
    return new Map(keys.map((key) => [key, key.toUpperCase()]));
  });
  const failed = [reads.get('a'), reads.get('b')];
  for (const read of failed) await assert.rejects(read, /database unavailable/);
  fail = false;
  assert.equal(await reads.get('a'), 'A');
});

test('a turn with more keys than one read takes is read in several', async () => {
  const { calls, reads } = squares();
  const keys = Array.from({ length: 1_200 }, (_, key) => key);
  const answers = await Promise.all(keys.map((key) => reads.get(key)));
  assert.deepEqual(answers, keys.map((key) => key * key));
  assert.deepEqual(calls.map((call) => call.length), [500, 500, 200]);
});
