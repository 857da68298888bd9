#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's own runner (TypeScript through tsx), files in parallel.
// Extra arguments are passed on (e.g. a file list or --test-name-pattern).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const args = process.argv.slice(2);
const files = args.some((arg) => !arg.startsWith('-')) ? [] : testFiles('test').sort();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...args, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
