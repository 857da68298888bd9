/**
 * The container image as a user runs it (container.test.ts builds it): the container starts
 * healthy as a non-root user, answers boto3 on a published port, and keeps its apps across a
 * restart and across a new container on the same volume.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { boto3, createAppScript, docker, dockerOutput, waitUntilHealthy } from '../helpers/container.js';

export function describeImage(image: string): void {
  describe('the container image', () => {
    const suffix = randomBytes(4).toString('hex');
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

    after(async () => {
      for (const name of containers) await docker('rm', '--force', name).catch(() => undefined);
      await docker('volume', 'rm', '--force', volume).catch(() => undefined);
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

      const arn = await boto3(first.endpoint, createAppScript('containerapp'));
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
}
