/**
 * The process runtime: each app's backend is a child process of partnerplane, started from the
 * catalog's `command` (no shell) with a loopback port of its own in PORT, its own process group,
 * a working directory per generation and a persistent data directory per app under the data
 * directory, and its stdout and stderr in a size-bounded log file (processFiles.ts, logFiles.ts).
 *
 * Children are started detached, writing to their files rather than to pipes, so they outlive a
 * partnerplane that is killed: the next one adopts them by their pid files (no duplicate is
 * started). A partnerplane that stops in good order stops its children (close()), and removing a
 * backend stops its whole process group, gracefully then forcibly: none is left behind.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { boundLog, readLog } from './logFiles.js';
import { isRunning, processStartTicks, ProcessFiles, type PidRecord } from './processFiles.js';
import { limitedCommand, resolveProgram, resourceNotes } from './processLimits.js';
import { BackendFailure, type BackendInfo, type BackendSpec, type LogOptions, type Runtime, type RuntimeOptions, type StartProgress } from './runtime.js';

const DEFAULT_GRACE_MS = 10_000;
const STOP_POLL_MS = 50;
/** What of partnerplane's own environment a backend gets: enough to find programs and speak the locale, no secret. */
const INHERITED_ENV = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

const appIdOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** A free loopback port: the system's choice for a listener that is closed at once. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class ProcessRuntime implements Runtime {
  readonly kind = 'process' as const;
  private readonly files: ProcessFiles;
  private readonly logger: Logger;
  private readonly starting = new Map<string, Promise<BackendInfo>>();
  /** Children of this process whose exit has not been told yet: ended, they are zombies until it is, and still count as running. */
  private readonly unreaped = new Set<number>();

  constructor(private readonly options: RuntimeOptions) {
    this.files = new ProcessFiles(path.join(options.dataDir, 'runtime', 'process'));
    this.logger = options.logger;
  }

  ensure(spec: BackendSpec, progress?: StartProgress): Promise<BackendInfo> {
    const key = `${spec.arn}#${spec.generation}`;
    let start = this.starting.get(key);
    if (!start) {
      start = this.start(spec, progress).finally(() => this.starting.delete(key));
      this.starting.set(key, start);
    }
    return start;
  }

  private async start(spec: BackendSpec, progress?: StartProgress): Promise<BackendInfo> {
    const running = this.info(spec.appId, spec.generation);
    if (running && running.state === 'running') return running;
    const [program, ...args] = spec.command ?? [];
    if (program === undefined) throw new BackendFailure('StartFailed', `Version ${spec.version} of ${spec.type} has no command to run.`);
    const executable = resolveProgram(program);
    if (executable === undefined) {
      throw new BackendFailure('CommandNotFound', `Command ${program} of ${spec.type} ${spec.version} was not found${program.includes('/') ? '' : ' on PATH'} or is not executable.`);
    }
    progress?.('creating');
    const dir = this.files.generationDir(spec.appId, spec.generation);
    const work = path.join(dir, 'work');
    const data = this.files.dataDir(spec.appId, spec.dataName);
    fs.mkdirSync(work, { recursive: true });
    fs.mkdirSync(data, { recursive: true });
    const port = await freePort();
    progress?.('starting');
    const env = { ...inheritedEnv(), ...spec.env, PORT: String(port), PARTNERPLANE_APP_DATA: data, HOME: data };
    const pid = await this.spawnDetached(spec, limitedCommand([executable, ...args], spec.resources), { cwd: work, env });
    // An immediate exit leaves no start time to read: the record then never matches a live process.
    const startTicks = processStartTicks(pid) ?? -1;
    const record: PidRecord = { arn: spec.arn, generation: spec.generation, installation: this.options.installation, pid, startTicks, port, startedAt: Date.now() };
    this.files.writeExit(spec.appId, spec.generation, undefined);
    this.files.writePid(spec.appId, record);
    this.logger.info({ app: spec.arn, generation: spec.generation, pid, port, limits: resourceNotes(spec.resources) }, 'backend process started');
    return this.info(spec.appId, spec.generation)!;
  }

  /** Starts the command in a process group of its own, its output appended to the generation's log. */
  private spawnDetached(spec: BackendSpec, argv: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<number> {
    const log = fs.openSync(this.files.logFile(spec.appId, spec.generation), 'a');
    return new Promise<number>((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { ...options, detached: true, stdio: ['ignore', log, log] });
      child.once('error', (error: NodeJS.ErrnoException) => {
        const missing = error.code === 'ENOENT' || error.code === 'EACCES';
        const what = `Command ${spec.command![0]} of ${spec.type} ${spec.version}`;
        reject(new BackendFailure(missing ? 'CommandNotFound' : 'StartFailed', missing ? `${what} was not found or is not executable (${error.code}).` : `${what} could not be started: ${error.message}`));
      });
      child.once('spawn', () => {
        this.unreaped.add(child.pid!);
        child.once('exit', (code, signal) => this.exited(spec, child.pid!, code, signal));
        child.unref();
        resolve(child.pid!);
      });
    }).finally(() => fs.closeSync(log));
  }

  /** Our own child ended: its exit code is known only now, so it is written down. */
  private exited(spec: BackendSpec, pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    this.unreaped.delete(pid);
    if (this.files.readPid(spec.appId, spec.generation)?.pid !== pid) return;
    try {
      this.files.writeExit(spec.appId, spec.generation, { ...(code !== null && { code }), ...(signal !== null && { signal }), at: Date.now() });
    } catch (error) {
      // Its directory was removed with it (remove()): nothing is left to tell.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn({ err: error, app: spec.arn }, 'could not record how a backend process ended');
    }
  }

  /** A generation as its files say, if it has any. */
  private info(appId: string, generation: number): BackendInfo | undefined {
    const record = this.files.readPid(appId, generation);
    if (!record || record.installation !== this.options.installation) return undefined;
    boundLog(this.files.logFile(appId, generation));
    const base = { arn: record.arn, generation, startedAt: record.startedAt };
    if (this.isLive(record)) return { ...base, state: 'running', address: `127.0.0.1:${record.port}` };
    const exit = this.files.readExit(appId, generation);
    const reason =
      exit === undefined
        ? 'it ended while another partnerplane process was running it (exit code unknown)'
        : exit.signal !== undefined
          ? `killed by ${exit.signal}`
          : `exited with code ${exit.code}`;
    return { ...base, state: 'exited', reason, ...(exit?.code !== undefined && { exitCode: exit.code }) };
  }

  /** Running, or a child of ours that ended but whose exit (and code) is still to be told. */
  private isLive(record: PidRecord): boolean {
    return isRunning(record) || this.unreaped.has(record.pid);
  }

  async inspect(arn: string): Promise<BackendInfo[]> {
    const appId = appIdOf(arn);
    return this.files.generations(appId).flatMap(({ generation }) => this.info(appId, generation) ?? []);
  }

  /** Every backend with a pid file; first, any process working in a generation's directory that no pid file names is killed. */
  async list(): Promise<BackendInfo[]> {
    this.killUntracked();
    return this.files.generations().flatMap(({ appId, generation }) => this.info(appId, generation) ?? []);
  }

  /**
   * A partnerplane killed between starting a backend and writing its pid file leaves a process no
   * pid file names: found by its working directory (a generation's, under this runtime's root) and
   * killed with its group, so that only the backend started again in its place runs.
   */
  private killUntracked(): void {
    // A start under way has a process whose pid file is still to be written.
    if (this.starting.size > 0) return;
    const known = new Set(this.files.generations().flatMap(({ appId, generation }) => this.files.readPid(appId, generation)?.pid ?? []));
    for (const { pid, cwd } of processesUnder(path.join(this.files.root, 'apps'))) {
      if (known.has(pid) || this.unreaped.has(pid)) continue;
      this.logger.warn({ pid, cwd }, 'killing a backend process no pid file names (left by a partnerplane killed while starting it)');
      signalGroup(pid, 'SIGKILL');
    }
  }

  async remove(arn: string, options: { generation?: number; graceMs?: number } = {}): Promise<void> {
    const appId = appIdOf(arn);
    const generations = this.files.generations(appId).filter(({ generation }) => options.generation === undefined || generation === options.generation);
    for (const { generation } of generations) {
      await this.stop(appId, generation, options.graceMs ?? DEFAULT_GRACE_MS);
      fs.rmSync(this.files.generationDir(appId, generation), { recursive: true, force: true });
    }
    if (options.generation === undefined) fs.rmSync(this.files.appDir(appId), { recursive: true, force: true });
  }

  /** SIGTERM to the generation's process group, then SIGKILL once `graceMs` have passed; resolves once it is gone. */
  private async stop(appId: string, generation: number, graceMs: number): Promise<void> {
    const record = this.files.readPid(appId, generation);
    if (!record || record.installation !== this.options.installation || !this.isLive(record)) return;
    signalGroup(record.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (this.isLive(record) && Date.now() < deadline) await sleep(STOP_POLL_MS);
    if (this.isLive(record)) {
      this.logger.warn({ app: record.arn, generation, pid: record.pid, graceMs }, 'backend process did not stop on SIGTERM: killing its process group');
      signalGroup(record.pid, 'SIGKILL');
      while (this.isLive(record)) await sleep(STOP_POLL_MS);
    }
    // Whatever else its group started and left behind goes too.
    signalGroup(record.pid, 'SIGKILL');
  }

  async *logs(arn: string, options: LogOptions): AsyncGenerator<Buffer> {
    const appId = appIdOf(arn);
    const newest = this.files.generations(appId)[0];
    if (newest) yield* readLog(this.files.logFile(appId, newest.generation), options);
  }

  /** Stops every backend this partnerplane runs, leaving their files for the next start to find them ended. */
  async close(): Promise<void> {
    await Promise.all([...this.starting.values()].map((start) => start.catch(() => undefined)));
    const running = this.files.generations().filter(({ appId, generation }) => this.info(appId, generation)?.state === 'running');
    await Promise.all(running.map(({ appId, generation }) => this.stop(appId, generation, DEFAULT_GRACE_MS)));
  }
}

function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(INHERITED_ENV.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])));
}

/** Process-group leaders (backends run in groups of their own) whose working directory is under `dir`. */
function processesUnder(dir: string): { pid: number; cwd: string }[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) return [];
    try {
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      return cwd.startsWith(`${dir}${path.sep}`) && process.kill(pid, 0) && processGroupOf(pid) === pid ? [{ pid, cwd }] : [];
    } catch {
      return [];
    }
  });
}

function processGroupOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
