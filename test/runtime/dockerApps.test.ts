/**
 * The docker runtime over an app's whole life, through the real SDK and the gateway, against a
 * real Docker Engine: Available only once the container passes its health check; a missing image
 * and a crashing command end Failed with their reasons and leave no container or volume; the tier
 * is the container's limits; an upgrade switches to a new container on the same volume, and one to
 * a broken version ends UpdateFailed with the old container still serving; a killed
 * container is started again; a delete leaves nothing. (A SIGKILLed partnerplane: dockerAdoption.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DeletePartnerAppCommand, DescribePartnerAppCommand, UpdatePartnerAppCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type Docker from 'dockerode';
import { skipWithoutDocker, testDocker, TEST_DOCKER_HOST } from '../helpers/docker.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { accountClient, createInput, ROOT_ADMIN } from '../operations/support.js';
import { appContainers, appVolumes, dockerTestSetup, execIn, removeAppBackends } from './dockerSupport.js';
import { eventually, gatewaySession, settled } from './support.js';

describe('the docker runtime', { skip: skipWithoutDocker }, () => {
  let docker: Docker;
  let server: TestServer;
  let scratch: string;

  before(async () => {
    // partnerplane finds the engine as the docker command does.
    process.env.DOCKER_HOST = TEST_DOCKER_HOST;
    docker = testDocker();
    scratch = tempDir('partnerplane-docker-apps-');
    const { catalog } = await dockerTestSetup(docker, scratch);
    server = await startTestServer({ appRuntime: 'docker', catalog, createDelayMs: 0, updateDelayMs: 0, deleteDelayMs: 0 });
  });
  const arns = new Set<string>();
  after(async () => {
    await server?.close();
    await removeAppBackends(docker, arns);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const create = async (client: SageMakerClient, overrides: Parameters<typeof createInput>[0]) => {
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Tier: 'small', ...overrides })));
    arns.add(Arn!);
    return Arn!;
  };
  const running = (arn: string) =>
    eventually(`a running container of ${arn}`, async () => {
      const found = await appContainers(docker, arn);
      return found.length === 1 && found[0]!.State === 'running' ? found[0]! : undefined;
    });
  const page = async (client: SageMakerClient, arn: string, subpath = '') => (await (await gatewaySession(client, arn)).get(subpath)).text();

  test('Creating while the container runs but is not healthy, then Available, with its environment, volume and limits', async () => {
    const client = accountClient(server);
    const arn = await create(client, { Type: 'deepchecks-llm-evaluation', ApplicationConfig: { Arguments: { mode: 'dev' } } });
    const container = await running(arn);
    assert.equal((await client.send(new DescribePartnerAppCommand({ Arn: arn }))).Status, 'Creating', 'running is not healthy');
    await execIn(docker, container.Id, ['touch', '/tmp/ready']);
    const app = await settled(client, arn, 'Available', 'Failed');
    assert.equal(app.Status, 'Available', app.Error?.Reason);
    assert.equal(await page(client, arn), 'web gated\n');
    const env = await page(client, arn, 'env.txt');
    for (const line of [`PARTNERPLANE_APP_ARN=${arn}`, 'PARTNERPLANE_APP_TYPE=deepchecks-llm-evaluation', 'PARTNERPLANE_APP_TIER=small', 'PARTNERPLANE_APP_ARGUMENTS={"mode":"dev"}', 'PARTNERPLANE_APP_DATA=/data', 'PORT=8080']) {
      assert.ok(env.split('\n').includes(line), `${line} in:\n${env}`);
    }
    const inspected = await docker.getContainer(container.Id).inspect();
    assert.deepEqual([inspected.HostConfig.NanoCpus, inspected.HostConfig.Memory], [500_000_000, 64 * 1024 * 1024], 'the small tier');
    assert.deepEqual(inspected.Mounts.map((mount) => [mount.Type, mount.Destination]), [['volume', '/data']]);
  });

  test('a missing image and a crashing command end Failed with their reasons, leaving no container and no volume', async () => {
    const client = accountClient(server);
    const [missing, crashing] = await Promise.all([create(client, { Type: 'fiddler' }), create(client, { Type: 'lakera-guard', ApplicationConfig: undefined })]);
    const errorOf = async (arn: string) => (await settled(client, arn, 'Failed', 'Available')).Error;
    const missingError = await errorOf(missing);
    assert.equal(missingError?.Code, 'ImageNotFound');
    assert.match(missingError?.Reason ?? '', /^The image 127\.0\.0\.1:9\/partnerplane-test\/missing:1 is not on the Docker Engine and could not be pulled: /);
    assert.deepEqual(await errorOf(crashing), { Code: 'BackendExited', Reason: 'The backend exited with code 3 before passing its health check (GET /health).' });
    for (const arn of [missing, crashing]) {
      assert.deepEqual(await appContainers(docker, arn), [], `no container of ${arn}`);
      assert.deepEqual(await appVolumes(docker, arn), [], `no volume of ${arn}`);
    }
  });

  test('an upgrade switches to a new container on the same volume; one to a broken version ends UpdateFailed with the old serving', async () => {
    const client = accountClient(server);
    const arn = await create(client, { Type: 'comet', ApplicationConfig: { AdminUsers: [ROOT_ADMIN] } });
    await settled(client, arn, 'Available');
    const first = await running(arn);
    assert.equal(await page(client, arn), 'web version 1\n');

    await client.send(new UpdatePartnerAppCommand({ Arn: arn, AppVersion: '1.2', Tier: 'large' }));
    assert.equal((await settled(client, arn, 'Available', 'UpdateFailed')).Status, 'Available');
    assert.equal(await page(client, arn), 'web version 2\n');
    const second = await eventually('the old generation to be removed', async () => {
      const found = await appContainers(docker, arn);
      return found.length === 1 && found[0]!.Id !== first.Id ? found[0]! : undefined;
    });
    const { HostConfig } = await docker.getContainer(second.Id).inspect();
    assert.deepEqual([HostConfig.NanoCpus, HostConfig.Memory], [750_000_000, 128 * 1024 * 1024], 'the large tier');
    assert.equal((await appVolumes(docker, arn)).length, 1);
    assert.equal((await page(client, arn, 'starts.txt')).trim().split('\n').length, 2, 'the new generation found the first one\'s data');

    await client.send(new UpdatePartnerAppCommand({ Arn: arn, AppVersion: '1.3' }));
    const failed = await settled(client, arn, 'UpdateFailed', 'Available');
    assert.equal(failed.Status, 'UpdateFailed');
    assert.deepEqual(failed.Error, { Code: 'BackendExited', Reason: 'The backend exited with code 3 before passing its health check (GET /health).' });
    assert.equal(failed.Version, '1.2');
    assert.equal(await page(client, arn), 'web version 2\n', 'the old version serves through the gateway');
    assert.deepEqual((await appContainers(docker, arn)).map((container) => container.Id), [second.Id], 'the broken generation is removed');
  });

  test('a killed container is started again and the restart counted; a delete leaves no container and no volume', async () => {
    const client = accountClient(server);
    const arn = await create(client, { Type: 'comet', ApplicationConfig: { AdminUsers: [ROOT_ADMIN] } });
    await settled(client, arn, 'Available');
    const container = await running(arn);
    const before = (await docker.getContainer(container.Id).inspect()).State.StartedAt;
    await docker.getContainer(container.Id).kill({ signal: 'SIGKILL' });
    const gateway = await gatewaySession(client, arn);
    await eventually('the container to serve again', async () => {
      const response = await gateway.get();
      if (response.status === 503) assert.ok(Number(response.headers.get('retry-after')) > 0, 'a 503 says when to try again');
      const text = await response.text();
      return response.status === 200 && (await docker.getContainer(container.Id).inspect()).State.StartedAt !== before ? text : undefined;
    });
    assert.deepEqual((await appContainers(docker, arn)).map((found) => found.Id), [container.Id], 'the same container, started again');
    assert.equal((await client.send(new DescribePartnerAppCommand({ Arn: arn }))).Status, 'Available');
    assert.match(await (await fetch(`${server.url}/metrics`)).text(), /^partnerplane_backend_restarts_total [1-9]\d*$/m);

    await client.send(new DeletePartnerAppCommand({ Arn: arn }));
    await settled(client, arn, 'Deleted');
    assert.deepEqual(await appContainers(docker, arn), []);
    assert.deepEqual(await appVolumes(docker, arn), []);
  });
});
