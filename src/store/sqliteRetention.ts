/**
 * SQLite's audit purge and anonymous refusal counts (store.ts: purgeAudit, addRefusals,
 * listRefusals). Each function runs inside the store's write transaction (the group commit) or, for
 * reads, on its own.
 */
import type Database from 'better-sqlite3';
import { auditToRow } from './auditRows.js';
import { preparedWhenUsed } from './sqliteStatements.js';
import type { AuditRecord, RefusalCount } from './store.js';

/** To be run in a write transaction: see Store.purgeAudit. */
export function purgeAudit(db: Database.Database, before: number, maxRecords: number, purge: (removed: number, purgedBefore: number) => AuditRecord): number {
  // Records older than the (maxRecords+1)th oldest's time number maxRecords at most (plus its ties).
  const boundary = preparedWhenUsed(db, 'nthOldestAuditTime').get(before, maxRecords) as number | undefined;
  const purgedBefore = boundary === undefined ? before : Math.min(before, boundary + 1);
  const removed = preparedWhenUsed(db, 'countAuditBefore').get(purgedBefore) as number;
  if (removed === 0) return 0;
  // The purge's record first: the delete trigger lets through only what the newest purge covers.
  preparedWhenUsed(db, 'appendPurge').run(...auditToRow(purge(removed, purgedBefore)), purgedBefore, removed);
  preparedWhenUsed(db, 'deleteAuditBefore').run(purgedBefore);
  return removed;
}

/** To be run in a write transaction: see Store.addRefusals. */
export function addRefusals(db: Database.Database, counts: readonly RefusalCount[], maxRows: number): void {
  const rows = counts.map(({ minute, source, reason, count }) => [minute, source, reason, count]);
  preparedWhenUsed(db, 'addRefusals').run(JSON.stringify(rows));
  preparedWhenUsed(db, 'keepNewestRefusals').run(maxRows);
}

export function listRefusals(db: Database.Database, limit: number): RefusalCount[] {
  return preparedWhenUsed(db, 'listRefusals').all(limit) as RefusalCount[];
}
