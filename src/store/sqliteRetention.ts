/**
 * SQLite's audit purge and anonymous refusal counts (store.ts: purgeAudit, addRefusals,
 * listRefusals), as statements prepared once per database. Each function runs inside the store's
 * write transaction (the group commit) or, for reads, on its own.
 */
import type Database from 'better-sqlite3';
import { AUDIT_COLUMNS, auditToRow } from './auditRows.js';
import type { AuditRecord, RefusalCount } from './store.js';

const prepareAll = (db: Database.Database) => ({
  nthOldestAuditTime: db.prepare('SELECT time FROM audit_log WHERE time < ? ORDER BY time LIMIT 1 OFFSET ?').pluck(),
  countAuditBefore: db.prepare('SELECT count(*) FROM audit_log WHERE time < ?').pluck(),
  appendPurge: db.prepare(`INSERT INTO audit_log (${AUDIT_COLUMNS}, purged_before, purged_records) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
  deleteAuditBefore: db.prepare('DELETE FROM audit_log WHERE time < ?'),
  addRefusal: db.prepare(
    'INSERT INTO anonymous_refusals (minute, source, reason, count) VALUES (?, ?, ?, ?) ON CONFLICT (minute, source, reason) DO UPDATE SET count = count + excluded.count',
  ),
  keepNewestRefusals: db.prepare(
    'DELETE FROM anonymous_refusals WHERE (minute, source, reason) IN (SELECT minute, source, reason FROM anonymous_refusals ORDER BY minute DESC, count DESC LIMIT -1 OFFSET ?)',
  ),
  listRefusals: db.prepare('SELECT minute, source, reason, count FROM anonymous_refusals ORDER BY minute DESC, count DESC, source, reason LIMIT CAST(? AS INTEGER)'),
});

const statementsOf = new WeakMap<Database.Database, ReturnType<typeof prepareAll>>();

function statements(db: Database.Database): ReturnType<typeof prepareAll> {
  let prepared = statementsOf.get(db);
  if (!prepared) statementsOf.set(db, (prepared = prepareAll(db)));
  return prepared;
}

/** To be run in a write transaction: see Store.purgeAudit. */
export function purgeAudit(db: Database.Database, before: number, maxRecords: number, purge: (removed: number, purgedBefore: number) => AuditRecord): number {
  const sql = statements(db);
  // Records older than the (maxRecords+1)th oldest's time number maxRecords at most (plus its ties).
  const boundary = sql.nthOldestAuditTime.get(before, maxRecords) as number | undefined;
  const purgedBefore = boundary === undefined ? before : Math.min(before, boundary + 1);
  const removed = sql.countAuditBefore.get(purgedBefore) as number;
  if (removed === 0) return 0;
  // The purge's record first: the delete trigger lets through only what the newest purge covers.
  sql.appendPurge.run(...auditToRow(purge(removed, purgedBefore)), purgedBefore, removed);
  sql.deleteAuditBefore.run(purgedBefore);
  return removed;
}

/** To be run in a write transaction: see Store.addRefusals. */
export function addRefusals(db: Database.Database, counts: readonly RefusalCount[], maxRows: number): void {
  const sql = statements(db);
  for (const { minute, source, reason, count } of counts) sql.addRefusal.run(minute, source, reason, count);
  sql.keepNewestRefusals.run(maxRows);
}

export function listRefusals(db: Database.Database, limit: number): RefusalCount[] {
  return statements(db).listRefusals.all(limit) as RefusalCount[];
}
