/**
 * Prometheus metrics on a registry of this server's own (never prom-client's global one, so several
 * servers in one process keep separate counts). Anything that needs the store is read at scrape
 * time. The request path only adds to plain numbers: prom-client's labelled children hash and
 * check their labels on every call, so the two request families are kept here and handed to its
 * registry, which formats them.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { APP_STATUSES, BACKEND_PHASES } from '../domain/partnerApp.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../logger.js';

/** The operation label of a request whose X-Amz-Target names no operation. */
export const UNKNOWN_OPERATION = 'Unknown';
/** The code label of a request that succeeded. */
export const SUCCESS_CODE = 'OK';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** One operation's requests, as numbers the request path adds to. */
class OperationStats {
  /** Requests by error code (SUCCESS_CODE for success); codes are few and fixed, so this stays small. */
  readonly byCode: Map<string, { requests: number }>;
  /** Requests per latency bucket, not cumulative; the last one is +Inf. */
  readonly buckets: number[] = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  seconds = 0;
  requests = 0;

  /** `codes` are exported (as zeros) before any request has them. */
  constructor(codes: readonly string[]) {
    this.byCode = new Map(codes.map((code) => [code, { requests: 0 }]));
  }

  record(code: string, seconds: number): void {
    let outcome = this.byCode.get(code);
    if (!outcome) this.byCode.set(code, (outcome = { requests: 0 }));
    outcome.requests++;
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket++;
    this.buckets[bucket]!++;
    this.seconds += seconds;
    this.requests++;
  }
}

type Sample = { metricName?: string; labels: Record<string, string>; value: number };

/** A metric family prom-client's registry formats, whose samples are read from `samples` at scrape time. */
function family(name: string, help: string, type: 'counter' | 'histogram', samples: () => Sample[]): Metric {
  const read = async () => ({ name, help, type, aggregator: 'sum', values: samples() });
  // The registry reads only name, type and get(); the rest of the Metric interface is never called.
  return { name, help, type, aggregator: 'sum', get: read } as unknown as Metric;
}

/** What runtimes' backends do (the reconciler tells), and in which phase the store has them (read at scrape time). */
function backendMetrics(registry: Registry, store: Store, logger: Logger) {
  new Gauge({
    name: 'partnerplane_backends',
    help: "Apps' backends (with a runtime) by the phase last observed: running, restarting, waiting for health, failed, stopped…",
    labelNames: ['phase'],
    registers: [registry],
    async collect() {
      try {
        const counts = await store.countBackendsByPhase();
        this.reset();
        for (const phase of BACKEND_PHASES) this.set({ phase }, counts[phase] ?? 0);
      } catch (error) {
        this.reset();
        logger.warn({ err: error }, 'could not count backends for metrics');
      }
    },
  });
  return {
    startSeconds: new Histogram({
      name: 'partnerplane_backend_start_seconds',
      help: "Time from an app's CreatePartnerApp or UpdatePartnerApp to its new backend passing its health check (with a runtime).",
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    restarts: new Counter({
      name: 'partnerplane_backend_restarts_total',
      help: 'Backends of Available apps that died and were started again.',
      registers: [registry],
    }),
  };
}

export class Metrics {
  readonly registry = new Registry();
  /** Every operation's stats, exported as zeros from the start so rates over the first requests are right. */
  private readonly stats = new Map<string, OperationStats>();
  // A request naming no operation never succeeds.
  private readonly unknownStats = new OperationStats([]);
  private readonly reconcilerLag: Histogram;
  private readonly auditFailures: Counter;
  private readonly clientAborts: Counter;
  private readonly anonymousRefusals: Counter<'reason'>;
  private readonly auditRecordsPurged: Counter;
  private readonly backends: ReturnType<typeof backendMetrics>;

  constructor(store: Store, operationNames: readonly string[], logger: Logger) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.backends = backendMetrics(this.registry, store, logger);
    for (const operation of operationNames) this.stats.set(operation, new OperationStats([SUCCESS_CODE]));
    this.stats.set(UNKNOWN_OPERATION, this.unknownStats);

    this.registry.registerMetric(
      family('partnerplane_requests_total', 'API requests by operation and error code (OK for success).', 'counter', () =>
        [...this.stats].flatMap(([operation, stats]) =>
          [...stats.byCode].map(([code, { requests }]) => ({ labels: { operation, code }, value: requests })),
        ),
      ),
    );
    const latency = 'partnerplane_request_duration_seconds';
    this.registry.registerMetric(
      family(latency, 'Time from receiving an API request to writing its response, by operation.', 'histogram', () =>
        [...this.stats].flatMap(([operation, stats]) => {
          let cumulative = 0;
          const buckets = stats.buckets.map((count, index) => {
            cumulative += count;
            const le = index < LATENCY_BUCKETS.length ? String(LATENCY_BUCKETS[index]) : '+Inf';
            return { metricName: `${latency}_bucket`, labels: { le, operation }, value: cumulative };
          });
          return [
            ...buckets,
            { metricName: `${latency}_sum`, labels: { operation }, value: stats.seconds },
            { metricName: `${latency}_count`, labels: { operation }, value: stats.requests },
          ];
        }),
      ),
    );

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
    this.clientAborts = new Counter({
      name: 'partnerplane_client_aborts_total',
      help: 'Requests whose client closed the connection before sending all of it: not answered, and not in partnerplane_requests_total.',
      registers,
    });
    this.anonymousRefusals = new Counter({
      name: 'partnerplane_anonymous_refusals_total',
      help: 'API requests refused before their caller was known, by the error code returned (counted in the store per minute and source, not audited one by one).',
      labelNames: ['reason'],
      registers,
    });
    this.auditRecordsPurged = new Counter({
      name: 'partnerplane_audit_records_purged_total',
      help: 'Audit records removed by the audit retention (each purge is recorded in the audit log).',
      registers,
    });
  }

  /** One finished API request; `code` is SUCCESS_CODE or the error code returned. */
  request(operation: string | undefined, code: string, seconds: number): void {
    ((operation !== undefined && this.stats.get(operation)) || this.unknownStats).record(code, seconds);
  }

  transitionApplied(lateByMs: number): void {
    this.reconcilerLag.observe(Math.max(0, lateByMs) / 1000);
  }

  auditWriteFailed(records: number): void {
    this.auditFailures.inc(records);
  }

  clientAborted(): void {
    this.clientAborts.inc();
  }

  anonymousRefusal(reason: string): void {
    this.anonymousRefusals.inc({ reason });
  }

  auditPurged(records: number): void {
    this.auditRecordsPurged.inc(records);
  }

  /** An app's backend passed its health check, `seconds` after its Create or Update started it. */
  backendHealthy(seconds: number): void {
    this.backends.startSeconds.observe(seconds);
  }

  backendRestarted(): void {
    this.backends.restarts.inc();
  }

  /** The exposition text, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
