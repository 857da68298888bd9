/**
 * `serve` bounds V8's heap (src/cli/heap.ts). V8's flags are the process's, so each case runs in a
 * process of its own: objects that outlive a few collections, as requests in flight and apps read
 * into the AppCache do, and the most the young generation and the whole heap took meanwhile.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

const MiB = 1024 * 1024;

const CHURN = `
import v8 from 'node:v8';
import { boundHeap } from './src/cli/heap.ts';
if (process.argv.includes('bounded')) boundHeap();
const youngGeneration = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
const held = [];
let churn = [];
let young = 0;
let heap = 0;
for (let i = 0; i < 3_000_000; i++) {
  if (held.length < 200_000) held.push({ i, text: 'held' + i });
  churn.push({ i, text: 'churn' + i });
  if (churn.length > 300_000) churn = [];
  if (i % 5_000 === 0) {
    young = Math.max(young, youngGeneration());
    heap = Math.max(heap, v8.getHeapStatistics().total_heap_size);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
console.log(JSON.stringify({ young, heap, held: held.length }));
`;

function peaks(args: string[], nodeFlags: string[] = []): { young: number; heap: number } {
  const output = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', CHURN, '--', ...args], { encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(output) as { young: number; heap: number };
}

test('serve keeps the semi-spaces at 8 MB and collects the old generation once it has grown by 30%', () => {
  const unbounded = peaks([]);
  const bounded = peaks(['bounded']);
  assert.equal(unbounded.young, 32 * MiB, 'V8 alone grows the two semi-spaces to 16 MB each');
  assert.equal(bounded.young, 16 * MiB);
  assert.ok(bounded.heap < 0.75 * unbounded.heap, `the heap peaked at ${(bounded.heap / MiB).toFixed(0)} MiB bounded, ${(unbounded.heap / MiB).toFixed(0)} MiB not`);
});

test('a semi-space size the operator gives node is left to rule', () => {
  const given = peaks(['bounded'], ['--max-semi-space-size=32']);
  assert.ok(given.young > 16 * MiB, `the young generation peaked at ${(given.young / MiB).toFixed(0)} MiB`);
});
