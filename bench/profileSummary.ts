/**
 * Reads a V8 CPU profile (`npm run bench -- --cpu-prof DIR` writes one for the server) and prints
 * where the busy time went once the server was serving: the functions with the most self time, and
 * the files with the most time inclusive of what they call.
 *   node --import tsx bench/profileSummary.ts DIR/CPU.*.cpuprofile [top] [skip-ms]
 * skip-ms leaves out the first milliseconds of serving as well, e.g. while the JIT warms up.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText, skipText] = process.argv.slice(2);
if (!file) {
  console.error('usage: profileSummary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topText ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const stackOf = (id: number): ProfileNode[] => {
  const stack: ProfileNode[] = [];
  for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) stack.push(byId.get(current)!);
  return stack;
};
const IDLE = new Set(['(idle)', '(program)']);

// Only the serving: from the first request on (start-up's module loading is not the hot path),
// and only busy samples, so the shares are of the time the server spent working.
const firstServing = profile.samples.findIndex((id) => stackOf(id).some((node) => node.callFrame.url.endsWith('/dist/server.js')));
const skipMs = Number(skipText ?? 0);
const selfMs = new Map<number, number>();
let sinceServing = 0;
profile.samples.forEach((id, index) => {
  if (index < firstServing) return;
  sinceServing += (profile.timeDeltas[index] ?? 0) / 1000;
  if (sinceServing < skipMs || IDLE.has(byId.get(id)!.callFrame.functionName)) return;
  selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
});
const totalMs = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);

const shortUrl = (url: string) => url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/').replace(/^node:/, 'node:');
const frameName = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;

const selfByFrame = new Map<string, number>();
for (const [id, ms] of selfMs) {
  const name = frameName(byId.get(id)!);
  selfByFrame.set(name, (selfByFrame.get(name) ?? 0) + ms);
}

// Inclusive time per file: a sample counts once for every distinct file on its stack.
const inclusiveByFile = new Map<string, number>();
for (const [id, ms] of selfMs) {
  const files = new Set<string>();
  for (const node of stackOf(id)) if (node.callFrame.url) files.add(shortUrl(node.callFrame.url));
  for (const name of files) inclusiveByFile.set(name, (inclusiveByFile.get(name) ?? 0) + ms);
}

const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, ms] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  }
};
console.log(`${file}: ${totalMs.toFixed(0)} ms busy serving (idle time and start-up left out)`);
print('Self time by function', selfByFrame);
print('Inclusive time by file', inclusiveByFile);
