/**
 * What the operations surface adds to each API request, measured in isolation:
 *   - metrics + request log line (debug off, as in production), per request;
 *   - the same with the debug line written (to /dev/null);
 *   - the audit record of a mutating call: one at a time, and 32 finishing together (group commit).
 * Run: node --import tsx bench/observability.ts [--data-dir DIR] (DIR on the disk the server uses).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { AuditLog } from '../src/observability/audit.js';
import { createLogger } from '../src/logger.js';
import { Metrics } from '../src/observability/metrics.js';
import { newApiCall, RequestObserver } from '../src/observability/requests.js';
import { operations } from '../src/operations/index.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { AuditRecord } from '../src/store/store.js';

const { values: args } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
const dir = fs.mkdtempSync(path.join(args['data-dir'] ?? os.tmpdir(), 'partnerplane-obs-bench-'));
const store = openSqliteStore(path.join(dir, 'bench.sqlite'));
const caller = { accountId: '123456789012', region: 'us-east-1', accessKeyId: 'AKIAEXAMPLE', principal: 'arn:aws:iam::123456789012:user/bench', sessionName: 'bench' };

/** Nanoseconds per call of `work`, the best of five runs of `count` calls after a warm-up. */
function nsPerCall(count: number, work: (i: number) => void): number {
  for (let i = 0; i < count; i++) work(i);
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    for (let i = 0; i < count; i++) work(i);
    best = Math.min(best, ((performance.now() - started) * 1e6) / count);
  }
  return best;
}

const operationNames = Object.keys(operations);
const CODES = ['OK', 'OK', 'OK', 'ValidationException', 'ResourceNotFound'];

function observerAt(level: string) {
  const logger = createLogger(level, pino.destination({ dest: '/dev/null', sync: true }));
  const metrics = new Metrics(store, operationNames, logger);
  return new RequestObserver(metrics, new AuditLog(store, logger, metrics), logger);
}

function measureRequests(level: string): number {
  const observer = observerAt(level);
  return nsPerCall(200_000, (i) => {
    const call = newApiCall('00000000-0000-0000-0000-000000000000');
    call.operation = operationNames[i % operationNames.length];
    call.caller = caller;
    const code = CODES[i % CODES.length]!;
    observer.answered(call, code === 'OK' ? 200 : 400, code === 'OK' ? undefined : code);
  });
}

const record = (i: number): AuditRecord => ({
  time: Date.now(),
  accountId: caller.accountId,
  accessKeyId: caller.accessKeyId,
  principal: caller.principal,
  operation: 'CreatePartnerApp',
  target: `arn:aws:sagemaker:us-east-1:123456789012:partner-app/app-${String(i).padStart(12, '0')}`,
  requestId: '00000000-0000-0000-0000-000000000000',
  outcome: 'success',
});

async function measureAudit(concurrent: number, total: number): Promise<number> {
  const logger = createLogger('silent');
  const audit = new AuditLog(store, logger, new Metrics(store, operationNames, logger));
  const started = performance.now();
  for (let i = 0; i < total; i += concurrent) {
    await Promise.all(Array.from({ length: concurrent }, (_, j) => audit.append(record(i + j))));
  }
  return ((performance.now() - started) * 1000) / total;
}

const rows = [
  ['metrics + request log, debug off (per request)', `${measureRequests('info').toFixed(0)} ns`],
  ['metrics + request log line written (per request)', `${measureRequests('debug').toFixed(0)} ns`],
  ['audit record, one request at a time (per mutating request)', `${(await measureAudit(1, 300)).toFixed(0)} µs`],
  ['audit record, 32 requests finishing together (per mutating request)', `${(await measureAudit(32, 3200)).toFixed(0)} µs`],
];
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log('| measured | cost |\n|---|---|');
for (const [what, cost] of rows) console.log(`| ${what} | ${cost} |`);
