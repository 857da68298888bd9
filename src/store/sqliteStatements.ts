/** The SQLite dialect of the stores' statements (statements.ts). */
import { AUDIT_COLUMNS } from './auditRows.js';
import { APP_COLUMNS, APP_STATE_COLUMNS } from './rows.js';
import { IDEMPOTENCY_COLUMNS, type StatementName, type Statements } from './statements.js';

// A LIMIT as an expression, not a bare parameter: SQLite's planner reads the value bound to a bare
// `LIMIT ?`, so binding the next value would re-prepare the statement. The plans do not depend on it.
const LIMIT = 'LIMIT CAST(? AS INTEGER)';
const placeholders = (columns: string) => columns.split(',').map(() => '?').join(', ');
const SUMMARY_COLUMNS = 'seq, arn, name, type, status, creation_time';
/** Tags' keys and values come as JSON arrays, read by json_each. */
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
  findIdempotency: `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency WHERE account_id = ? AND region = ? AND operation = ? AND token = ?`,
  claimIdempotency: `INSERT INTO idempotency (${IDEMPOTENCY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  // `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to the join.
  upsertTags: `INSERT INTO tags (arn, key, value) SELECT ?, keys.value, tag_values.value FROM json_each(?) AS keys JOIN json_each(?) AS tag_values ON tag_values.key = keys.key WHERE true
               ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value`,
  countTagsAfterMerge: `SELECT count(*) FROM (SELECT key FROM tags WHERE arn = ? UNION ${KEYS})`,
  listTags: `SELECT key, value FROM tags WHERE arn = ? AND key > ? ORDER BY key ${LIMIT}`,
  deleteTags: `DELETE FROM tags WHERE arn = ? AND key IN (${KEYS})`,
  deleteAllTags: 'DELETE FROM tags WHERE arn = ?',
  claimDue: `SELECT ${APP_COLUMNS} FROM apps WHERE due_at <= ? ORDER BY due_at ${LIMIT}`,
  nextDue: 'SELECT min(due_at) FROM apps WHERE due_at IS NOT NULL',
  purgeIdempotency: 'DELETE FROM idempotency WHERE created_at < ?',
  purgeUsedTokens: 'DELETE FROM used_tokens WHERE expires_at < ?',
  useToken: 'INSERT INTO used_tokens (token_id, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
  getSecret: 'SELECT value FROM shared_secrets WHERE name = ?',
  insertSecret: 'INSERT INTO shared_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING',
  ping: 'SELECT 1',
  countByStatus: 'SELECT status, count(*) AS count FROM apps GROUP BY status',
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
  allFailingCreates: 'SELECT type FROM failing_creates ORDER BY type',
  // Several statements (SQLite has no TRUNCATE): run with exec, not prepared.
  forgetAll: 'DELETE FROM apps; DELETE FROM tags; DELETE FROM idempotency; DELETE FROM account_usage; DELETE FROM used_tokens; DELETE FROM failing_creates;',
  recountUsage: "INSERT INTO account_usage (account_id, live_apps) SELECT account_id, count(*) FROM apps WHERE status <> 'Deleted' GROUP BY account_id",
} as const satisfies Statements;

/**
 * SQLite's own: a create looks for a live app of the same name first, since a write that throws
 * makes its whole group commit run again (groupCommit.ts); PostgreSQL's create lets the unique
 * index refuse the insert and rolls back its own transaction.
 */
export const SQLITE_ONLY_STATEMENTS = {
  nameTaken: "SELECT 1 FROM apps WHERE account_id = ? AND region = ? AND name = ? AND status <> 'Deleted'",
} as const;

/** Statements whose rows are read as arrays (built into objects in JS, cheaper than better-sqlite3's row objects). */
export const ROWS_AS_ARRAYS: readonly StatementName[] = ['getApp', 'lockApp', 'listFirst', 'listBefore', 'claimDue'];

/** Statements whose rows are one value each. */
export const SINGLE_VALUES: readonly StatementName[] = [
  'lockLiveApp',
  'liveApp',
  'liveApps',
  'countTagsAfterMerge',
  'nextDue',
  'getSecret',
  'ping',
  'allFailingCreates',
];
