/**
 * Prometheus metrics on a registry of this server's own (never prom-client's global one, so several
 * servers in one process keep separate counts). The request path only touches label children
 * created ahead of time; anything that needs the store is read at scrape time.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { APP_STATUSES } from '../domain/partnerApp.js';
import type { Store } from '../store/store.js';
import type { Logger } from './logger.js';

/** The operation label of a request whose X-Amz-Target names no operation. */
export const UNKNOWN_OPERATION = 'Unknown';
/** The code label of a request that succeeded. */
export const SUCCESS_CODE = 'OK';

/** Counts and latency of one operation, its children made once. */
interface OperationSeries {
  latency: Histogram.Internal<'operation'>;
  /** By error code (SUCCESS_CODE for success); codes are few and fixed, so this stays small. */
  outcomes: Map<string, Counter.Internal>;
  operation: string;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'operation' | 'code'>;
  private readonly series = new Map<string, OperationSeries>();
  private readonly unknownSeries: OperationSeries;
  private readonly reconcilerLag: Histogram;
  private readonly auditFailures: Counter;

  constructor(store: Store, operationNames: readonly string[], logger: Logger) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'partnerplane_requests_total',
      help: 'API requests by operation and error code (OK for success).',
      labelNames: ['operation', 'code'],
      registers,
    });
    const latency = new Histogram({
      name: 'partnerplane_request_duration_seconds',
      help: 'Time from receiving an API request to writing its response, by operation.',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const seriesOf = (operation: string): OperationSeries => {
      // Exported as zeros from the start, so rates over the first requests are right.
      const succeeded = this.requests.labels(operation, SUCCESS_CODE);
      succeeded.inc(0);
      latency.zero({ operation });
      return { latency: latency.labels(operation), outcomes: new Map([[SUCCESS_CODE, succeeded]]), operation };
    };
    for (const operation of operationNames) this.series.set(operation, seriesOf(operation));
    this.unknownSeries = seriesOf(UNKNOWN_OPERATION);

    new Gauge({
      name: 'partnerplane_apps',
      help: 'Partner apps by status, all accounts and regions (Deleted ones while they are retained).',
      labelNames: ['status'],
      registers,
      async collect() {
        try {
          const counts = await store.countAppsByStatus();
          for (const status of APP_STATUSES) this.set({ status }, counts[status] ?? 0);
        } catch (error) {
          // The rest of the scrape is still worth having; a missing series says the store did not answer.
          this.reset();
          logger.warn({ err: error }, 'could not count apps for metrics');
        }
      },
    });
    this.reconcilerLag = new Histogram({
      name: 'partnerplane_reconciler_lag_seconds',
      help: 'How late the reconciler applied a due transition (time applied minus time due).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.auditFailures = new Counter({
      name: 'partnerplane_audit_write_failures_total',
      help: 'Audit records that could not be stored (each one is logged at error level instead).',
      registers,
    });
  }

  /** One finished API request; `code` is SUCCESS_CODE or the error code returned. */
  request(operation: string | undefined, code: string, seconds: number): void {
    const series = (operation !== undefined && this.series.get(operation)) || this.unknownSeries;
    let counter = series.outcomes.get(code);
    if (!counter) {
      counter = this.requests.labels(series.operation, code);
      series.outcomes.set(code, counter);
    }
    counter.inc();
    series.latency.observe(seconds);
  }

  transitionApplied(lateByMs: number): void {
    this.reconcilerLag.observe(Math.max(0, lateByMs) / 1000);
  }

  auditWriteFailed(records: number): void {
    this.auditFailures.inc(records);
  }

  /** The exposition text, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
