/**
 * PostgreSQL's audit purge and anonymous refusal counts (store.ts: purgeAudit, addRefusals,
 * listRefusals). The write functions run inside one of the store's transactions.
 */
import type pg from 'pg';
import { auditToRow } from './auditRows.js';
import { POSTGRES_ONLY_STATEMENTS, runStatement as run } from './postgresStatements.js';
import type { AuditRecord, RefusalCount } from './store.js';

/** To be run in a transaction: see Store.purgeAudit. */
export async function purgeAudit(db: pg.PoolClient, before: number, maxRecords: number, purge: (removed: number, purgedBefore: number) => AuditRecord): Promise<number> {
  await db.query(POSTGRES_ONLY_STATEMENTS.lockPurge);
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
