/**
 * The servers a bench run starts and stops: partnerplane (the built dist, as `partnerplane serve`
 * runs it), the bare node:http server and moto. Every child is killed when the bench exits, however
 * it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Endpoint } from './signing.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOSTNAME = '127.0.0.1';

const children = new Set<ChildProcess>();
const killAll = () => {
  for (const child of children) child.kill('SIGKILL');
};
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, HOSTNAME, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Running {
  endpoint: Endpoint;
  pid: number;
  /** Milliseconds from spawning the process to its being ready to serve. */
  startupMs: number;
  /** Resident set size now, in MiB. */
  rssMiB(): number;
  /** CPU time (user + system) the process has used so far, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kib / 1024;
}

/** From /proc/<pid>/stat: utime and stime, in clock ticks of 1/100 s on Linux. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Spawns a server and resolves once `ready` says so (given each line it prints), or rejects after
 * `timeoutMs` or when it exits first.
 */
function launch(command: string, args: string[], ready: (line: string) => boolean, endpoint: Endpoint, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Running> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} was not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onLine = (chunk: Buffer) => {
      const text = chunk.toString();
      if (output.length < 20_000) output += text;
      if (!text.split('\n').some(ready)) return;
      const startupMs = performance.now() - started;
      clearTimeout(timer);
      child.stdout!.off('data', onLine);
      child.stderr!.off('data', onLine);
      // Keep draining, so a chatty server never blocks on a full pipe.
      child.stdout!.resume();
      child.stderr!.resume();
      resolve({
        endpoint,
        pid: child.pid!,
        startupMs,
        rssMiB: () => rssMiB(child.pid!),
        cpuSeconds: () => cpuSeconds(child.pid!),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killer);
          children.delete(child);
        },
      });
    };
    child.stdout!.on('data', onLine);
    child.stderr!.on('data', onLine);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`${command} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

export interface PartnerplaneOptions {
  /** The SQLite data directory, or: */
  dataDir?: string;
  /** the PostgreSQL database (a URL whose search_path names the bench's schema). */
  databaseUrl?: string;
  port?: number;
  /** Directory for a V8 CPU profile of the server (node --cpu-prof), written when it stops. */
  cpuProfileDir?: string;
  /** `serve` flags over BENCH_SETTINGS. */
  flags?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

/** Lifecycle delays short enough that updated apps are updatable again long before a round reuses them. */
export const BENCH_SETTINGS = {
  '--create-delay-ms': '100',
  '--update-delay-ms': '100',
  '--delete-delay-ms': '100',
  '--max-apps-per-account': '1000000000',
  '--log-level': 'info',
};

export async function startPartnerplane(options: PartnerplaneOptions): Promise<Running> {
  const port = options.port ?? (await freePort());
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const storage = options.databaseUrl ? { '--database-url': options.databaseUrl } : { '--data-dir': options.dataDir! };
  const flags = Object.entries({ ...BENCH_SETTINGS, ...options.flags, '--host': HOSTNAME, '--port': String(port), ...storage }).flat();
  const ready = (line: string) => line.includes('partnerplane listening');
  return launch(process.execPath, [...profile, path.join(ROOT, 'dist/cli.js'), 'serve', ...flags], ready, { hostname: HOSTNAME, port }, 30_000, options.env);
}

/** bench/splitter.ts in front of servers on `ports`, round-robin by connection. */
export async function startSplitter(ports: readonly number[]): Promise<Running> {
  const port = await freePort();
  const script = path.join(ROOT, 'bench/splitter.ts');
  return launch(process.execPath, ['--import', 'tsx', script, String(port), ...ports.map(String)], (line) => line.includes('splitter listening'), { hostname: HOSTNAME, port }, 30_000);
}

/** The floor: node:http reading the request and answering `bytes` bytes of fixed JSON. */
export async function startBareServer(bytes: number): Promise<Running> {
  const port = await freePort();
  const script = path.join(ROOT, 'bench/bareServer.ts');
  return launch(process.execPath, ['--import', 'tsx', script, String(port), String(bytes)], (line) => line.includes('bare server listening'), { hostname: HOSTNAME, port }, 30_000);
}

export async function startMoto(): Promise<Running> {
  const port = await freePort();
  return launch('moto_server', ['-H', HOSTNAME, '-p', String(port)], (line) => line.includes('Running on'), { hostname: HOSTNAME, port }, 60_000);
}
