/**
 * PostgreSQL's audit purge and anonymous refusal counts (store.ts: purgeAudit, addRefusals,
 * listRefusals). The write functions run inside one of the store's transactions.
 */
import type pg from 'pg';
import { AUDIT_COLUMNS, auditToRow } from './auditRows.js';
import type { AuditRecord, RefusalCount } from './store.js';

const SQL = {
  // Replicas purging at the same moment take turns, so each purge counts what it removes.
  lockPurge: "SELECT pg_advisory_xact_lock(hashtext('partnerplane audit purge ' || current_schema()))",
  nthOldestAuditTime: 'SELECT time FROM audit_log WHERE time < $1 ORDER BY time LIMIT 1 OFFSET $2',
  countAuditBefore: 'SELECT count(*) AS removed FROM audit_log WHERE time < $1',
  appendPurge: `INSERT INTO audit_log (${AUDIT_COLUMNS}, purged_before, purged_records) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  deleteAuditBefore: 'DELETE FROM audit_log WHERE time < $1',
  addRefusals: `INSERT INTO anonymous_refusals AS kept (minute, source, reason, count)
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[])
                ON CONFLICT (minute, source, reason) DO UPDATE SET count = kept.count + excluded.count`,
  keepNewestRefusals:
    'DELETE FROM anonymous_refusals WHERE (minute, source, reason) IN (SELECT minute, source, reason FROM anonymous_refusals ORDER BY minute DESC, count DESC OFFSET $1)',
  listRefusals: 'SELECT minute, source, reason, count FROM anonymous_refusals ORDER BY minute DESC, count DESC, source, reason LIMIT $1',
} as const;

function run<R extends pg.QueryResultRow = Record<string, unknown>>(db: pg.Pool | pg.PoolClient, statement: keyof typeof SQL, values: unknown[]) {
  return db.query<R>({ name: `retention_${statement}`, text: SQL[statement], values });
}

/** To be run in a transaction: see Store.purgeAudit. */
export async function purgeAudit(db: pg.PoolClient, before: number, maxRecords: number, purge: (removed: number, purgedBefore: number) => AuditRecord): Promise<number> {
  await run(db, 'lockPurge', []);
  // Records older than the (maxRecords+1)th oldest's time number maxRecords at most (plus its ties).
  const boundary = (await run<{ time: number }>(db, 'nthOldestAuditTime', [before, maxRecords])).rows[0]?.time;
  const purgedBefore = boundary === undefined ? before : Math.min(before, boundary + 1);
  const removed = (await run<{ removed: number }>(db, 'countAuditBefore', [purgedBefore])).rows[0]!.removed;
  if (removed === 0) return 0;
  // The purge's record first: the delete trigger lets through only what the newest purge covers.
  await run(db, 'appendPurge', [...auditToRow(purge(removed, purgedBefore)), purgedBefore, removed]);
  await run(db, 'deleteAuditBefore', [purgedBefore]);
  return removed;
}

/** To be run in a transaction: see Store.addRefusals. */
export async function addRefusals(db: pg.PoolClient, counts: readonly RefusalCount[], maxRows: number): Promise<void> {
  // In one order in every replica, so two replicas adding to the same rows never wait on each other.
  const sorted = [...counts].sort((a, b) => a.minute - b.minute || a.source.localeCompare(b.source) || a.reason.localeCompare(b.reason));
  const column = <K extends keyof RefusalCount>(key: K) => sorted.map((count) => count[key]);
  await run(db, 'addRefusals', [column('minute'), column('source'), column('reason'), column('count')]);
  await run(db, 'keepNewestRefusals', [maxRows]);
}

export async function listRefusals(db: pg.Pool, limit: number): Promise<RefusalCount[]> {
  return (await run<RefusalCount>(db, 'listRefusals', [limit])).rows;
}
