/**
 * A partnerplane server as a child process (`partnerplane serve`, TypeScript through tsx), for
 * what an in-process server cannot show: SIGKILL, SIGTERM, and several replicas each with its
 * own reconciler. The child logs JSON lines (pino, on stderr); tests wait for log messages, never
 * for time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createTestSchema, testPostgresUrl } from './postgres.js';
import { FAST_LIFECYCLE, LOCAL_CREDENTIALS, tempDir } from './server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Bounds every wait on a child, so a broken child fails the test instead of hanging it. */
const CHILD_TIMEOUT_MS = 20_000;

export interface LogLine {
  msg?: string;
  level?: number;
  [field: string]: unknown;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  logs: LogLine[];
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line (already seen or still to come) that matches. */
  waitForLog(matches: (line: LogLine) => boolean): Promise<LogLine>;
  client(): SageMakerClient;
  /** SIGKILL if still running, and wait for the end. */
  kill(): Promise<void>;
}

export interface DataLocation {
  /** 'SQLite', or 'PostgreSQL' in the PostgreSQL run of the suite. */
  storeName: string;
  /** The `serve` flags that put a server's data here; servers started with them share the data. */
  flags: string[];
  remove(): Promise<void>;
}

/** Fresh, empty storage on the store under test: a data directory, or a schema of its own. */
export async function freshDataLocation(): Promise<DataLocation> {
  const postgresUrl = testPostgresUrl();
  if (postgresUrl) {
    const schema = await createTestSchema(postgresUrl);
    return { storeName: 'PostgreSQL', flags: ['--database-url', schema.url], remove: () => schema.drop() };
  }
  const dir = tempDir();
  return { storeName: 'SQLite', flags: ['--data-dir', dir], remove: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Lifecycle settings as `serve` flags, from FAST_LIFECYCLE with `overrides` on top. */
export function lifecycleFlags(overrides: Record<string, number> = {}): string[] {
  const settings = { ...FAST_LIFECYCLE, ...overrides } as Record<string, number>;
  return Object.entries(settings).flatMap(([key, value]) => [`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(value)]);
}

const tail = (logs: LogLine[]) => logs.slice(-5).map((line) => `\n  ${JSON.stringify(line)}`).join('');

export async function startServerProcess(args: string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--log-level', 'info', ...args], {
    cwd: ROOT,
    env: { ...process.env, PARTNERPLANE_DATABASE_URL: '', PARTNERPLANE_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<{ matches: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  createInterface({ input: child.stderr! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text };
    }
    logs.push(line);
    for (const waiter of waiters) {
      if (waiter.matches(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const waitForLog = (matches: (line: LogLine) => boolean) => {
    const seen = logs.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const waiter = { matches, resolve: (line: LogLine) => (clearTimeout(timer), resolve(line)) };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching log line within ${CHILD_TIMEOUT_MS} ms; output: ${output}${tail(logs)}`));
      }, CHILD_TIMEOUT_MS);
      waiters.add(waiter);
      exited.then(({ code, signal }) => {
        if (!waiters.has(waiter)) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(`server exited (${code ?? signal}) before the expected log line; output: ${output}${tail(logs)}`));
      });
    });
  };

  const clients: SageMakerClient[] = [];
  const kill = async () => {
    for (const client of clients) client.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  let listening: LogLine;
  try {
    listening = await waitForLog((line) => line.msg === 'partnerplane listening');
  } catch (error) {
    await kill();
    throw error;
  }
  // Without --public-url the logged URL is the one the server listens on.
  const url = String(listening.url);
  return {
    url,
    child,
    logs,
    exited,
    waitForLog,
    kill,
    client() {
      const client = new SageMakerClient({ endpoint: url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
      clients.push(client);
      return client;
    },
  };
}
