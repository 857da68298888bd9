/**
 * The one interface every runtime implements: what starts, watches and removes an app's backend
 * (`process`: a child process; `docker`: a container; `swarm`: a service). The reconciler drives a
 * runtime; a runtime never touches the store and the reconciler never knows what a runtime is made
 * of. (`--app-runtime builtin` has none: nothing runs, the gateway serves its own page, and the
 * lifecycle delays stand in for a backend's start.)
 *
 * Rules every runtime keeps:
 * - Everything is keyed by the app's ARN and the backend's generation, and carried by the backend
 *   itself (a container's labels, a pid file beside a process): after partnerplane restarts, or is
 *   killed at any point, list() and inspect() find what runs, with no memory of this process.
 * - Every action is idempotent: ensure() of a generation that runs changes nothing, remove() of
 *   what is gone succeeds. A crash at any point is repaired by the reconciler's next pass.
 * - An update is a new generation started beside the old one (both may run at once, each on its own
 *   address, sharing the app's data); the reconciler switches the gateway to the new one once it is
 *   healthy, then removes the old one with remove(arn, { generation }).
 * - Health is judged by the reconciler (an HTTP GET of `healthPath` at the address a runtime
 *   reports, runtime/health.ts), the same for every runtime, as is the start timeout and restarts.
 * - A permanent failure to start (an image or a command that does not exist, a bad spec) rejects
 *   with a BackendFailure; anything else that rejects is taken as passing trouble and tried again.
 */
import type { Logger } from '../logger.js';

/** The resources of the app's tier (catalog), as far as the runtime can enforce them. */
export interface BackendResources {
  /** CPUs (fractions allowed): a container's NanoCPUs, a service's limit. */
  cpus?: number;
  /** Memory limit in MiB. */
  memoryMiB?: number;
  /** Copies of the backend (swarm); the other runtimes run one. */
  replicas?: number;
}

/** Everything a runtime needs to run one generation of an app's backend. Built by the reconciler from the app and the catalog. */
export interface BackendSpec {
  /** The key of everything the runtime does. */
  arn: string;
  /** `app-XXXXXXXXXXXX`: short, unique and safe in names (containers, volumes, directories). */
  appId: string;
  name: string;
  type: string;
  version: string;
  tier: string;
  /**
   * Grows by one with every new configuration of the app (create, each update). A runtime runs at
   * most one backend per (arn, generation).
   */
  generation: number;
  /** What to run: exactly one of `image` (docker, swarm) and `command` (process; argv, no shell). */
  image?: string;
  command?: readonly string[];
  /** The port an image's server listens on in its container; 0 for a command (a process is given a port of its own in PORT). */
  port: number;
  /** Path the reconciler's health check GETs; any 2xx or 3xx answer is healthy. */
  healthPath: string;
  /** How long a started generation has to pass its health check. */
  startTimeoutMs: number;
  /** The backend's whole environment as partnerplane defines it (docs/runtimes.md): the app's variables, then the catalog's `env`. */
  env: Readonly<Record<string, string>>;
  resources: BackendResources;
  /**
   * The name of the app's persistent data (a directory under the runtime's root, a Docker volume):
   * the same for every generation, so it survives restarts, updates and upgrades; removed with the
   * app (remove without a generation).
   */
  dataName: string;
}

/** What a runtime is doing while ensure() is under way, for people (the console, Describe's logs). */
export type StartPhase = 'pulling image' | 'creating' | 'starting';

/** One backend (one generation of one app) as the runtime finds it. */
export interface BackendInfo {
  arn: string;
  generation: number;
  /**
   * `starting`: being created or started (address may not be known yet); `running`: its process or
   * container runs (healthy or not: the reconciler checks); `exited`: it stopped by itself, or was
   * killed (see exitCode, reason).
   */
  state: 'starting' | 'running' | 'exited';
  /** `host:port` where partnerplane, and so the gateway of every replica, reaches it. */
  address?: string;
  /** When this run of it started (epoch ms, wall time): its start timeout runs from here. */
  startedAt?: number;
  /** Once exited: its exit code, when it has one. */
  exitCode?: number;
  /** Once exited: why, in words (`exited with code 3`, `killed by SIGKILL`, `out of memory`). */
  reason?: string;
}

/** Told of what a start is doing, as it goes (each phase once, in order). */
export type StartProgress = (phase: StartPhase, detail?: string) => void;

export interface LogOptions {
  /** Keep the stream open and pass on what the backend writes next, until `signal` aborts. */
  follow: boolean;
  /** At most this much of what was written before (the end of it); default: all that is kept. */
  tailBytes?: number;
  signal?: AbortSignal;
}

/** What every runtime is made with (the server builds one at start). */
export interface RuntimeOptions {
  /**
   * This partnerplane installation (one per database: every replica shares it). A runtime labels
   * what it makes with it and lists, adopts and removes only what carries it, so installations
   * (and test servers) sharing one Docker Engine never touch each other's backends.
   */
  installation: string;
  /** The server's data directory: a runtime keeps files of its own under `<dataDir>/runtime/<kind>/`. */
  dataDir: string;
  logger: Logger;
}

export interface Runtime {
  readonly kind: 'process' | 'docker' | 'swarm';
  /**
   * Makes this generation of the app run: nothing if it runs or is starting, a start if it exited
   * (a restart: the reconciler decides when, with back-off), a create otherwise. Resolves once it is
   * started (not yet healthy) with what inspect() would say of it. Calls made while one is under
   * way for the same generation join it. Rejects with BackendFailure when it cannot ever start.
   */
  ensure(spec: BackendSpec, progress?: StartProgress): Promise<BackendInfo>;
  /** Every generation of this app that exists (running, starting or exited); [] when none does. */
  inspect(arn: string): Promise<BackendInfo[]>;
  /** Every backend this runtime manages, of every app: for adoption and orphan removal after a restart. */
  list(): Promise<BackendInfo[]>;
  /**
   * Stops and removes the backends of an app: gracefully (SIGTERM, `docker stop`) for at most
   * `graceMs`, then forcibly. With a generation, only that one, and the app's data stays; without,
   * every generation and then the app's data. Resolves once they are gone; succeeds if none exists.
   */
  remove(arn: string, options?: { generation?: number; graceMs?: number }): Promise<void>;
  /** What the app's backend wrote (stdout and stderr together), of its newest generation. */
  logs(arn: string, options: LogOptions): AsyncIterable<Buffer>;
  /**
   * This partnerplane stops: release what it holds. Backends that live in this process's children
   * (process) are stopped; backends that live outside it (docker, swarm) keep running, to be
   * adopted by the next start.
   */
  close(): Promise<void>;
}

/** Why a backend cannot start, whatever is tried again: Describe's Error {Code, Reason} when the app fails. */
export type BackendFailureCode = 'ImageNotFound' | 'CommandNotFound' | 'StartFailed' | 'HealthCheckTimeout' | 'BackendExited';

export class BackendFailure extends Error {
  constructor(
    readonly code: BackendFailureCode,
    /** A sentence for people, naming the image, command or exit code. */
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'BackendFailure';
  }
}

export const isBackendFailure = (error: unknown): error is BackendFailure => error instanceof BackendFailure;

/** The label (docker, swarm) or pid-file field that keys a backend, as docs/runtimes.md names them. */
export const BACKEND_LABELS = {
  installation: 'partnerplane.installation',
  arn: 'partnerplane.app-arn',
  generation: 'partnerplane.generation',
  appId: 'partnerplane.app-id',
} as const;
