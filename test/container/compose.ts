/**
 * compose.yaml as a user runs it, with Debian's docker-compose (container.test.ts builds its
 * images): PostgreSQL and two replicas of the image on it. An app created through replica 1 is read through replica 2, and
 * still after replica 2 restarts; `down --volumes` removes it all.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { boto3, createAppScript, docker, engineCommand, waitUntilHealthy } from '../helpers/container.js';

/** A loopback port nothing listens on now, for compose.yaml's PARTNERPLANE_PORT_n. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function describeCompose(): void {
  describe('compose.yaml', () => {
    // A project of its own: its containers, network and volume are named after it.
    const project = `partnerplane-test-${randomBytes(4).toString('hex')}`;
    const ports: Record<string, string> = {};
    const compose = async (...args: string[]): Promise<string> => (await engineCommand('docker-compose', ['--project-name', project, ...args], ports)).stdout.trim();
    const endpoint = (replica: 1 | 2): string => `http://127.0.0.1:${ports[`PARTNERPLANE_PORT_${replica}`]}`;
    const container = async (service: string): Promise<string> => compose('ps', '--quiet', service);

    before(async () => {
      ports.PARTNERPLANE_PORT_1 = String(await freePort());
      ports.PARTNERPLANE_PORT_2 = String(await freePort());
    });
    after(async () => {
      await compose('down', '--volumes', '--remove-orphans').catch(() => undefined);
    });

    test('runs PostgreSQL and two replicas that serve the same apps, across a restart of one', async () => {
      // depends_on's service_healthy: up returns once PostgreSQL's pg_isready healthcheck passed.
      await compose('up', '--detach', '--no-build');
      assert.equal(await docker('inspect', '--format', '{{.State.Health.Status}}', await container('postgres')), 'healthy');
      for (const service of ['partnerplane-1', 'partnerplane-2']) await waitUntilHealthy(await container(service));

      const arn = await boto3(endpoint(1), createAppScript('composeapp'));
      assert.match(arn, /^arn:aws:sagemaker:us-east-1:000000000000:partner-app\/app-/);
      const describe = `print(sm.describe_partner_app(Arn="${arn}")["Status"], [a["Name"] for a in sm.list_partner_apps()["Summaries"]])`;
      assert.equal(await boto3(endpoint(2), describe), "Available ['composeapp']");

      await compose('restart', 'partnerplane-2');
      await waitUntilHealthy(await container('partnerplane-2'));
      assert.equal(await boto3(endpoint(2), describe), "Available ['composeapp']");
      // The replicas keep nothing of their own: the app is PostgreSQL's, in the project's volume.
      assert.deepEqual((await docker('volume', 'ls', '--quiet', '--filter', `label=com.docker.compose.project=${project}`)).split('\n'), [`${project}_postgres-data`]);
    });
  });
}
