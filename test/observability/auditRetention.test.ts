/**
 * --audit-retention-days: audit records past the retention are purged by the server, and the
 * purge is recorded in the audit log itself; the database still refuses every other removal or
 * change, and a purge record cannot be made to cover itself.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { PURGE_OPERATION, PURGE_PRINCIPAL } from '../../src/observability/auditRetention.js';
import { query } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sampleValue, scrape } from './prometheus.js';

const DAY = 24 * 60 * 60_000;

let server: TestServer;
before(async () => {
  server = await startTestServer({ auditRetentionDays: 30 });
});
after(() => server.close());

const insertRecord = (time: number, operation = 'CreatePartnerApp') =>
  query(server, 'INSERT INTO audit_log (time, operation, request_id, outcome) VALUES ($1, $2, $3, $4)', [time, operation, randomUUID(), 'success']);

/** Every statement must be refused by the database with `message`. */
async function refused(statements: string[], message: RegExp): Promise<void> {
  for (const sql of statements) await assert.rejects(query(server, sql), message, sql);
}

test('records past the retention are purged, the purge recorded; nothing else can remove a record', { timeout: 30_000 }, async () => {
  const now = Date.now();
  const old = [now - 90 * DAY, now - 45 * DAY, now - 31 * DAY];
  const kept = [now - 29 * DAY, now - DAY];
  for (const time of [...old, ...kept]) await insertRecord(time);

  // The server purges soon after it starts, then hourly.
  const deadline = Date.now() + 10_000;
  while ((await server.server.store.listAudit({ limit: 1000 })).some((record) => record.time < now - 30 * DAY)) {
    assert.ok(Date.now() < deadline, 'the old records were purged');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const records = await server.server.store.listAudit({ limit: 1000 });
  for (const time of kept) assert.ok(records.some((record) => record.time === time), 'records within the retention stay');
  const purges = records.filter((record) => record.operation === PURGE_OPERATION);
  assert.equal(purges.length, 1);
  assert.equal(purges[0]!.principal, PURGE_PRINCIPAL);
  assert.equal(purges[0]!.outcome, 'success');
  assert.match(purges[0]!.target!, /^audit_log: 3 records before (\S+)$/);
  const purgedBefore = Date.parse(/before (\S+)$/.exec(purges[0]!.target!)![1]!);
  assert.ok(purgedBefore > now - 31 * DAY && purgedBefore <= Date.now() - 30 * DAY + 1000);
  assert.equal(sampleValue(await scrape(server.url), 'partnerplane_audit_records_purged_total'), 3);

  // Outside the purge, the log is still append-only: newer records, the purge's own record included.
  await insertRecord(now - 60 * DAY);
  const appendOnly = /audit_log is append-only/;
  await refused(['DELETE FROM audit_log', `DELETE FROM audit_log WHERE operation = '${PURGE_OPERATION}'`, "UPDATE audit_log SET outcome = 'forged'"], appendOnly);
  if (server.server.store.kind === 'postgres') await refused(['TRUNCATE audit_log'], appendOnly);
  // A forged purge record cannot cover itself, so whatever it lets through, it stays to say so.
  await assert.rejects(
    query(server, 'INSERT INTO audit_log (time, operation, request_id, outcome, purged_before, purged_records) VALUES ($1, $2, $3, $4, $5, $6)', [
      now - 90 * DAY,
      PURGE_OPERATION,
      randomUUID(),
      'success',
      now,
      0,
    ]),
    /purge record cannot be older than what it purges|audit_log_purge_not_older/,
  );
  const older = await query(server, 'SELECT count(*) AS n FROM audit_log WHERE time < $1', [now - 50 * DAY]);
  assert.equal(Number(older[0]!.n), 1, 'the record inserted after the purge is still there');
});
