/** The PostgreSQL dialect of the stores' statements (statements.ts), and how they are run. */
import type pg from 'pg';
import { CLOUD_CONTROL_IDEMPOTENCY } from '../domain/resourceRequests.js';
import { AUDIT_COLUMNS } from './auditRows.js';
import { REQUEST_COLUMNS } from './requestRows.js';
import { APP_COLUMNS, APP_STATE_COLUMNS } from './rows.js';
import { IDEMPOTENCY_COLUMNS, type StatementName, type Statements } from './statements.js';

const placeholders = (count: number, from = 1) => Array.from({ length: count }, (_, i) => `$${i + from}`).join(', ');
const APP_COLUMN_COUNT = APP_COLUMNS.split(',').length;
const APP_STATE_COLUMN_COUNT = APP_STATE_COLUMNS.split(',').length;
/** The audit columns' types: a batch of records is appended as one array per column. */
export const AUDIT_TYPES = ['bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];
/** The audit columns as arrays, numbered from `from`. */
const auditArrays = (from: number) => AUDIT_TYPES.map((type, i) => `$${i + from}::${type}[]`).join(', ');

/** appendAudit with its arrays numbered from `from`. */
const appendAuditFrom = (from: number) => `INSERT INTO audit_log (${AUDIT_COLUMNS}) SELECT * FROM unnest(${auditArrays(from)})`;

/** PostgreSQL's SQL for every statement; run as named statements, parsed once per connection. */
export const POSTGRES_STATEMENTS = {
  // The apps of an array of ARNs: the reads of one turn together (batchedReads.ts).
  getApp: `SELECT ${APP_COLUMNS} FROM apps WHERE arn = ANY($1::text[])`,
  lockApp: `SELECT ${APP_COLUMNS} FROM apps WHERE arn = $1 FOR UPDATE`,
  lockLiveApp: "SELECT 1 FROM apps WHERE arn = $1 AND status <> 'Deleted' FOR UPDATE",
  liveApp: "SELECT 1 FROM apps WHERE arn = $1 AND status <> 'Deleted'",
  insertApp: `INSERT INTO apps (${APP_COLUMNS}) VALUES (${placeholders(APP_COLUMN_COUNT)})`,
  saveApp: `UPDATE apps SET (${APP_STATE_COLUMNS}) = (${placeholders(APP_STATE_COLUMN_COUNT)}) WHERE arn = $${APP_STATE_COLUMN_COUNT + 1}`,
  forgetApp: 'DELETE FROM apps WHERE arn = $1',
  // Takes one unit of quota if the account is below $2, creating its row on first use; no row back
  // means the quota is full.
  takeQuota: `INSERT INTO account_usage AS usage (account_id, live_apps) SELECT $1, 1 WHERE $2 > 0
              ON CONFLICT (account_id) DO UPDATE SET live_apps = usage.live_apps + 1 WHERE usage.live_apps < $2
              RETURNING live_apps`,
  liveApps: 'SELECT live_apps FROM account_usage WHERE account_id = $1',
  releaseQuota: 'UPDATE account_usage SET live_apps = live_apps - $2 WHERE account_id = $1',
  listFirst: 'SELECT seq, arn, name, type, status, creation_time FROM apps WHERE account_id = $1 AND region = $2 ORDER BY seq DESC LIMIT $3',
  listBefore: 'SELECT seq, arn, name, type, status, creation_time FROM apps WHERE account_id = $1 AND region = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4',
  findIdempotency: `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency WHERE account_id = $1 AND region = $2 AND operation = $3 AND token = $4`,
  claimIdempotency: `INSERT INTO idempotency (${IDEMPOTENCY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
  upsertTags: `INSERT INTO tags (arn, key, value) SELECT $1, key, value FROM unnest($2::text[], $3::text[]) AS t(key, value)
               ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value`,
  countTagsAfterMerge:
    'SELECT count(*) AS total FROM (SELECT key FROM tags WHERE arn = $1 AND key <> ALL($2::text[]) UNION SELECT unnest($3::text[]) COLLATE "C") AS keys',
  listTags: 'SELECT key, value FROM tags WHERE arn = $1 AND key > $2 ORDER BY key LIMIT $3',
  deleteTags: 'DELETE FROM tags WHERE arn = $1 AND key = ANY($2::text[])',
  deleteAllTags: 'DELETE FROM tags WHERE arn = $1',
  claimDue: `SELECT ${APP_COLUMNS} FROM apps WHERE due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
  nextDue: 'SELECT min(due_at) AS due FROM apps WHERE due_at IS NOT NULL',
  plannedCatalog: 'SELECT catalog FROM maintenance_plan WHERE id = 1 FOR UPDATE',
  planCatalog: 'UPDATE maintenance_plan SET catalog = $1 WHERE id = 1',
  dueForMaintenance: "UPDATE apps SET due_at = $1 WHERE status = 'Available' AND (due_at IS NULL OR due_at > $2)",
  claimBackends: `UPDATE apps SET backend_owner = $1, backend_lease_until = $2, due_at = $5
                  WHERE arn IN (SELECT arn FROM apps WHERE due_at <= $3 AND (backend_owner IS NULL OR backend_owner = $1 OR backend_lease_until < $3)
                                ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED)
                  RETURNING ${APP_COLUMNS}`,
  lockClaimedApp: `SELECT ${APP_COLUMNS} FROM apps WHERE arn = $1 AND backend_owner = $2 FOR UPDATE`,
  renewBackendClaim: 'UPDATE apps SET backend_lease_until = $1 WHERE arn = $2',
  releaseBackends: 'UPDATE apps SET backend_owner = NULL, backend_lease_until = NULL WHERE backend_owner = $1',
  insertRelease: 'INSERT INTO catalog_releases (type, version, entry, released_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
  listReleases: 'SELECT seq, type, version, entry, released_at FROM catalog_releases ORDER BY seq',
  latestRelease: 'SELECT coalesce(max(seq), 0) AS latest FROM catalog_releases',
  // The cut-offs typed: an untyped CASE would make them text.
  purgeIdempotency: `DELETE FROM idempotency WHERE created_at < (CASE WHEN operation = '${CLOUD_CONTROL_IDEMPOTENCY}' THEN $1::bigint ELSE $2::bigint END)`,
  purgeUsedTokens: 'DELETE FROM used_tokens WHERE expires_at < $1',
  purgeRequests: 'DELETE FROM resource_requests WHERE event_time < $1',
  insertRequest: `INSERT INTO resource_requests (${REQUEST_COLUMNS}) VALUES (${placeholders(REQUEST_COLUMNS.split(',').length)})`,
  getRequest: `SELECT seq, ${REQUEST_COLUMNS} FROM resource_requests WHERE token = $1`,
  listRequestsFirst: `SELECT seq, ${REQUEST_COLUMNS} FROM resource_requests WHERE account_id = $1 AND region = $2 ORDER BY seq DESC LIMIT $3`,
  listRequestsBefore: `SELECT seq, ${REQUEST_COLUMNS} FROM resource_requests WHERE account_id = $1 AND region = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4`,
  waitingRequest:
    'SELECT r.token FROM resource_requests r JOIN apps a ON a.arn = r.identifier WHERE r.identifier = $1 AND r.waits_for IS NOT NULL AND r.ended_status IS NULL AND a.status = r.waits_for LIMIT 1',
  cancelRequest: 'UPDATE resource_requests SET cancelled_at = $1 WHERE token = $2 AND cancelled_at IS NULL',
  useToken: 'INSERT INTO used_tokens (token_id, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
  getSecret: 'SELECT value FROM shared_secrets WHERE name = $1',
  insertSecret: 'INSERT INTO shared_secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING',
  ping: 'SELECT 1',
  countByStatus: 'SELECT status, count(*) AS count FROM apps GROUP BY status',
  countBackendsByPhase: "SELECT backend::jsonb ->> 'phase' AS phase, count(*) AS count FROM apps WHERE backend IS NOT NULL GROUP BY phase",
  // One statement for the whole batch: the records are appended together or not at all.
  appendAudit: appendAuditFrom(1),
  listAudit: `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE time >= $1 ORDER BY time DESC, seq DESC LIMIT $2`,
  listAuditOfAccount: `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE account_id = $1 AND time >= $2 ORDER BY time DESC, seq DESC LIMIT $3`,
  armApp: "UPDATE apps SET fail_transition = 1 WHERE arn = $1 AND status NOT IN ('Deleting', 'Deleted')",
  armType: "UPDATE apps SET fail_transition = 1 WHERE type = $1 AND status NOT IN ('Deleting', 'Deleted')",
  armCreate: 'INSERT INTO failing_creates (type) VALUES ($1) ON CONFLICT DO NOTHING',
  consumeFailingCreate: 'DELETE FROM failing_creates WHERE type = $1',
  allApps: `SELECT ${APP_COLUMNS} FROM apps ORDER BY seq`,
  allTags: 'SELECT arn, key, value FROM tags ORDER BY arn, key',
  allIdempotency: `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency`,
  allUsedTokens: 'SELECT token_id, expires_at FROM used_tokens',
  allRequests: `SELECT seq, ${REQUEST_COLUMNS} FROM resource_requests ORDER BY seq`,
  allFailingCreates: 'SELECT type FROM failing_creates ORDER BY type',
  forgetAll: 'TRUNCATE apps, tags, idempotency, account_usage, used_tokens, failing_creates, resource_requests, catalog_releases',
  recountUsage: "INSERT INTO account_usage (account_id, live_apps) SELECT account_id, count(*) FROM apps WHERE status <> 'Deleted' GROUP BY account_id",
  nthOldestAuditTime: 'SELECT time FROM audit_log WHERE time < $1 ORDER BY time LIMIT 1 OFFSET $2',
  countAuditBefore: 'SELECT count(*) AS removed FROM audit_log WHERE time < $1',
  appendPurge: `INSERT INTO audit_log (${AUDIT_COLUMNS}, purged_before, purged_records) VALUES (${placeholders(AUDIT_TYPES.length + 2)})`,
  deleteAuditBefore: 'DELETE FROM audit_log WHERE time < $1',
  addRefusals: `INSERT INTO anonymous_refusals AS kept (minute, source, reason, count)
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[])
                ON CONFLICT (minute, source, reason) DO UPDATE SET count = kept.count + excluded.count`,
  keepNewestRefusals:
    'DELETE FROM anonymous_refusals WHERE (minute, source, reason) IN (SELECT minute, source, reason FROM anonymous_refusals ORDER BY minute DESC, count DESC OFFSET $1)',
  listRefusals: 'SELECT minute, source, reason, count FROM anonymous_refusals ORDER BY minute DESC, count DESC, source, reason LIMIT $1',
} as const satisfies Statements;

/**
 * claimIdempotency as the first parts of a statement (values 1-7, the token NULL when there is
 * none): `go.ok` says whether the statement may go on, the token being claimed or there being none.
 */
const CLAIM_TOKEN = `claimed AS (
    INSERT INTO idempotency (${IDEMPOTENCY_COLUMNS}) SELECT ${placeholders(7)} WHERE $4::text IS NOT NULL ON CONFLICT DO NOTHING RETURNING 1),
  go AS (SELECT $4::text IS NULL OR EXISTS (SELECT FROM claimed) AS ok)`;

const CREATE_APP_FROM = 8;
const afterApp = CREATE_APP_FROM + APP_COLUMN_COUNT;
/** The placeholder of an app column in createApp's values. */
const appValue = (column: string) => `$${APP_COLUMNS.split(',').findIndex((name) => name.trim() === column) + CREATE_APP_FROM}`;
const createAppValues = APP_COLUMNS.split(',').map((column) =>
  column.trim() === 'fail_transition' ? `CASE WHEN EXISTS (SELECT FROM armed) THEN 1 ELSE ${appValue('fail_transition')} END` : appValue(column.trim()),
);

/**
 * A create's writes as one statement, each part the store's statement of that name: claimIdempotency
 * (values 1-7, the token NULL when there is none), consumeFailingCreate and insertApp (the app's
 * columns), takeQuota (the limit), upsertTags (keys, values) and appendAudit (its arrays). One round
 * trip instead of five: node-postgres sends each statement on its own and waits for its answer. Each
 * part runs only if the one before succeeded, in the same order (a CTE runs when first read), so the
 * locks are taken in the order of the separate statements: the token, the app row, the quota row.
 * Answers whether the token was claimed and the quota taken; the caller rolls back unless both.
 */
const CREATE_APP = `WITH ${CLAIM_TOKEN},
  armed AS (DELETE FROM failing_creates WHERE type = ${appValue('type')} AND (SELECT ok FROM go) RETURNING 1),
  app AS (INSERT INTO apps (${APP_COLUMNS}) SELECT ${createAppValues.join(', ')} WHERE (SELECT ok FROM go) RETURNING account_id),
  quota AS (INSERT INTO account_usage AS usage (account_id, live_apps) SELECT account_id, 1 FROM app WHERE $${afterApp} > 0
            ON CONFLICT (account_id) DO UPDATE SET live_apps = usage.live_apps + 1 WHERE usage.live_apps < $${afterApp} RETURNING 1),
  tagged AS (INSERT INTO tags (arn, key, value) SELECT ${appValue('arn')}, key, value FROM unnest($${afterApp + 1}::text[], $${afterApp + 2}::text[]) AS t(key, value)
             WHERE EXISTS (SELECT FROM quota) ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value),
  audited AS (${appendAuditFrom(afterApp + 3)} WHERE EXISTS (SELECT FROM quota))
SELECT (SELECT ok FROM go) AS claimed, EXISTS (SELECT FROM quota) AS "quotaTaken"`;

/**
 * An update's (or a delete's) claimIdempotency and lockApp ($8) as one statement: the app's row is
 * locked only once the token is claimed (the lateral join reads the claim first), so the locks are
 * taken in the separate statements' order. Always one row: whether the statement went on (the token
 * claimed, or none given), and the app's columns, NULL when it was not locked or does not exist.
 */
const CLAIM_AND_LOCK_APP = `WITH ${CLAIM_TOKEN}
SELECT go.ok AS claimed, app.* FROM go LEFT JOIN LATERAL (SELECT ${APP_COLUMNS} FROM apps WHERE arn = $8 AND go.ok FOR UPDATE) app ON true`;

/** saveApp and appendAudit (from the value after saveApp's) as one statement: a data-modifying CTE runs whether read or not. */
const SAVE_AND_AUDIT = `WITH saved AS (${POSTGRES_STATEMENTS.saveApp}) ${appendAuditFrom(APP_STATE_COLUMN_COUNT + 2)}`;

/** PostgreSQL's own statements, run the same way (runOwnStatement). */
export const POSTGRES_ONLY_STATEMENTS = {
  // Replicas purging the audit log at the same moment take turns (SQLite's write transaction already excludes the others).
  lockPurge: "SELECT pg_advisory_xact_lock(hashtext('partnerplane audit purge ' || current_schema()))",
  createApp: CREATE_APP,
  claimAndLockApp: CLAIM_AND_LOCK_APP,
  saveAndAudit: SAVE_AND_AUDIT,
} as const;
export type PostgresOnlyStatement = keyof typeof POSTGRES_ONLY_STATEMENTS;

/** Runs a statement by name: a named statement, parsed once per connection. */
export function runStatement<R extends pg.QueryResultRow = Record<string, unknown>>(db: pg.Pool | pg.PoolClient, statement: StatementName, values: unknown[]): Promise<pg.QueryResult<R>> {
  return db.query<R>({ name: statement, text: POSTGRES_STATEMENTS[statement], values });
}

/** Runs one of PostgreSQL's own statements by name, as runStatement does. */
export function runOwnStatement<R extends pg.QueryResultRow = Record<string, unknown>>(db: pg.PoolClient, statement: PostgresOnlyStatement, values: unknown[]): Promise<pg.QueryResult<R>> {
  return db.query<R>({ name: statement, text: POSTGRES_ONLY_STATEMENTS[statement], values });
}
