/**
 * What the suite says of the Terraform test on a machine without terraform: `npm test` (the test
 * runner, scripts/test.mjs) reports it skipped with the reason; with PARTNERPLANE_REQUIRE_TERRAFORM=1,
 * as `.ci/run` sets it, the same machine fails it instead. The runner runs in a child process whose
 * PATH holds node and nothing else.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/server.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const NAME = 'terraform manages a partner app through aws_cloudcontrolapi_resource: apply, no-op plan, update, replace, destroy';

/** Runs `node scripts/test.mjs test/cloudcontrol/terraform.test.ts` (SQLite only) with no terraform on the PATH. */
async function runnerWithoutTerraform(extra: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const bin = tempDir('partnerplane-no-terraform-');
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  // NODE_TEST_CONTEXT would make the child's own test run report to this one instead of printing.
  const { NODE_TEST_CONTEXT: _context, ...inherited } = process.env;
  const env = { ...inherited, PATH: bin, PARTNERPLANE_TEST_STORES: 'sqlite', PARTNERPLANE_TEST_DATABASE_URL: '', PARTNERPLANE_REQUIRE_TERRAFORM: '', ...extra };
  try {
    const { stdout } = await run(process.execPath, ['scripts/test.mjs', 'test/cloudcontrol/terraform.test.ts'], { cwd: ROOT, env, timeout: 120_000 });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, output: failed.stdout ?? '' };
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

test('without terraform, npm test skips the Terraform test and says why; PARTNERPLANE_REQUIRE_TERRAFORM=1 fails it', { timeout: 240_000 }, async () => {
  const [plain, required] = await Promise.all([runnerWithoutTerraform({}), runnerWithoutTerraform({ PARTNERPLANE_REQUIRE_TERRAFORM: '1' })]);
  assert.equal(plain.code, 0, plain.output);
  assert.match(plain.output, /^SQLite suite: passed: 0 passed, 0 failed, 1 skipped/m);
  assert.ok(plain.output.includes(`  skipped: ${NAME}: terraform cannot be run (spawn terraform ENOENT)\n`), plain.output);
  assert.equal(required.code, 1, required.output);
  assert.match(required.output, /^SQLite suite: FAILED: 0 passed, 1 failed, 0 skipped/m);
  assert.ok(required.output.includes(`  failed: ${NAME}\n`), required.output);
  assert.ok(required.output.includes('PARTNERPLANE_REQUIRE_TERRAFORM=1, but terraform cannot be run'), required.output);
});
