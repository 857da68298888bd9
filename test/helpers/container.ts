/**
 * The repository's container files as a user runs them (test/container/): the docker CLI and
 * docker-compose against the test engine (helpers/docker.ts), the partnerplane image built on base
 * images made from local files (no registry is reachable), and boto3 against a published port.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TEST_DOCKER_HOST } from './docker.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
/** Debian trees for the base images, kept between runs (scripts/debian-rootfs.sh). */
const BASE_CACHE = process.env.PARTNERPLANE_IMAGE_CACHE ?? '/var/cache/partnerplane-test-images';
const engineEnv = { ...process.env, DOCKER_HOST: TEST_DOCKER_HOST };

/** Runs a command against the test engine from the repository's root. */
export async function engineCommand(command: string, args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return run(command, args, { env: { ...engineEnv, ...env }, cwd: ROOT, timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
}

export async function dockerOutput(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return engineCommand('docker', args);
}

export async function docker(...args: string[]): Promise<string> {
  return (await dockerOutput(...args)).stdout.trim();
}

/** Builds the repository's Dockerfile as `tag`, after its base images (scripts/node-base-images.sh). */
export async function buildImage(tag: string): Promise<void> {
  await engineCommand(path.join(ROOT, 'scripts/node-base-images.sh'), [BASE_CACHE]);
  // The build stage's `npm ci` reaches the npm registry through the host's network: this test
  // engine gives containers no route out of their own.
  await docker('build', '--network', 'host', '--tag', tag, '.');
}

/** Builds postgres:15-bookworm, the image compose.yaml names (scripts/postgres-base-image.sh). */
export async function buildPostgresImage(): Promise<void> {
  await engineCommand(path.join(ROOT, 'scripts/postgres-base-image.sh'), [BASE_CACHE]);
}

/** Runs a boto3 script against `endpoint`, with the client `sm` and `time` ready. */
export async function boto3(endpoint: string, script: string): Promise<string> {
  const prelude = `import boto3, time\nsm = boto3.client("sagemaker", endpoint_url="${endpoint}", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")\n`;
  const { stdout } = await run('python3', ['-c', prelude + script], { timeout: 60_000 });
  return stdout.trim();
}

/** boto3 lines that create an app named `name` and print its ARN once it is Available. */
export function createAppScript(name: string): string {
  return (
    `arn = sm.create_partner_app(Name="${name}", Type="lakera-guard", Tier="small", AuthType="IAM", ExecutionRoleArn="arn:aws:iam::123456789012:role/PartnerAppRole")["Arn"]\n` +
    'while sm.describe_partner_app(Arn=arn)["Status"] == "Creating": time.sleep(0.2)\n' +
    'print(arn)'
  );
}

export async function waitUntilHealthy(container: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const health = await docker('inspect', '--format', '{{.State.Health.Status}}', container);
    if (health === 'healthy') return;
    if (Date.now() > deadline) throw new Error(`${container} is ${health} after 90 s:\n${await docker('logs', '--tail', '20', container)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
