/**
 * The example suites of examples/ run as a user runs them, importing `partnerplane/testing` from
 * the built package (its `exports` entry and its declarations), with node's test runner and with
 * Vitest.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** Runs a command in the checkout, resolving with its exit status and everything it printed. */
async function inCheckout(command: string, args: string[]): Promise<{ status: number; output: string }> {
  try {
    // Without the variable by which node's test runner knows it runs inside another one.
    const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
    // Vitest colours its report when CI is set (as in CI runs): the assertions read plain text.
    const env = { ...inherited, NO_COLOR: '1' };
    const { stdout, stderr } = await run(command, args, { cwd: ROOT, env, timeout: 120_000 });
    return { status: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { status: code, output: `${stdout}${stderr}` };
  }
}

before(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(build.status, 0, 'building dist/ failed');
});

test('the examples type-check against the declarations partnerplane/testing exports', async () => {
  const { status, output } = await inCheckout(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'examples/tsconfig.json']);
  assert.equal(status, 0, output);
});

test('the node:test example passes', async () => {
  const { status, output } = await inCheckout(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', 'examples/node-test/partnerApps.test.ts']);
  assert.equal(status, 0, output);
  assert.match(output, /^# pass 3$/m, output);
  assert.match(output, /^# fail 0$/m, output);
});

test('the Vitest example passes', async () => {
  const { status, output } = await inCheckout(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--root', 'examples/vitest']);
  assert.equal(status, 0, output);
  assert.match(output, /Tests\s+2 passed \(2\)/, output);
});
