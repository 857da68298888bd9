/**
 * The two-node Docker Swarm the swarm suites run on: built by `scripts/swarm.sh start DIR` (each
 * node a dockerd of its own in a network namespace of its own; see the script) and named by
 * PARTNERPLANE_TEST_SWARM_DIR=DIR. Without it those suites are skipped, saying why; with
 * PARTNERPLANE_REQUIRE_SWARM=1 (CI) a missing swarm fails them instead.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { parseCatalog } from '../../src/catalog/parse.js';
import type { Config } from '../../src/config.js';
import { TEST_APP_PORT, testImage } from './dockerImages.js';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/swarm.sh');
export const TEST_SWARM_DIR = process.env.PARTNERPLANE_TEST_SWARM_DIR;
const HOW_TO_START = 'build one with `scripts/swarm.sh start /tmp/ppswarm` (as root) and set PARTNERPLANE_TEST_SWARM_DIR=/tmp/ppswarm';

if (!TEST_SWARM_DIR && process.env.PARTNERPLANE_REQUIRE_SWARM === '1') {
  throw new Error(`PARTNERPLANE_REQUIRE_SWARM=1, but PARTNERPLANE_TEST_SWARM_DIR is not set: ${HOW_TO_START}`);
}

/** For `describe(…, { skip })`: false with a swarm, else why the suite is skipped. */
export const skipWithoutSwarm: string | false = TEST_SWARM_DIR ? false : `no Docker Swarm for the tests (PARTNERPLANE_TEST_SWARM_DIR is not set): ${HOW_TO_START}`;

/** The image every node has (scripts/swarm.sh imports it): a static busybox, `sh` as its command. */
export const SWARM_BUSYBOX = 'partnerplane-test/busybox:swarm';

export interface TestSwarm {
  /** DOCKER_HOST of the manager (node 1), which is where partnerplane's swarm runtime talks. */
  managerHost: string;
  /** DOCKER_HOST of the worker (node 2). */
  workerHost: string;
  /** A client of each node's engine, node 1 (the manager) first. */
  nodes: Docker[];
  /** Each node's address, as the host (and so partnerplane) reaches it. */
  addresses: string[];
  /** The attachable overlay network the script made. */
  network: string;
  /** Stops node N's engine (N = 1 or 2): a node lost. */
  stopNode(node: number): Promise<void>;
  startNode(node: number): Promise<void>;
}

const run = promisify(execFile);

function readEnv(dir: string): Record<string, string> {
  const text = fs.readFileSync(path.join(dir, 'env'), 'utf8');
  return Object.fromEntries(text.split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

const client = (host: string) => new Docker({ socketPath: host.replace(/^unix:\/\//, '') });

export function testSwarm(): TestSwarm {
  if (!TEST_SWARM_DIR) throw new Error(`no Docker Swarm for the tests: ${HOW_TO_START}`);
  const dir = TEST_SWARM_DIR;
  const env = readEnv(dir);
  const hosts = [env.DOCKER_HOST!, env.PARTNERPLANE_SWARM_NODE2_HOST!];
  const script = (action: string) => async (node: number) => void (await run(SCRIPT, [action, dir, String(node)], { timeout: 120_000 }));
  return {
    managerHost: hosts[0]!,
    workerHost: hosts[1]!,
    nodes: hosts.map(client),
    addresses: [env.PARTNERPLANE_SWARM_NODE1_ADDRESS!, env.PARTNERPLANE_SWARM_NODE2_ADDRESS!],
    network: env.PARTNERPLANE_SWARM_NETWORK!,
    stopNode: script('node-stop'),
    startNode: script('node-start'),
  };
}

/**
 * Removes what a test's installation made on the swarm: its services, then, once their containers
 * are gone, its volumes on every node (a volume is a node's own: partnerplane removes an app's on
 * the manager only).
 */
export async function removeInstallation(swarm: TestSwarm, installation: string): Promise<void> {
  const label = [`partnerplane.installation=${installation}`];
  const [manager] = swarm.nodes;
  const services = await manager!.listServices({ filters: { label } });
  await Promise.all(services.map((service) => manager!.getService(service.ID).remove().catch(() => undefined)));
  for (const node of swarm.nodes) {
    await waitFor('the containers of removed services gone', async () => ((await node.listContainers({ all: true, filters: { label } })).length === 0 ? true : undefined), 30_000);
    const { Volumes } = await node.listVolumes({ filters: { label } });
    await Promise.all((Volumes ?? []).map((volume) => node.getVolume(volume.Name).remove().catch(() => undefined)));
  }
}

/**
 * The catalog of the swarm tests: comet 1.1 serves (test image web:1), 1.2 exits with code 3 at start
 * (web:crash: Swarm's verdict on an upgrade to it comes within seconds); tier `small` is one task,
 * `large` two.
 */
export function swarmCatalog(): object {
  return {
    tiers: { small: { cpus: 0.1, memoryMiB: 64 }, large: { cpus: 0.1, memoryMiB: 64, replicas: 2 } },
    types: {
      comet: {
        port: TEST_APP_PORT,
        healthPath: '/health',
        startTimeoutSeconds: 15,
        versions: [
          { version: '1.1', eolDate: '2027-05-31', image: testImage('web:1') },
          { version: '1.2', eolDate: '2028-01-31', image: testImage('web:crash') },
        ],
      },
    },
  };
}

/**
 * The settings of a test server on the swarm runtime with swarmCatalog(), reaching tasks at their
 * nodes' host-mode ports. Sets DOCKER_HOST (this process's) to the manager, which the runtime
 * reads as partnerplane does.
 */
export function swarmServerSettings(swarm: TestSwarm): Partial<Config> {
  process.env.DOCKER_HOST = swarm.managerHost;
  return {
    appRuntime: 'swarm',
    catalog: parseCatalog(JSON.stringify(swarmCatalog()), 'swarm test catalog', 'image'),
    swarmReach: 'host',
    swarmNetwork: swarm.network,
    swarmEndpointMode: 'dnsrr',
    swarmHealthIntervalMs: 1000,
    createDelayMs: 0,
    updateDelayMs: 0,
    deleteDelayMs: 0,
  };
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
