/**
 * `npm run bench`: how fast partnerplane answers, next to the floor (a bare node:http server
 * answering a body of the same size) and next to moto's server mode, and how it holds up with
 * 100,000 apps stored. The servers run in their own processes; wrk drives them from another,
 * replaying requests that were SigV4-signed (each distinct) just before each round.
 * Progress goes to stderr; the report, in Markdown, to stdout. See docs/performance.md.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { busyShare, describeMachine, filesystemOf, loadAverage } from './lib/machine.js';
import { BENCH_SETTINGS, freePort, ROOT, startBareServer, startMoto, startPartnerplane, type Running } from './lib/processes.js';
import { dockerBench } from './docker.js';
import { EXECUTION_ROLE, seedApps, seededArn } from './lib/seed.js';
import { callOk, signCall, wireText, type Endpoint } from './lib/signing.js';
import { fixed, median, percent, table, times } from './lib/stats.js';
import { FailedRequests, PoolOutrun, RoundError, runRound, writePool, type RoundOptions, type RoundResult } from './lib/wrk.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '32' },
    ops: { type: 'string' },
    'scale-apps': { type: 'string' },
    'skip-moto': { type: 'boolean', default: false },
    'skip-scale': { type: 'boolean', default: false },
    'skip-docker': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'check-budget': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});

/** --quick: a smoke run (tiny rounds, a small scale data set) that only shows the bench works. */
const quick = args.quick;
const SECONDS = Number(args.seconds ?? (quick ? 1 : 3));
const ROUNDS = Number(args.rounds ?? (quick ? 1 : 3));
const WARMUP_SECONDS = quick ? 1 : 2;
/** Enough for V8 to have optimised the request path: the first thousands of requests cost several times more. */
const WARMUP_ROUNDS = quick ? 1 : 3;
const CONNECTIONS = Number(args.connections);
const SEEDED_APPS = quick ? 2_000 : 20_000;
const SCALE_APPS = Number(args['scale-apps'] ?? (quick ? 2_000 : 100_000));
const SMALL_APPS = 100;
const MOTO_MODELS = 120;

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'partnerplane-bench-'));
process.on('exit', () => fs.rmSync(workDir, { recursive: true, force: true }));

// ---- workloads ---------------------------------------------------------------------------------

interface Call {
  operation: string;
  /** The input of the n-th request: every n gives a request that succeeds and differs from the others. */
  input(n: number): object;
}

interface Workload {
  name: string;
  partnerplane: Call;
  moto?: Call;
}

const uniqueTag = Date.now().toString(36);
const motoContainer = { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/bench:latest' };

const WORKLOADS: Workload[] = [
  {
    name: 'DescribePartnerApp',
    partnerplane: { operation: 'DescribePartnerApp', input: (n) => ({ Arn: seededArn(n % SEEDED_APPS) }) },
    moto: { operation: 'DescribeModel', input: (n) => ({ ModelName: `seeded${n % MOTO_MODELS}` }) },
  },
  {
    name: 'ListPartnerApps (page of 100)',
    partnerplane: { operation: 'ListPartnerApps', input: () => ({ MaxResults: 100 }) },
    moto: { operation: 'ListModels', input: () => ({ MaxResults: 100 }) },
  },
  {
    // Each app is updated again only after every other seeded app: by then it is Available again.
    name: 'UpdatePartnerApp',
    partnerplane: { operation: 'UpdatePartnerApp', input: (n) => ({ Arn: seededArn(n % SEEDED_APPS), Tier: 'small', ClientToken: randomUUID() }) },
  },
  {
    name: 'CreatePartnerApp',
    partnerplane: {
      operation: 'CreatePartnerApp',
      input: (n) => ({ Name: `bench${uniqueTag}n${n}`, Type: 'lakera-guard', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: EXECUTION_ROLE, ClientToken: randomUUID() }),
    },
    moto: {
      operation: 'CreateModel',
      input: (n) => ({ ModelName: `bench${uniqueTag}n${n}`, ExecutionRoleArn: 'arn:aws:iam::123456789012:role/bench', PrimaryContainer: motoContainer }),
    },
  },
];

const selected = args.ops
  ? WORKLOADS.filter((workload) => args.ops!.split(',').some((op) => workload.partnerplane.operation.toLowerCase().includes(op.trim().toLowerCase())))
  : WORKLOADS;

// ---- rounds ------------------------------------------------------------------------------------

/** Hands out request numbers so that no request is ever signed twice for the same call. */
class Sequence {
  private next = 0;
  take(count: number): number[] {
    const numbers = Array.from({ length: count }, (_, index) => this.next + index);
    this.next += count;
    return numbers;
  }
}

let poolCounter = 0;
async function signPool(endpoint: Endpoint, target: Call, sequence: Sequence, size: number): Promise<string> {
  const requests: string[] = [];
  for (const n of sequence.take(size)) requests.push(wireText(await signCall(endpoint, target.operation, target.input(n))));
  const file = path.join(workDir, `pool-${poolCounter++}.txt`);
  writePool(file, requests);
  return file;
}

/** A failed round says how many failed; a second, slower round that reads every answer says why. */
async function withSample(error: RoundError, endpoint: Endpoint, target: Call, sequence: Sequence, poolSize: number): Promise<RoundError> {
  const poolFile = await signPool(endpoint, target, sequence, poolSize);
  try {
    await runRound({ endpoint, poolFile, poolSize, seconds: 1, connections: CONNECTIONS, sampleFailures: true });
    return new RoundError(`${target.operation}: ${error.message} (a sampling round afterwards passed)`);
  } catch (sampled) {
    return new RoundError(`${target.operation}: ${error.message}; sampling round: ${(sampled as Error).message}`);
  } finally {
    fs.rmSync(poolFile, { force: true });
  }
}

/** A round, with the server's CPU time per answered request (less sensitive to others' load than req/s). */
interface Measured extends RoundResult {
  cpuUsPerRequest: number;
}

async function measured(server: Running, options: Omit<RoundOptions, 'endpoint' | 'connections'>): Promise<Measured> {
  const cpuBefore = server.cpuSeconds();
  const round = await runRound({ ...options, endpoint: server.endpoint, connections: CONNECTIONS });
  return { ...round, cpuUsPerRequest: ((server.cpuSeconds() - cpuBefore) / round.requests) * 1e6 };
}

/**
 * A round of distinct signed requests. The pool is sized from the rate expected; a round that
 * outruns it is run again, with a pool sized from what that round would have sent (at least twice
 * as large), rather than let any request repeat.
 */
async function signedRound(server: Running, target: Call, sequence: Sequence, expectedRate: number, seconds: number): Promise<Measured> {
  let poolSize = Math.ceil(expectedRate * seconds * 1.5) + 4 * CONNECTIONS;
  for (let attempt = 1; ; attempt++) {
    const poolFile = await signPool(server.endpoint, target, sequence, poolSize);
    try {
      return await measured(server, { poolFile, poolSize, seconds });
    } catch (error) {
      if (error instanceof FailedRequests) throw await withSample(error, server.endpoint, target, sequence, poolSize);
      if (!(error instanceof PoolOutrun) || attempt === 3) throw error;
      poolSize = Math.max(poolSize * 2, Math.ceil(error.sent * 1.5));
      progress(`  ${error.message}; again with ${poolSize}`);
    } finally {
      fs.rmSync(poolFile, { force: true });
    }
  }
}

/** Warm-up rounds (not recorded); returns the highest rate seen, to size the pools of the rounds after. */
async function warmUp(server: Running, target: Call, sequence: Sequence, firstGuess: number, label = 'warm-up'): Promise<number> {
  let expected = firstGuess;
  let highest = 0;
  for (let round = 1; round <= WARMUP_ROUNDS; round++) {
    const warm = await signedRound(server, target, sequence, expected, WARMUP_SECONDS);
    progress(describeRound(label, warm));
    highest = Math.max(highest, warm.requestsPerSecond);
    expected = highest;
  }
  return highest;
}

interface Series {
  rps: number[];
  p50: number[];
  p99: number[];
  cpuUs: number[];
}
const emptySeries = (): Series => ({ rps: [], p50: [], p99: [], cpuUs: [] });
const record = (series: Series, round: Measured) => {
  series.rps.push(round.requestsPerSecond);
  series.p50.push(round.p50Ms);
  series.p99.push(round.p99Ms);
  series.cpuUs.push(round.cpuUsPerRequest);
};
const summary = (series: Series) => ({ rps: median(series.rps), p50: median(series.p50), p99: median(series.p99), cpuUs: median(series.cpuUs) });
const describeRound = (label: string, round: Measured) =>
  `  ${label.padEnd(13)} ${fixed(round.requestsPerSecond).padStart(6)} req/s  p50 ${fixed(round.p50Ms, 2)} ms  p99 ${fixed(round.p99Ms, 2)} ms  server CPU ${fixed(round.cpuUsPerRequest)} µs/request`;

interface WorkloadResult {
  workload: Workload;
  ours: Series;
  bare: Series;
  ratios: number[];
  moto?: Series;
}

/** Rounds alternate between the bare server and partnerplane, so drifting load hits both alike. */
async function againstBare(server: Running, workload: Workload): Promise<WorkloadResult> {
  const target = workload.partnerplane;
  const sequence = new Sequence();
  const [first] = sequence.take(1);
  const answer = await callOk(server.endpoint, target.operation, target.input(first!));
  const answerBytes = Buffer.byteLength(JSON.stringify(answer));
  progress(`${workload.name}: answers ${answerBytes} bytes; load average ${loadAverage()}`);
  const bare = await startBareServer(answerBytes);
  const result: WorkloadResult = { workload, ours: emptySeries(), bare: emptySeries(), ratios: [] };
  try {
    const primer = await signPool(server.endpoint, target, sequence, 2 * CONNECTIONS);
    const bareWarm = await measured(bare, { poolFile: primer, poolSize: 0, seconds: WARMUP_SECONDS, allowRepeats: true });
    let expected = await warmUp(server, target, sequence, bareWarm.requestsPerSecond);
    for (let round = 1; round <= ROUNDS; round++) {
      const bareRound = await measured(bare, { poolFile: primer, poolSize: 0, seconds: SECONDS, allowRepeats: true });
      const ours = await signedRound(server, target, sequence, expected, SECONDS);
      expected = Math.max(expected, ours.requestsPerSecond);
      record(result.bare, bareRound);
      record(result.ours, ours);
      result.ratios.push(ours.requestsPerSecond / bareRound.requestsPerSecond);
      progress(describeRound('bare', bareRound));
      progress(describeRound('partnerplane', ours));
    }
  } finally {
    await bare.stop();
  }
  return result;
}

async function againstMoto(results: WorkloadResult[]): Promise<void> {
  const withMoto = results.filter((result) => result.workload.moto);
  if (withMoto.length === 0) return;
  const moto = await startMoto();
  try {
    progress(`moto: seeding ${MOTO_MODELS} models`);
    for (let index = 0; index < MOTO_MODELS; index++) {
      await callOk(moto.endpoint, 'CreateModel', { ModelName: `seeded${index}`, ExecutionRoleArn: 'arn:aws:iam::123456789012:role/bench', PrimaryContainer: motoContainer });
    }
    for (const result of withMoto) {
      const target = result.workload.moto!;
      const sequence = new Sequence();
      progress(`moto ${target.operation}:`);
      let expected = await warmUp(moto, target, sequence, 1000);
      result.moto = emptySeries();
      for (let round = 1; round <= ROUNDS; round++) {
        const motoRound = await signedRound(moto, target, sequence, expected, SECONDS);
        expected = Math.max(expected, motoRound.requestsPerSecond);
        record(result.moto, motoRound);
        progress(describeRound('moto', motoRound));
      }
    }
  } finally {
    await moto.stop();
  }
}

// ---- scale -------------------------------------------------------------------------------------

interface ScaleResult {
  apps: number;
  seedSeconds: number;
  startup: { apps: number; ms: number; rssMiB: number }[];
  rssAfterMiB: number;
  rows: { name: string; small: Series; large: Series }[];
  walk: { pages: number; seconds: number; firstMs: number; middleMs: number; lastMs: number };
}

async function startupOf(dataDir: string, port: number, apps: number): Promise<{ apps: number; ms: number; rssMiB: number }> {
  const samples: { ms: number; rssMiB: number }[] = [];
  for (let attempt = 0; attempt < (quick ? 1 : 3); attempt++) {
    const server = await startPartnerplane({ dataDir, port });
    samples.push({ ms: server.startupMs, rssMiB: server.rssMiB() });
    await server.stop();
  }
  return { apps, ms: median(samples.map((sample) => sample.ms)), rssMiB: median(samples.map((sample) => sample.rssMiB)) };
}

/** Pages through every app with MaxResults 100 (or only the first `pageLimit` pages), timing each page. */
async function walk(endpoint: Endpoint, apps: number, pageLimit = Infinity) {
  const pageMs: number[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  const started = performance.now();
  do {
    const request = await signCall(endpoint, 'ListPartnerApps', { MaxResults: 100, ...(token && { NextToken: token }) });
    const { host: _host, ...headers } = request.headers;
    const sent = performance.now();
    const response = await fetch(`http://${endpoint.hostname}:${endpoint.port}/`, { method: 'POST', headers, body: request.body });
    const page = (await response.json()) as { Summaries: { Arn: string }[]; NextToken?: string };
    pageMs.push(performance.now() - sent);
    if (response.status !== 200) throw new Error(`ListPartnerApps answered ${response.status} during the walk`);
    for (const summary of page.Summaries) seen.add(summary.Arn);
    token = page.NextToken;
  } while (token && pageMs.length < Math.min(pageLimit, apps));
  if (pageLimit === Infinity && seen.size !== apps) throw new Error(`the walk saw ${seen.size} distinct apps of ${apps}`);
  const tenth = Math.max(1, Math.floor(pageMs.length / 10));
  const middleStart = Math.floor((pageMs.length - tenth) / 2);
  return {
    pages: pageMs.length,
    seconds: (performance.now() - started) / 1000,
    firstMs: median(pageMs.slice(0, tenth)),
    middleMs: median(pageMs.slice(middleStart, middleStart + tenth)),
    lastMs: median(pageMs.slice(-tenth)),
  };
}

/**
 * Describes every one of `apps` seeded apps once, CONNECTIONS at a time: afterwards the server has
 * read each of them (a serving SQLite store keeps the apps it has read in memory).
 */
async function describeEach(endpoint: Endpoint, apps: number): Promise<void> {
  let next = 0;
  const reader = async () => {
    while (next < apps) await callOk(endpoint, 'DescribePartnerApp', { Arn: seededArn(next++) });
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, reader));
}

async function scale(): Promise<ScaleResult> {
  const dirs = { empty: path.join(workDir, 'empty'), small: path.join(workDir, 'small'), large: path.join(workDir, 'large') };
  const smallPort = await freePort();
  const largePort = await freePort();
  const seedStart = performance.now();
  await seedApps(dirs.large, SCALE_APPS, `http://127.0.0.1:${largePort}`);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  await seedApps(dirs.small, SMALL_APPS, `http://127.0.0.1:${smallPort}`);
  progress(`scale: seeded ${SCALE_APPS} apps in ${seedSeconds.toFixed(1)} s; measuring start-up`);

  const startup = [await startupOf(dirs.empty, await freePort(), 0), await startupOf(dirs.large, largePort, SCALE_APPS)];
  const small = await startPartnerplane({ dataDir: dirs.small, port: smallPort });
  const large = await startPartnerplane({ dataDir: dirs.large, port: largePort });
  try {
    // Describe spreads over the whole data set, so the large one cannot be served from a hot corner:
    // from a fresh start many of its reads are of apps not read before, which come from SQLite.
    // Then again once every app has been read: then only the number of apps stored differs.
    const spread = (apps: number) => (n: number) => ({ Arn: seededArn((n * 7919) % apps) });
    const describe = { small: { operation: 'DescribePartnerApp', input: spread(SMALL_APPS) }, large: { operation: 'DescribePartnerApp', input: spread(SCALE_APPS) } };
    const cases: { name: string; small: Call; large: Call; readFirst?: boolean }[] = [
      { name: 'DescribePartnerApp, from a fresh start', ...describe },
      { name: 'DescribePartnerApp, every app read once before', ...describe, readFirst: true },
      { name: 'ListPartnerApps (page of 100)', small: { operation: 'ListPartnerApps', input: () => ({ MaxResults: 100 }) }, large: { operation: 'ListPartnerApps', input: () => ({ MaxResults: 100 }) } },
    ];
    const rows: ScaleResult['rows'] = [];
    for (const { name, small: smallCall, large: largeCall, readFirst } of cases) {
      progress(`scale: ${name} with ${SMALL_APPS} and with ${SCALE_APPS} apps`);
      if (readFirst) await Promise.all([describeEach(small.endpoint, SMALL_APPS), describeEach(large.endpoint, SCALE_APPS)]);
      const sequences = { small: new Sequence(), large: new Sequence() };
      let expected = await warmUp(small, smallCall, sequences.small, 5_000, `warm-up ${SMALL_APPS}`);
      expected = Math.max(expected, await warmUp(large, largeCall, sequences.large, expected, `warm-up ${SCALE_APPS}`));
      const row = { name, small: emptySeries(), large: emptySeries() };
      for (let round = 1; round <= ROUNDS; round++) {
        const onSmall = await signedRound(small, smallCall, sequences.small, expected, SECONDS);
        const onLarge = await signedRound(large, largeCall, sequences.large, expected, SECONDS);
        expected = Math.max(expected, onSmall.requestsPerSecond, onLarge.requestsPerSecond);
        record(row.small, onSmall);
        record(row.large, onLarge);
        progress(describeRound(`${SMALL_APPS} apps`, onSmall));
        progress(describeRound(`${SCALE_APPS} apps`, onLarge));
      }
      rows.push(row);
    }
    progress(`scale: paging through ${SCALE_APPS} apps`);
    await walk(large.endpoint, SCALE_APPS, 20);
    const walked = await walk(large.endpoint, SCALE_APPS);
    return { apps: SCALE_APPS, seedSeconds, startup, rssAfterMiB: large.rssMiB(), rows, walk: walked };
  } finally {
    await small.stop();
    await large.stop();
  }
}

// ---- report ------------------------------------------------------------------------------------

function mainTable(results: WorkloadResult[]): string {
  const rows = results.map(({ workload, ours, bare, ratios, moto }) => {
    const o = summary(ours);
    const b = summary(bare);
    const m = moto && summary(moto);
    return [
      workload.name,
      fixed(o.rps),
      fixed(o.p50, 2),
      fixed(o.p99, 2),
      fixed(o.cpuUs),
      fixed(b.rps),
      fixed(b.p50, 2),
      fixed(b.p99, 2),
      fixed(b.cpuUs),
      percent(median(ratios)),
      m ? `${workload.moto!.operation} ${fixed(m.rps)}` : '—',
      m ? times(o.rps / m.rps) : '—',
    ];
  });
  return table(['Operation', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'bare req/s', 'bare p50', 'bare p99', 'bare CPU µs/req', 'ours / bare', 'moto req/s', 'ours / moto'], rows);
}

function scaleReport(result: ScaleResult): string {
  const lines = [
    table(
      ['Operation', `req/s, ${SMALL_APPS} apps`, `p50 ms, ${SMALL_APPS}`, `CPU µs/req, ${SMALL_APPS}`, `req/s, ${result.apps} apps`, `p50 ms, ${result.apps}`, `CPU µs/req, ${result.apps}`, `req/s ${result.apps} / ${SMALL_APPS}`],
      result.rows.map(({ name, small, large }) => {
        const s = summary(small);
        const l = summary(large);
        // As in the main table, a ratio per round (the two servers' rounds run back to back) and
        // its median: the machine's drift over a round pair is small, over the whole part not.
        const ratios = large.rps.map((rps, round) => rps / small.rps[round]!);
        return [name, fixed(s.rps), fixed(s.p50, 2), fixed(s.cpuUs), fixed(l.rps), fixed(l.p50, 2), fixed(l.cpuUs), percent(median(ratios))];
      }),
    ),
    '',
    table(
      ['Apps stored', 'start-up ms', 'RSS at start MiB'],
      result.startup.map(({ apps, ms, rssMiB }) => [String(apps), fixed(ms), fixed(rssMiB)]),
    ),
    '',
    `RSS with ${result.apps} apps after the rounds and the walk: ${fixed(result.rssAfterMiB)} MiB (seeding took ${result.seedSeconds.toFixed(1)} s).`,
    `Paging through all ${result.apps} apps, 100 a page: ${result.walk.pages} pages in ${result.walk.seconds.toFixed(1)} s; ` +
      `median ms per page in the first tenth ${fixed(result.walk.firstMs, 2)}, middle tenth ${fixed(result.walk.middleMs, 2)}, last tenth ${fixed(result.walk.lastMs, 2)}.`,
  ];
  return lines.join('\n');
}

function budget(results: WorkloadResult[]): { lines: string[]; met: boolean } {
  const lines: string[] = [];
  let met = true;
  const check = (label: string, ok: boolean) => {
    met &&= ok;
    lines.push(`- ${ok ? 'met' : 'MISSED'}: ${label}`);
  };
  const byOp = (operation: string) => results.find((result) => result.workload.partnerplane.operation === operation);
  for (const [operation, floor] of [['DescribePartnerApp', 0.6], ['CreatePartnerApp', 0.15]] as const) {
    const result = byOp(operation);
    if (!result) continue;
    const ratio = median(result.ratios);
    check(`${operation} at ${percent(ratio)} of the bare server (budget ≥ ${percent(floor)})`, ratio >= floor);
    if (result.moto) {
      const versusMoto = summary(result.ours).rps / summary(result.moto).rps;
      check(`${operation} at ${times(versusMoto)} moto's ${result.workload.moto!.operation} (budget ≥ 10×)`, versusMoto >= 10);
    }
  }
  return { lines, met };
}

// ---- main --------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
  const othersBusy = await busyShare(2000);
  const header = [
    `Machine: ${describeMachine()}.`,
    `Before the run, other processes kept ${percent(othersBusy)} of the CPU busy; load average ${loadAverage()}.`,
  ];
  progress(header.join(' '));

  const dataDir = path.join(workDir, 'main');
  const port = await freePort();
  await seedApps(dataDir, SEEDED_APPS, `http://127.0.0.1:${port}`);
  const profileDir = args['cpu-prof'] && path.resolve(args['cpu-prof']);
  const server = await startPartnerplane({ dataDir, port, cpuProfileDir: profileDir });
  progress(`partnerplane up in ${server.startupMs.toFixed(0)} ms with ${SEEDED_APPS} apps; data on ${filesystemOf(dataDir)}`);
  const results: WorkloadResult[] = [];
  try {
    for (const workload of selected) results.push(await againstBare(server, workload));
  } finally {
    await server.stop();
  }
  if (profileDir) progress(`CPU profile of the server written to ${profileDir}`);
  if (!args['skip-moto']) await againstMoto(results);
  const scaled = args['skip-scale'] ? undefined : await scale();
  const docker = args['skip-docker'] ? undefined : await dockerBench({ sequential: quick ? 2 : 20, concurrent: quick ? 3 : 50, workDir, progress });

  const settings = Object.entries(BENCH_SETTINGS).map(([flag, value]) => `${flag} ${value}`).join(' ');
  const report = [
    '## partnerplane bench',
    '',
    ...header,
    `After the run: load average ${loadAverage()}.`,
    `Each round: wrk, 1 thread, ${CONNECTIONS} connections, ${SECONDS} s, every request distinct and SigV4-signed beforehand; ${ROUNDS} rounds each, medians shown.`,
    `partnerplane: SQLite (WAL, every write flushed to disk before its answer) on ${filesystemOf(dataDir)}, ${SEEDED_APPS} apps seeded, ${settings}.`,
    '',
    mainTable(results),
  ];
  const verdict = budget(results);
  if (verdict.lines.length) report.push('', 'Budget:', ...verdict.lines);
  if (scaled) report.push('', `### With ${SMALL_APPS} and with ${scaled.apps} apps stored`, '', scaleReport(scaled));
  if (docker) report.push('', '### Apps on the docker runtime', '', docker);
  console.log(report.join('\n'));
  if (args['check-budget'] && !verdict.met) process.exitCode = 1;
}

await main();
