/**
 * What a Swarm service's tasks say of each generation of an app's backend (swarm.ts): pure
 * functions of what the Engine API lists, so that every replica of partnerplane, and a restarted
 * one, reads the same from the same cluster.
 */
import type Docker from 'dockerode';
import { BACKEND_LABELS, type BackendFailureCode, type BackendInfo } from './runtime.js';

/** A task as the Engine API lists it (the fields read here). */
export interface SwarmTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  CreatedAt: string;
  /** What Swarm wants of it: `running`; `ready` (to be started again after the restart delay); `shutdown`, `remove`. */
  DesiredState: string;
  Spec: { ContainerSpec: { Labels?: Record<string, string> } };
  Status: {
    State: string;
    Timestamp: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
    PortStatus?: { Ports?: { TargetPort?: number; PublishedPort?: number }[] };
  };
}

export interface SwarmNode {
  ID: string;
  Description?: { Hostname?: string };
  Status: { State: string; Addr?: string };
  ManagerStatus?: { Addr?: string };
}

/** The service fields read here. */
interface ServiceView {
  Spec: Docker.ServiceSpec & { Labels: Record<string, string> };
  PreviousSpec?: Docker.ServiceSpec & { Labels?: Record<string, string> };
  UpdateStatus?: { State?: string; Message?: string };
}

/** The label on a service giving the port its tasks listen on (for addresses on the overlay network). */
export const PORT_LABEL = 'partnerplane.port';

export const generationOf = (spec: { Labels?: Record<string, string> } | undefined): number => Number(spec?.Labels?.[BACKEND_LABELS.generation] ?? 0);

/** Tasks Swarm wants alive: running, or about to be started again. */
export const liveTasks = (tasks: SwarmTask[]): SwarmTask[] => tasks.filter((task) => task.DesiredState === 'running' || task.DesiredState === 'ready');

const FAILED_STATES = new Set(['failed', 'rejected']);
const newestFirst = (a: SwarmTask, b: SwarmTask) => Date.parse(b.Status.Timestamp) - Date.parse(a.Status.Timestamp);

/** Why a task stopped or could not start, as words that follow "The backend" or "a task", and the failure's code. */
export function taskFailure(task: SwarmTask): { reason: string; code: BackendFailureCode } {
  const error = task.Status.Err ?? '';
  if (/No such image|pull access denied|manifest unknown|repository does not exist/i.test(error)) return { reason: `cannot start: its image is on no node and cannot be pulled (${error})`, code: 'ImageNotFound' };
  if (/executable file not found|no such file or directory/i.test(error)) return { reason: `cannot start: its command is not in its image (${error})`, code: 'CommandNotFound' };
  const code = task.Status.ContainerStatus?.ExitCode;
  // Stopped for failing its health check: with an error saying so, or (a server that ends on the
  // SIGTERM that follows) without any, having never run.
  if (/unhealthy container/.test(error) || ((code ?? 0) === 0 && ['complete', 'shutdown'].includes(task.Status.State))) {
    return { reason: 'did not pass its health check, and was stopped', code: 'HealthCheckTimeout' };
  }
  if (code !== undefined && code !== 0) return { reason: `exited with code ${code}`, code: 'BackendExited' };
  return { reason: `could not start (${error || task.Status.State})`, code: 'StartFailed' };
}

/** Failures no new try can mend: Swarm would try again for ever. */
const PERMANENT: readonly BackendFailureCode[] = ['ImageNotFound', 'CommandNotFound'];

const TERMINAL_STATES = new Set(['complete', 'shutdown', 'failed', 'rejected', 'orphaned']);

/**
 * The generation Swarm rolled back from, and why: the service's update ended in a rollback, and
 * tasks of a newer generation than its spec's are in its history. The why is the task Swarm names
 * (while the rollback runs), else the newest of that generation that ended.
 */
export function rolledBackGeneration(service: ServiceView, tasks: SwarmTask[]): { generation: number; reason: string; code: BackendFailureCode } | undefined {
  if (!service.UpdateStatus?.State?.startsWith('rollback')) return undefined;
  const current = generationOf(service.Spec);
  const newer = tasks.filter((task) => generationOf(task.Spec.ContainerSpec) > current);
  if (newer.length === 0) return undefined;
  const named = /task (\w+)/.exec(service.UpdateStatus.Message ?? '')?.[1];
  const generation = Math.max(...newer.map((task) => generationOf(task.Spec.ContainerSpec)));
  const culprit =
    newer.find((task) => task.ID === named) ??
    newer.filter((task) => generationOf(task.Spec.ContainerSpec) === generation && TERMINAL_STATES.has(task.Status.State)).sort(newestFirst)[0];
  const failure = culprit ? taskFailure(culprit) : { reason: 'failed', code: 'StartFailed' as const };
  return {
    generation: culprit ? generationOf(culprit.Spec.ContainerSpec) : generation,
    reason: `was rolled back by Swarm, the previous version still serving: a task of the new version ${failure.reason}`,
    code: failure.code,
  };
}

/** The node's address as other machines reach it (a manager may report 0.0.0.0 there, and its address with the manager's port elsewhere). */
function nodeAddress(node: SwarmNode): string | undefined {
  const addr = node.Status.Addr;
  if (addr && addr !== '0.0.0.0') return addr;
  return node.ManagerStatus?.Addr?.replace(/:\d+$/, '');
}

const withPort = (host: string, port: number | string) => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/** What describeService reads, and the memory it keeps between calls. */
export interface ServiceTasks {
  service: ServiceView;
  /** Every task of the service, history included. */
  tasks: SwarmTask[];
  nodes: Map<string, SwarmNode>;
  reach: 'host' | 'overlay';
  /** Generations seen with every wanted task healthy (`arn#generation`); added to here. */
  converged: Set<string>;
}

/** BackendInfo, and for a generation that `exited`, its failure's code and whether Swarm's trying again can mend it. */
export type SwarmBackendInfo = BackendInfo & { failure?: BackendFailureCode; permanent?: boolean };

/** Where the gateway reaches a healthy task: its node and published port, or the service's name. */
function taskAddress(view: ServiceTasks, task: SwarmTask): string | undefined {
  if (view.reach === 'overlay') return withPort(view.service.Spec.Name!, view.service.Spec.Labels[PORT_LABEL] ?? '');
  const node = view.nodes.get(task.NodeID ?? '');
  const published = task.Status.PortStatus?.Ports?.[0]?.PublishedPort;
  const host = node && nodeAddress(node);
  return host && published ? withPort(host, published) : undefined;
}

/** Tasks Swarm reports `running` (so past their health check) on nodes that are up, in a stable order. */
function healthyTasks(view: ServiceTasks, tasks: SwarmTask[]): SwarmTask[] {
  return liveTasks(tasks)
    .filter((task) => task.Status.State === 'running' && view.nodes.get(task.NodeID ?? '')?.Status.State === 'ready')
    .sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0) || a.ID.localeCompare(b.ID));
}

const firstAddress = (view: ServiceTasks, tasks: SwarmTask[]) => tasks.map((task) => taskAddress(view, task)).find((address) => address !== undefined);

/**
 * Every generation of the app the service holds, as BackendInfo:
 * - the service's own generation is `running` once Swarm finished rolling it out (created, or its
 *   update `completed`) and the wanted number of its tasks run healthy on nodes that are up (Swarm
 *   reports a task with a health check `running` only once it passed it); after that, while any
 *   does (a node lost). With none, `exited` when its newest task failed, else `starting`;
 * - while an update rolls out, the generation it replaces stays `running`, reached at any healthy
 *   task of the service (its own first): a rolling update serves both for a while, as the service's
 *   name does on the overlay network;
 * - a generation Swarm rolled back is `exited`, with Swarm's reason.
 */
export function describeService(view: ServiceTasks): SwarmBackendInfo[] {
  const { service } = view;
  const current = generationOf(service.Spec);
  const rolledBack = rolledBackGeneration(service, view.tasks);
  const updating = service.UpdateStatus?.State === 'updating';
  const replaced = new Set(liveTasks(view.tasks).map((task) => generationOf(task.Spec.ContainerSpec)));
  if (updating && service.PreviousSpec) replaced.add(generationOf(service.PreviousSpec));
  replaced.delete(current);
  if (rolledBack) replaced.delete(rolledBack.generation);
  const arn = service.Spec.Labels[BACKEND_LABELS.arn]!;
  return [
    describeCurrent(view, current, updating),
    ...[...replaced].map((generation) => describeReplaced(view, generation)),
    ...(rolledBack ? [{ arn, generation: rolledBack.generation, state: 'exited' as const, reason: rolledBack.reason, failure: rolledBack.code, permanent: true }] : []),
  ];
}

const ownTasks = (view: ServiceTasks, generation: number) => view.tasks.filter((task) => generationOf(task.Spec.ContainerSpec) === generation);

function base(view: ServiceTasks, generation: number): Pick<BackendInfo, 'arn' | 'generation' | 'startedAt'> {
  const startedAt = Math.max(0, ...liveTasks(ownTasks(view, generation)).map((task) => Date.parse(task.CreatedAt)));
  return { arn: view.service.Spec.Labels[BACKEND_LABELS.arn]!, generation, ...(startedAt > 0 && { startedAt }) };
}

function describeCurrent(view: ServiceTasks, generation: number, updating: boolean): SwarmBackendInfo {
  const own = ownTasks(view, generation);
  const healthy = healthyTasks(view, own);
  const wanted = view.service.Spec.Mode?.Replicated?.Replicas ?? 1;
  const key = `${view.service.Spec.Labels[BACKEND_LABELS.arn]}#${generation}`;
  if (!updating && healthy.length > 0 && healthy.length >= wanted) view.converged.add(key);
  const address = firstAddress(view, healthy);
  if (address && !updating && (healthy.length >= wanted || view.converged.has(key))) return { ...base(view, generation), state: 'running', address };
  // While an update rolls out, Swarm judges its tasks: it completes, or rolls back.
  const newestFailure = own.filter((task) => FAILED_STATES.has(task.Status.State)).sort(newestFirst)[0];
  if (!updating && newestFailure && !liveTasks(own).some((task) => task.Status.State === 'running')) {
    const { reason, code } = taskFailure(newestFailure);
    const exitCode = newestFailure.Status.ContainerStatus?.ExitCode;
    return { ...base(view, generation), state: 'exited', reason, ...(exitCode !== undefined && { exitCode }), failure: code, permanent: PERMANENT.includes(code) };
  }
  return { ...base(view, generation), state: 'starting' };
}

function describeReplaced(view: ServiceTasks, generation: number): SwarmBackendInfo {
  const address = firstAddress(view, [...healthyTasks(view, ownTasks(view, generation)), ...healthyTasks(view, view.tasks)]);
  return address ? { ...base(view, generation), state: 'running', address } : { ...base(view, generation), state: 'starting' };
}
