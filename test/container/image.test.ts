/**
 * The container image as a user runs it: the Dockerfile builds (its base images made from local
 * files by scripts/node-base-images.sh, since no registry is reachable), the container starts
 * healthy as a non-root user, answers boto3 on a published port, and keeps its apps across a
 * restart and across a new container on the same volume.
 *
 * The engine is PARTNERPLANE_TEST_DOCKER_HOST (scripts/dockerd.sh start DIR starts a private one);
 * without it the test is skipped, saying why, and with PARTNERPLANE_REQUIRE_DOCKER=1 (CI) it fails.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
const host = process.env.PARTNERPLANE_TEST_DOCKER_HOST;
const HOW_TO_START = 'start one with `scripts/dockerd.sh start /tmp/ppdocker` and set PARTNERPLANE_TEST_DOCKER_HOST=unix:///tmp/ppdocker/d.sock';
/** Debian trees for the base images, kept between runs (scripts/node-base-images.sh). */
const BASE_CACHE = process.env.PARTNERPLANE_IMAGE_CACHE ?? '/var/cache/partnerplane-test-images';

if (!host && process.env.PARTNERPLANE_REQUIRE_DOCKER === '1') throw new Error(`PARTNERPLANE_REQUIRE_DOCKER=1, but PARTNERPLANE_TEST_DOCKER_HOST is not set: ${HOW_TO_START}`);

async function dockerOutput(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('docker', args, { env: { ...process.env, DOCKER_HOST: host }, cwd: ROOT, timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
}

async function docker(...args: string[]): Promise<string> {
  return (await dockerOutput(...args)).stdout.trim();
}

/** Runs a boto3 script against the container; `ENDPOINT` is given to it. */
async function boto3(endpoint: string, script: string): Promise<string> {
  const prelude = `import boto3, time\nsm = boto3.client("sagemaker", endpoint_url="${endpoint}", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")\n`;
  const { stdout } = await run('python3', ['-c', prelude + script], { timeout: 60_000 });
  return stdout.trim();
}

async function waitUntilHealthy(container: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const health = await docker('inspect', '--format', '{{.State.Health.Status}}', container);
    if (health === 'healthy') return;
    if (Date.now() > deadline) throw new Error(`${container} is ${health} after 90 s:\n${await docker('logs', '--tail', '20', container)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('the container image', { skip: host ? false : `no Docker Engine for the tests (PARTNERPLANE_TEST_DOCKER_HOST is not set): ${HOW_TO_START}` }, () => {
  const suffix = randomBytes(4).toString('hex');
  const image = `partnerplane-test/partnerplane:${suffix}`;
  const volume = `partnerplane-test-data-${suffix}`;
  const containers: string[] = [];

  /** Starts a container of the image on the volume, published on a free loopback port; resolves to its name and API URL. */
  async function start(): Promise<{ name: string; endpoint: string }> {
    const name = `partnerplane-test-${suffix}-${containers.length}`;
    containers.push(name);
    await docker(
      'run', '--detach', '--name', name, '--publish', '127.0.0.1::4577', '--volume', `${volume}:/data`,
      '--env', 'PARTNERPLANE_LOCAL_KEY_ANYWHERE=true', '--env', 'PARTNERPLANE_CREATE_DELAY_MS=300', '--health-interval', '1s',
      image,
    );
    const published = await docker('port', name, '4577/tcp');
    return { name, endpoint: `http://${published.split('\n')[0]}` };
  }

  before(async () => {
    await run(path.join(ROOT, 'scripts/node-base-images.sh'), [BASE_CACHE], { env: { ...process.env, DOCKER_HOST: host }, timeout: 15 * 60_000 });
    // The build stage's `npm ci` reaches the npm registry through the host's network: this test
    // engine gives containers no route out of their own.
    await docker('build', '--network', 'host', '--tag', image, '.');
  });
  after(async () => {
    for (const name of containers) await docker('rm', '--force', name).catch(() => undefined);
    await docker('volume', 'rm', '--force', volume).catch(() => undefined);
    await docker('image', 'rm', '--force', image).catch(() => undefined);
  });

  test('runs as a non-root user, keeps its data on the volume, and says how it is reached', async () => {
    const config = JSON.parse(await docker('image', 'inspect', '--format', '{{json .Config}}', image)) as {
      User: string;
      Volumes: Record<string, unknown>;
      Healthcheck?: { Test: string[] };
      Env: string[];
    };
    assert.equal(config.User, 'node');
    assert.deepEqual(Object.keys(config.Volumes), ['/data']);
    assert.ok(config.Healthcheck?.Test.join(' ').includes('/ready'), JSON.stringify(config.Healthcheck));
    assert.ok(config.Env.includes('PARTNERPLANE_DATA_DIR=/data'), config.Env.join(' '));
  });

  test('starts healthy, answers boto3, and keeps its apps across a restart and a new container', async () => {
    const first = await start();
    await waitUntilHealthy(first.name);
    assert.notEqual(await docker('exec', first.name, 'id', '-u'), '0');
    // The banner on stdout, the JSON log lines on stderr.
    const logs = await dockerOutput('logs', first.name);
    assert.match(logs.stdout, /Access key: {2}test \/ secret test \(account 000000000000\), on every address \(--local-key-anywhere\): for local development only/);
    assert.match(logs.stderr, /"level":40,[^\n]*"msg":"accepting the public local key test\/test on 0\.0\.0\.0/);

    const arn = await boto3(
      first.endpoint,
      'arn = sm.create_partner_app(Name="containerapp", Type="lakera-guard", Tier="small", AuthType="IAM", ExecutionRoleArn="arn:aws:iam::123456789012:role/PartnerAppRole")["Arn"]\n' +
        'while sm.describe_partner_app(Arn=arn)["Status"] == "Creating": time.sleep(0.2)\n' +
        'print(arn)',
    );
    assert.match(arn, /^arn:aws:sagemaker:us-east-1:000000000000:partner-app\/app-/);
    const describe = `print(sm.describe_partner_app(Arn="${arn}")["Status"], [a["Name"] for a in sm.list_partner_apps()["Summaries"]])`;
    assert.equal(await boto3(first.endpoint, describe), "Available ['containerapp']");

    await docker('restart', first.name);
    await waitUntilHealthy(first.name);
    const restarted = `http://${(await docker('port', first.name, '4577/tcp')).split('\n')[0]}`;
    assert.equal(await boto3(restarted, describe), "Available ['containerapp']");

    await docker('rm', '--force', first.name);
    const second = await start();
    await waitUntilHealthy(second.name);
    assert.equal(await boto3(second.endpoint, describe), "Available ['containerapp']");
  });
});
