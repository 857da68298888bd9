/**
 * Prometheus metrics. Every metric is kept here as plain numbers, which the request path, the
 * reconciler and the runtimes add to; anything that needs the store is read at scrape time.
 * prom-client, which formats the exposition and adds the process's default metrics, is loaded with
 * the first scrape: loading it was a fifth of `serve`'s start-up (42-66 ms of 288 with 100,000 apps
 * on a slow machine, docs/performance.md). Its registry is this server's own, never prom-client's
 * global one, so several servers in one process keep separate counts.
 */
import type { Metric, Registry } from 'prom-client';
import { APP_STATUSES, BACKEND_PHASES } from '../domain/partnerApp.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../logger.js';

/** The operation label of a request whose X-Amz-Target names no operation. */
export const UNKNOWN_OPERATION = 'Unknown';
/** The code label of a request that succeeded. */
export const SUCCESS_CODE = 'OK';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const RECONCILER_LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const BACKEND_START_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

type Labels = Record<string, string>;
type Sample = { metricName?: string; labels: Labels; value: number };

/** Observations of one histogram series. */
class Observations {
  /** Per bucket, not cumulative; the last one is +Inf. */
  private readonly buckets: number[];
  private sum = 0;
  private count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.buckets = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]!) bucket++;
    this.buckets[bucket]!++;
    this.sum += value;
    this.count++;
  }

  samples(name: string, labels: Labels = {}): Sample[] {
    let cumulative = 0;
    const buckets = this.buckets.map((count, index) => {
      cumulative += count;
      const le = index < this.bounds.length ? String(this.bounds[index]) : '+Inf';
      return { metricName: `${name}_bucket`, labels: { le, ...labels }, value: cumulative };
    });
    return [...buckets, { metricName: `${name}_sum`, labels, value: this.sum }, { metricName: `${name}_count`, labels, value: this.count }];
  }
}

/** One operation's requests, as numbers the request path adds to. */
class OperationStats {
  /** Requests by error code (SUCCESS_CODE for success); codes are few and fixed, so this stays small. */
  readonly byCode: Map<string, { requests: number }>;
  readonly latency = new Observations(LATENCY_BUCKETS);

  /** `codes` are exported (as zeros) before any request has them. */
  constructor(codes: readonly string[]) {
    this.byCode = new Map(codes.map((code) => [code, { requests: 0 }]));
  }

  record(code: string, seconds: number): void {
    let outcome = this.byCode.get(code);
    if (!outcome) this.byCode.set(code, (outcome = { requests: 0 }));
    outcome.requests++;
    this.latency.observe(seconds);
  }
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: () => Sample[] | Promise<Sample[]>;
}

/** A family as prom-client's registry formats it: it reads only name, type and get(). */
function asMetric({ name, help, type, samples }: Family): Metric {
  const get = async () => ({ name, help, type, aggregator: 'sum', values: await samples() });
  return { name, help, type, aggregator: 'sum', get } as unknown as Metric;
}

/** A count by label value, read at scrape time from the store; no series when the store does not answer. */
function countedFromStore<K extends string>(label: string, keys: readonly K[], count: () => Promise<Partial<Record<K, number>>>, logger: Logger, what: string) {
  return async (): Promise<Sample[]> => {
    try {
      const counts = await count();
      return keys.map((key) => ({ labels: { [label]: key }, value: counts[key] ?? 0 }));
    } catch (error) {
      // The rest of the scrape is still worth having; a missing series says the store did not answer.
      logger.warn({ err: error }, `could not count ${what} for metrics`);
      return [];
    }
  };
}

/** A counter without labels. */
const counterFamily = (name: string, help: string, value: () => number): Family => ({ name, help, type: 'counter', samples: () => [{ labels: {}, value: value() }] });

/** A histogram without labels. */
const histogramFamily = (name: string, help: string, observations: Observations): Family => ({ name, help, type: 'histogram', samples: () => observations.samples(name) });

export class Metrics {
  /** Every operation's stats, exported as zeros from the start so rates over the first requests are right. */
  private readonly stats = new Map<string, OperationStats>();
  // A request naming no operation never succeeds.
  private readonly unknownStats = new OperationStats([]);
  private readonly reconcilerLag = new Observations(RECONCILER_LAG_BUCKETS);
  private readonly backendStarts = new Observations(BACKEND_START_BUCKETS);
  private readonly counts = { auditFailures: 0, clientAborts: 0, auditRecordsPurged: 0, backendRestarts: 0 };
  private readonly anonymousRefusals = new Map<string, number>();
  private readonly families: Family[];
  private registry: Promise<Registry> | undefined;

  constructor(store: Store, operationNames: readonly string[], logger: Logger) {
    for (const operation of operationNames) this.stats.set(operation, new OperationStats([SUCCESS_CODE]));
    this.stats.set(UNKNOWN_OPERATION, this.unknownStats);
    const latency = 'partnerplane_request_duration_seconds';
    this.families = [
      {
        name: 'partnerplane_requests_total',
        help: 'API requests by operation and error code (OK for success).',
        type: 'counter',
        samples: () => [...this.stats].flatMap(([operation, stats]) => [...stats.byCode].map(([code, { requests }]) => ({ labels: { operation, code }, value: requests }))),
      },
      {
        name: latency,
        help: 'Time from receiving an API request to writing its response, by operation.',
        type: 'histogram',
        samples: () => [...this.stats].flatMap(([operation, stats]) => stats.latency.samples(latency, { operation })),
      },
      {
        name: 'partnerplane_apps',
        help: 'Partner apps by status, all accounts and regions (Deleted ones while they are retained).',
        type: 'gauge',
        samples: countedFromStore('status', APP_STATUSES, () => store.countAppsByStatus(), logger, 'apps'),
      },
      {
        name: 'partnerplane_backends',
        help: "Apps' backends (with a runtime) by the phase last observed: running, restarting, waiting for health, failed, stopped…",
        type: 'gauge',
        samples: countedFromStore('phase', BACKEND_PHASES, () => store.countBackendsByPhase(), logger, 'backends'),
      },
      histogramFamily(
        'partnerplane_backend_start_seconds',
        "Time from an app's CreatePartnerApp or UpdatePartnerApp to its new backend passing its health check (with a runtime).",
        this.backendStarts,
      ),
      counterFamily('partnerplane_backend_restarts_total', 'Backends of Available apps that died and were started again.', () => this.counts.backendRestarts),
      histogramFamily('partnerplane_reconciler_lag_seconds', 'How late the reconciler applied a due transition (time applied minus time due).', this.reconcilerLag),
      counterFamily(
        'partnerplane_audit_write_failures_total',
        'Audit records that could not be stored (each one is logged at error level instead).',
        () => this.counts.auditFailures,
      ),
      counterFamily(
        'partnerplane_client_aborts_total',
        'Requests whose client closed the connection before sending all of it: not answered, and not in partnerplane_requests_total.',
        () => this.counts.clientAborts,
      ),
      {
        name: 'partnerplane_anonymous_refusals_total',
        help: 'API requests refused before their caller was known, by the error code returned (counted in the store per minute and source, not audited one by one).',
        type: 'counter',
        samples: () => [...this.anonymousRefusals].map(([reason, value]) => ({ labels: { reason }, value })),
      },
      counterFamily(
        'partnerplane_audit_records_purged_total',
        'Audit records removed by the audit retention (each purge is recorded in the audit log).',
        () => this.counts.auditRecordsPurged,
      ),
    ];
  }

  /** One finished API request; `code` is SUCCESS_CODE or the error code returned. */
  request(operation: string | undefined, code: string, seconds: number): void {
    ((operation !== undefined && this.stats.get(operation)) || this.unknownStats).record(code, seconds);
  }

  transitionApplied(lateByMs: number): void {
    this.reconcilerLag.observe(Math.max(0, lateByMs) / 1000);
  }

  auditWriteFailed(records: number): void {
    this.counts.auditFailures += records;
  }

  clientAborted(): void {
    this.counts.clientAborts++;
  }

  anonymousRefusal(reason: string): void {
    this.anonymousRefusals.set(reason, (this.anonymousRefusals.get(reason) ?? 0) + 1);
  }

  auditPurged(records: number): void {
    this.counts.auditRecordsPurged += records;
  }

  /** An app's backend passed its health check, `seconds` after its Create or Update started it. */
  backendHealthy(seconds: number): void {
    this.backendStarts.observe(seconds);
  }

  backendRestarted(): void {
    this.counts.backendRestarts++;
  }

  /** The exposition text, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    this.registry ??= this.createRegistry();
    const registry = await this.registry;
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  /** prom-client's process metrics count from here on: the first scrape. */
  private async createRegistry(): Promise<Registry> {
    const { Registry, collectDefaultMetrics } = await import('prom-client');
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    for (const family of this.families) registry.registerMetric(asMetric(family));
    return registry;
  }
}
