/**
 * The swarm runtime's suites, on a real two-node Docker Swarm (scripts/swarm.sh; see
 * test/helpers/swarm.ts). One file, so its suites run one after another: one of them stops a
 * node, which the others must not see.
 *
 * First, the cluster itself, as the runtime relies on it: both nodes Ready, the test image on both,
 * and, with no IPVS in this kernel, the two ways a service is reached that work without it: ports
 * published in host mode at each node's address (from the host), and --endpoint-mode dnsrr names
 * on the attachable overlay (from a container on it).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DeletePartnerAppCommand, DescribePartnerAppCommand, SageMakerClient, UpdatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import type Docker from 'dockerode';
import { createLogger } from '../../src/logger.js';
import { BACKEND_LABELS, isBackendFailure, type BackendSpec } from '../../src/runtime/runtime.js';
import { SwarmRuntime, type SwarmSettings } from '../../src/runtime/swarm.js';
import type { SwarmTask } from '../../src/runtime/swarmTasks.js';
import { ensureTestImages, TEST_APP_PORT, testImage, type TestImageVariant } from '../helpers/dockerImages.js';
import { assertOneLine, cli } from '../helpers/cli.js';
import { testPostgresUrl } from '../helpers/postgres.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { removeInstallation, skipWithoutSwarm, SWARM_BUSYBOX, swarmCatalog, swarmServerSettings, testSwarm, waitFor, type TestSwarm } from '../helpers/swarm.js';
import { createInput } from '../operations/support.js';
import { gatewaySession, settled } from './support.js';

let appCounter = 0;
/** One generation of a test app's backend, as the reconciler would ask for it. */
function spec(variant: TestImageVariant, overrides: Partial<BackendSpec> = {}): BackendSpec {
  const appId = `app-${randomBytes(6).toString('hex').toUpperCase()}`;
  appCounter += 1;
  return {
    arn: `arn:aws:sagemaker:us-east-1:000000000000:partner-app/${appId}`,
    appId,
    name: `swarm-runtime-${appCounter}`,
    type: 'comet',
    version: '1',
    tier: 'small',
    generation: 1,
    image: testImage(variant),
    port: TEST_APP_PORT,
    healthPath: '/health',
    startTimeoutMs: 30_000,
    env: { PARTNERPLANE_APP_NAME: `swarm-runtime-${appCounter}` },
    resources: { cpus: 0.1, memoryMiB: 64 },
    dataName: appId,
    ...overrides,
  };
}

interface Task {
  NodeID: string;
  DesiredState: string;
  Status: { State: string; PortStatus?: { Ports?: { PublishedPort: number }[] } };
}

/** Runs `command` in a container of node 1 attached to the overlay network; resolves to its output (from a TTY: lines end in CR LF). */
async function onOverlay(swarm: TestSwarm, command: string): Promise<string> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const [result, container] = (await swarm.nodes[0]!.run(SWARM_BUSYBOX, ['sh', '-c', command], output, { HostConfig: { NetworkMode: swarm.network } })) as [{ StatusCode: number }, Docker.Container];
  await container.remove({ force: true });
  assert.equal(result.StatusCode, 0, Buffer.concat(chunks).toString());
  return Buffer.concat(chunks).toString();
}

describe('the test swarm', { skip: skipWithoutSwarm }, () => {
  let swarm: TestSwarm;
  const name = `pptest-cluster-${randomBytes(3).toString('hex')}`;
  before(() => {
    swarm = testSwarm();
  });
  after(async () => {
    await swarm?.nodes[0]!.getService(name).remove().catch(() => undefined);
  });

  test('has two Ready nodes, one of them the manager, each with the test image', async () => {
    const nodes = (await swarm.nodes[0]!.listNodes()) as { Status: { State: string; Addr: string }; Spec: { Role: string } }[];
    assert.deepEqual(nodes.map((node) => node.Status.State), ['ready', 'ready']);
    assert.deepEqual(nodes.map((node) => node.Spec.Role).sort(), ['manager', 'worker']);
    assert.deepEqual(nodes.map((node) => node.Status.Addr).sort(), [...swarm.addresses].sort());
    for (const node of swarm.nodes) assert.ok(await node.getImage(SWARM_BUSYBOX).inspect());
  });

  test('reaches a service on both nodes: host-mode ports from the host, dnsrr names on the overlay', async () => {
    const serve = 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www';
    const service = await swarm.nodes[0]!.createService({
      Name: name,
      TaskTemplate: {
        ContainerSpec: { Image: SWARM_BUSYBOX, Args: ['sh', '-c', serve], Init: true },
        Networks: [{ Target: swarm.network }],
        // One task per node, whatever the scheduler's spreading would do with other services about.
        Placement: { MaxReplicas: 1 } as never,
      },
      Mode: { Replicated: { Replicas: 2 } },
      EndpointSpec: { Mode: 'dnsrr', Ports: [{ Protocol: 'tcp', TargetPort: 8080, PublishMode: 'host' }] },
    });
    const tasks = await waitFor('both tasks running', async () => {
      const listed = ((await swarm.nodes[0]!.listTasks({ filters: { service: [service.id], 'desired-state': ['running'] } })) as Task[]).filter((task) => task.Status.State === 'running');
      return listed.length === 2 ? listed : undefined;
    });
    assert.equal(new Set(tasks.map((task) => task.NodeID)).size, 2, 'one task on each node');
    const nodes = (await swarm.nodes[0]!.listNodes()) as { ID: string; Status: { Addr: string } }[];
    const pages = await Promise.all(
      tasks.map(async (task) => {
        const address = nodes.find((node) => node.ID === task.NodeID)!.Status.Addr;
        const response = await fetch(`http://${address}:${task.Status.PortStatus!.Ports![0]!.PublishedPort}/`);
        return (await response.text()).trim();
      }),
    );
    assert.equal(new Set(pages).size, 2, `two different tasks answered: ${pages.join(', ')}`);
    // A task's name reaches the other node's DNS by gossip, after Swarm reports it running: a
    // lookup right away found one address of two once in eight runs here.
    const lookup = `nslookup tasks.${name} | grep -c '^Address: 10\\.'`;
    await onOverlay(swarm, `for i in $(seq 60); do [ "$(${lookup})" = 2 ] && exit 0; sleep 0.5; done; nslookup tasks.${name}; exit 1`);
    // Docker's DNS gives the two addresses in a random order for each lookup: six lookups all went
    // to one task in about one run of thirty-two (seen in CI); forty make that a chance of 2^-39.
    const answers = await onOverlay(swarm, `for i in $(seq 40); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${name} 8080 | tail -n 1; done`);
    assert.deepEqual(new Set(answers.trim().split(/\s+/)), new Set(pages), 'the name reaches the tasks (DNS round robin)');
  });
});

/**
 * The swarm runtime through its own interface (runtime/runtime.ts), on the cluster: what it makes,
 * what it reports as the tasks go, a restart's adoption, rolling updates and their rollback, and
 * removal. A node lost is the next suite's (through the gateway and the store).
 */
describe('the swarm runtime', { skip: skipWithoutSwarm }, () => {
  let swarm: TestSwarm;
  let manager: Docker;
  const installation = `swarm-test-${randomBytes(4).toString('hex')}`;
  const settings: SwarmSettings = { reach: 'host', network: undefined, endpointMode: 'dnsrr', constraints: [], healthIntervalMs: 1000 };
  const runtimes: SwarmRuntime[] = [];
  /** What the runtimes logged at warn level and above (JSON lines). */
  const warnings: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => void warnings.push(line) });
  const newRuntime = (overrides: Partial<SwarmSettings> = {}) => {
    const runtime = new SwarmRuntime({ installation, dataDir: '/nonexistent', logger }, { ...settings, network: swarm.network, ...overrides }, manager);
    runtimes.push(runtime);
    return runtime;
  };
  /** Node ID → the client of that node's engine. */
  const engines = new Map<string, Docker>();

  before(async () => {
    swarm = testSwarm();
    manager = swarm.nodes[0]!;
    await Promise.all(swarm.nodes.map((node) => ensureTestImages(node)));
    for (const node of swarm.nodes) engines.set(((await node.info()) as { Swarm: { NodeID: string } }).Swarm.NodeID, node);
  });
  after(() => removeInstallation(swarm, installation));

  /** The tasks of the app's service that are in `state` (Swarm's word for where a task is), listed with `filters` besides the service. */
  const tasksIn = async (runtime: SwarmRuntime, appId: string, state: string, filters: Record<string, string[]> = {}) =>
    ((await manager.listTasks({ filters: { service: [runtime.serviceName(appId)], ...filters } })) as SwarmTask[]).filter((task) => task.Status.State === state);
  const runningTasks = (runtime: SwarmRuntime, appId: string) => tasksIn(runtime, appId, 'running', { 'desired-state': ['running'] });

  /** Runs `command` in the container of a task, on the node it runs on. */
  async function inTask(task: SwarmTask, command: string[]): Promise<void> {
    const container = engines.get(task.NodeID!)!.getContainer(task.Status.ContainerStatus!.ContainerID!);
    const exec = await container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
    // Read to its end: the command has then finished, and the connection is closed.
    const stream = await exec.start({});
    stream.resume();
    await finished(stream);
  }

  const generation = async (runtime: SwarmRuntime, arn: string, number: number) => (await runtime.inspect(arn)).find((info) => info.generation === number);
  const page = async (address: string) => (await (await fetch(`http://${address}/`)).text()).trim();

  test('one service per app: Available once every wanted task passes its health check, on both nodes, with the tier as limits and reservations', async () => {
    const runtime = newRuntime();
    const app = spec('web:gated', { resources: { cpus: 0.25, memoryMiB: 64, replicas: 2 } });
    const phases: string[] = [];
    const ensured = runtime.ensure(app, (phase) => phases.push(phase));
    const tasks = await waitFor('both tasks started (not yet healthy)', async () => {
      const listed = await tasksIn(runtime, app.appId, 'starting');
      return listed.length === 2 ? listed : undefined;
    });
    assert.deepEqual(phases, ['creating', 'starting']);
    assert.equal((await generation(runtime, app.arn, 1))?.state, 'starting');
    assert.equal(new Set(tasks.map((task) => task.NodeID)).size, 2, 'one task on each node');
    await inTask(tasks[0]!, ['touch', '/tmp/ready']);
    await waitFor('one task healthy', async () => ((await runningTasks(runtime, app.appId)).length === 1 ? true : undefined));
    assert.equal((await generation(runtime, app.arn, 1))?.state, 'starting', 'one task of two healthy is not enough');
    await inTask(tasks[1]!, ['touch', '/tmp/ready']);
    const running = await ensured;
    assert.equal(running.state, 'running');
    assert.equal(await page(running.address!), 'web gated');

    const service = (await manager.getService(runtime.serviceName(app.appId)).inspect()) as { Spec: Docker.ServiceSpec & { TaskTemplate: Docker.ContainerTaskSpec } };
    const expected = { NanoCPUs: 250_000_000, MemoryBytes: 64 * 1024 * 1024 };
    assert.deepEqual(service.Spec.TaskTemplate.Resources, { Limits: expected, Reservations: expected });
    assert.equal(service.Spec.Labels?.[BACKEND_LABELS.arn], app.arn);
    assert.equal(service.Spec.TaskTemplate.ContainerSpec?.Labels?.[BACKEND_LABELS.generation], '1');
    assert.deepEqual(service.Spec.EndpointSpec, { Mode: 'dnsrr', Ports: [{ Protocol: 'tcp', TargetPort: TEST_APP_PORT, PublishMode: 'host' }] });
    await runtime.remove(app.arn);
  });

  test('placement constraints are a setting: a worker-only runtime runs its apps on node 2; a delete says which volume stays there', async () => {
    const runtime = newRuntime({ constraints: ['node.role==worker'] });
    const app = spec('web:1');
    const info = await runtime.ensure(app);
    assert.equal(info.address?.split(':')[0], swarm.addresses[1]);
    const [task] = await runningTasks(runtime, app.appId);
    assert.equal(engines.get(task!.NodeID!), swarm.nodes[1]);
    warnings.length = 0;
    await runtime.remove(app.arn);
    // The manager's Engine API reaches no worker's volumes: the app's stays on node 2, and the log says so.
    const volume = runtime.volumeName(app.appId);
    const label = [`${BACKEND_LABELS.arn}=${app.arn}`];
    assert.deepEqual(((await swarm.nodes[1]!.listVolumes({ filters: { label } })).Volumes ?? []).map((found) => found.Name), [volume]);
    const logged = warnings.map((line) => JSON.parse(line) as { msg: string; arn: string; volume: string; nodes: string[] }).find((line) => line.arn === app.arn);
    assert.deepEqual(logged && { volume: logged.volume, nodes: logged.nodes }, { volume, nodes: ['node2'] });
    assert.equal(logged!.msg, `the app's volume ${volume} stays on node2: a volume is its node's own and partnerplane reaches only its manager's engine; remove it there with \`docker volume rm ${volume}\``);
    // (Removed there by after(): removeInstallation.)
  });

  test('a restarted partnerplane adopts the services by label: no duplicates; removal leaves no service and no volume', async () => {
    const first = newRuntime();
    const app = spec('web:1');
    await first.ensure(app);
    const second = newRuntime();
    const adopted = (await second.list()).filter((info) => info.arn === app.arn);
    assert.deepEqual(adopted.map((info) => [info.generation, info.state]), [[1, 'running']]);
    assert.equal((await second.ensure(app)).state, 'running');
    const services = await manager.listServices({ filters: { label: [`${BACKEND_LABELS.arn}=${app.arn}`] } });
    assert.equal(services.length, 1);
    const label = [`${BACKEND_LABELS.arn}=${app.arn}`];
    await second.remove(app.arn);
    assert.deepEqual(await second.inspect(app.arn), []);
    assert.deepEqual(await manager.listServices({ filters: { label } }), []);
    assert.deepEqual((await manager.listVolumes({ filters: { label } })).Volumes ?? [], []);
  });

  test('a new generation is a rolling update; one that never passes its health check is rolled back, the previous one still serving', async (t) => {
    const runtime = newRuntime();
    const first = spec('web:1', { startTimeoutMs: 8000 });
    await runtime.ensure(first);
    const second = { ...first, generation: 2, image: testImage('web:2') };
    let started = Date.now();
    const upgraded = await runtime.ensure(second);
    t.diagnostic(`a good rolling update: running in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(upgraded.state, 'running');
    assert.equal(await page(upgraded.address!), 'web version 2');
    assert.equal(await generation(runtime, first.arn, 1), undefined, 'generation 1 replaced');
    const service = (await manager.getService(runtime.serviceName(first.appId)).inspect()) as { UpdateStatus?: { State: string } };
    assert.equal(service.UpdateStatus?.State, 'completed');

    const broken = { ...first, generation: 3, image: testImage('web:unhealthy') };
    const rolledBack = 'The backend was rolled back by Swarm, the previous version still serving: a task of the new version did not pass its health check, and was stopped.';
    started = Date.now();
    await assert.rejects(runtime.ensure(broken), (error: unknown) => isBackendFailure(error) && error.code === 'HealthCheckTimeout' && error.reason === rolledBack);
    t.diagnostic(`an update whose task never passes its health check (start timeout 8 s): rolled back, rejected in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const failed = await generation(runtime, first.arn, 3);
    assert.equal(failed?.state, 'exited');
    const serving = await generation(runtime, first.arn, 2);
    assert.equal(serving?.state, 'running');
    assert.equal(await page(serving!.address!), 'web version 2');
    // Asked again, it is not tried again: the same verdict.
    await assert.rejects(runtime.ensure(broken), (error: unknown) => isBackendFailure(error) && error.reason === rolledBack);
    // Removing the failed generation changes nothing that runs (Swarm replaced it) and it is no longer reported.
    await runtime.remove(first.arn, { generation: 3 });
    assert.deepEqual((await runtime.inspect(first.arn)).map((info) => [info.generation, info.state]), [[2, 'running']]);
    await runtime.remove(first.arn);
  });

  test('a generation whose image no node has fails as ImageNotFound; a crashing one reports its exit code', async () => {
    const runtime = newRuntime();
    const missing = spec('web:1', { image: 'partnerplane-test/no-such-image:1' });
    await assert.rejects(runtime.ensure(missing), (error: unknown) => isBackendFailure(error) && error.code === 'ImageNotFound' && /^The backend cannot start: its image is on no node/.test(error.reason));
    assert.equal((await generation(runtime, missing.arn, 1))?.state, 'exited');
    await runtime.remove(missing.arn);

    const crashing = spec('web:crash');
    await assert.rejects(runtime.ensure(crashing), (error: unknown) => isBackendFailure(error) && error.code === 'BackendExited' && error.reason === 'The backend exited with code 3 before passing its health check (GET /health).');
    const crashed = await generation(runtime, crashing.arn, 1);
    assert.equal(crashed?.exitCode, 3);
    assert.equal(crashed?.reason, 'exited with code 3');
    // Swarm runs each restart as a new task, which may not have written anything yet when read:
    // the logs hold what every task of the generation wrote, one line per try.
    const tries = await waitFor('two tries ended', async () => {
      const failed = await tasksIn(runtime, crashing.appId, 'failed');
      return failed.length >= 2 ? failed.length : undefined;
    });
    const logs: Buffer[] = [];
    for await (const chunk of runtime.logs(crashing.arn, { follow: false })) logs.push(chunk);
    const lines = Buffer.concat(logs).toString().match(/^cannot start: no licence key$/gm) ?? [];
    assert.ok(lines.length >= tries, `${lines.length} lines for ${tries} tries`);
    await runtime.remove(crashing.arn);
  });
});

/**
 * Apps on the swarm runtime through the real SDK and the gateway, as a user sees them: apps on both
 * nodes, a node lost and its apps serving again from the other (503 with Retry-After meanwhile), a
 * rolling upgrade to a broken version ending UpdateFailed with the old version serving, a restarted
 * partnerplane adopting every service, and deletes that leave nothing.
 */
/** A restart on the same data needs the same database: on PostgreSQL every test server gets a fresh schema. */
const sqliteOnly = testPostgresUrl() ? 'runs in the SQLite run of the suite (two replicas on PostgreSQL: test/runtime/swarmReplicas.test.ts)' : false;

describe('apps on the swarm runtime', { skip: skipWithoutSwarm || sqliteOnly }, () => {
  let swarm: TestSwarm;
  let manager: Docker;
  let server: TestServer;
  let dataDir: string;
  const nodeOf = new Map<string, number>();

  const start = () => startTestServer({ dataDir, ...swarmServerSettings(swarm) });

  before(async () => {
    swarm = testSwarm();
    manager = swarm.nodes[0]!;
    await Promise.all(swarm.nodes.map((node) => ensureTestImages(node)));
    for (const [index, node] of swarm.nodes.entries()) nodeOf.set(((await node.info()) as { Swarm: { NodeID: string } }).Swarm.NodeID, index + 1);
    dataDir = tempDir('partnerplane-swarm-apps-');
    server = await start();
  });
  after(async () => {
    const installation = await server?.server.store.sharedSecret('installation', () => 'unset');
    await server?.close();
    if (installation) await removeInstallation(swarm, installation);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const servicesOf = async (arn: string) => manager.listServices({ filters: { label: [`${BACKEND_LABELS.arn}=${arn}`] } });
  /** The nodes (1, 2) the app's running tasks are on. */
  async function nodesOf(arn: string): Promise<number[]> {
    const [service] = await servicesOf(arn);
    const tasks = (await manager.listTasks({ filters: { service: [service!.ID], 'desired-state': ['running'] } })) as SwarmTask[];
    return tasks.filter((task) => task.Status.State === 'running').map((task) => nodeOf.get(task.NodeID!)!).sort();
  }
  const pageOf = async (session: Awaited<ReturnType<typeof gatewaySession>>) => {
    const response = await session.get();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), text: (await response.text()).trim() };
  };

  const apps: { arn: string; tier: string }[] = [];

  test('refuses to start on an engine that is no Swarm manager, or without its network, saying so', async () => {
    const file = path.join(dataDir, 'catalog.json');
    fs.writeFileSync(file, JSON.stringify(swarmCatalog()));
    const serve = (...flags: string[]) => cli('serve', '--port', '0', '--data-dir', path.join(dataDir, 'refused'), '--app-runtime', 'swarm', '--app-catalog', file, ...flags);
    process.env.DOCKER_HOST = swarm.workerHost;
    try {
      const onWorker = await serve();
      assert.equal(onWorker.code, 2);
      assertOneLine(onWorker.stderr, `--app-runtime swarm: the Docker Engine at ${swarm.workerHost} is not a manager of a Swarm (its swarm state: active); point DOCKER_HOST at a manager node`);
    } finally {
      process.env.DOCKER_HOST = swarm.managerHost;
    }
    const noNetwork = await serve('--swarm-network', 'no-such-network');
    assert.equal(noNetwork.code, 2);
    assertOneLine(noNetwork.stderr, '--swarm-network no-such-network: network no-such-network not found; create it with `docker network create --driver overlay --attachable no-such-network`');
  });

  test('apps land on both nodes and are Available once their tasks pass their health checks', async () => {
    const client = server.client();
    for (const tier of ['large', 'small', 'small']) {
      const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Tier: tier })));
      apps.push({ arn: Arn!, tier });
    }
    for (const { arn } of apps) {
      const app = await settled(client, arn, 'Available', 'Failed');
      assert.equal(app.Status, 'Available', app.Error?.Reason);
      assert.equal((await pageOf(await gatewaySession(client, arn))).text, 'web version 1');
      assert.equal((await servicesOf(arn)).length, 1, 'one service per app');
    }
    assert.deepEqual(await nodesOf(apps[0]!.arn), [1, 2], 'the two tasks of a large app, one on each node');
    const used = new Set((await Promise.all(apps.map(({ arn }) => nodesOf(arn)))).flat());
    assert.deepEqual([...used].sort(), [1, 2]);
  });

  test('a node lost: its apps answer 503 with Retry-After, then serve again from the other node, the store holding where', async (t) => {
    const client = server.client();
    const onNode2 = await waitFor('an app of one task on node 2', async () => {
      for (const { arn, tier } of apps) if (tier === 'small' && (await nodesOf(arn)).includes(2)) return arn;
      return undefined;
    });
    const session = await gatewaySession(client, onNode2);
    const stopping = Date.now();
    await swarm.stopNode(2);
    const seconds = () => ((Date.now() - stopping) / 1000).toFixed(1);
    try {
      const refused = await waitFor('the gateway refusing the app while no task is healthy', async () => {
        const page = await pageOf(session);
        return page.status === 503 ? page : undefined;
      });
      assert.match(refused.retryAfter ?? '', /^\d+$/);
      const refusedAfter = seconds();
      const served = await waitFor('the app served again', async () => {
        const page = await pageOf(session);
        return page.status === 200 ? page : undefined;
      });
      assert.equal(served.text, 'web version 1');
      t.diagnostic(`node 2's engine told to stop at 0 s: 503 at ${refusedAfter} s, served from node 1 at ${seconds()} s`);
      for (const { arn } of apps) {
        await waitFor(`${arn} running on node 1 only`, async () => ((await nodesOf(arn)).every((node) => node === 1) ? true : undefined));
        assert.equal((await pageOf(await gatewaySession(client, arn))).text, 'web version 1');
        const stored = await server.server.store.getApp(arn);
        assert.equal(stored?.status, 'Available');
        assert.equal(stored?.backend?.serving?.address.split(':')[0], swarm.addresses[0], 'the store holds the address on node 1');
      }
    } finally {
      await swarm.startNode(2);
    }
  });

  test('updates are rolling updates of the service: a new tier and ApplicationConfig applied; an upgrade to a broken version rolled back by Swarm, UpdateFailed with the reason, the old version serving', async (t) => {
    const client = server.client();
    type Service = { Spec: { TaskTemplate: Docker.ContainerTaskSpec; Mode: { Replicated: { Replicas: number } } } };
    // Both at once, on two apps: the good update of a small app, the broken upgrade of the large one.
    const good = apps[1]!.arn;
    const broken = apps[0]!.arn;
    const started = Date.now();
    await client.send(new UpdatePartnerAppCommand({ Arn: good, Tier: 'large', ApplicationConfig: { Arguments: { mode: 'prod' } } }));
    await client.send(new UpdatePartnerAppCommand({ Arn: broken, AppVersion: '1.2' }));
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

    const updated = await settled(client, good, 'Available', 'UpdateFailed');
    assert.equal(updated.Status, 'Available', updated.Error?.Reason);
    assert.equal(updated.Tier, 'large');
    const updatedAfter = seconds();
    apps[1]!.tier = 'large';
    const [service] = (await servicesOf(good)) as Service[];
    assert.equal(service!.Spec.Mode.Replicated.Replicas, 2);
    assert.ok(service!.Spec.TaskTemplate.ContainerSpec?.Env?.includes('PARTNERPLANE_APP_ARGUMENTS={"mode":"prod"}'));
    assert.equal((await nodesOf(good)).length, 2);
    assert.equal((await pageOf(await gatewaySession(client, good))).text, 'web version 1');

    const failed = await settled(client, broken, 'UpdateFailed', 'Available');
    assert.equal(failed.Status, 'UpdateFailed');
    t.diagnostic(`both updates sent at 0 s: the good one Available at ${updatedAfter} s, the broken one UpdateFailed at ${seconds()} s`);
    assert.equal(failed.Error?.Reason, 'The backend was rolled back by Swarm, the previous version still serving: a task of the new version exited with code 3.');
    assert.equal(failed.Version, '1.1');
    assert.equal((await pageOf(await gatewaySession(client, broken))).text, 'web version 1');
    const [rolledBack] = (await servicesOf(broken)) as Service[];
    assert.equal(rolledBack!.Spec.TaskTemplate.ContainerSpec?.Image, testImage('web:1'));
  });

  test('a restarted partnerplane adopts every service by its label, starting none again; deletes leave no service, and no volume on the manager', async () => {
    const before = (await Promise.all(apps.map(({ arn }) => servicesOf(arn)))).flat().map((service) => service.ID);
    await server.close();
    server = await start();
    const client = server.client();
    for (const { arn } of apps) {
      assert.match((await client.send(new DescribePartnerAppCommand({ Arn: arn }))).Status!, /^(Available|UpdateFailed)$/);
      assert.equal((await pageOf(await gatewaySession(client, arn))).text, 'web version 1');
    }
    const after = (await Promise.all(apps.map(({ arn }) => servicesOf(arn)))).flat().map((service) => service.ID);
    assert.deepEqual(after, before);
    for (const { arn } of apps) await client.send(new DeletePartnerAppCommand({ Arn: arn }));
    for (const { arn } of apps) {
      await settled(client, arn, 'Deleted');
      assert.deepEqual(await servicesOf(arn), []);
      assert.deepEqual((await manager.listVolumes({ filters: { label: [`${BACKEND_LABELS.arn}=${arn}`] } })).Volumes ?? [], [], 'no volume on the manager');
    }
  });
});

/**
 * `--swarm-reach overlay`, as in a cluster where partnerplane runs on the apps' overlay network: a
 * partnerplane (this checkout's dist/, this machine's node, bound into a busybox container) on the
 * attachable network, reaching an app's tasks by its service's name (endpoint mode dnsrr: no IPVS).
 * Nothing of the app is published on the nodes.
 */
describe('partnerplane on the overlay network (--swarm-reach overlay)', { skip: skipWithoutSwarm }, () => {
  let swarm: TestSwarm;
  let container: Docker.Container | undefined;
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  const scratch = tempDir('partnerplane-swarm-overlay-');

  before(async () => {
    swarm = testSwarm();
    await Promise.all(swarm.nodes.map((node) => ensureTestImages(node)));
  });
  /** The installation of the partnerplane in the container (its data was in the container), read from its app's service. */
  let installation: string | undefined;
  let forwarder: net.Server | undefined;
  after(async () => {
    forwarder?.close();
    await container?.remove({ force: true });
    // Its services if the test failed, and the app's volume on a worker in any case.
    if (installation) await removeInstallation(swarm, installation);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /**
   * Starts partnerplane in a container of node 1 on the overlay network; resolves to its API's URL
   * from this host. Its port is published at node 1's address, and forwarded from a port of this
   * host's loopback, which its public URL names: every app's origin is then `<app-id>.localhost` on
   * that port, which the tests' fetch resolves to 127.0.0.1 as browsers do.
   */
  async function startInContainer(): Promise<string> {
    fs.writeFileSync(path.join(scratch, 'catalog.json'), JSON.stringify(swarmCatalog()));
    const port = 20000 + Math.floor(Math.random() * 10000);
    forwarder = net.createServer((socket) => {
      const upstream = net.connect(port, swarm.addresses[0]);
      socket.pipe(upstream).pipe(socket);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => forwarder!.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(forwarder.address() as net.AddressInfo).port}`;
    const modules = fs.realpathSync(path.join(ROOT, 'node_modules'));
    const binds = ['/usr:/usr:ro', '/usr/lib:/lib:ro', '/usr/lib64:/lib64:ro', `${ROOT}:${ROOT}:ro`, `${modules}:${modules}:ro`, `${scratch}:/cfg:ro`, `${swarm.managerHost.replace('unix://', '')}:/var/run/docker.sock`];
    container = await swarm.nodes[0]!.createContainer({
      Image: SWARM_BUSYBOX,
      WorkingDir: ROOT,
      Cmd: ['/usr/bin/node', 'dist/cli.js', 'serve', '--host', '0.0.0.0', '--data-dir', '/data', '--public-url', endpoint, '--log-level', 'warn',
        '--app-runtime', 'swarm', '--app-catalog', '/cfg/catalog.json', '--swarm-reach', 'overlay', '--swarm-network', swarm.network, '--swarm-health-interval-ms', '1000'],
      Env: ['DOCKER_HOST=unix:///var/run/docker.sock', 'PARTNERPLANE_LOCAL_KEY_ANYWHERE=true'],
      ExposedPorts: { '4577/tcp': {} },
      HostConfig: { Binds: binds, Tmpfs: { '/data': '' }, NetworkMode: swarm.network, PortBindings: { '4577/tcp': [{ HostPort: String(port) }] } },
    });
    await container.start();
    await waitFor('partnerplane in its container ready', async () => ((await fetch(`${endpoint}/ready`)).ok ? true : undefined));
    return endpoint;
  }

  test('the gateway reaches the app by its service name on the network, from a partnerplane attached to it', async () => {
    const endpoint = await startInContainer();
    const client = new SageMakerClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      const { Arn } = await client.send(new CreatePartnerAppCommand(createInput()));
      const app = await settled(client, Arn!, 'Available', 'Failed');
      const [service] = (await swarm.nodes[0]!.listServices({ filters: { label: [`${BACKEND_LABELS.arn}=${Arn}`] } })) as { Spec: Docker.ServiceSpec }[];
      installation = service?.Spec.Labels?.[BACKEND_LABELS.installation];
      assert.equal(app.Status, 'Available', app.Error?.Reason);
      assert.equal(service!.Spec.EndpointSpec?.Mode, 'dnsrr');
      assert.deepEqual(service!.Spec.EndpointSpec?.Ports ?? [], [], 'nothing published on the nodes');
      const response = await (await gatewaySession(client, Arn!)).get();
      assert.equal((await response.text()).trim(), 'web version 1');
      await client.send(new DeletePartnerAppCommand({ Arn }));
      await settled(client, Arn!, 'Deleted');
    } finally {
      client.destroy();
    }
  });
});
