/**
 * Requests refused before their caller was known (no signature, a bad one, an unknown key, a body
 * too large) are not audited one by one: anyone can send them, so a record each would let anyone
 * grow the audit log without bound. They are counted instead — in partnerplane_anonymous_refusals_total
 * at once, and in the store as a count per minute, source (the client address) and reason (the
 * error code), added up in memory and written every FLUSH_MS. The rows stay bounded: at most
 * MAX_SOURCES_PER_MINUTE sources and reasons a minute from one process (the rest are counted under
 * OTHER_SOURCES), and the store keeps the newest MAX_ROWS rows.
 */
import { clientOf } from '../protocol/clientAddress.js';
import type { RefusalCount, Store } from '../store/store.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

export const FLUSH_MS = 1_000;
export const MAX_SOURCES_PER_MINUTE = 100;
export const MAX_ROWS = 10_000;
export const OTHER_SOURCES = 'other';
const MINUTE_MS = 60_000;

export class AnonymousRefusals {
  private pending = new Map<string, RefusalCount>();
  private minute = 0;
  /** The source and reason pairs counted this minute under their own source. */
  private readonly seenThisMinute = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request from `address` refused with `reason` before its caller was known. */
  refused(address: string | undefined, reason: string): void {
    this.metrics.anonymousRefusal(reason);
    const now = this.now();
    const minute = now - (now % MINUTE_MS);
    if (minute !== this.minute) {
      this.minute = minute;
      this.seenThisMinute.clear();
    }
    let source = clientOf(address);
    const pair = `${source}\n${reason}`;
    if (!this.seenThisMinute.has(pair)) {
      if (this.seenThisMinute.size < MAX_SOURCES_PER_MINUTE) this.seenThisMinute.add(pair);
      else source = OTHER_SOURCES;
    }
    const key = `${minute}\n${source}\n${reason}`;
    const counted = this.pending.get(key);
    if (counted) counted.count++;
    else this.pending.set(key, { minute, source, reason, count: 1 });
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  /** Writes the counts gathered so far; resolves once they are stored (or logged as lost). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const counts = [...this.pending.values()];
    this.pending = new Map();
    if (counts.length > 0) this.flushing = this.flushing.then(() => this.write(counts));
    return this.flushing;
  }

  private async write(counts: RefusalCount[]): Promise<void> {
    try {
      await this.store.addRefusals(counts, MAX_ROWS);
    } catch (error) {
      this.logger.error({ err: error, counts }, 'anonymous refusal counts could not be stored');
    }
  }
}
