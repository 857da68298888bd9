/**
 * The asynchronous lifecycle. Requests only move an app into Creating, Updating or Deleting and set
 * when that transition is due; the reconciler alone finishes transitions, from the store, so the
 * lifecycle survives restarts and several replicas can share the work.
 *
 *   Creating ─▶ Available | Failed        Updating ─▶ Available | UpdateFailed
 *   Deleting ─▶ Deleted ─(retention)─▶ forgotten (ResourceNotFound)
 */
import type { Config, TransitionDelays } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { Advance, Store } from '../store/store.js';
import { idcApplicationArn, type AppSettings, type PartnerApp, type PartnerAppType } from './partnerApp.js';

/** How long an app of this type spends in the transition: its type's override, else the setting. */
export const transitionDelayMs = (config: Config, type: PartnerAppType, transition: keyof TransitionDelays): number =>
  config.typeDelays?.[type]?.[transition] ?? config[transition];

export interface LifecycleSettings {
  deletedRetentionMs: number;
  /** Where the gateway serves an app; BaseUrl is derived from it. */
  gatewayBaseUrl: (app: PartnerApp) => string;
}

/** An IDC app gets its Identity Center application when it is provisioned. */
function withIdcApplication(settings: AppSettings, accountId: string): AppSettings {
  if (settings.AuthType !== 'IDC' || !settings.IdcConfig || settings.IdcConfig.ApplicationArn) return settings;
  return { ...settings, IdcConfig: { ...settings.IdcConfig, ApplicationArn: idcApplicationArn(accountId, settings.IdcConfig.InstanceArn) } };
}

export function advance(app: PartnerApp, now: number, lifecycle: LifecycleSettings): Advance {
  const finished = { ...app, lastModifiedTime: now, dueAt: undefined, failTransition: false, pendingUpdate: undefined };
  switch (app.status) {
    case 'Creating':
      if (app.failTransition) {
        return { kind: 'save', app: { ...finished, status: 'Failed', error: { code: 'ProvisioningFailed', reason: 'The partner app could not be provisioned (injected failure).' } } };
      }
      return {
        kind: 'save',
        app: { ...finished, status: 'Available', settings: withIdcApplication(app.settings, app.accountId), baseUrl: lifecycle.gatewayBaseUrl(app), error: undefined },
      };
    case 'Updating':
      if (app.failTransition) {
        return { kind: 'save', app: { ...finished, status: 'UpdateFailed', error: { code: 'UpdateFailed', reason: 'The update could not be applied; the app keeps its previous configuration (injected failure).' } } };
      }
      return {
        kind: 'save',
        app: {
          ...finished,
          status: 'Available',
          settings: withIdcApplication({ ...app.settings, ...app.pendingUpdate?.settings }, app.accountId),
          version: app.pendingUpdate?.appVersion ?? app.version,
          baseUrl: app.baseUrl ?? lifecycle.gatewayBaseUrl(app),
          error: undefined,
        },
      };
    case 'Deleting':
      return { kind: 'save', app: { ...finished, status: 'Deleted', dueAt: now + lifecycle.deletedRetentionMs } };
    case 'Deleted':
      return { kind: 'forget' };
    default:
      // A settled app has nothing due; clear a stray due time rather than loop on it.
      return { kind: 'save', app: { ...app, dueAt: undefined } };
  }
}

const BATCH = 100;
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 1000;

/**
 * Runs due transitions in batches, then sleeps until the next due time or the poll interval,
 * whichever is sooner; wake() brings a due time forward when this process schedules one.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastPurge = 0;

  constructor(
    private readonly store: Store,
    private readonly lifecycle: LifecycleSettings,
    private readonly pollIntervalMs: number,
    private readonly logger: Logger,
    /** Told how late (ms after its due time) each transition is applied, for the metrics. */
    private readonly observeLag: (lateByMs: number) => void = () => {},
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(Date.now());
  }

  wake(dueAt: number): void {
    if (!this.stopped && dueAt < this.timerAt) this.schedule(dueAt);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.tick(), Math.max(0, at - Date.now()));
  }

  private tick(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.running) return;
    this.running = this.pass()
      .catch((error: unknown) => this.logger.error({ err: error }, 'reconciler pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        this.store
          .nextDueAt()
          .then((nextDue) => {
            const poll = Date.now() + this.pollIntervalMs;
            if (!this.stopped && this.timer === undefined) this.schedule(nextDue === undefined ? poll : Math.min(nextDue, poll));
          })
          .catch((error: unknown) => {
            this.logger.error({ err: error }, 'reconciler could not read the next due time');
            if (!this.stopped && this.timer === undefined) this.schedule(Date.now() + this.pollIntervalMs);
          });
      });
  }

  private async pass(): Promise<void> {
    let done: number;
    do {
      const now = Date.now();
      // Observed once the transitions are stored, and once each: the store may run advance for an
      // app twice (a group commit that is run again, groupCommit.ts).
      const lateByArn = new Map<string, number>();
      done = await this.store.runDueTransitions(now, BATCH, (app) => {
        lateByArn.set(app.arn, now - app.dueAt!);
        return advance(app, now, this.lifecycle);
      });
      for (const lateByMs of lateByArn.values()) this.observeLag(lateByMs);
    } while (done === BATCH && !this.stopped);
    const now = Date.now();
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now;
      await this.store.purgeExpired(now, now - IDEMPOTENCY_TTL_MS);
    }
  }
}
