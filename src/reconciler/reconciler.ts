/**
 * The reconciler: finishes the transitions requests started, from the store. It is the only writer
 * of transitions after a request, and never runs in a request's path. Time, for due times and for
 * its own timer, comes from the Clock. With the builtin runtime (nothing runs) a transition ends when
 * it is due, by the lifecycle's decisions (domain/lifecycle.ts); with a runtime, the supervisor
 * (supervisor.ts) ends it by what it observes of the app's backend.
 */
import type { Clock, Timer } from '../clock.js';
import { advance, type LifecycleSettings, type MaintenanceUpgrade } from '../domain/lifecycle.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { audited } from './audited.js';
import type { Supervisor } from './supervisor.js';

const BATCH = 100;
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 1000;

export interface ReconcilerOptions {
  store: Store;
  lifecycle: LifecycleSettings;
  /** The longest wait between two passes (transitions other replicas scheduled are found by polling). */
  pollIntervalMs: number;
  clock: Clock;
  logger: Logger;
  /** Told how late (ms after its due time) each transition is applied, for the metrics. */
  observeLag?: (lateByMs: number) => void;
  /** Given when a runtime runs apps' backends: it takes the due apps instead of the lifecycle's timers. */
  supervisor?: Supervisor;
}

/**
 * Runs due transitions in batches, then sleeps until the next due time or the poll interval,
 * whichever is sooner; wake() brings a due time forward when this process schedules one.
 */
export class Reconciler {
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastPurge = 0;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: ReconcilerOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    options.supervisor?.wakeWith((at) => this.wake(at));
  }

  start(): void {
    this.stopped = false;
    this.schedule(this.clock.now());
  }

  wake(dueAt: number): void {
    if (!this.stopped && dueAt < this.timerAt) this.schedule(dueAt);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
    await this.options.supervisor?.close();
  }

  private schedule(at: number): void {
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.clock.at(at, () => this.tick());
  }

  private tick(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.running) return;
    this.running = this.pass()
      .catch((error: unknown) => this.logger.error({ err: error }, 'reconciler pass failed'))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.scheduleNext();
      });
  }

  /** Sleeps until the next due time the store knows of, or the poll interval, whichever is sooner. */
  private scheduleNext(): void {
    this.store
      .nextDueAt()
      .then((nextDue) => {
        const poll = this.clock.now() + this.options.pollIntervalMs;
        if (!this.stopped && this.timer === undefined) this.schedule(nextDue === undefined ? poll : Math.min(nextDue, poll));
      })
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'reconciler could not read the next due time');
        if (!this.stopped && this.timer === undefined) this.schedule(this.clock.now() + this.options.pollIntervalMs);
      });
  }

  private async pass(): Promise<void> {
    if (this.options.supervisor) await this.options.supervisor.pass();
    else await this.runTimers();
    const now = this.clock.now();
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now;
      await this.store.purgeExpired(now, now - IDEMPOTENCY_TTL_MS);
    }
  }

  private async runTimers(): Promise<void> {
    let done: number;
    do {
      const now = this.clock.now();
      // Observed once the transitions are stored, and once each: the store may run advance for an
      // app twice (a group commit that is run again, groupCommit.ts).
      const lateByArn = new Map<string, number>();
      const upgrades = new Map<string, MaintenanceUpgrade>();
      done = await this.store.runDueTransitions(now, BATCH, (app) => {
        lateByArn.set(app.arn, now - app.dueAt!);
        const next = advance(app, now, this.options.lifecycle);
        if (next.kind === 'save' && next.upgrade) upgrades.set(app.arn, next.upgrade);
        return audited(next, app);
      });
      for (const lateByMs of lateByArn.values()) this.options.observeLag?.(lateByMs);
      for (const [arn, upgrade] of upgrades) this.logger.info({ arn, ...upgrade }, 'maintenance started an upgrade');
    } while (done === BATCH && !this.stopped);
  }
}
