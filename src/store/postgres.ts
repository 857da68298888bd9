/**
 * PostgreSQL, for several replicas sharing one database. Every rule that must hold across replicas
 * is settled by the database inside one transaction:
 * - a ClientToken is claimed first, by inserting its idempotency record: a concurrent request with
 *   the same token waits on that row and then replays the winner's answer;
 * - a live Name is claimed by the partial unique index apps_live_name;
 * - the account quota is one conditional upsert of account_usage;
 * - Update, Delete and tag writes lock the app's row, so they see each other's results;
 * - the reconciler claims due apps with FOR UPDATE SKIP LOCKED, so each transition is applied by one
 *   replica; a replica that dies mid-transaction has its transaction rolled back and the apps
 *   become claimable again.
 */
import pg from 'pg';
import type { BackendPhase, PartnerApp, PartnerAppStatus, Tag } from '../domain/partnerApp.js';
import type { Logger } from '../logger.js';
import { historyTable, pendingMigrations, type Migration } from './migrations/migration.js';
import { postgresMigrations } from './migrations/postgres/index.js';
import { auditFromRow, auditToRow, type AuditRow } from './auditRows.js';
import { pageOf, rowsForPage } from './paging.js';
import * as retention from './postgresRetention.js';
import { BatchedReads } from './batchedReads.js';
import { AUDIT_TYPES, runOwnStatement as runOwn, runStatement as run } from './postgresStatements.js';
import { idempotencyFromRow, snapshotFromRows, type IdempotencyRow, type StateRows } from './stateRows.js';
import { requestFromRow, requestToRow, type RequestRow } from './requestRows.js';
import { releaseFromRow, type ReleaseRow } from './releaseRows.js';
import { CLOUD_CONTROL_TOKEN_TTL_MS, RESOURCE_REQUEST_RETENTION_MS, type ResourceRequest } from '../domain/resourceRequests.js';
import { appFromRow, appStateToRow, appToRow, summaryFromRow, tagColumns, type AppRow, type SummaryRow } from './rows.js';
import {
  type AuditQuery,
  type AuditRecord,
  type CatalogRelease,
  type DueOutcome,
  type FailureTarget,
  type IdempotencyKey,
  type IdempotencyRecord,
  type NewApp,
  type Page,
  type RefusalCount,
  type StateSnapshot,
  type Store,
  type TagWriteOutcome,
  type TransitionStart,
  type WriteOutcome,
  transitionStarted,
} from './store.js';

type Db = pg.Pool | pg.PoolClient;

const INT8_OID = 20;
/** BIGINT columns hold epoch milliseconds, sequence numbers and counts, all far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

const UNIQUE_VIOLATION = '23505';
/** Failures after which the whole transaction can simply run again. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const MAX_ATTEMPTS = 3;

const isDatabaseError = (error: unknown, code: string, constraint?: string): boolean =>
  error instanceof pg.DatabaseError && error.code === code && (constraint === undefined || error.constraint === constraint);

/** Ends a transaction early with ROLLBACK and makes `outcome` its result. */
class Rollback<T> {
  constructor(readonly outcome: T) {}
}
const rollback = <T>(outcome: T): never => {
  throw new Rollback(outcome);
};



/** An idempotency record's values in IDEMPOTENCY_COLUMNS order. */
const idempotencyValues = ({ accountId, region, operation, token, requestHash, response, createdAt }: IdempotencyRecord): unknown[] => [accountId, region, operation, token, requestHash, response, createdAt];
/** No token: nothing is claimed. */
const NO_IDEMPOTENCY: unknown[] = Array.from({ length: 7 }, () => null);
/** The claim's values (CLAIM_TOKEN in postgresStatements.ts): the record's, or NULLs when there is no token. */
const claimValues = (record: IdempotencyRecord | undefined): unknown[] => (record ? idempotencyValues(record) : NO_IDEMPOTENCY);

/** The records given (an absent one skipped) as one array per audit column, as appendAudit takes them. */
const auditColumns = (records: readonly (AuditRecord | undefined)[]): unknown[][] => {
  const rows = records.flatMap((record) => (record ? [auditToRow(record)] : []));
  return AUDIT_TYPES.map((_, column) => rows.map((row) => row[column]));
};

/** Serialises migration runs of every process on the same schema, whichever starts first. */
const MIGRATION_LOCK = "SELECT pg_advisory_lock(hashtext('partnerplane migrations ' || current_schema()))";
const MIGRATION_UNLOCK = "SELECT pg_advisory_unlock(hashtext('partnerplane migrations ' || current_schema()))";

/**
 * Applies the migrations this database lacks, each in its own transaction, while holding an
 * advisory lock so that replicas starting together migrate one at a time (the others then find
 * nothing left to do). Returns the versions applied.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[] = postgresMigrations): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query(MIGRATION_LOCK);
    try {
      await client.query(historyTable('BIGINT'));
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const pending = pendingMigrations(migrations, rows.map((row) => row.version));
      const applied: number[] = [];
      for (const migration of pending) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await client.query(MIGRATION_UNLOCK);
    }
  } finally {
    client.release();
  }
}

/** `databaseUrl` with every connection's transactions read-only: the database itself refuses a reader's writes. */
function readOnlyUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `${url.searchParams.get('options') ?? ''} -c default_transaction_read_only=on`.trim());
  return url.toString();
}

export function createPostgresPool(databaseUrl: string, logger?: Logger, { readOnly = false } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: readOnly ? readOnlyUrl(databaseUrl) : databaseUrl, application_name: 'partnerplane', types, connectionTimeoutMillis: 10_000 });
  // An idle connection can break (database restart, network); the pool drops it and the next
  // query opens a new one. Without a listener the error would end the process.
  pool.on('error', (error) => logger?.warn({ err: error }, 'idle PostgreSQL connection failed'));
  return pool;
}

/**
 * A store that can only read (`partnerplane audit`): its connections are read-only and the schema
 * is neither created nor migrated. Undefined when the database has no partnerplane schema.
 */
export async function openPostgresReader(databaseUrl: string): Promise<PostgresStore | undefined> {
  const pool = createPostgresPool(databaseUrl, undefined, { readOnly: true });
  try {
    const { rows } = await pool.query<{ table: string | null; readOnly: string }>(
      "SELECT to_regclass('audit_log')::text AS table, current_setting('transaction_read_only') AS \"readOnly\"",
    );
    if (rows[0]?.readOnly !== 'on') throw new Error('the PostgreSQL connection did not become read-only');
    if (rows[0].table) return new PostgresStore(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  await pool.end();
  return undefined;
}

export async function openPostgresStore(databaseUrl: string, logger?: Logger): Promise<PostgresStore> {
  const pool = createPostgresPool(databaseUrl, logger);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresStore(pool);
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;

  private readonly appReads = new BatchedReads<string, PartnerApp>((arns) => this.readApps(arns));

  constructor(private readonly pool: pg.Pool) {}

  /**
   * Runs `work` in one transaction on one connection. A Rollback thrown by `work` rolls back and
   * becomes the result; a deadlock or serialization failure runs the whole transaction again.
   */
  private async transaction<T>(work: (db: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(begin);
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        if (error instanceof Rollback) return error.outcome as T;
        const retry = attempt < MAX_ATTEMPTS && error instanceof pg.DatabaseError && RETRYABLE.has(error.code ?? '');
        if (!retry) throw error;
      } finally {
        // A connection that could not even roll back is not given to the next request.
        client.release(broken);
      }
    }
  }

  async sharedSecret(name: string, create: () => string): Promise<string> {
    await run(this.pool, 'insertSecret', [name, create()]);
    const { rows } = await run<{ value: string }>(this.pool, 'getSecret', [name]);
    return rows[0]!.value;
  }

  findIdempotency(key: IdempotencyKey): Promise<IdempotencyRecord | undefined> {
    return this.readIdempotency(this.pool, key);
  }

  private async readIdempotency(db: Db, key: IdempotencyKey): Promise<IdempotencyRecord | undefined> {
    const { rows } = await run<IdempotencyRow>(db, 'findIdempotency', [key.accountId, key.region, key.operation, key.token]);
    return rows[0] && idempotencyFromRow(rows[0]);
  }

  /**
   * Claims the token for this transaction by inserting its record. If another request holds it,
   * the insert waits for that request's transaction; the record is then returned when it committed.
   */
  private async claimToken(db: pg.PoolClient, record: IdempotencyRecord | undefined): Promise<void> {
    if (!record) return;
    const claimed = await run(db, 'claimIdempotency', idempotencyValues(record));
    if (claimed.rowCount !== 1) await this.replay(db, record);
  }

  /** Rolls back with the record of the request that claimed this token first (its transaction has ended). */
  private async replay(db: pg.PoolClient, record: IdempotencyRecord): Promise<never> {
    // A new statement sees the competing transaction's committed record.
    const prior = await this.readIdempotency(db, record);
    // Only a purge between the two statements could make the record vanish; let the client retry.
    if (!prior) throw new Error(`idempotency record for token ${record.token} vanished while it was being replayed`);
    return rollback<WriteOutcome>({ outcome: 'replay', record: prior });
  }

  /** Removes then merges tags of an app whose row this transaction has locked; false (nothing changed) if it would exceed maxTags. */
  private async mergeTags(db: pg.PoolClient, arn: string, tags: Tag[], maxTags: number, removeKeys: readonly string[] = []): Promise<boolean> {
    const [keys, values] = tagColumns(tags);
    const { rows } = await run<{ total: number }>(db, 'countTagsAfterMerge', [arn, removeKeys, keys]);
    if (rows[0]!.total > maxTags) return false;
    if (removeKeys.length > 0) await run(db, 'deleteTags', [arn, removeKeys]);
    await run(db, 'upsertTags', [arn, keys, values]);
    return true;
  }

  private async insertRequest(db: Db, request: ResourceRequest | undefined): Promise<void> {
    if (request) await run(db, 'insertRequest', requestToRow(request));
  }

  /** All of a create's writes but a Cloud Control request in one statement (POSTGRES_ONLY_STATEMENTS.createApp). */
  createApp(request: NewApp): Promise<WriteOutcome> {
    return this.transaction(async (db): Promise<WriteOutcome> => {
      const { app, idempotency } = request;
      const values = [
        ...claimValues(idempotency),
        ...appToRow(app),
        request.maxAppsPerAccount,
        ...tagColumns(request.tags),
        ...auditColumns([request.audit]),
      ];
      const { rows } = await runOwn<{ claimed: boolean; quotaTaken: boolean }>(db, 'createApp', values).catch((error: unknown) => {
        if (isDatabaseError(error, UNIQUE_VIOLATION, 'apps_live_name')) rollback<WriteOutcome>({ outcome: 'name-taken' });
        throw error;
      });
      if (!rows[0]!.claimed) await this.replay(db, idempotency!);
      if (!rows[0]!.quotaTaken) {
        const { rows: usage } = await run<{ live_apps: number }>(db, 'liveApps', [app.accountId]);
        rollback<WriteOutcome>({ outcome: 'quota-exceeded', liveApps: usage[0]?.live_apps ?? 0 });
      }
      await this.insertRequest(db, request.resourceRequest);
      return { outcome: 'done' };
    });
  }

  /** Four round trips: BEGIN, the token claimed and the app locked (claimAndLockApp), the app saved and audited (saveAndAudit), COMMIT. */
  startTransition(request: TransitionStart): Promise<WriteOutcome> {
    return this.transaction(async (db): Promise<WriteOutcome> => {
      const { idempotency } = request;
      const { rows } = await runOwn<AppRow & { claimed: boolean }>(db, 'claimAndLockApp', [...claimValues(idempotency), request.arn]);
      const row = rows[0]!;
      if (!row.claimed) await this.replay(db, idempotency!);
      if (row.arn === null || row.status === 'Deleted') return rollback<WriteOutcome>({ outcome: 'not-found' });
      const app = appFromRow(row);
      if (!request.from.includes(app.status)) return rollback<WriteOutcome>({ outcome: 'wrong-state', status: app.status });
      if ((request.tags || request.removeTagKeys) && !(await this.mergeTags(db, app.arn, request.tags ?? [], request.maxTags, request.removeTagKeys))) {
        return rollback<WriteOutcome>({ outcome: 'too-many-tags' });
      }
      const started = transitionStarted(app, request);
      await runOwn(db, 'saveAndAudit', [...appStateToRow(started), started.arn, ...auditColumns([request.audit])]);
      await this.insertRequest(db, request.resourceRequest);
      return { outcome: 'done' };
    });
  }

  private async save(db: pg.PoolClient, app: PartnerApp): Promise<void> {
    await run(db, 'saveApp', [...appStateToRow(app), app.arn]);
  }

  getApp(arn: string): Promise<PartnerApp | undefined> {
    return this.appReads.get(arn);
  }

  /** The apps of `arns` that exist, by ARN: the reads of one turn (batchedReads.ts). */
  private async readApps(arns: string[]): Promise<Map<string, PartnerApp>> {
    const { rows } = await run<AppRow>(this.pool, 'getApp', [arns]);
    return new Map(rows.map((row) => [row.arn, appFromRow(row)]));
  }

  async listApps(accountId: string, region: string, page: { before?: number; limit: number }) {
    const limit = rowsForPage(page.limit);
    const { rows } =
      page.before === undefined
        ? await run<SummaryRow>(this.pool, 'listFirst', [accountId, region, limit])
        : await run<SummaryRow>(this.pool, 'listBefore', [accountId, region, page.before, limit]);
    return pageOf(rows, page.limit, summaryFromRow, (row) => row.seq);
  }

  addTags(arn: string, tags: Tag[], maxTags: number, audit?: AuditRecord): Promise<TagWriteOutcome> {
    return this.transaction(async (db): Promise<TagWriteOutcome> => {
      if ((await run(db, 'lockLiveApp', [arn])).rowCount === 0) return 'not-found';
      if (!(await this.mergeTags(db, arn, tags, maxTags))) return rollback<TagWriteOutcome>('too-many');
      await this.appendAuditRecords(db, [audit]);
      return 'done';
    });
  }

  async listTags(arn: string, page: { after?: string; limit: number }): Promise<Page<Tag, string> | undefined> {
    if ((await run(this.pool, 'liveApp', [arn])).rowCount === 0) return undefined;
    const { rows } = await run<{ key: string; value: string }>(this.pool, 'listTags', [arn, page.after ?? '', rowsForPage(page.limit)]);
    return pageOf(rows, page.limit, (row) => ({ Key: row.key, Value: row.value }), (row) => row.key);
  }

  deleteTags(arn: string, keys: string[], audit?: AuditRecord): Promise<'done' | 'not-found'> {
    return this.transaction(async (db) => {
      if ((await run(db, 'lockLiveApp', [arn])).rowCount === 0) return 'not-found' as const;
      await run(db, 'deleteTags', [arn, keys]);
      await this.appendAuditRecords(db, [audit]);
      return 'done' as const;
    });
  }

  runDueTransitions(now: number, limit: number, advance: (app: PartnerApp) => DueOutcome): Promise<number> {
    return this.transaction(async (db) => {
      const { rows } = await run<AppRow>(db, 'claimDue', [now, limit]);
      const released = new Map<string, number>();
      const audits: (AuditRecord | undefined)[] = [];
      for (const app of rows.map(appFromRow)) {
        const next = advance(app);
        if (next.kind === 'save') audits.push(next.audit);
        if (await this.apply(db, app, next)) released.set(app.accountId, (released.get(app.accountId) ?? 0) + 1);
      }
      await this.appendAuditRecords(db, audits);
      // Quota rows in one order in every replica, so two reconcilers never wait on each other.
      for (const accountId of [...released.keys()].sort()) await run(db, 'releaseQuota', [accountId, released.get(accountId)]);
      return rows.length;
    });
  }

  /** Saves or forgets what the reconciler decided for an app; true when it was just deleted (its quota is to be given back). */
  private async apply(db: pg.PoolClient, app: PartnerApp, next: DueOutcome): Promise<boolean> {
    if (next.kind === 'forget') {
      await run(db, 'forgetApp', [app.arn]);
      await run(db, 'deleteAllTags', [app.arn]);
      return false;
    }
    await this.save(db, next.app);
    return next.app.status === 'Deleted' && app.status !== 'Deleted';
  }

  async claimBackends(owner: string, now: number, leaseUntil: number, nextLookAt: number, limit: number): Promise<PartnerApp[]> {
    const { rows } = await run<AppRow>(this.pool, 'claimBackends', [owner, leaseUntil, now, limit, nextLookAt]);
    return rows.map(appFromRow);
  }

  settleBackend(arn: string, owner: string, leaseUntil: number, decide: (app: PartnerApp) => DueOutcome): Promise<PartnerApp | undefined> {
    return this.transaction(async (db) => {
      const { rows } = await run<AppRow>(db, 'lockClaimedApp', [arn, owner]);
      if (!rows[0]) return undefined;
      const app = appFromRow(rows[0]);
      const next = decide(app);
      if (await this.apply(db, app, next)) await run(db, 'releaseQuota', [app.accountId, 1]);
      if (next.kind === 'save') await this.appendAuditRecords(db, [next.audit]);
      if (next.kind === 'forget') return undefined;
      await run(db, 'renewBackendClaim', [leaseUntil, arn]);
      return next.app;
    });
  }

  async releaseBackends(owner: string): Promise<void> {
    await run(this.pool, 'releaseBackends', [owner]);
  }

  async nextDueAt(): Promise<number | undefined> {
    const { rows } = await run<{ due: number | null }>(this.pool, 'nextDue', []);
    return rows[0]?.due ?? undefined;
  }

  replanMaintenance(catalog: string, now: number, force = false): Promise<number> {
    return this.transaction(async (db) => {
      if ((await run<{ catalog: string }>(db, 'plannedCatalog', [])).rows[0]?.catalog === catalog && !force) return 0;
      await run(db, 'planCatalog', [catalog]);
      return (await run(db, 'dueForMaintenance', [now, now])).rowCount ?? 0;
    });
  }

  async releaseVersion({ type, version, entry, releasedAt }: Omit<CatalogRelease, 'seq'>): Promise<boolean> {
    return (await run(this.pool, 'insertRelease', [type, version, entry, releasedAt])).rowCount === 1;
  }

  async listReleases(): Promise<CatalogRelease[]> {
    return (await run<ReleaseRow>(this.pool, 'listReleases', [])).rows.map(releaseFromRow);
  }

  async latestRelease(): Promise<number> {
    return (await run<{ latest: number }>(this.pool, 'latestRelease', [])).rows[0]!.latest;
  }

  async purgeExpired(now: number, idempotencyBefore: number): Promise<void> {
    await run(this.pool, 'purgeIdempotency', [now - CLOUD_CONTROL_TOKEN_TTL_MS, idempotencyBefore]);
    await run(this.pool, 'purgeUsedTokens', [now]);
    await run(this.pool, 'purgeRequests', [now - RESOURCE_REQUEST_RETENTION_MS]);
  }

  putResourceRequest(request: ResourceRequest, idempotency?: IdempotencyRecord): Promise<WriteOutcome> {
    return this.transaction(async (db): Promise<WriteOutcome> => {
      await this.claimToken(db, idempotency);
      await this.insertRequest(db, request);
      return { outcome: 'done' };
    });
  }

  async getResourceRequest(token: string): Promise<ResourceRequest | undefined> {
    const { rows } = await run<RequestRow>(this.pool, 'getRequest', [token]);
    return rows[0] && requestFromRow(rows[0]);
  }

  async listResourceRequests(accountId: string, region: string, page: { before?: number; limit: number }): Promise<Page<ResourceRequest, number>> {
    const limit = rowsForPage(page.limit);
    const { rows } =
      page.before === undefined
        ? await run<RequestRow>(this.pool, 'listRequestsFirst', [accountId, region, limit])
        : await run<RequestRow>(this.pool, 'listRequestsBefore', [accountId, region, page.before, limit]);
    return pageOf(rows, page.limit, requestFromRow, (row) => Number(row.seq));
  }

  async waitingResourceRequest(arn: string): Promise<string | undefined> {
    const { rows } = await run<{ token: string }>(this.pool, 'waitingRequest', [arn]);
    return rows[0]?.token;
  }

  cancelResourceRequest(token: string, now: number, audit?: AuditRecord): Promise<boolean> {
    return this.transaction(async (db) => {
      if ((await run(db, 'cancelRequest', [now, token])).rowCount !== 1) return false;
      await this.appendAuditRecords(db, [audit]);
      return true;
    });
  }

  async consumeOnce(tokenId: string, expiresAt: number): Promise<boolean> {
    return (await run(this.pool, 'useToken', [tokenId, expiresAt])).rowCount === 1;
  }

  async ping(): Promise<void> {
    await run(this.pool, 'ping', []);
  }

  async countAppsByStatus(): Promise<Partial<Record<PartnerAppStatus, number>>> {
    const { rows } = await run<{ status: PartnerAppStatus; count: number }>(this.pool, 'countByStatus', []);
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  }

  async countBackendsByPhase(): Promise<Partial<Record<BackendPhase, number>>> {
    const { rows } = await run<{ phase: BackendPhase; count: number }>(this.pool, 'countBackendsByPhase', []);
    return Object.fromEntries(rows.map((row) => [row.phase, row.count]));
  }

  appendAudit(records: readonly AuditRecord[]): Promise<void> {
    return this.appendAuditRecords(this.pool, records);
  }

  /** Appends the records given (an absent one is skipped) with one statement. */
  private async appendAuditRecords(db: Db, records: readonly (AuditRecord | undefined)[]): Promise<void> {
    if (records.some(Boolean)) await run(db, 'appendAudit', auditColumns(records));
  }

  async listAudit(query: AuditQuery): Promise<AuditRecord[]> {
    const since = query.since ?? 0;
    const { rows } =
      query.accountId === undefined
        ? await run<AuditRow>(this.pool, 'listAudit', [since, query.limit])
        : await run<AuditRow>(this.pool, 'listAuditOfAccount', [query.accountId, since, query.limit]);
    return rows.map(auditFromRow);
  }

  purgeAudit(before: number, maxRecords: number, purge: (removed: number, purgedBefore: number) => AuditRecord): Promise<number> {
    return this.transaction((db) => retention.purgeAudit(db, before, maxRecords, purge));
  }

  addRefusals(counts: readonly RefusalCount[], maxRows: number): Promise<void> {
    return this.transaction((db) => retention.addRefusals(db, counts, maxRows));
  }

  listRefusals(limit: number): Promise<RefusalCount[]> {
    return retention.listRefusals(this.pool, limit);
  }

  async reset(): Promise<void> {
    await run(this.pool, 'forgetAll', []);
  }

  exportState(): Promise<StateSnapshot> {
    // One snapshot for every query, so the export is consistent while replicas keep writing.
    return this.transaction(async (db): Promise<StateSnapshot> => {
      return snapshotFromRows({
        apps: (await run<AppRow>(db, 'allApps', [])).rows,
        tags: (await run<StateRows['tags'][number]>(db, 'allTags', [])).rows,
        idempotency: (await run<IdempotencyRow>(db, 'allIdempotency', [])).rows,
        usedTokens: (await run<StateRows['usedTokens'][number]>(db, 'allUsedTokens', [])).rows,
        failingCreates: (await run<{ type: string }>(db, 'allFailingCreates', [])).rows.map((row) => row.type),
        requests: (await run<RequestRow>(db, 'allRequests', [])).rows,
      });
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  importState(snapshot: StateSnapshot): Promise<void> {
    return this.transaction(async (db) => {
      await run(db, 'forgetAll', []);
      for (const { app, tags } of snapshot.apps) {
        await run(db, 'insertApp', appToRow(app));
        if (tags.length > 0) await run(db, 'upsertTags', [app.arn, ...tagColumns(tags)]);
      }
      for (const record of snapshot.idempotency) await run(db, 'claimIdempotency', idempotencyValues(record));
      for (const token of snapshot.usedTokens) await run(db, 'useToken', [token.tokenId, token.expiresAt]);
      for (const type of snapshot.failingCreates) await run(db, 'armCreate', [type]);
      for (const request of snapshot.resourceRequests) await this.insertRequest(db, request);
      await run(db, 'recountUsage', []);
    });
  }

  armFailure(target: FailureTarget): Promise<number> {
    return this.transaction(async (db) => {
      if ('arn' in target) return (await run(db, 'armApp', [target.arn])).rowCount ?? 0;
      // Arm the next create before the existing apps: the same lock order as createApp.
      await run(db, 'armCreate', [target.type]);
      return (await run(db, 'armType', [target.type])).rowCount ?? 0;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
