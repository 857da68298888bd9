/**
 * The Docker runtime: each generation of an app's backend is one container, made and watched
 * through the Docker Engine API (dockerode over DOCKER_HOST, read as the docker command reads it;
 * never the docker command itself).
 *
 * Everything is found again from the engine alone: a generation's container has a name derived
 * from the installation, the app and the generation (the engine refuses a second one of that name,
 * so a start repeated after a crash finds the first), and labels (runtime.ts's BACKEND_LABELS)
 * that list() reads back to adopt what runs after a restart. The installation label keeps
 * installations that share an engine (and test servers) out of each other's containers. An app's
 * data is a named volume with the same labels, kept across generations, removed with the app.
 */
import { createHash } from 'node:crypto';
import os, { constants } from 'node:os';
import Docker from 'dockerode';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { containerLogs } from './dockerLogs.js';
import { engineMessage, ignoring, statusCode } from './engineErrors.js';
import {
  BACKEND_LABELS,
  BackendFailure,
  type BackendInfo,
  type BackendSpec,
  type LogOptions,
  type Runtime,
  type RuntimeOptions,
  type StartProgress,
} from './runtime.js';

export interface DockerSettings {
  /** The host address containers' ports are published on (a free port each, chosen by the engine). */
  publishIp: string;
  /** The host written into each backend's address, which the gateway of every replica connects to. */
  advertiseHost: string;
}

/** The settings of the docker runtime: an address on every interface is no address to connect to, so this host's name is. */
export function dockerSettings(config: Pick<Config, 'dockerPublishIp' | 'dockerAdvertiseHost'>): DockerSettings {
  const everywhere = config.dockerPublishIp === '0.0.0.0' || config.dockerPublishIp === '::';
  return { publishIp: config.dockerPublishIp, advertiseHost: config.dockerAdvertiseHost ?? (everywhere ? os.hostname() : config.dockerPublishIp) };
}

/** Where the app's volume is mounted in its containers. */
export const DATA_PATH = '/data';

/** How long a container gets after SIGTERM when remove() is not told. */
const DEFAULT_GRACE_MS = 10_000;

/** Why a container stopped, in words. */
function exitReason(exitCode: number, oomKilled = false, engineError = ''): string {
  if (oomKilled) return 'killed for using more memory than its tier allows (out of memory)';
  const signal = exitCode > 128 ? Object.entries(constants.signals).find(([, number]) => number === exitCode - 128)?.[0] : undefined;
  if (signal) return `killed by ${signal}`;
  return `exited with code ${exitCode}${engineError ? ` (${engineError})` : ''}`;
}

const STATES: Record<string, BackendInfo['state']> = { created: 'starting', restarting: 'starting', running: 'running', paused: 'running' };

export class DockerRuntime implements Runtime {
  readonly kind = 'docker' as const;
  /** ensure() calls under way, by ARN and generation, for later calls to join. */
  private readonly starting = new Map<string, Promise<BackendInfo>>();
  /** Names this installation's containers and volumes; hashed, so any installation id is safe in a name. */
  private readonly prefix: string;
  private readonly logger: Logger;

  constructor(
    private readonly options: RuntimeOptions,
    private readonly settings: DockerSettings,
    private readonly docker: Docker = new Docker(),
  ) {
    this.prefix = `partnerplane-${createHash('sha256').update(options.installation).digest('hex').slice(0, 8)}`;
    this.logger = options.logger;
  }

  /** Fails, saying where it looked, when the engine does not answer: at start, rather than at the first app. */
  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock (DOCKER_HOST is not set)';
      throw new ConfigError(`--app-runtime docker: the Docker Engine at ${where} does not answer (${engineMessage(error)}); start dockerd, or set DOCKER_HOST to its socket`);
    }
  }

  containerName(spec: Pick<BackendSpec, 'appId' | 'generation'>): string {
    return `${this.prefix}-${spec.appId.toLowerCase()}-g${spec.generation}`;
  }

  private labels(arn: string, appId: string): Record<string, string> {
    return { [BACKEND_LABELS.installation]: this.options.installation, [BACKEND_LABELS.arn]: arn, [BACKEND_LABELS.appId]: appId };
  }

  ensure(spec: BackendSpec, progress: StartProgress = () => undefined): Promise<BackendInfo> {
    const key = `${spec.arn}#${spec.generation}`;
    let started = this.starting.get(key);
    if (!started) {
      started = this.start(spec, progress).finally(() => this.starting.delete(key));
      this.starting.set(key, started);
    }
    return started;
  }

  private async start(spec: BackendSpec, progress: StartProgress): Promise<BackendInfo> {
    let container = await this.existing(this.containerName(spec));
    if (!container) {
      await this.ensureImage(spec.image!, progress);
      progress('creating');
      container = await this.create(spec);
    }
    if ((await container.inspect()).State.Status !== 'running') {
      progress('starting');
      await container.start().catch((error: unknown) => this.failedStart(spec, error));
    }
    return this.describe(await container.inspect());
  }

  private async existing(name: string): Promise<Docker.Container | undefined> {
    const container = this.docker.getContainer(name);
    try {
      await container.inspect();
      return container;
    } catch (error) {
      ignoring(404)(error);
      return undefined;
    }
  }

  /** Uses the image when the engine has it; pulls it otherwise. */
  private async ensureImage(image: string, progress: StartProgress): Promise<void> {
    if (!image) throw new BackendFailure('StartFailed', 'The catalog gives this version no image to run with the docker runtime.');
    const present = await this.docker.getImage(image).inspect().then(() => true, (error: unknown) => (ignoring(404)(error), false));
    if (present) return;
    progress('pulling image', image);
    try {
      const stream = await this.docker.pull(image);
      await new Promise((resolve, reject) => this.docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve(undefined))));
    } catch (error) {
      throw new BackendFailure('ImageNotFound', `The image ${image} is not on the Docker Engine and could not be pulled: ${engineMessage(error)}`);
    }
  }

  /** The generation's container, or the one an earlier attempt made when the name is taken. */
  private async create(spec: BackendSpec): Promise<Docker.Container> {
    const volume = `${this.prefix}-${spec.appId.toLowerCase()}-data`;
    // A second create of a named volume answers with the first.
    await this.docker.createVolume({ Name: volume, Labels: this.labels(spec.arn, spec.appId) });
    try {
      return await this.docker.createContainer(this.createOptions(spec, volume));
    } catch (error) {
      ignoring(409)(error);
      this.logger.info({ arn: spec.arn, generation: spec.generation }, 'adopting the container an earlier attempt created');
      return this.docker.getContainer(this.containerName(spec));
    }
  }

  private createOptions(spec: BackendSpec, volume: string): Docker.ContainerCreateOptions {
    const port = `${spec.port}/tcp`;
    const { cpus, memoryMiB } = spec.resources;
    return {
      name: this.containerName(spec),
      Image: spec.image,
      // As a process is told them: where its data is, and the port it is to listen on.
      Env: Object.entries({ ...spec.env, PORT: String(spec.port), PARTNERPLANE_APP_DATA: DATA_PATH }).map(([key, value]) => `${key}=${value}`),
      Labels: { ...this.labels(spec.arn, spec.appId), [BACKEND_LABELS.generation]: String(spec.generation) },
      ExposedPorts: { [port]: {} },
      HostConfig: {
        PortBindings: { [port]: [{ HostIp: this.settings.publishIp, HostPort: '' }] },
        NanoCpus: cpus === undefined ? undefined : Math.round(cpus * 1e9),
        Memory: memoryMiB === undefined ? undefined : memoryMiB * 1024 * 1024,
        Mounts: [{ Type: 'volume', Source: volume, Target: DATA_PATH }],
        // Restarts are the reconciler's, with back-off, counted and logged.
        RestartPolicy: { Name: 'no' },
        // Bounded, and readable through the API (logs()).
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      },
    };
  }

  /** A start the engine refused: the command's fault (permanent), or trouble worth another try. */
  private failedStart(spec: BackendSpec, error: unknown): never {
    const message = engineMessage(error);
    if (/executable file not found|no such file or directory/i.test(message)) {
      throw new BackendFailure('CommandNotFound', `The command of the image ${spec.image} does not exist in it: ${message}`);
    }
    if (statusCode(error) === 400) throw new BackendFailure('StartFailed', `The container of ${spec.image} could not start: ${message}`);
    throw error;
  }

  /** Where every replica reaches a published port. */
  private address(port: number | string): string {
    const host = this.settings.advertiseHost.includes(':') ? `[${this.settings.advertiseHost}]` : this.settings.advertiseHost;
    return `${host}:${port}`;
  }

  private describe(info: Docker.ContainerInspectInfo): BackendInfo {
    const { State, Config, NetworkSettings } = info;
    const state = STATES[State.Status] ?? 'exited';
    const port = Object.keys(Config.ExposedPorts ?? {})[0];
    const binding = port ? (NetworkSettings.Ports?.[port] as { HostPort: string }[] | null | undefined)?.[0] : undefined;
    const startedAt = Date.parse(State.StartedAt);
    return {
      arn: Config.Labels[BACKEND_LABELS.arn]!,
      generation: Number(Config.Labels[BACKEND_LABELS.generation]),
      state,
      address: state === 'running' && binding ? this.address(binding.HostPort) : undefined,
      startedAt: startedAt > 0 ? startedAt : undefined,
      ...(state === 'exited' ? { exitCode: State.ExitCode, reason: exitReason(State.ExitCode, State.OOMKilled, State.Error) } : {}),
    };
  }

  /** This installation's containers (of one app, when given), as the engine lists them. */
  private listed(arn?: string): Promise<Docker.ContainerInfo[]> {
    const label = [`${BACKEND_LABELS.installation}=${this.options.installation}`, ...(arn ? [`${BACKEND_LABELS.arn}=${arn}`] : [])];
    return this.docker.listContainers({ all: true, filters: { label } });
  }

  async inspect(arn: string): Promise<BackendInfo[]> {
    const inspected = await Promise.all((await this.listed(arn)).map((container) => this.docker.getContainer(container.Id).inspect().catch((error: unknown) => (ignoring(404)(error), undefined))));
    return inspected.filter((info): info is Docker.ContainerInspectInfo => info !== undefined).map((info) => this.describe(info));
  }

  /** One call to the engine however many apps there are: what the listing says, without inspect's details (startedAt, out of memory). */
  async list(): Promise<BackendInfo[]> {
    return (await this.listed()).map((container) => {
      const state = STATES[container.State] ?? 'exited';
      const published = container.Ports.find((port) => port.PublicPort);
      const exitCode = Number(/^Exited \((\d+)\)/.exec(container.Status)?.[1] ?? Number.NaN);
      return {
        arn: container.Labels[BACKEND_LABELS.arn]!,
        generation: Number(container.Labels[BACKEND_LABELS.generation]),
        state,
        address: state === 'running' && published ? this.address(published.PublicPort) : undefined,
        ...(state === 'exited' && Number.isInteger(exitCode) ? { exitCode, reason: exitReason(exitCode) } : {}),
      };
    });
  }

  async remove(arn: string, options: { generation?: number; graceMs?: number } = {}): Promise<void> {
    const containers = (await this.listed(arn)).filter((info) => options.generation === undefined || Number(info.Labels[BACKEND_LABELS.generation]) === options.generation);
    const seconds = Math.ceil((options.graceMs ?? DEFAULT_GRACE_MS) / 1000);
    await Promise.all(
      containers.map(async (info) => {
        const container = this.docker.getContainer(info.Id);
        // The engine sends SIGTERM, waits, then SIGKILL. 304: stopped already; 404: gone already.
        await container.stop({ t: seconds }).catch(ignoring(304, 404));
        // 409: a removal of it (another replica's) is under way.
        await container.remove({ force: true }).catch(ignoring(404, 409));
      }),
    );
    if (options.generation === undefined) await this.removeVolumes(arn);
  }

  private async removeVolumes(arn: string): Promise<void> {
    const label = [`${BACKEND_LABELS.installation}=${this.options.installation}`, `${BACKEND_LABELS.arn}=${arn}`];
    const { Volumes } = await this.docker.listVolumes({ filters: { label } });
    await Promise.all((Volumes ?? []).map((volume) => this.docker.getVolume(volume.Name).remove().catch(ignoring(404))));
  }

  async *logs(arn: string, options: LogOptions): AsyncIterable<Buffer> {
    const newest = (await this.listed(arn)).sort((a, b) => Number(b.Labels[BACKEND_LABELS.generation]) - Number(a.Labels[BACKEND_LABELS.generation]))[0];
    if (!newest) return;
    yield* containerLogs(this.docker.getContainer(newest.Id), options);
  }

  /** Containers live outside this process: they keep running, for the next start to adopt. */
  async close(): Promise<void> {}
}
