/**
 * V8's heap, bounded for `partnerplane serve`. The flags are the whole process's, so only the
 * command sets them, never createServer (tests run many servers in one process).
 *
 * Left to itself, V8 lets the old generation grow to up to four times what its last full collection
 * kept before it collects again, and grows the young generation's two semi-spaces to 16 MB each
 * under a stream of requests: with 100,000 apps described again and again, the heap held 105-187 MB
 * for 41-45 MB of live objects (docs/performance.md). Node takes V8's sizes only on its command line,
 * which is not partnerplane's to choose (`node dist/cli.js serve`, npx, a container's command), so
 * these are flags V8 reads anew at each decision, set at start. A flag the operator gave node for
 * the same sizing is left to rule.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** The old generation is collected once it has grown this much over what the last full collection kept. */
const OLD_GENERATION_GROWTH_PERCENT = 30;
/** A semi-space grows up to this size, not to V8's 16 MB. */
const SEMI_SPACE_BYTES = 8 * 1024 * 1024;

/**
 * A semi-space's capacity, as in use plus available: the new space's size counts the second
 * semi-space only while it is committed, and V8 gives it back when it shrinks them (half of it read
 * as the capacity let the next growth reach 16 MB).
 */
function semiSpaceBytes(): number {
  const space = v8.getHeapSpaceStatistics().find(({ space_name }) => space_name === 'new_space');
  return space ? space.space_used_size + space.space_available_size : SEMI_SPACE_BYTES;
}

/** Whether node was started with one of these V8 flags (on its command line or in NODE_OPTIONS): then that sizing is the operator's. */
function givenByOperator(...names: string[]): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].map((flag) => flag.replace(/^--/, '').split('=')[0]!.replaceAll('_', '-'));
  return names.some((name) => given.includes(name));
}

export function boundHeap(): void {
  if (!givenByOperator('heap-growing-percent')) v8.setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
  if (!givenByOperator('max-semi-space-size', 'semi-space-growth-factor')) boundSemiSpaces();
}

function boundSemiSpaces(): void {
  // V8 multiplies a semi-space by its growth factor when it grows one: set after each collection so
  // that the next growth ends at the bound at most (1 once there, and again more once V8 has shrunk
  // the semi-spaces, as it does when requests stop for a while).
  let factor = 0;
  const bound = () => {
    const next = Math.max(1, Math.floor(SEMI_SPACE_BYTES / semiSpaceBytes()));
    if (next === factor) return;
    factor = next;
    v8.setFlagsFromString(`--semi-space-growth-factor=${factor}`);
  };
  bound();
  new PerformanceObserver(bound).observe({ entryTypes: ['gc'] });
}
