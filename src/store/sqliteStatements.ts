/** The SQLite dialect of the stores' statements (statements.ts), and their preparation. */
import type Database from 'better-sqlite3';
import { CLOUD_CONTROL_IDEMPOTENCY } from '../domain/resourceRequests.js';
import { AUDIT_COLUMNS } from './auditRows.js';
import { REQUEST_COLUMNS } from './requestRows.js';
import { APP_COLUMNS, APP_STATE_COLUMNS } from './rows.js';
import { IDEMPOTENCY_COLUMNS, type StatementName, type Statements } from './statements.js';

// A LIMIT as an expression, not a bare parameter: SQLite's planner reads the value bound to a bare
// `LIMIT ?`, so binding the next value would re-prepare the statement. The plans do not depend on it.
const LIMIT = 'LIMIT CAST(? AS INTEGER)';
const placeholders = (columns: string) => columns.split(',').map(() => '?').join(', ');
const SUMMARY_COLUMNS = 'seq, arn, name, type, status, creation_time';
/** Tag keys come as a JSON array, read by json_each. */
const KEYS = 'SELECT value FROM json_each(?)';

/** SQLite's SQL for every statement. A write transaction locks the whole database, so nothing locks rows. */
export const SQLITE_STATEMENTS = {
  getApp: `SELECT ${APP_COLUMNS} FROM apps WHERE arn = ?`,
  lockApp: `SELECT ${APP_COLUMNS} FROM apps WHERE arn = ?`,
  lockLiveApp: "SELECT 1 FROM apps WHERE arn = ? AND status <> 'Deleted'",
  liveApp: "SELECT 1 FROM apps WHERE arn = ? AND status <> 'Deleted'",
  insertApp: `INSERT INTO apps (${APP_COLUMNS}) VALUES (${placeholders(APP_COLUMNS)})`,
  saveApp: `UPDATE apps SET (${APP_STATE_COLUMNS}) = (${placeholders(APP_STATE_COLUMNS)}) WHERE arn = ?`,
  forgetApp: 'DELETE FROM apps WHERE arn = ?',
  listFirst: `SELECT ${SUMMARY_COLUMNS} FROM apps WHERE account_id = ? AND region = ? ORDER BY seq DESC ${LIMIT}`,
  listBefore: `SELECT ${SUMMARY_COLUMNS} FROM apps WHERE account_id = ? AND region = ? AND seq < ? ORDER BY seq DESC ${LIMIT}`,
  // One statement: the account's first app adds its row (if the quota allows one app at all).
  takeQuota:
    'INSERT INTO account_usage (account_id, live_apps) SELECT ?, 1 WHERE ? > 0 ON CONFLICT (account_id) DO UPDATE SET live_apps = live_apps + 1 WHERE live_apps < ?',
  liveApps: 'SELECT live_apps FROM account_usage WHERE account_id = ?',
  releaseQuota: 'UPDATE account_usage SET live_apps = live_apps - ? WHERE account_id = ?',
  // Found by the key's hash (idempotencyKeys.ts), then the key itself; added only once looked for in the same write.
  findIdempotency: `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency WHERE key_hash = ? AND account_id = ? AND region = ? AND operation = ? AND token = ?`,
  claimIdempotency: `INSERT INTO idempotency (key_hash, ${IDEMPOTENCY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  // The tags as one JSON array of [key, value] pairs. `WHERE true` tells SQLite's parser that
  // ON CONFLICT belongs to the INSERT, not to the SELECT.
  upsertTags: `INSERT INTO tags (arn, key, value) SELECT ?, value ->> 0, value ->> 1 FROM json_each(?) WHERE true
               ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value`,
  countTagsAfterMerge: `SELECT count(*) FROM (SELECT key FROM tags WHERE arn = ? AND key NOT IN (${KEYS}) UNION ${KEYS})`,
  listTags: `SELECT key, value FROM tags WHERE arn = ? AND key > ? ORDER BY key ${LIMIT}`,
  deleteTags: `DELETE FROM tags WHERE arn = ? AND key IN (${KEYS})`,
  deleteAllTags: 'DELETE FROM tags WHERE arn = ?',
  claimDue: `SELECT ${APP_COLUMNS} FROM apps WHERE due_at <= ? ORDER BY due_at ${LIMIT}`,
  nextDue: 'SELECT min(due_at) FROM apps WHERE due_at IS NOT NULL',
  plannedCatalog: 'SELECT catalog FROM maintenance_plan WHERE id = 1',
  planCatalog: 'UPDATE maintenance_plan SET catalog = ? WHERE id = 1',
  dueForMaintenance: "UPDATE apps SET due_at = ? WHERE status = 'Available' AND (due_at IS NULL OR due_at > ?)",
  // Named values (owner, leaseUntil, nextLookAt, now, limit): some are used more than once.
  claimBackends: `UPDATE apps SET backend_owner = @owner, backend_lease_until = @leaseUntil, due_at = @nextLookAt
                  WHERE arn IN (SELECT arn FROM apps WHERE due_at <= @now AND (backend_owner IS NULL OR backend_owner = @owner OR backend_lease_until < @now)
                                ORDER BY due_at LIMIT CAST(@limit AS INTEGER))
                  RETURNING ${APP_COLUMNS}`,
  lockClaimedApp: `SELECT ${APP_COLUMNS} FROM apps WHERE arn = ? AND backend_owner = ?`,
  renewBackendClaim: 'UPDATE apps SET backend_lease_until = ? WHERE arn = ?',
  releaseBackends: 'UPDATE apps SET backend_owner = NULL, backend_lease_until = NULL WHERE backend_owner = ?',
  insertRelease: 'INSERT INTO catalog_releases (type, version, entry, released_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  listReleases: 'SELECT seq, type, version, entry, released_at FROM catalog_releases ORDER BY seq',
  latestRelease: 'SELECT coalesce(max(seq), 0) FROM catalog_releases',
  purgeIdempotency: `DELETE FROM idempotency WHERE created_at < (CASE WHEN operation = '${CLOUD_CONTROL_IDEMPOTENCY}' THEN ? ELSE ? END)`,
  purgeUsedTokens: 'DELETE FROM used_tokens WHERE expires_at < ?',
  purgeRequests: 'DELETE FROM resource_requests WHERE event_time < ?',
  insertRequest: `INSERT INTO resource_requests (${REQUEST_COLUMNS}) VALUES (${placeholders(REQUEST_COLUMNS)})`,
  getRequest: `SELECT seq, ${REQUEST_COLUMNS} FROM resource_requests WHERE token = ?`,
  listRequestsFirst: `SELECT seq, ${REQUEST_COLUMNS} FROM resource_requests WHERE account_id = ? AND region = ? ORDER BY seq DESC ${LIMIT}`,
  listRequestsBefore: `SELECT seq, ${REQUEST_COLUMNS} FROM resource_requests WHERE account_id = ? AND region = ? AND seq < ? ORDER BY seq DESC ${LIMIT}`,
  waitingRequest:
    'SELECT r.token FROM resource_requests r JOIN apps a ON a.arn = r.identifier WHERE r.identifier = ? AND r.waits_for IS NOT NULL AND r.ended_status IS NULL AND a.status = r.waits_for LIMIT 1',
  cancelRequest: 'UPDATE resource_requests SET cancelled_at = ? WHERE token = ? AND cancelled_at IS NULL',
  useToken: 'INSERT INTO used_tokens (token_id, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
  getSecret: 'SELECT value FROM shared_secrets WHERE name = ?',
  insertSecret: 'INSERT INTO shared_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING',
  ping: 'SELECT 1',
  countByStatus: 'SELECT status, count(*) AS count FROM apps GROUP BY status',
  countBackendsByPhase: "SELECT backend ->> '$.phase' AS phase, count(*) AS count FROM apps WHERE backend IS NOT NULL GROUP BY phase",
  appendAudit: `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (${placeholders(AUDIT_COLUMNS)})`,
  listAudit: `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE time >= ? ORDER BY time DESC, seq DESC ${LIMIT}`,
  listAuditOfAccount: `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE account_id = ? AND time >= ? ORDER BY time DESC, seq DESC ${LIMIT}`,
  armApp: "UPDATE apps SET fail_transition = 1 WHERE arn = ? AND status NOT IN ('Deleting', 'Deleted')",
  armType: "UPDATE apps SET fail_transition = 1 WHERE type = ? AND status NOT IN ('Deleting', 'Deleted')",
  armCreate: 'INSERT INTO failing_creates (type) VALUES (?) ON CONFLICT DO NOTHING',
  consumeFailingCreate: 'DELETE FROM failing_creates WHERE type = ?',
  allApps: `SELECT ${APP_COLUMNS} FROM apps ORDER BY seq`,
  allTags: 'SELECT arn, key, value FROM tags ORDER BY arn, key',
  allIdempotency: `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency`,
  allUsedTokens: 'SELECT token_id, expires_at FROM used_tokens',
  allRequests: `SELECT seq, ${REQUEST_COLUMNS} FROM resource_requests ORDER BY seq`,
  allFailingCreates: 'SELECT type FROM failing_creates ORDER BY type',
  // Several statements (SQLite has no TRUNCATE): run with exec, not prepared.
  forgetAll:
    'DELETE FROM apps; DELETE FROM tags; DELETE FROM idempotency; DELETE FROM account_usage; DELETE FROM used_tokens; DELETE FROM failing_creates; DELETE FROM resource_requests; DELETE FROM catalog_releases;',
  recountUsage: "INSERT INTO account_usage (account_id, live_apps) SELECT account_id, count(*) FROM apps WHERE status <> 'Deleted' GROUP BY account_id",
  nthOldestAuditTime: 'SELECT time FROM audit_log WHERE time < ? ORDER BY time LIMIT 1 OFFSET ?',
  countAuditBefore: 'SELECT count(*) FROM audit_log WHERE time < ?',
  appendPurge: `INSERT INTO audit_log (${AUDIT_COLUMNS}, purged_before, purged_records) VALUES (${placeholders(AUDIT_COLUMNS)}, ?, ?)`,
  deleteAuditBefore: 'DELETE FROM audit_log WHERE time < ?',
  // The counts as one JSON array of [minute, source, reason, count] rows, read in one pass.
  addRefusals: `INSERT INTO anonymous_refusals (minute, source, reason, count)
                SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?) WHERE true
                ON CONFLICT (minute, source, reason) DO UPDATE SET count = count + excluded.count`,
  keepNewestRefusals:
    'DELETE FROM anonymous_refusals WHERE (minute, source, reason) IN (SELECT minute, source, reason FROM anonymous_refusals ORDER BY minute DESC, count DESC LIMIT -1 OFFSET ?)',
  listRefusals: `SELECT minute, source, reason, count FROM anonymous_refusals ORDER BY minute DESC, count DESC, source, reason ${LIMIT}`,
} as const satisfies Statements;

/**
 * SQLite's own: a create looks for a live app of the same name first, since a write that throws
 * makes its whole group commit run again (groupCommit.ts); PostgreSQL's create lets the unique
 * index refuse the insert and rolls back its own transaction. An app that becomes Deleted is marked
 * gone, which frees its name (migration 9: the name index reads `gone`, not the status).
 */
export const SQLITE_ONLY_STATEMENTS = {
  nameTaken: 'SELECT 1 FROM apps WHERE account_id = ? AND region = ? AND name = ? AND gone IS NULL',
  markGone: 'UPDATE apps SET gone = 1 WHERE arn = ?',
} as const;

/** Statements whose rows are read as arrays (built into objects in JS, cheaper than better-sqlite3's row objects). */
export const ROWS_AS_ARRAYS: readonly StatementName[] = ['getApp', 'lockApp', 'listFirst', 'listBefore', 'claimDue', 'claimBackends', 'lockClaimedApp'];

/** Statements whose rows are one value each. */
export const SINGLE_VALUES: readonly StatementName[] = [
  'nthOldestAuditTime',
  'countAuditBefore',
  'lockLiveApp',
  'liveApp',
  'liveApps',
  'countTagsAfterMerge',
  'nextDue',
  'plannedCatalog',
  'latestRelease',
  'waitingRequest',
  'getSecret',
  'ping',
  'allFailingCreates',
];

/**
 * The statements of the audit retention, anonymous refusals and maintenance plan, prepared when first used: a
 * database reader (`partnerplane audit`) may open a database whose schema predates their tables.
 */
export const PREPARED_WHEN_USED = [
  'nthOldestAuditTime',
  'countAuditBefore',
  'appendPurge',
  'deleteAuditBefore',
  'addRefusals',
  'keepNewestRefusals',
  'listRefusals',
  'plannedCatalog',
  'planCatalog',
  'insertRelease',
  'listReleases',
  'latestRelease',
] as const;

/** Every statement prepared once, but forgetAll (several statements, run with exec) and PREPARED_WHEN_USED. */
export type PreparedStatements = Record<Exclude<StatementName, 'forgetAll' | (typeof PREPARED_WHEN_USED)[number]>, Database.Statement>;

export function prepareStatements(db: Database.Database): PreparedStatements {
  const prepared: Partial<Record<StatementName, Database.Statement>> = {};
  const later: readonly StatementName[] = PREPARED_WHEN_USED;
  for (const [name, sql] of Object.entries(SQLITE_STATEMENTS) as [StatementName, string][]) {
    if (name !== 'forgetAll' && !later.includes(name)) prepared[name] = db.prepare(sql);
  }
  for (const name of ROWS_AS_ARRAYS) prepared[name]!.raw();
  for (const name of SINGLE_VALUES) prepared[name]?.pluck();
  return prepared as PreparedStatements;
}

/** A statement of PREPARED_WHEN_USED, prepared on its first use on this database. */
export function preparedWhenUsed(db: Database.Database, name: (typeof PREPARED_WHEN_USED)[number]): Database.Statement {
  let prepared = preparedLater.get(db);
  if (!prepared) preparedLater.set(db, (prepared = new Map()));
  let statement = prepared.get(name);
  if (!statement) {
    statement = db.prepare(SQLITE_STATEMENTS[name]);
    if (SINGLE_VALUES.includes(name)) statement.pluck();
    prepared.set(name, statement);
  }
  return statement;
}

const preparedLater = new WeakMap<Database.Database, Map<StatementName, Database.Statement>>();
