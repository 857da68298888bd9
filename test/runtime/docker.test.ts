/**
 * The Docker runtime against a real Docker Engine, through its own interface (runtime/runtime.ts):
 * what it makes (names, labels, limits, the volume), that every action can be repeated and a new
 * runtime (partnerplane restarted) finds what an earlier one made, the failures it names, and the
 * logs. The lifecycle through the API and the gateway is test/runtime/dockerApps.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { DockerRuntime } from '../../src/runtime/docker.js';
import { BACKEND_LABELS, isBackendFailure, type BackendSpec, type StartPhase } from '../../src/runtime/runtime.js';
import { ensureTestImages, skipWithoutDocker, TEST_APP_PORT, testDocker, testImage, type TestImageVariant } from '../helpers/docker.js';
import { execIn } from './dockerSupport.js';
import { eventually } from './support.js';

const logger = createLogger('silent');
const installation = `runtime-test-${randomBytes(4).toString('hex')}`;
const settings = { publishIp: '127.0.0.1', advertiseHost: '127.0.0.1' };

let appCounter = 0;
function spec(variant: TestImageVariant, overrides: Partial<BackendSpec> = {}): BackendSpec {
  const appId = `app-${randomBytes(6).toString('hex').toUpperCase()}`;
  appCounter += 1;
  return {
    arn: `arn:aws:sagemaker:us-east-1:000000000000:partner-app/${appId}`,
    appId,
    name: `docker-runtime-${appCounter}`,
    type: 'comet',
    version: '1',
    tier: 'small',
    generation: 1,
    image: testImage(variant),
    port: TEST_APP_PORT,
    healthPath: '/health',
    startTimeoutMs: 30_000,
    env: { PARTNERPLANE_APP_NAME: `docker-runtime-${appCounter}`, WITH_SPACES: 'a b  c' },
    resources: { cpus: 0.5, memoryMiB: 96 },
    dataName: appId,
    ...overrides,
  };
}

async function get(address: string, path: string): Promise<{ status: number; text: string } | undefined> {
  try {
    const response = await fetch(`http://${address}${path}`);
    return { status: response.status, text: await response.text() };
  } catch {
    return undefined;
  }
}

const healthy = (address: string) => eventually(`${address} to be healthy`, async () => ((await get(address, '/health'))?.status === 200 ? true : undefined));

async function text(stream: AsyncIterable<Buffer | string>): Promise<string> {
  let all = '';
  for await (const chunk of stream) all += chunk.toString();
  return all;
}

describe('the docker runtime', { skip: skipWithoutDocker }, () => {
  const docker = skipWithoutDocker ? undefined! : testDocker();
  const runtime = skipWithoutDocker ? undefined! : new DockerRuntime({ installation, dataDir: '/nonexistent', logger }, settings, docker);
  const arns = new Set<string>();
  const started = (backend: BackendSpec) => (arns.add(backend.arn), backend);

  before(() => ensureTestImages(docker));
  after(async () => {
    for (const arn of arns) await runtime.remove(arn, { graceMs: 0 });
    const left = await runtime.list();
    assert.deepEqual(left, [], 'every backend of the test is removed');
  });

  test('runs a generation as one labelled container with the tier as limits, and its data in a volume', async () => {
    const backend = started(spec('web:1'));
    const phases: StartPhase[] = [];
    const info = await runtime.ensure(backend, (phase) => phases.push(phase));
    assert.deepEqual(phases, ['creating', 'starting'], 'the image is on the engine: nothing is pulled');
    assert.equal(info.state, 'running');
    assert.match(info.address!, /^127\.0\.0\.1:\d+$/);
    await healthy(info.address!);
    assert.equal((await get(info.address!, '/'))?.text, 'web version 1\n');
    assert.match((await get(info.address!, '/env.txt'))!.text, /^WITH_SPACES=a b {2}c$/m);

    const [container] = await docker.listContainers({ filters: { label: [`${BACKEND_LABELS.arn}=${backend.arn}`] } });
    const inspected = await docker.getContainer(container!.Id).inspect();
    assert.equal(inspected.HostConfig.NanoCpus, 500_000_000);
    assert.equal(inspected.HostConfig.Memory, 96 * 1024 * 1024);
    assert.deepEqual(
      [BACKEND_LABELS.installation, BACKEND_LABELS.arn, BACKEND_LABELS.generation, BACKEND_LABELS.appId].map((label) => inspected.Config.Labels[label]),
      [installation, backend.arn, '1', backend.appId],
    );
    const volume = inspected.Mounts.find((mount) => mount.Type === 'volume');
    assert.equal(volume?.Destination, '/data');
    assert.equal((await docker.getVolume(volume!.Name!).inspect()).Labels[BACKEND_LABELS.arn], backend.arn);
  });

  test('ensure is idempotent, concurrent calls join, and a new runtime adopts what runs', async () => {
    const backend = started(spec('web:1'));
    const [first, second] = await Promise.all([runtime.ensure(backend), runtime.ensure(backend)]);
    assert.deepEqual(first, second);
    const again = await runtime.ensure(backend);
    assert.equal(again.address, first.address);
    // partnerplane restarted: a runtime with no memory of this one, on the same installation.
    const restarted = new DockerRuntime({ installation, dataDir: '/nonexistent', logger }, settings, docker);
    const phases: StartPhase[] = [];
    const adopted = await restarted.ensure(backend, (phase) => phases.push(phase));
    assert.deepEqual(phases, [], 'nothing is created or started: it runs');
    assert.equal(adopted.address, first.address);
    assert.equal((await restarted.inspect(backend.arn)).length, 1);
    assert.ok((await restarted.list()).some((info) => info.arn === backend.arn));
    // Another installation on the same engine sees none of it.
    const other = new DockerRuntime({ installation: `${installation}-other`, dataDir: '/nonexistent', logger }, settings, docker);
    assert.deepEqual(await other.list(), []);
  });

  test('a container created but never started (partnerplane killed in between) is started, not duplicated', async () => {
    const backend = started(spec('web:1'));
    const name = runtime.containerName(backend);
    await docker.createContainer({ name, Image: backend.image, Labels: { [BACKEND_LABELS.installation]: installation, [BACKEND_LABELS.arn]: backend.arn, [BACKEND_LABELS.generation]: '1' } });
    assert.equal((await runtime.inspect(backend.arn))[0]?.state, 'starting');
    const phases: StartPhase[] = [];
    const info = await runtime.ensure(backend, (phase) => phases.push(phase));
    assert.deepEqual(phases, ['starting']);
    assert.equal(info.state, 'running');
    assert.equal((await runtime.inspect(backend.arn)).length, 1);
  });

  test('a killed container is reported with its signal, and ensure starts the same container again', async () => {
    const backend = started(spec('web:1'));
    const info = await runtime.ensure(backend);
    // Healthy only once its start is written to the volume: killed before, it would count one start.
    await healthy(info.address!);
    const [container] = await docker.listContainers({ filters: { label: [`${BACKEND_LABELS.arn}=${backend.arn}`] } });
    await docker.getContainer(container!.Id).kill({ signal: 'SIGKILL' });
    const exited = await eventually('the container to exit', async () => (await runtime.inspect(backend.arn)).find((found) => found.state === 'exited'));
    assert.equal(exited.reason, 'killed by SIGKILL');
    assert.equal(exited.address, undefined);
    const listed = (await runtime.list()).find((found) => found.arn === backend.arn);
    assert.deepEqual([listed?.state, listed?.exitCode, listed?.reason], ['exited', 137, 'killed by SIGKILL']);
    const restarted = await runtime.ensure(backend);
    assert.equal(restarted.state, 'running');
    assert.ok(restarted.startedAt! > info.startedAt!);
    const containers = await docker.listContainers({ all: true, filters: { label: [`${BACKEND_LABELS.arn}=${backend.arn}`] } });
    assert.deepEqual(containers.map((found) => found.Id), [container!.Id], 'the same container, started again');
    await healthy(restarted.address!);
    // Its volume kept what the first run wrote.
    assert.equal((await execIn(docker, container!.Id, ['cat', '/data/starts'])).trim().split('\n').length, 2);
  });

  test('a crashing command exits with its code; its output is in the logs', async () => {
    const backend = started(spec('web:crash'));
    await runtime.ensure(backend);
    const exited = await eventually('the crash', async () => (await runtime.inspect(backend.arn)).find((found) => found.state === 'exited'));
    assert.equal(exited.exitCode, 3);
    assert.equal(exited.reason, 'exited with code 3');
    assert.equal(await text(runtime.logs(backend.arn, { follow: false })), 'cannot start: no licence key\n');
  });

  test('an image that is not on the engine and cannot be pulled fails, naming it', async () => {
    // A registry on a loopback port where nothing listens: the pull fails at once, and on this machine only.
    const backend = started(spec('web:1', { image: '127.0.0.1:9/partnerplane-test/missing:1' }));
    const phases: StartPhase[] = [];
    await assert.rejects(runtime.ensure(backend, (phase) => phases.push(phase)), (error: unknown) => {
      assert.ok(isBackendFailure(error));
      assert.equal(error.code, 'ImageNotFound');
      assert.match(error.reason, /^The image 127\.0\.0\.1:9\/partnerplane-test\/missing:1 is not on the Docker Engine and could not be pulled: /);
      return true;
    });
    assert.deepEqual(phases, ['pulling image']);
  });

  test('a command that is not in the image fails, naming the image', async () => {
    const backend = started(spec('web:nocommand'));
    await assert.rejects(runtime.ensure(backend), (error: unknown) => {
      assert.ok(isBackendFailure(error));
      assert.equal(error.code, 'CommandNotFound');
      assert.ok(error.reason.includes(backend.image!), error.reason);
      return true;
    });
  });

  test('logs: what was written, its end, and what comes next when followed', async () => {
    const backend = started(spec('web:1'));
    const info = await runtime.ensure(backend);
    await healthy(info.address!);
    assert.match(await text(runtime.logs(backend.arn, { follow: false })), /^app starting: web version 1\n/);
    const written = await text(runtime.logs(backend.arn, { follow: false }));
    assert.equal(await text(runtime.logs(backend.arn, { follow: false, tailBytes: 6 })), written.slice(-6));
    const abort = new AbortController();
    const followed = runtime.logs(backend.arn, { follow: true, signal: abort.signal })[Symbol.asyncIterator]();
    const past = await followed.next();
    assert.match(past.value!.toString(), /app starting/);
    // The app's next lines (httpd logs each request on stderr) arrive on the open stream.
    const next = followed.next();
    await get(info.address!, '/followed-path');
    assert.match((await next).value!.toString(), /response:404/);
    abort.abort();
    assert.equal((await followed.next()).done, true);
  });

  test('remove of a generation keeps the data; remove of the app leaves no container and no volume', async () => {
    const backend = started(spec('web:1'));
    await runtime.ensure(backend);
    const second = await runtime.ensure({ ...backend, generation: 2, image: testImage('web:2') });
    assert.deepEqual((await runtime.inspect(backend.arn)).map((info) => info.generation).sort(), [1, 2]);
    await runtime.remove(backend.arn, { generation: 1, graceMs: 5_000 });
    assert.deepEqual((await runtime.inspect(backend.arn)).map((info) => info.generation), [2]);
    await healthy(second.address!);
    assert.equal((await get(second.address!, '/'))?.text, 'web version 2\n');
    const volumes = async () => (await docker.listVolumes({ filters: { label: [`${BACKEND_LABELS.arn}=${backend.arn}`] } })).Volumes ?? [];
    assert.equal((await volumes()).length, 1);
    await runtime.remove(backend.arn);
    assert.deepEqual(await runtime.inspect(backend.arn), []);
    assert.deepEqual(await volumes(), []);
    await runtime.remove(backend.arn);
  });

});
