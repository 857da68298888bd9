/**
 * The audit retention (--audit-retention-days): every PURGE_EVERY_MS, and soon after start, audit
 * records older than the retention are removed, BATCH_RECORDS per store transaction, each batch
 * recorded by an audit record of its own (operation PurgeAuditLog). The database refuses any other
 * removal (store migrations 002 and 003).
 */
import { randomUUID } from 'node:crypto';
import type { AuditRecord, Store } from '../store/store.js';
import { AUDIT_SUCCESS } from './audit.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

export const PURGE_OPERATION = 'PurgeAuditLog';
export const PURGE_PRINCIPAL = 'partnerplane';
const PURGE_EVERY_MS = 60 * 60_000;
const FIRST_PURGE_AFTER_MS = 1_000;
const BATCH_RECORDS = 10_000;
const DAY_MS = 24 * 60 * 60_000;

/** The purge's own audit record. */
export const purgeRecord = (time: number, removed: number, purgedBefore: number): AuditRecord => ({
  time,
  principal: PURGE_PRINCIPAL,
  operation: PURGE_OPERATION,
  target: `audit_log: ${removed} records before ${new Date(purgedBefore).toISOString()}`,
  requestId: randomUUID(),
  outcome: AUDIT_SUCCESS,
});

export class AuditRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly retentionDays: number,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.schedule(FIRST_PURGE_AFTER_MS);
  }

  /** Lets a purge under way finish its batch, and starts no other. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Removes every record older than the retention, batch by batch; returns how many. */
  async purge(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.now();
      const removed = await this.store.purgeAudit(now - this.retentionDays * DAY_MS, BATCH_RECORDS, (count, before) => purgeRecord(now, count, before));
      total += removed;
      this.metrics.auditPurged(removed);
      if (removed < BATCH_RECORDS || this.stopped) return total;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.purge().then(
        (removed) => {
          if (removed > 0) this.logger.info({ removed, retentionDays: this.retentionDays }, 'audit records past their retention purged');
        },
        (error: unknown) => this.logger.error({ err: error }, 'audit retention purge failed'),
      );
      void this.running.then(() => this.schedule(PURGE_EVERY_MS));
    }, delayMs).unref();
  }
}
