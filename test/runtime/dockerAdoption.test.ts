/**
 * partnerplane SIGKILLed while an app is being created on the docker runtime, then started again
 * on the same data: it adopts the container that runs (no second one is made), finishes the create,
 * and removes the containers of its installation whose app is Deleted or unknown to the store; a
 * container the crash left created but not started is started, not left waiting.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DeletePartnerAppCommand, DescribePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import type Docker from 'dockerode';
import { BACKEND_LABELS } from '../../src/runtime/runtime.js';
import { skipWithoutDocker, testDocker, testImage, TEST_DOCKER_HOST } from '../helpers/docker.js';
import { tempDir } from '../helpers/server.js';
import { freshDataLocation, startServerProcess, type DataLocation, type ServerProcess } from '../helpers/serverProcess.js';
import { createInput, missingArn, ROOT_ADMIN } from '../operations/support.js';
import { appContainers, dockerTestSetup, execIn, removeAppBackends } from './dockerSupport.js';
import { eventually, settled } from './support.js';

describe('the docker runtime across a SIGKILL of partnerplane', { skip: skipWithoutDocker }, () => {
  let docker: Docker;
  let scratch: string;
  let data: DataLocation;
  let flags: string[];
  const servers: ServerProcess[] = [];
  const start = async () => {
    const server = await startServerProcess(flags);
    servers.push(server);
    return server;
  };

  before(async () => {
    process.env.DOCKER_HOST = TEST_DOCKER_HOST;
    docker = testDocker();
    scratch = tempDir('partnerplane-docker-adoption-');
    const { catalogFile } = await dockerTestSetup(docker, scratch);
    data = await freshDataLocation();
    flags = [...data.flags, '--app-runtime', 'docker', '--app-catalog', catalogFile, '--reconcile-interval-ms', '25'];
  });
  const arns = new Set<string>();
  after(async () => {
    for (const server of servers) await server.kill();
    await removeAppBackends(docker, arns);
    await data?.remove();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** A container as a crash could leave it: labelled for `arn` in `installation`. */
  async function leftBehind(installation: string, arn: string): Promise<string> {
    const labels = { [BACKEND_LABELS.installation]: installation, [BACKEND_LABELS.arn]: arn, [BACKEND_LABELS.generation]: '1' };
    const container = await docker.createContainer({ Image: testImage('web:1'), Labels: labels });
    await container.start();
    return container.id;
  }

  test('adopts the running container without a duplicate, and removes those of Deleted and unknown apps', async () => {
    const first = await start();
    const client = first.client();
    const creating = (await client.send(new CreatePartnerAppCommand(createInput({ Type: 'deepchecks-llm-evaluation', Tier: 'small', ApplicationConfig: undefined })))).Arn!;
    const deleted = (await client.send(new CreatePartnerAppCommand(createInput({ Tier: 'small', ApplicationConfig: { AdminUsers: [ROOT_ADMIN] } })))).Arn!;
    const container = await eventually('the container of the app being created to run', async () => {
      const found = await appContainers(docker, creating);
      return found.length === 1 && found[0]!.State === 'running' ? found[0]! : undefined;
    });
    arns.add(creating).add(deleted);
    await settled(client, deleted, 'Available');
    await client.send(new DeletePartnerAppCommand({ Arn: deleted }));
    await settled(client, deleted, 'Deleted');
    assert.equal((await client.send(new DescribePartnerAppCommand({ Arn: creating }))).Status, 'Creating');
    await first.kill();

    // What a crash could leave besides: a container of the Deleted app, and one of an app the store never had.
    const installation = container.Labels[BACKEND_LABELS.installation]!;
    const strays = [await leftBehind(installation, deleted), await leftBehind(installation, missingArn())];

    const second = await start();
    const again = second.client();
    await execIn(docker, container.Id, ['touch', '/tmp/ready']);
    const app = await settled(again, creating, 'Available', 'Failed');
    assert.equal(app.Status, 'Available', app.Error?.Reason);
    assert.deepEqual((await appContainers(docker, creating)).map((found) => found.Id), [container.Id], 'the same container, and only it');
    await eventually('the strays to be removed', async () => ((await docker.listContainers({ all: true, filters: { id: strays } })).length === 0 ? true : undefined));

    await again.send(new DeletePartnerAppCommand({ Arn: creating }));
    await settled(again, creating, 'Deleted');
    assert.deepEqual(await docker.listContainers({ all: true, filters: { label: [`${BACKEND_LABELS.installation}=${installation}`] } }), []);
  });

  test('takes up a container left created but never started, and follows its start to Available', async () => {
    // The same data as the test before: its server lets go of it first.
    for (const server of servers) await server.kill();
    const first = await start();
    const client = first.client();
    const arn = (await client.send(new CreatePartnerAppCommand(createInput({ Type: 'deepchecks-llm-evaluation', Tier: 'small', ApplicationConfig: undefined })))).Arn!;
    arns.add(arn);
    const running = await eventually('the container of the app being created to run', async () => {
      const found = await appContainers(docker, arn);
      return found.length === 1 && found[0]!.State === 'running' ? found[0]! : undefined;
    });
    await first.kill();
    // A crash between creating the container and starting it leaves it so: made, never started.
    const made = await docker.getContainer(running.Id).inspect();
    await docker.getContainer(running.Id).remove({ force: true });
    const created = await docker.createContainer({ ...made.Config, name: made.Name.slice(1), HostConfig: made.HostConfig });

    const again = (await start()).client();
    await eventually('the container left created to be started', async () => ((await created.inspect()).State.Running ? true : undefined));
    await execIn(docker, created.id, ['touch', '/tmp/ready']);
    const app = await settled(again, arn, 'Available', 'Failed');
    assert.equal(app.Status, 'Available', app.Error?.Reason);
    assert.deepEqual((await appContainers(docker, arn)).map((found) => found.Id), [created.id], 'the same container, and only it');
  });
});
