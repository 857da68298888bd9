/**
 * The reconciler's work when a runtime runs apps' backends (--app-runtime process, docker, swarm):
 * it claims apps from the store (claimBackends: with PostgreSQL replicas, one replica at a time
 * acts on an app, renewing its claim at each look), compares what the app asked for with what the
 * runtime says runs, acts through the runtime, and records what it observed (settleBackend):
 *
 *   Creating   a new generation is started; Available once it passes its health check, Failed
 *              (everything it started removed) when it cannot start, exits or times out.
 *   Updating   a new generation starts beside the one serving; the gateway switches to it once it
 *              is healthy (Available, the old one removed), else UpdateFailed with the old serving.
 *   Available  watched: a backend that died is started again with back-off (the gateway answers
 *              503 with Retry-After meanwhile); each restart is logged and counted.
 *   Deleting   its backends are stopped (gracefully, then forcibly) and removed with their data; Deleted.
 *
 * Every look is made again from what the runtime reports, so a partnerplane that restarts (or a
 * replica that takes over a lapsed claim) adopts what runs and finishes what was under way.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../clock.js';
import { failed, injectedFailure, maintain, succeeded, transitionDelayMs, withIdcApplication, type LifecycleDelays, type LifecycleSettings } from '../domain/lifecycle.js';
import type { BackendPhase, ObservedBackend, PartnerApp } from '../domain/partnerApp.js';
import type { Logger } from '../logger.js';
import { probeHealth } from '../runtime/health.js';
import { BackendFailure, isBackendFailure, type BackendInfo, type BackendSpec, type Runtime, type StartPhase } from '../runtime/runtime.js';
import type { DueOutcome, Store } from '../store/store.js';
import { audited } from './audited.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { specOf } from './spec.js';

const BATCH = 100;
/** How often the owner of an app looks at its backend, renewing its claim. */
export const WATCH_INTERVAL_MS = 1_000;
/** How long a claim lasts without being renewed: then another replica may take the app over. */
export const CLAIM_LEASE_MS = 15_000;
const RESTART_BACKOFF_MS = { first: 1_000, max: 60_000 };
/** A look that failed (the runtime or the store did not answer) is made again after this. */
const RETRY_AFTER_ERROR_MS = 2_000;
const ORPHAN_SWEEP_MS = 60_000;
/**
 * How often a started backend's health check is tried while it comes up: a loopback GET costs
 * little, and an app is Available within this of its backend answering (the runtime itself is
 * asked only once a poll).
 */
const HEALTH_PROBE_MS = 25;

/** Told of what backends do, for the metrics. */
export interface BackendObserver {
  /** A transition's backend passed its health check, this long after the transition started. */
  healthy(seconds: number): void;
  /** A dead backend was started again. */
  restarted(): void;
}

export interface SupervisorOptions {
  store: Store;
  runtime: Runtime;
  catalog: Catalog;
  lifecycle: LifecycleSettings;
  delays: LifecycleDelays;
  clock: Clock;
  logger: Logger;
  /** This replica, as its claims name it: the same across its restarts, so it takes its apps back at once. */
  owner: string;
  /** How soon an app in a transition is looked at again. */
  pollIntervalMs: number;
  observer?: BackendObserver;
}

/** A start (ensure) under way in this process. */
interface Start {
  phase: StartPhase;
  detail?: string;
  /** Set when it cannot ever succeed. */
  failure?: BackendFailure;
  done: Promise<void>;
}

type Decide = (app: PartnerApp) => DueOutcome;
const save = (app: PartnerApp): DueOutcome => ({ kind: 'save', app });

export class Supervisor {
  private readonly looking = new Map<string, Promise<void>>();
  private readonly starts = new Map<string, Start>();
  private readonly store: Store;
  private readonly runtime: Runtime;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private lastSweep = -Infinity;
  private closing = false;
  /** Asks the reconciler for a pass at this time (wakeWith). */
  private wake: (at: number) => void = () => undefined;

  constructor(private readonly options: SupervisorOptions) {
    this.store = options.store;
    this.runtime = options.runtime;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** The reconciler that runs this supervisor's passes, to be woken when an app needs looking at sooner. */
  wakeWith(wake: (at: number) => void): void {
    this.wake = wake;
  }

  /** Claims the apps due and starts a look at each not already being looked at; returns how many were claimed. */
  async pass(): Promise<number> {
    const now = this.clock.now();
    if (now - this.lastSweep >= ORPHAN_SWEEP_MS) {
      this.lastSweep = now;
      this.track('orphans', this.sweepOrphans());
    }
    const claimed = await this.store.claimBackends(this.options.owner, now, now + CLAIM_LEASE_MS, now + WATCH_INTERVAL_MS, BATCH);
    for (const app of claimed) if (!this.looking.has(app.arn)) this.track(app.arn, this.look(app));
    if (claimed.length > 0) this.wake(now + WATCH_INTERVAL_MS);
    return claimed.length;
  }

  /** Waits for the looks and starts under way, closes the runtime, then gives up this replica's claims. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.looking.values(), ...[...this.starts.values()].map((start) => start.done)]);
    await this.runtime.close();
    await this.store.releaseBackends(this.options.owner);
  }

  private track(key: string, work: Promise<void>): void {
    this.looking.set(
      key,
      work.finally(() => this.looking.delete(key)),
    );
  }

  private async look(app: PartnerApp): Promise<void> {
    try {
      switch (app.status) {
        case 'Creating':
        case 'Updating':
          return await this.bringUp(app);
        case 'Available':
        case 'UpdateFailed':
          return await this.watch(app);
        case 'Deleting':
          return await this.tearDown(app);
        case 'Deleted':
          await this.settle(app, () => ({ kind: 'forget' }));
          return;
        case 'Failed':
          await this.settle(app, (current) => save({ ...current, dueAt: undefined }));
          return;
      }
    } catch (error) {
      this.logger.error({ err: error, app: app.arn, status: app.status }, 'could not act on the backend of an app; trying again');
      const retryAt = this.clock.now() + RETRY_AFTER_ERROR_MS;
      await this.settle(app, (current) => save({ ...current, dueAt: retryAt })).catch(() => undefined);
    }
  }

  /**
   * Saves what `decide` makes of the app as it is now; when a request moved it on meanwhile (another
   * transition started), only the observation of its backend is kept and it is looked at again at once.
   */
  private async settle(claimed: PartnerApp, decide: Decide): Promise<PartnerApp | undefined> {
    const now = this.clock.now();
    const saved = await this.store.settleBackend(claimed.arn, this.options.owner, now + CLAIM_LEASE_MS, (current) => {
      const movedOn = current.status !== claimed.status || current.lastModifiedTime !== claimed.lastModifiedTime;
      const next = decide(current);
      if (!movedOn) return next;
      return save({ ...current, backend: next.kind === 'save' ? next.app.backend : current.backend, dueAt: now });
    });
    if (saved?.dueAt !== undefined) this.wake(saved.dueAt);
    return saved;
  }

  /** Records where the backend is, when that changed; the app stays in its status. */
  private async observe(app: PartnerApp, seen: Partial<ObservedBackend> & { phase: BackendPhase }): Promise<'waiting'> {
    const now = this.clock.now();
    if (!changes(app.backend, seen)) return 'waiting';
    await this.settle(app, (current) => save({ ...current, backend: observed(current.backend, seen, now), dueAt: now + WATCH_INTERVAL_MS }));
    return 'waiting';
  }

  /** How often a start under way is looked at: often enough that a healthy backend serves at once, at most every 100 ms. */
  private get pollMs(): number {
    return Math.min(Math.max(this.options.pollIntervalMs, 10), 100);
  }

  private spec(app: PartnerApp, generation: number, pending: boolean): BackendSpec {
    return specOf(app, this.options.catalog, generation, pending, app.baseUrl ?? this.options.lifecycle.gatewayBaseUrl(app));
  }

  // ── Creating, Updating ──────────────────────────────────────────────────────────────────────

  /**
   * Follows the transition's new generation, in this look, until it ends (or the app moves on, or
   * this partnerplane stops): started, then health-checked (every HEALTH_PROBE_MS within each poll), writing only what changes.
   */
  private async bringUp(claimed: PartnerApp): Promise<void> {
    for (let app = await this.provisionIdentity(claimed); !this.closing; ) {
      const looked = Date.now();
      if ((await this.bringUpStep(app)) === 'settled') return;
      // The rest of the poll, cut short by the end of a start under way: the next look follows it at once.
      const starting = [...this.starts].filter(([key]) => key.startsWith(`${app.arn}#`)).map(([, start]) => start.done);
      await Promise.race([sleep(Math.max(0, this.pollMs - (Date.now() - looked))), ...starting]);
      const fresh = await this.store.getApp(app.arn);
      if (!fresh || fresh.status !== app.status || fresh.lastModifiedTime !== app.lastModifiedTime) return this.wake(this.clock.now());
      app = fresh;
    }
  }

  /** An IDC app gets its Identity Center application before its first backend starts, which is told it. */
  private async provisionIdentity(app: PartnerApp): Promise<PartnerApp> {
    if (app.status !== 'Creating' || withIdcApplication(app.settings, app) === app.settings) return app;
    return (await this.settle(app, (current) => save({ ...current, settings: withIdcApplication(current.settings, current) }))) ?? app;
  }

  private async bringUpStep(app: PartnerApp): Promise<'settled' | 'waiting'> {
    const generation = app.backend?.transition === app.lastModifiedTime ? app.backend.generation : (app.backend?.generation ?? 0) + 1;
    const injected = injectedFailure(app);
    if (injected) return this.fail(app, generation, injected);
    let spec: BackendSpec;
    try {
      spec = this.spec(app, generation, app.status === 'Updating');
    } catch (error) {
      if (isBackendFailure(error)) return this.fail(app, generation, error);
      throw error;
    }
    const progress = { generation, transition: app.lastModifiedTime };
    const start = this.starts.get(startKey(app.arn, generation));
    if (start?.failure) return this.fail(app, generation, start.failure);
    if (start) return this.observe(app, { ...progress, phase: start.phase, detail: start.detail });
    const info = (await this.runtime.inspect(app.arn)).find((backend) => backend.generation === generation);
    // No start of this process is under way: a generation that is missing is started, and one left
    // starting (by a partnerplane stopped mid-start) is started again, since ensure() takes up what
    // exists; either way its start is followed, and timed out, as any other.
    if (!info || info.state === 'starting') {
      this.begin(spec);
      return this.observe(app, { ...progress, phase: info ? 'starting' : 'creating', detail: undefined });
    }
    if (info.state === 'exited') return this.fail(app, generation, new BackendFailure('BackendExited', `The backend ${info.reason ?? 'exited'} before passing its health check (GET ${spec.healthPath}).`));
    return this.awaitHealth(app, spec, info);
  }

  /** A started generation: Available once healthy (and its least time in the transition has passed), Failed past its start timeout. */
  private async awaitHealth(app: PartnerApp, spec: BackendSpec, info: BackendInfo): Promise<'settled' | 'waiting'> {
    const progress = { generation: spec.generation, transition: app.lastModifiedTime };
    if (await this.healthyWithin(info.address!, spec.healthPath, this.pollMs)) {
      const delay = transitionDelayMs(this.options.delays, app.type, app.status === 'Creating' ? 'createDelayMs' : 'updateDelayMs');
      if (this.clock.now() < app.lastModifiedTime + delay) return this.observe(app, { ...progress, phase: 'waiting for health', detail: 'healthy' });
      return this.succeed(app, spec.generation, info.address!);
    }
    if (Date.now() - (info.startedAt ?? Date.now()) > spec.startTimeoutMs) {
      const reason = `The backend did not pass its health check (GET ${spec.healthPath} answering 2xx or 3xx) within ${spec.startTimeoutMs / 1000} s of starting.`;
      return this.fail(app, spec.generation, new BackendFailure('HealthCheckTimeout', reason));
    }
    return this.observe(app, { ...progress, phase: 'waiting for health', detail: undefined });
  }

  /** Whether the backend passes its health check within `ms`, tried every HEALTH_PROBE_MS. */
  private async healthyWithin(address: string, healthPath: string, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      if (await probeHealth(address, healthPath)) return true;
      if (this.closing || Date.now() + HEALTH_PROBE_MS > until) return false;
      await sleep(HEALTH_PROBE_MS);
    }
  }

  private async succeed(app: PartnerApp, generation: number, address: string): Promise<'settled'> {
    const now = this.clock.now();
    const previous = app.backend?.serving;
    const saved = await this.settle(app, (current) => {
      const backend = observed(current.backend, { generation, transition: app.lastModifiedTime, serving: { generation, address }, phase: 'running', detail: undefined, retries: 0 }, now);
      return save({ ...succeeded(current, now, this.options.lifecycle), backend, dueAt: now + WATCH_INTERVAL_MS });
    });
    if (saved?.backend?.serving?.generation !== generation) return 'settled';
    this.options.observer?.healthy((now - app.lastModifiedTime) / 1000);
    this.logger.info({ app: app.arn, generation, address, status: saved.status }, 'backend is healthy: the gateway sends the app its requests');
    // Traffic has switched: the generation that served before goes.
    if (previous && previous.generation !== generation) await this.runtime.remove(app.arn, { generation: previous.generation });
    return 'settled';
  }

  /** Removes what the transition started (all of a new app; the new generation of an update), then records the failure. */
  private async fail(app: PartnerApp, generation: number, failure: { code: string; reason: string }): Promise<'settled'> {
    const key = startKey(app.arn, generation);
    await this.starts.get(key)?.done;
    this.starts.delete(key);
    await this.runtime.remove(app.arn, app.status === 'Creating' ? {} : { generation });
    const now = this.clock.now();
    this.logger.warn({ app: app.arn, generation, code: failure.code, reason: failure.reason }, `app ${app.status === 'Creating' ? 'failed to start' : 'update failed'}`);
    await this.settle(app, (current) => {
      const done = failed(current, now, { code: failure.code, reason: failure.reason });
      const keeps = app.status === 'Updating' && current.backend?.serving;
      const backend = observed(current.backend, { generation, transition: app.lastModifiedTime, phase: keeps ? 'running' : 'failed', detail: failure.reason }, now);
      return save({ ...done, backend, dueAt: keeps ? now + WATCH_INTERVAL_MS : undefined });
    });
    return 'settled';
  }

  /** Starts a generation in the background; its progress is read by the next looks. */
  private begin(spec: BackendSpec): void {
    const key = startKey(spec.arn, spec.generation);
    if (this.starts.has(key)) return;
    const start: Start = { phase: 'creating', done: Promise.resolve() };
    start.done = this.runtime
      .ensure(spec, (phase, detail) => Object.assign(start, { phase, detail }))
      .then(
        () => {
          this.starts.delete(key);
        },
        (error: unknown) => {
          if (isBackendFailure(error)) start.failure = error;
          else {
            this.logger.warn({ err: error, app: spec.arn, generation: spec.generation }, 'could not start a backend; trying again');
            this.starts.delete(key);
          }
        },
      )
      .finally(() => this.wake(this.clock.now()));
    this.starts.set(key, start);
  }

  // ── Available, UpdateFailed ─────────────────────────────────────────────────────────────────

  /** An Available app's maintenance: an upgrade due in an open window starts (Updating), as with the builtin runtime. */
  private async maintained(app: PartnerApp): Promise<boolean> {
    const now = this.clock.now();
    const due = maintain(app, now, this.options.lifecycle);
    if (app.status !== 'Available' || due.kind !== 'save' || !due.upgrade) return false;
    this.logger.info({ arn: app.arn, ...due.upgrade }, 'maintenance started an upgrade');
    await this.settle(app, (current) => {
      const next = maintain(current, now, this.options.lifecycle);
      // Looked at again at once (it is Updating now), or as often as any app whose backend is watched.
      return next.kind === 'save' && next.upgrade ? audited({ ...next, app: { ...next.app, dueAt: now } }, current) : save({ ...current, dueAt: now + WATCH_INTERVAL_MS });
    });
    return true;
  }

  /** The serving backend, kept alive: started again with back-off when it dies; stray generations removed. */
  private async watch(app: PartnerApp): Promise<void> {
    if (await this.maintained(app)) return;
    const backend = app.backend;
    const generation = backend?.serving?.generation ?? (backend?.generation ?? 0) + 1;
    const infos = await this.runtime.inspect(app.arn);
    await this.removeStrays(app, infos, [generation]);
    const start = this.starts.get(startKey(app.arn, generation));
    if (start && !start.failure) return;
    const info = infos.find((candidate) => candidate.generation === generation);
    if (info?.state === 'running') return this.checkRestarted(app, generation, info);
    if (start?.failure) this.starts.delete(startKey(app.arn, generation));
    const now = this.clock.now();
    if (backend?.phase !== 'restarting' || start?.failure) return this.died(app, generation, start?.failure?.reason ?? info?.reason ?? 'it is not running');
    if (now < (backend.retryAt ?? 0)) return;
    const spec = this.spec(app, generation, false);
    this.logger.info({ app: app.arn, generation, restarts: backend.restarts + 1 }, 'starting a dead backend again');
    this.options.observer?.restarted();
    this.begin(spec);
    await this.observe(app, { generation, phase: 'restarting', detail: 'starting again', restarts: backend.restarts + 1 });
  }

  /** The serving generation runs: fine if it is what the gateway knows; after a restart, serving again once healthy. */
  private async checkRestarted(app: PartnerApp, generation: number, info: BackendInfo): Promise<void> {
    const backend = app.backend;
    if (backend?.phase === 'running' && backend.serving?.address === info.address) return;
    const spec = this.spec(app, generation, false);
    if (await probeHealth(info.address!, spec.healthPath)) {
      this.logger.info({ app: app.arn, generation, address: info.address }, 'backend is healthy again');
      await this.observe(app, { generation, serving: { generation, address: info.address! }, phase: 'running', detail: undefined, retries: 0, retryAt: undefined });
      return;
    }
    if (Date.now() - (info.startedAt ?? Date.now()) > spec.startTimeoutMs) {
      await this.runtime.remove(app.arn, { generation });
      return this.died(app, generation, `it did not pass its health check within ${spec.startTimeoutMs / 1000} s`);
    }
    await this.observe(app, { generation, phase: 'restarting', detail: 'waiting for health' });
  }

  /** The serving backend is down: the gateway answers 503 until it is back, started again after a back-off. */
  private async died(app: PartnerApp, generation: number, why: string): Promise<void> {
    const retries = (app.backend?.retries ?? 0) + 1;
    const backoff = Math.min(RESTART_BACKOFF_MS.first * 2 ** (retries - 1), RESTART_BACKOFF_MS.max);
    const now = this.clock.now();
    this.logger.warn({ app: app.arn, generation, why, retryInMs: backoff }, 'backend is down; starting it again after a back-off');
    await this.observe(app, { generation, phase: 'restarting', detail: why, retries, retryAt: now + backoff, restarts: app.backend?.restarts ?? 0 });
  }

  private async removeStrays(app: PartnerApp, infos: readonly BackendInfo[], keep: readonly number[]): Promise<void> {
    for (const stray of infos.filter((info) => !keep.includes(info.generation) && !this.starts.has(startKey(app.arn, info.generation)))) {
      this.logger.info({ app: app.arn, generation: stray.generation }, 'removing a generation of a backend that no longer serves');
      await this.runtime.remove(app.arn, { generation: stray.generation });
    }
  }

  // ── Deleting ────────────────────────────────────────────────────────────────────────────────

  private async tearDown(app: PartnerApp): Promise<void> {
    const leastEnd = app.lastModifiedTime + transitionDelayMs(this.options.delays, app.type, 'deleteDelayMs');
    await this.observe(app, { phase: 'stopping', detail: undefined });
    // A start under way would otherwise leave a backend behind the removal.
    await Promise.all([...this.starts].filter(([key]) => key.startsWith(`${app.arn}#`)).map(([, start]) => start.done));
    await this.runtime.remove(app.arn);
    if (this.clock.now() < leastEnd) return;
    await this.settle(app, (current) => {
      const at = this.clock.now();
      return save({ ...succeeded(current, at, this.options.lifecycle), backend: observed(current.backend, { serving: undefined, phase: 'stopped', detail: undefined }, at) });
    });
  }

  // ── Orphans ─────────────────────────────────────────────────────────────────────────────────

  /** Removes backends of apps that are gone, Deleted or Failed: left by a crash, or by an app forgotten while its backend ran. */
  private async sweepOrphans(): Promise<void> {
    try {
      const arns = new Set((await this.runtime.list()).map((backend) => backend.arn));
      for (const arn of arns) {
        if (this.looking.has(arn)) continue;
        const app = await this.store.getApp(arn);
        if (app && app.status !== 'Deleted' && app.status !== 'Failed') continue;
        this.logger.info({ app: arn, status: app?.status ?? 'unknown' }, 'removing the backend of an app that is not live');
        await this.runtime.remove(arn);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not look for orphaned backends');
    }
  }
}

const startKey = (arn: string, generation: number) => `${arn}#${generation}`;

/** Whether what was seen differs from what is recorded. */
const changes = (before: ObservedBackend | undefined, seen: Partial<ObservedBackend>): boolean =>
  !before || (Object.keys(seen) as (keyof ObservedBackend)[]).some((key) => JSON.stringify(before[key]) !== JSON.stringify(seen[key]));

/** The backend as last observed, with what was just seen; `since` moves only when the phase changes. */
function observed(before: ObservedBackend | undefined, seen: Partial<ObservedBackend>, now: number): ObservedBackend {
  const merged: ObservedBackend = { generation: 0, phase: 'creating', since: now, restarts: 0, ...before, ...seen };
  if (before?.phase !== merged.phase) merged.since = now;
  for (const key of Object.keys(merged) as (keyof ObservedBackend)[]) if (merged[key] === undefined) delete merged[key];
  return merged;
}
