#!/usr/bin/env node
// Builds dist/ with tsc when a source is newer than the last build, and says so; otherwise does
// nothing, in a few milliseconds. `npm ci` (prepare), `npm start` and a first `npx partnerplane`
// (which links the checkout and runs prepare again) all call it, so only the first one pays.
// `--force` builds whatever the dates say.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.built');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

function newestMtime(file) {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((name) => newestMtime(path.join(file, name))));
}

const force = process.argv.includes('--force');
const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : -Infinity;
const changedAt = Math.max(...INPUTS.map((input) => path.join(root, input)).filter(existsSync).map(newestMtime));
if (!force && changedAt <= builtAt) process.exit(0);

console.error(builtAt === -Infinity || force ? 'partnerplane: building dist/ …' : 'partnerplane: sources changed since the last build, rebuilding dist/ …');
const started = Date.now();
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// The stamp takes the time the build started: a source saved during the build is newer than it.
writeFileSync(stamp, '');
utimesSync(stamp, started / 1000, started / 1000);
console.error(`partnerplane: built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
