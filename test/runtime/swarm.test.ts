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
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { skipWithoutSwarm, SWARM_BUSYBOX, testSwarm, waitFor, type TestSwarm } from '../helpers/swarm.js';

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
    const resolved = await onOverlay(swarm, `nslookup tasks.${name} | grep -c '^Address: 10\\.'`);
    assert.equal(resolved.trim(), '2');
    const answers = await onOverlay(swarm, `for i in 1 2 3 4 5 6; do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${name} 8080 | tail -n 1; done`);
    assert.deepEqual(new Set(answers.trim().split(/\s+/)), new Set(pages), 'the name reaches the tasks (DNS round robin)');
  });
});
