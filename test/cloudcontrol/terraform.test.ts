/**
 * Terraform, for real: the configuration of docs/infrastructure-as-code.md (read from that page, so
 * the documented example is the tested one), with the hashicorp/aws provider from a filesystem
 * mirror (nothing is downloaded), against a test server: init, apply (the app becomes Available), a
 * second plan with no changes, an in-place update of Tier, a replacement on Name, destroy.
 *
 * Without terraform or the provider mirror the test is skipped and says why, unless
 * PARTNERPLANE_REQUIRE_TERRAFORM=1 (CI) makes that a failure. PARTNERPLANE_TF_PLUGIN_MIRROR names the
 * mirror (default /opt/tf-plugins).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { DescribePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { testPostgresUrl } from '../helpers/postgres.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const MIRROR = process.env.PARTNERPLANE_TF_PLUGIN_MIRROR ?? '/opt/tf-plugins';
const PROVIDER = path.join(MIRROR, 'registry.terraform.io/hashicorp/aws/5.100.0');

async function terraformProblem(): Promise<string | undefined> {
  try {
    await run('terraform', ['version'], { timeout: 30_000 });
  } catch (error) {
    return `terraform cannot be run (${(error as Error).message.split('\n')[0]})`;
  }
  return fs.existsSync(PROVIDER) ? undefined : `the hashicorp/aws 5.100.0 provider is not in the mirror ${MIRROR}`;
}

const problem = await terraformProblem();
const required = process.env.PARTNERPLANE_REQUIRE_TERRAFORM === '1';
// What Terraform proves is on the wire, whatever the store: it runs once, in the SQLite run.
const skip = testPostgresUrl() ? 'Terraform runs in the SQLite run of the suite' : problem && !required ? problem : false;

/** The fenced block after the marker in docs/infrastructure-as-code.md. */
function documentedConfiguration(): string {
  const page = fs.readFileSync(path.join(ROOT, 'docs/infrastructure-as-code.md'), 'utf8');
  const block = /<!-- terraform-example:[^>]*-->\s*```hcl\n([\s\S]*?)```/.exec(page);
  assert.ok(block, 'docs/infrastructure-as-code.md has no terraform-example block');
  return block[1]!;
}

let server: TestServer;
let workDir: string;
before(async () => {
  if (skip) return;
  server = await startTestServer({ createDelayMs: 300, updateDelayMs: 300, deleteDelayMs: 300 });
  workDir = tempDir('partnerplane-terraform-');
  fs.writeFileSync(path.join(workDir, 'main.tf'), documentedConfiguration());
  fs.writeFileSync(path.join(workDir, 'cli.tfrc'), `provider_installation {\n  filesystem_mirror {\n    path = "${MIRROR}"\n  }\n}\n`);
});
after(async () => {
  if (skip) return;
  await server.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** Runs terraform in the work directory; resolves with its output and exit code (never rejects on a non-zero code). */
async function terraform(...args: string[]): Promise<{ code: number; output: string }> {
  const env = {
    PATH: process.env.PATH,
    HOME: workDir,
    TF_CLI_CONFIG_FILE: path.join(workDir, 'cli.tfrc'),
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  try {
    const { stdout, stderr } = await run('terraform', [...args, '-no-color'], { cwd: workDir, env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

async function succeeds(...args: string[]): Promise<string> {
  const { code, output } = await terraform(...args);
  assert.equal(code, 0, `terraform ${args.join(' ')} failed:\n${output}`);
  return output;
}

const vars = (...pairs: string[]) => [`-var=endpoint=${server.url}`, ...pairs.map((pair) => `-var=${pair}`)];

async function outputs(): Promise<{ arn: string; baseUrl: string }> {
  const parsed = JSON.parse(await succeeds('output', '-json')) as Record<string, { value: string }>;
  return { arn: parsed.arn!.value, baseUrl: parsed.base_url!.value };
}

const describe = (arn: string) => server.client().send(new DescribePartnerAppCommand({ Arn: arn }));

test('terraform manages a partner app through aws_cloudcontrolapi_resource: apply, no-op plan, update, replace, destroy', { skip, timeout: 600_000 }, async () => {
  assert.equal(problem, undefined, `PARTNERPLANE_REQUIRE_TERRAFORM=1, but ${problem}`);
  await succeeds('init', '-input=false');

  const created = await succeeds('apply', '-auto-approve', '-input=false', ...vars());
  assert.match(created, /Resources: 1 added, 0 changed, 0 destroyed/);
  const first = await outputs();
  const app = await describe(first.arn);
  assert.equal(app.Status, 'Available');
  assert.equal(app.Name, 'mycomet');
  assert.equal(app.Tier, 'small');
  assert.equal(first.baseUrl, app.BaseUrl);

  const replan = await terraform('plan', '-detailed-exitcode', '-input=false', ...vars());
  assert.equal(replan.code, 0, `a second plan should show no changes:\n${replan.output}`);
  assert.match(replan.output, /No changes/);

  const updated = await succeeds('apply', '-auto-approve', '-input=false', ...vars('tier=large'));
  assert.match(updated, /will be updated in-place/);
  assert.match(updated, /Resources: 0 added, 1 changed, 0 destroyed/);
  assert.equal((await outputs()).arn, first.arn);
  const large = await describe(first.arn);
  assert.equal(large.Tier, 'large');
  assert.equal(large.Status, 'Available');

  const replaced = await succeeds('apply', '-auto-approve', '-input=false', ...vars('tier=large', 'name=othercomet'));
  assert.match(replaced, /must be replaced/);
  assert.match(replaced, /Resources: 1 added, 0 changed, 1 destroyed/);
  const second = await outputs();
  assert.notEqual(second.arn, first.arn);
  assert.equal((await describe(first.arn)).Status, 'Deleted');
  const renamed = await describe(second.arn);
  assert.equal(renamed.Name, 'othercomet');
  assert.equal(renamed.Status, 'Available');

  const destroyed = await succeeds('destroy', '-auto-approve', '-input=false', ...vars('tier=large', 'name=othercomet'));
  assert.match(destroyed, /Resources: 1 destroyed/);
  assert.equal((await describe(second.arn)).Status, 'Deleted');
});
