/**
 * Requests refused before their caller is known cannot grow the audit log: they are counted per
 * minute, source and reason, in rows the store keeps bounded, and in a metric; what a known caller
 * asks for is still audited one record each.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { MAX_ROWS, MAX_SOURCES_PER_MINUTE, OTHER_SOURCES } from '../../src/observability/anonymousRefusals.js';
import type { RefusalCount } from '../../src/store/store.js';
import { query } from '../helpers/database.js';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { createInput } from '../operations/support.js';
import { sampleValue, scrape } from './prometheus.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const auditRows = async () => Number((await query(server, 'SELECT count(*) AS n FROM audit_log'))[0]!.n);

/** An unsigned API request from the local address `from`; resolves to the status. */
function unsigned(from: string, target: string, body: string): Promise<number> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const headers = { 'X-Amz-Target': `SageMaker.${target}`, 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': String(Buffer.byteLength(body)) };
    const request = http.request({ host: '127.0.0.1', port, localAddress: from, method: 'POST', path: '/', agent: false, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode!));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The stored counts, once they add up to `total` for `reason` (they are written every second). */
async function storedCounts(reason: string, total: number): Promise<RefusalCount[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = (await server.server.store.listRefusals(MAX_ROWS)).filter((row) => row.reason === reason);
    const sum = rows.reduce((counted, row) => counted + row.count, 0);
    if (sum === total) return rows;
    if (Date.now() > deadline || sum > total) assert.fail(`${sum} ${reason} refusals stored, expected ${total}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a flood of unsigned requests adds no audit record: it is counted per minute, source and reason, and in the metrics', { timeout: 60_000 }, async () => {
  const before = await auditRows();
  const flood = 2_000;
  for (let sent = 0; sent < flood; sent += 100) {
    const statuses = await Promise.all(Array.from({ length: 100 }, () => unsigned('127.0.0.1', 'CreatePartnerApp', '{}')));
    assert.ok(statuses.every((status) => status === 400));
  }
  const rows = await storedCounts('MissingAuthenticationTokenException', flood);
  assert.ok(rows.length <= 2, `one row a minute from one source: ${JSON.stringify(rows)}`);
  assert.ok(rows.every((row) => row.source === '127.0.0.1' && row.minute % 60_000 === 0));
  assert.equal(await auditRows(), before, 'the audit log did not grow');
  assert.equal(sampleValue(await scrape(server.url), 'partnerplane_anonymous_refusals_total', { reason: 'MissingAuthenticationTokenException' }), flood);

  // A known caller's refused change is still audited, one record for the call.
  const account = server.newAccount();
  const refused = await rawRequest(server.url, 'CreatePartnerApp', { body: { ...createInput(), Tier: '' }, credentials: account });
  assert.equal(refused.json.__type, 'ValidationException');
  const [record] = await server.server.store.listAudit({ accountId: account.accountId, limit: 10 });
  assert.equal(record?.requestId, refused.headers['x-amzn-requestid']);
  assert.equal(record?.outcome, 'ValidationException');
});

test('sources past the bound of a minute are counted together, and the rows kept are bounded', { timeout: 60_000 }, async () => {
  const sources = MAX_SOURCES_PER_MINUTE + 50;
  // A refusal of its own kind (a body over the limit), so that this test's counts are told apart from the other's.
  const oversized = ' '.repeat(2 * 1024 * 1024);
  // The bound is per wall-clock minute: sent across a minute's end, the sources would be split
  // between two minutes, neither over the bound. Late in a minute, wait for the next one.
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
  for (let n = 0; n < sources; n++) assert.equal(await unsigned(`127.0.1.${n + 1}`, 'ListPartnerApps', oversized), 413);
  const rows = await storedCounts('RequestEntityTooLargeException', sources);
  for (const minute of new Set(rows.map((row) => row.minute))) {
    const ofMinute = rows.filter((row) => row.minute === minute);
    assert.ok(ofMinute.filter((row) => row.source !== OTHER_SOURCES).length <= MAX_SOURCES_PER_MINUTE);
  }
  assert.ok(rows.some((row) => row.source === OTHER_SOURCES && row.count >= sources - 2 * MAX_SOURCES_PER_MINUTE));

  // The store keeps the newest MAX_ROWS rows, whatever is added.
  const minute = Date.UTC(2020, 0, 1);
  const many = Array.from({ length: MAX_ROWS + 50 }, (_, n) => ({ minute: minute + Math.floor(n / 100) * 60_000, source: `10.0.${n % 100}.1`, reason: 'Test', count: 1 }));
  await server.server.store.addRefusals(many, MAX_ROWS);
  const kept = await server.server.store.listRefusals(MAX_ROWS * 2);
  assert.equal(kept.length, MAX_ROWS);
  const ofMinute = (at: number) => kept.filter((row) => row.reason === 'Test' && row.minute === at).length;
  assert.equal(ofMinute(minute + 100 * 60_000), 50, 'the newest rows are kept');
  assert.ok(ofMinute(minute) < 100, 'the oldest rows went first');
});
