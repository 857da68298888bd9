/**
 * The statements both stores run, by name. Each dialect gives every name its SQL
 * (sqliteStatements.ts, postgresStatements.ts), so that the two stores stay parallel: how they
 * write differs (SQLite's group commit, PostgreSQL's row locks, claims and retries), what they ask
 * the database does not. test/store/statements.test.ts holds both to the same names and tables.
 */
export const STATEMENT_NAMES = [
  // apps
  /** The app of an ARN (PostgreSQL: the apps of an array of ARNs, read together). */
  'getApp',
  /** The app, locked for the transaction (SQLite's write transaction locks the whole database). */
  'lockApp',
  /** 1 if the app exists and is not Deleted, locked for the transaction. */
  'lockLiveApp',
  'liveApp',
  'insertApp',
  'saveApp',
  'forgetApp',
  'listFirst',
  'listBefore',
  // the account quota
  'takeQuota',
  'liveApps',
  'releaseQuota',
  // client tokens
  'findIdempotency',
  /** Inserts the record unless its token has one already. */
  'claimIdempotency',
  // tags: keys and values as arrays (SQLite: JSON text)
  'upsertTags',
  /** The app's tag count once the keys given second are removed and those given third merged. */
  'countTagsAfterMerge',
  'listTags',
  'deleteTags',
  'deleteAllTags',
  // the reconciler
  'claimDue',
  'nextDue',
  /** The catalog fingerprint maintenance was last planned with (PostgreSQL: its row locked). */
  'plannedCatalog',
  'planCatalog',
  /** Every Available app due now (first value), unless due sooner (second), to plan its maintenance again. */
  'dueForMaintenance',
  /** Due apps no other replica's claim holds, claimed: values owner, lease end, now, limit. */
  'claimBackends',
  /** The app, if `owner` holds its backend claim, locked for the transaction. */
  'lockClaimedApp',
  'renewBackendClaim',
  'releaseBackends',
  // versions released at runtime (the admin API)
  /** Inserts the release unless its type has that version released already. */
  'insertRelease',
  'listReleases',
  'latestRelease',
  /** Client tokens past their time: Cloud Control's (first value) and the SageMaker API's (second). */
  'purgeIdempotency',
  'purgeUsedTokens',
  'purgeRequests',
  // Cloud Control's resource requests
  'insertRequest',
  'getRequest',
  'listRequestsFirst',
  'listRequestsBefore',
  /** The token of a request still waiting on a transition of the app. */
  'waitingRequest',
  'cancelRequest',
  // single-use tokens, shared secrets, health, metrics
  'useToken',
  'getSecret',
  'insertSecret',
  'ping',
  'countByStatus',
  'countBackendsByPhase',
  // the audit log
  'appendAudit',
  'listAudit',
  'listAuditOfAccount',
  // the admin API
  'armApp',
  'armType',
  'armCreate',
  'consumeFailingCreate',
  'allApps',
  'allTags',
  'allIdempotency',
  'allUsedTokens',
  'allFailingCreates',
  /** Every resource request, oldest first. */
  'allRequests',
  'forgetAll',
  'recountUsage',
  // the audit retention and anonymous refusals (counts as arrays; SQLite: JSON text)
  'nthOldestAuditTime',
  'countAuditBefore',
  'appendPurge',
  'deleteAuditBefore',
  'addRefusals',
  'keepNewestRefusals',
  'listRefusals',
] as const;

export type StatementName = (typeof STATEMENT_NAMES)[number];

/** A dialect's SQL for every statement. */
export type Statements = Readonly<Record<StatementName, string>>;

export const IDEMPOTENCY_COLUMNS = 'account_id, region, operation, token, request_hash, response, created_at';
