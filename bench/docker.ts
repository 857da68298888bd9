/**
 * The docker runtime's part of `npm run bench`: how long CreatePartnerApp takes to give an app
 * that is Available (its container started and its health check passed), against the floor of the
 * same container made and started straight through the Engine API (`docker run`) and polled with
 * the same health check alone; then many apps created at once, all reaching Available.
 *
 * The engine is PARTNERPLANE_BENCH_DOCKER_HOST (or PARTNERPLANE_TEST_DOCKER_HOST); without either,
 * as root with dockerd installed, the bench starts a private one (scripts/dockerd.sh) and removes
 * it afterwards; otherwise this part is skipped, saying why.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { probeHealth } from '../src/runtime/health.js';
import { BACKEND_LABELS } from '../src/runtime/runtime.js';
import { ensureTestImages, TEST_APP_PORT, testImage } from '../test/helpers/dockerImages.js';
import { ROOT, startPartnerplane, type Running } from './lib/processes.js';
import { EXECUTION_ROLE } from './lib/seed.js';
import { callOk, type Endpoint } from './lib/signing.js';
import { fixed, median, table } from './lib/stats.js';

export interface DockerBenchOptions {
  /** Apps created one after another, for the median. */
  sequential: number;
  /** Apps created at once. */
  concurrent: number;
  workDir: string;
  progress: (message: string) => void;
}

/** The tier every bench app gets: the floor's container gets the same limits. */
const TIER = { cpus: 0.5, memoryMiB: 64 };
/** How often the bench asks whether an app is Available: fine enough not to blur the figures. */
const DESCRIBE_EVERY_MS = 5;
/** How often the floor tries the health check (partnerplane's own: runtime/health.ts, the same probe). */
const HEALTH_EVERY_MS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Engine {
  host: string;
  docker: Docker;
  stop(): void;
}

/** The engine to use, or why there is none. */
function engine(workDir: string): Engine | string {
  const given = process.env.PARTNERPLANE_BENCH_DOCKER_HOST ?? process.env.PARTNERPLANE_TEST_DOCKER_HOST;
  const client = (host: string) => new Docker({ socketPath: host.replace(/^unix:\/\//, '') });
  if (given) return { host: given, docker: client(given), stop: () => undefined };
  if (process.getuid?.() !== 0) return 'no Docker Engine: set PARTNERPLANE_BENCH_DOCKER_HOST=unix://…, or run the bench as root to have it start one';
  const dir = path.join(workDir, 'dockerd');
  const script = path.join(ROOT, 'scripts/dockerd.sh');
  try {
    const host = execFileSync(script, ['start', dir], { encoding: 'utf8' }).match(/^DOCKER_HOST=(.*)$/m)![1]!;
    return { host, docker: client(host), stop: () => execFileSync(script, ['purge', dir], { stdio: 'ignore' }) };
  } catch (error) {
    return `no Docker Engine: scripts/dockerd.sh could not start one (${(error as Error).message.split('\n')[0]})`;
  }
}

/** The floor: create and start the container through the API, then the health check until it passes. */
async function dockerRunAlone(docker: Docker, image: string): Promise<number> {
  const started = performance.now();
  const port = `${TEST_APP_PORT}/tcp`;
  const container = await docker.createContainer({
    Image: image,
    ExposedPorts: { [port]: {} },
    Labels: { 'partnerplane.bench': 'floor' },
    HostConfig: { PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: '' }] }, NanoCpus: TIER.cpus * 1e9, Memory: TIER.memoryMiB * 1024 * 1024 },
  });
  try {
    await container.start();
    const info = await container.inspect();
    const hostPort = (info.NetworkSettings.Ports[port] as { HostPort: string }[])[0]!.HostPort;
    while (!(await probeHealth(`127.0.0.1:${hostPort}`, '/health'))) await sleep(HEALTH_EVERY_MS);
    return performance.now() - started;
  } finally {
    await container.remove({ force: true });
  }
}

const createInput = (name: string) => ({ Name: name, Type: 'comet', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: EXECUTION_ROLE, ApplicationConfig: { AdminUsers: ['admin@example.com'] } });

async function waitForStatus(endpoint: Endpoint, arn: string, leaving: string): Promise<string> {
  for (;;) {
    const { Status, Error: error } = await callOk(endpoint, 'DescribePartnerApp', { Arn: arn });
    if (Status !== leaving) {
      if (Status === 'Failed') throw new Error(`bench app ${arn} failed: ${JSON.stringify(error)}`);
      return Status as string;
    }
    await sleep(DESCRIBE_EVERY_MS);
  }
}

/** From CreatePartnerApp to Available, then deleted (not timed) so that the next app starts alone. */
async function createToAvailable(endpoint: Endpoint, name: string): Promise<{ ms: number; arn: string }> {
  const started = performance.now();
  const { Arn } = await callOk(endpoint, 'CreatePartnerApp', createInput(name));
  await waitForStatus(endpoint, Arn, 'Creating');
  const ms = performance.now() - started;
  await callOk(endpoint, 'DeletePartnerApp', { Arn });
  await waitForStatus(endpoint, Arn, 'Deleting');
  return { ms, arn: Arn };
}

/** `count` apps created at once: how long until every one is Available. */
async function createAtOnce(endpoint: Endpoint, count: number, tag: string): Promise<{ ms: number; arns: string[] }> {
  const started = performance.now();
  const arns = await Promise.all(Array.from({ length: count }, async (_, index) => (await callOk(endpoint, 'CreatePartnerApp', createInput(`${tag}c${index}`))).Arn as string));
  for (;;) {
    const { Summaries } = await callOk(endpoint, 'ListPartnerApps', { MaxResults: 100 });
    const statuses = (Summaries as { Arn: string; Status: string }[]).filter((summary) => arns.includes(summary.Arn)).map((summary) => summary.Status);
    if (statuses.includes('Failed')) throw new Error(`an app created at once failed: ${JSON.stringify(statuses)}`);
    if (statuses.length === count && statuses.every((status) => status === 'Available')) return { ms: performance.now() - started, arns };
    await sleep(50);
  }
}

function catalogFile(workDir: string): string {
  const file = path.join(workDir, 'docker-catalog.json');
  const version = { version: '1.0', eolDate: '2030-12-31', image: testImage('web:1'), port: TEST_APP_PORT, healthPath: '/health' };
  fs.writeFileSync(file, JSON.stringify({ types: { comet: { versions: [version], tiers: { small: TIER } } } }, null, 2));
  return file;
}

interface Figures {
  floor: number[];
  ours: number[];
  atOnce: { count: number; ms: number };
  leftOver: number;
}

async function measure(server: Running, docker: Docker, options: DockerBenchOptions): Promise<Figures> {
  const tag = `bd${Date.now().toString(36)}`;
  const floor: number[] = [];
  const ours: number[] = [];
  const created: string[] = [];
  // Alternately, so that drifting load on the machine hits both alike; one of each first, not counted, to warm up.
  for (let index = -1; index < options.sequential; index++) {
    const floorMs = await dockerRunAlone(docker, testImage('web:1'));
    const { ms: ourMs, arn } = await createToAvailable(server.endpoint, `${tag}s${index + 1}`);
    created.push(arn);
    if (index < 0) continue;
    floor.push(floorMs);
    ours.push(ourMs);
    options.progress(`  docker: app ${index + 1}/${options.sequential}: docker run + health ${fixed(floorMs)} ms, CreatePartnerApp → Available ${fixed(ourMs)} ms`);
  }
  const { ms, arns } = await createAtOnce(server.endpoint, options.concurrent, tag);
  options.progress(`  docker: ${options.concurrent} apps created at once, all Available after ${fixed(ms)} ms`);
  await Promise.all(arns.map((arn) => callOk(server.endpoint, 'DeletePartnerApp', { Arn: arn })));
  await Promise.all(arns.map((arn) => waitForStatus(server.endpoint, arn, 'Deleting')));
  const left = await Promise.all([...created, ...arns].map((arn) => docker.listContainers({ all: true, filters: { label: [`${BACKEND_LABELS.arn}=${arn}`] } })));
  const leftOver = left.flat().length;
  return { floor, ours, atOnce: { count: options.concurrent, ms }, leftOver };
}

function report(figures: Figures, options: DockerBenchOptions): string {
  const floor = median(figures.floor);
  const ours = median(figures.ours);
  return [
    table(
      ['From request to a healthy container', `median of ${options.sequential}, ms`, 'min ms', 'max ms'],
      [
        ['docker run (API create + start) + the health check alone', fixed(floor), fixed(Math.min(...figures.floor)), fixed(Math.max(...figures.floor))],
        ['partnerplane: CreatePartnerApp → Available (--app-runtime docker)', fixed(ours), fixed(Math.min(...figures.ours)), fixed(Math.max(...figures.ours))],
      ],
    ),
    '',
    `partnerplane's overhead: ${fixed(median(figures.ours.map((ms, index) => ms - figures.floor[index]!)))} ms, the median of each app's time less the floor's run just before it ` +
      `(${fixed(ours - floor)} ms median against median; goal < 150 ms).`,
    `${figures.atOnce.count} apps created at once: all Available after ${fixed(figures.atOnce.ms)} ms; after their deletion ${figures.leftOver} container(s) left.`,
  ].join('\n');
}

/** The section's Markdown, or a line saying why it was skipped. */
export async function dockerBench(options: DockerBenchOptions): Promise<string> {
  const found = engine(options.workDir);
  if (typeof found === 'string') return `Skipped: ${found}.`;
  try {
    await ensureTestImages(found.docker);
    const server = await startPartnerplane({
      dataDir: path.join(options.workDir, 'docker-data'),
      // No least time in Creating or Deleting: only what the backend takes.
      flags: { '--app-runtime': 'docker', '--app-catalog': catalogFile(options.workDir), '--create-delay-ms': '0', '--delete-delay-ms': '0' },
      env: { ...process.env, DOCKER_HOST: found.host },
    });
    try {
      return report(await measure(server, found.docker, options), options);
    } finally {
      await server.stop();
    }
  } finally {
    found.stop();
  }
}
