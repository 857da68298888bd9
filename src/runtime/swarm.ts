/**
 * The Swarm runtime: each app is one Swarm service, made and watched through the Docker Engine API
 * of a manager node (dockerode over DOCKER_HOST, as the docker runtime). Swarm schedules, restarts
 * and reschedules the service's tasks; partnerplane says what should run and reads what does.
 *
 * - The service carries the labels of runtime.ts (installation, ARN, app id, generation), on itself
 *   and on its containers, and a name derived from the installation and the app: a create repeated
 *   after a crash finds the first (the manager refuses a second of that name), and after a restart
 *   list() finds every service again. No duplicates, nothing to remember.
 * - A new generation (version, tier, ApplicationConfig) is a rolling update of the same service:
 *   one task at a time, each new one started before the old one stops, each passing Swarm's health
 *   check (a GET of the catalog's healthPath from inside the container) before the next; a task
 *   that fails or never becomes healthy makes Swarm roll the service back to the previous
 *   generation, which keeps serving. That generation is then reported `exited` with Swarm's
 *   reason, and ensure() of it rejects with that reason (a BackendFailure: UpdateFailed).
 * - A generation is `running` once the tier's number of tasks run and pass the health check; one
 *   that did, later left with fewer (a node lost), stays `running` while any task is healthy.
 * - The gateway reaches tasks in one of two ways (SwarmSettings.reach, docs/runtimes.md): `host`,
 *   each task's port published in host mode on its node (the address: the node's address and that
 *   port), which needs neither IPVS nor partnerplane inside the cluster; or `overlay`, the service's
 *   name on an attachable overlay network that partnerplane's replicas are attached to, resolved by
 *   Swarm's DNS to the healthy tasks (`dnsrr`: no IPVS needed) or to a virtual IP (`vip`: every
 *   node needs IPVS).
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { DATA_PATH } from './docker.js';
import { entriesAfter, pastEntries, shownText, type Entry } from './dockerLogs.js';
import { engineMessage, ignoring } from './engineErrors.js';
import { BACKEND_LABELS, BackendFailure, type BackendInfo, type BackendSpec, type LogOptions, type Runtime, type RuntimeOptions, type StartProgress } from './runtime.js';
import { describeService, generationOf, PORT_LABEL, rolledBackGeneration, type SwarmBackendInfo, type SwarmNode, type SwarmTask } from './swarmTasks.js';

export interface SwarmSettings {
  /** How the gateway reaches an app's tasks: `host` (published ports in host mode) or `overlay` (the service's name on `network`). */
  reach: 'host' | 'overlay';
  /** The overlay network every app's service joins (needed for `overlay`). */
  network?: string;
  /** `dnsrr` (DNS round robin, no IPVS needed) or `vip` (a virtual IP: IPVS on every node). */
  endpointMode: 'dnsrr' | 'vip';
  /** Placement constraints of every app's service, as `docker service create --constraint` takes them. */
  constraints: readonly string[];
  /** How often Swarm runs a task's health check. */
  healthIntervalMs: number;
}

/** The runtime's settings from the server's (--swarm-*). */
export function swarmSettings(config: Pick<Config, 'swarmReach' | 'swarmNetwork' | 'swarmEndpointMode' | 'swarmConstraints' | 'swarmHealthIntervalMs'>): SwarmSettings {
  return {
    reach: config.swarmReach,
    network: config.swarmNetwork,
    endpointMode: config.swarmEndpointMode,
    constraints: config.swarmConstraints ?? [],
    healthIntervalMs: config.swarmHealthIntervalMs,
  };
}

/** How long a task gets after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 10_000;
/** Failed health checks in a row that make a task unhealthy (after its start period). */
const HEALTH_RETRIES = 3;
const NANOS_PER_MS = 1_000_000;
/** How often ensure() looks at the tasks of a generation it waits for. */
const SETTLE_POLL_MS = 250;
/**
 * What ensure() waits beyond the start timeout: for a new service, Swarm's last health checks; for
 * an update, also Swarm's verdict (its health check fails by the start timeout, then the task is
 * stopped and the update rolled back, which on a busy machine takes a while).
 */
const SETTLE_MARGIN_MS = { create: 15_000, update: 60_000 };
/** How long a list of the nodes is reused: inspect() runs for every app on every pass. */
const NODES_TTL_MS = 1000;

const shellQuoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export class SwarmRuntime implements Runtime {
  readonly kind = 'swarm' as const;
  private readonly starting = new Map<string, Promise<BackendInfo>>();
  /** Names this installation's services and volumes; hashed, so any installation id is safe in a name. */
  private readonly prefix: string;
  private readonly logger: Logger;
  /** Generations seen with every wanted task healthy (`arn#generation`): they keep serving with fewer. */
  private readonly converged = new Set<string>();
  private nodes?: { at: number; byId: Promise<Map<string, SwarmNode>> };
  /**
   * Generations Swarm rolled back that remove() was asked to remove (`arn#generation`): their tasks
   * are gone already, and inspect() stops reporting them (the service's history still holds them).
   */
  private readonly dismissed = new Set<string>();

  constructor(
    private readonly options: RuntimeOptions,
    private readonly settings: SwarmSettings,
    private readonly docker: Docker = new Docker(),
  ) {
    this.prefix = `partnerplane-${createHash('sha256').update(options.installation).digest('hex').slice(0, 8)}`;
    this.logger = options.logger;
  }

  /** Fails, saying why, unless DOCKER_HOST is a Swarm manager with the network the settings name. */
  async ping(): Promise<void> {
    const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock (DOCKER_HOST is not set)';
    let info: { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
    try {
      info = await this.docker.info();
    } catch (error) {
      throw new ConfigError(`--app-runtime swarm: the Docker Engine at ${where} does not answer (${engineMessage(error)}); set DOCKER_HOST to a Swarm manager's socket`);
    }
    if (info.Swarm?.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable) {
      throw new ConfigError(`--app-runtime swarm: the Docker Engine at ${where} is not a manager of a Swarm (its swarm state: ${info.Swarm?.LocalNodeState ?? 'none'}); point DOCKER_HOST at a manager node`);
    }
    if (this.settings.reach === 'overlay' && !this.settings.network) throw new ConfigError('--swarm-reach overlay needs --swarm-network, the overlay network partnerplane and the apps share');
    if (this.settings.network) {
      await this.docker.getNetwork(this.settings.network).inspect().catch((error: unknown) => {
        throw new ConfigError(`--swarm-network ${this.settings.network}: ${engineMessage(error)}; create it with \`docker network create --driver overlay --attachable ${this.settings.network}\``);
      });
    }
  }

  serviceName(appId: string): string {
    return `${this.prefix}-${appId.toLowerCase()}`;
  }

  /**
   * Creates the app's service, or rolls it to this generation, then waits for Swarm to run it:
   * `started`, for a service, is its wanted tasks running healthy (or its failure).
   */
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
    if (!spec.image) throw new BackendFailure('StartFailed', 'The catalog gives this version no image to run with the swarm runtime.');
    const service = await this.service(spec.arn);
    const replicas = spec.resources.replicas ?? 1;
    if (!service) {
      progress('creating');
      await this.create(spec);
      progress('starting', `Swarm starts ${replicas} task${replicas === 1 ? '' : 's'}`);
    } else if (generationOf(service.Spec) < spec.generation && rolledBackGeneration(service, await this.tasks([service.ID]))?.generation !== spec.generation) {
      progress('starting', `rolling update of ${replicas} task${replicas === 1 ? '' : 's'}, one at a time`);
      await this.update(service, this.serviceSpec(spec));
    }
    return this.settled(spec, service ? 'update' : 'create');
  }

  /**
   * Waits for Swarm's verdict on a generation: its wanted tasks run healthy (resolves), it cannot
   * start, its task exited, Swarm rolled it back (a BackendFailure each), or the version's start
   * timeout passed, with a margin for Swarm's own health check and rollback.
   */
  private async settled(spec: BackendSpec, kind: keyof typeof SETTLE_MARGIN_MS): Promise<BackendInfo> {
    const deadline = Date.now() + spec.startTimeoutMs + SETTLE_MARGIN_MS[kind];
    for (;;) {
      const info = (await this.inspect(spec.arn)).find((backend) => backend.generation === spec.generation);
      if (!info) throw new Error(`the service of ${spec.arn} went away while generation ${spec.generation} started`);
      if (info.state === 'running') return info;
      if (info.state === 'exited' && info.permanent) throw new BackendFailure(info.failure ?? 'StartFailed', `The backend ${info.reason}.`);
      if (info.state === 'exited') throw new BackendFailure('BackendExited', `The backend ${info.reason} before passing its health check (GET ${spec.healthPath}).`);
      if (Date.now() > deadline) {
        const reason = `The backend did not pass its health check (GET ${spec.healthPath} answering 2xx or 3xx) within ${spec.startTimeoutMs / 1000} s of starting.`;
        throw new BackendFailure('HealthCheckTimeout', reason);
      }
      await sleep(SETTLE_POLL_MS);
    }
  }

  private async create(spec: BackendSpec): Promise<void> {
    try {
      await this.docker.createService(this.serviceSpec(spec));
    } catch (error) {
      // 409: the name is taken: an earlier attempt (or another replica) made it, and it is what runs.
      ignoring(409)(error);
      this.logger.info({ arn: spec.arn, generation: spec.generation }, 'adopting the service an earlier attempt created');
    }
  }

  /** A new spec for the service, applied by Swarm as a rolling update. */
  private async update(service: Docker.Service & SwarmService, spec: Docker.ServiceSpec, rollback = false): Promise<void> {
    const query = { version: service.Version.Index, ...(rollback && { rollback: 'previous' }) };
    await this.docker.getService(service.ID).update({ _query: query, _body: spec });
  }

  private labels(arn: string, appId: string, generation?: number): Record<string, string> {
    return {
      [BACKEND_LABELS.installation]: this.options.installation,
      [BACKEND_LABELS.arn]: arn,
      [BACKEND_LABELS.appId]: appId,
      ...(generation !== undefined && { [BACKEND_LABELS.generation]: String(generation) }),
    };
  }

  serviceSpec(spec: BackendSpec): Docker.ServiceSpec {
    const labels = this.labels(spec.arn, spec.appId, spec.generation);
    const { cpus, memoryMiB, replicas = 1 } = spec.resources;
    const resources = { NanoCPUs: cpus === undefined ? undefined : Math.round(cpus * 1e9), MemoryBytes: memoryMiB === undefined ? undefined : memoryMiB * 1024 * 1024 };
    const monitor = 2 * this.settings.healthIntervalMs * NANOS_PER_MS;
    return {
      Name: this.serviceName(spec.appId),
      Labels: { ...labels, [PORT_LABEL]: String(spec.port) },
      TaskTemplate: {
        ContainerSpec: this.containerSpec(spec, labels),
        // The tier's resources are both what the scheduler keeps free for a task and its limit.
        Resources: { Limits: resources, Reservations: resources },
        // Swarm restarts a task that exits, wherever it can run; restarts are not the reconciler's here.
        RestartPolicy: { Condition: 'any', Delay: 1000 * NANOS_PER_MS, MaxAttempts: 0 },
        Placement: { Constraints: [...this.settings.constraints] },
        Networks: this.settings.network ? [{ Target: this.settings.network }] : [],
        LogDriver: { Name: 'json-file', Options: { 'max-size': '10m', 'max-file': '3' } },
      },
      Mode: { Replicated: { Replicas: replicas } },
      // One task at a time, the new one before the old one stops; any failure rolls the whole back.
      UpdateConfig: { Parallelism: 1, FailureAction: 'rollback', Monitor: monitor, MaxFailureRatio: 0, Order: 'start-first' },
      RollbackConfig: { Parallelism: 0, FailureAction: 'pause', Monitor: monitor, MaxFailureRatio: 0, Order: 'start-first' },
      EndpointSpec: {
        Mode: this.settings.endpointMode,
        // PublishedPort unset: each task's engine picks a free port of its node.
        Ports: this.settings.reach === 'host' ? [{ Protocol: 'tcp', TargetPort: spec.port, PublishMode: 'host' }] : [],
      },
    };
  }

  private containerSpec(spec: BackendSpec, labels: Record<string, string>): Docker.ContainerSpec {
    // As a process is told them: where its data is, and the port it is to listen on.
    const env = { ...spec.env, PORT: String(spec.port), PARTNERPLANE_APP_DATA: DATA_PATH };
    return {
      Image: spec.image,
      Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
      Labels: labels,
      // An init as PID 1 passes SIGTERM on: many servers ignore it as PID 1, and every stop (each
      // step of a rolling update) would then last the whole grace period.
      Init: true,
      StopGracePeriod: STOP_GRACE_MS * NANOS_PER_MS,
      Mounts: [{ Type: 'volume', Source: this.volumeName(spec.appId), Target: DATA_PATH, VolumeOptions: { Labels: this.labels(spec.arn, spec.appId) } } as Docker.MountSettings],
      HealthCheck: this.healthCheck(spec),
    };
  }

  /**
   * A GET of the health path from inside the task, with the image's wget or curl (a shell and one
   * of them in the image, as most have). Failures within the start period do not count, so a task
   * has the version's start timeout to become healthy, less the checks that declare it unhealthy.
   */
  private healthCheck(spec: BackendSpec): Docker.HealthConfig {
    const url = shellQuoted(`http://127.0.0.1:${spec.port}${spec.healthPath}`);
    const interval = this.settings.healthIntervalMs;
    const startPeriod = Math.max(interval, spec.startTimeoutMs - (HEALTH_RETRIES + 1) * interval);
    return {
      Test: ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url}`],
      Interval: interval * NANOS_PER_MS,
      Timeout: Math.max(1000, interval) * NANOS_PER_MS,
      Retries: HEALTH_RETRIES,
      StartPeriod: startPeriod * NANOS_PER_MS,
    };
  }

  /** This installation's services (of one app, when given). */
  private async services(arn?: string): Promise<SwarmService[]> {
    const label = [`${BACKEND_LABELS.installation}=${this.options.installation}`, ...(arn ? [`${BACKEND_LABELS.arn}=${arn}`] : [])];
    return (await this.docker.listServices({ filters: { label } })) as SwarmService[];
  }

  private async service(arn: string): Promise<(Docker.Service & SwarmService) | undefined> {
    return (await this.services(arn))[0] as (Docker.Service & SwarmService) | undefined;
  }

  /** Every task Swarm keeps of these services, history included. */
  private async tasks(serviceIds: string[]): Promise<SwarmTask[]> {
    if (serviceIds.length === 0) return [];
    try {
      return (await this.docker.listTasks({ filters: { service: serviceIds } })) as SwarmTask[];
    } catch (error) {
      // 404: a service was removed since it was listed (its tasks went with it): the others' again.
      ignoring(404)(error);
      return serviceIds.length === 1 ? [] : (await Promise.all(serviceIds.map((id) => this.tasks([id])))).flat();
    }
  }

  private nodesById(): Promise<Map<string, SwarmNode>> {
    if (!this.nodes || Date.now() - this.nodes.at > NODES_TTL_MS) {
      const byId = this.docker.listNodes().then((nodes: SwarmNode[]) => new Map(nodes.map((node) => [node.ID, node])));
      // A failed read is not kept: the next call asks again.
      byId.catch(() => (this.nodes = undefined));
      this.nodes = { at: Date.now(), byId };
    }
    return this.nodes.byId;
  }

  private async describe(services: SwarmService[]): Promise<SwarmBackendInfo[]> {
    const [tasks, nodes] = await Promise.all([this.tasks(services.map((service) => service.ID)), this.nodesById()]);
    return services.flatMap((service) => {
      const own = tasks.filter((task) => task.ServiceID === service.ID);
      const described = describeService({ service, tasks: own, nodes, reach: this.settings.reach, converged: this.converged });
      return described.filter((info) => !this.dismissed.has(`${info.arn}#${info.generation}`));
    });
  }

  async inspect(arn: string): Promise<SwarmBackendInfo[]> {
    return this.describe(await this.services(arn));
  }

  async list(): Promise<BackendInfo[]> {
    return this.describe(await this.services());
  }

  /**
   * Without a generation: the service, then the app's volume. With one: the service if it runs
   * that generation and no other came before (a failed create); a rollback if that generation is
   * an update still rolling out (the previous one comes back); nothing if Swarm already replaced it.
   */
  async remove(arn: string, options: { generation?: number; graceMs?: number } = {}): Promise<void> {
    const services = await this.services(arn);
    // Read before the services go (their tasks go with them): the nodes that ran the app.
    const ranOn = options.generation === undefined ? await this.nodesThatRan(services) : new Set<string>();
    for (const service of services) {
      const current = generationOf(service.Spec);
      const previous = service.PreviousSpec ? generationOf(service.PreviousSpec) : undefined;
      if (options.generation === undefined || (options.generation === current && previous === undefined)) {
        await this.removeService(service, options.graceMs ?? STOP_GRACE_MS);
      } else if (options.generation === current && previous !== undefined && previous < current) {
        await this.update(service as Docker.Service & SwarmService, service.Spec, true);
      } else if (options.generation !== undefined && options.generation > current) {
        this.dismissed.add(`${arn}#${options.generation}`);
      }
    }
    if (options.generation === undefined) await this.removeVolumes(arn, services, ranOn);
  }

  /** The IDs of the nodes where a task of these services ran (as far as Swarm's task history goes). */
  private async nodesThatRan(services: SwarmService[]): Promise<Set<string>> {
    const tasks = await this.tasks(services.map((service) => service.ID));
    return new Set(tasks.flatMap((task) => (task.NodeID ? [task.NodeID] : [])));
  }

  /**
   * Removes the service, then waits (for at most the grace period, and a little) until the
   * containers of its tasks on this engine are gone, the app's volume here with them no longer in use.
   */
  private async removeService(service: SwarmService, graceMs: number): Promise<void> {
    await this.docker.getService(service.ID).remove().catch(ignoring(404));
    const label = [`${BACKEND_LABELS.installation}=${this.options.installation}`, `${BACKEND_LABELS.arn}=${service.Spec.Labels[BACKEND_LABELS.arn]}`];
    const deadline = Date.now() + graceMs + 5000;
    while (Date.now() < deadline && (await this.docker.listContainers({ all: true, filters: { label } })).length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * The app's volumes on the engine partnerplane talks to. A volume is a node's own, and the
   * Engine API of a manager reaches no other node's volumes: the app's volume on every other node
   * that ran one of its tasks stays, and a warning names those nodes and the command that removes
   * it there (docs/runtimes.md).
   */
  private async removeVolumes(arn: string, services: SwarmService[], ranOn: Set<string>): Promise<void> {
    const label = [`${BACKEND_LABELS.installation}=${this.options.installation}`, `${BACKEND_LABELS.arn}=${arn}`];
    const { Volumes } = await this.docker.listVolumes({ filters: { label } });
    await Promise.all((Volumes ?? []).map((volume) => this.docker.getVolume(volume.Name).remove().catch(ignoring(404, 409))));
    const appId = services[0]?.Spec.Labels[BACKEND_LABELS.appId];
    if (!appId) return;
    const here = ((await this.docker.info()) as { Swarm?: { NodeID?: string } }).Swarm?.NodeID;
    const nodes = await this.nodesById();
    const elsewhere = [...ranOn].filter((id) => id !== here).map((id) => nodes.get(id)?.Description?.Hostname ?? id).sort();
    if (elsewhere.length === 0) return;
    const volume = this.volumeName(appId);
    this.logger.warn(
      { arn, volume, nodes: elsewhere },
      `the app's volume ${volume} stays on ${elsewhere.join(', ')}: a volume is its node's own and partnerplane reaches only its manager's engine; remove it there with \`docker volume rm ${volume}\``,
    );
  }

  /** The name of the app's volume, on every node. */
  volumeName(appId: string): string {
    return `${this.prefix}-${appId.toLowerCase()}-data`;
  }

  /**
   * What the tasks of the app's newest generation wrote, as far as Swarm's task history goes, in
   * the order it was written. Swarm runs each restart as a new task: the newest may not have
   * written anything yet, and the one before it says why it ended. Following goes on with the
   * newest. A task's logs are its container's, read through the manager (/tasks/{id}/logs)
   * wherever it runs.
   */
  async *logs(arn: string, options: LogOptions): AsyncIterable<Buffer> {
    const service = await this.service(arn);
    if (!service) return;
    const generation = generationOf(service.Spec);
    const tasks = (await this.tasks([service.ID]))
      .filter((task) => generationOf(task.Spec.ContainerSpec) === generation && task.Status.ContainerStatus?.ContainerID)
      .sort((a, b) => Date.parse(a.CreatedAt) - Date.parse(b.CreatedAt));
    const newest = tasks.at(-1);
    if (!newest) return;
    const past = (await Promise.all(tasks.map((task) => this.taskEntries(task)))).flat().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const shown = shownText(past, options.tailBytes);
    if (shown.length > 0) yield shown;
    if (!options.follow || options.signal?.aborted) return;
    yield* entriesAfter(this.taskAsContainer(newest), past.at(-1)?.at ?? 0n, options.signal);
  }

  private taskAsContainer(task: SwarmTask): Docker.Container {
    return this.docker.getTask(task.ID) as unknown as Docker.Container;
  }

  private async taskEntries(task: SwarmTask): Promise<Entry[]> {
    try {
      return await pastEntries(this.taskAsContainer(task));
    } catch (error) {
      // Dropped from Swarm's history since it was listed: nothing of it is kept.
      ignoring(404)(error);
      return [];
    }
  }

  /** Services live in the cluster: they keep running, for the next start to adopt. */
  async close(): Promise<void> {}
}

/** A service as the Engine API lists it (the fields read here). */
export interface SwarmService {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  Spec: Docker.ServiceSpec & { Labels: Record<string, string> };
  PreviousSpec?: Docker.ServiceSpec & { Labels: Record<string, string> };
  UpdateStatus?: { State?: string; Message?: string };
}
