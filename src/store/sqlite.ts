/**
 * The embedded default: one SQLite file in WAL mode. Every write goes through the group commit,
 * which answers it only once the WAL holding it is flushed to disk (walSync.ts: commits run with
 * synchronous=NORMAL and the flush runs off the event loop). A reader may see a committed write a
 * moment before that flush ends; the write's own caller, and a retry of it, are answered after.
 * Checkpoints run on a worker thread (checkpointer.ts). better-sqlite3 is synchronous, so each
 * method runs its whole transaction without yielding, which makes it atomic within this process.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BackendPhase, PartnerApp, PartnerAppStatus, PartnerAppSummary, Tag } from '../domain/partnerApp.js';
import { ConfigError } from '../config.js';
import type { Logger } from '../logger.js';
import { AppCache } from './appCache.js';
import { Checkpointer } from './checkpointer.js';
import { OffLoopReads } from './offLoopReads.js';
import { GroupCommit } from './groupCommit.js';
import { walFileOf, WalSync, type SyncableFile } from './walSync.js';
import { historyTable, pendingMigrations, type Migration } from './migrations/migration.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';
import { KEY_HASH_FUNCTION } from './migrations/sqlite/008_idempotency_by_key_hash.js';
import { idempotencyKeyHash } from './idempotencyKeys.js';
import { auditFromRow, auditToRow, type AuditRow } from './auditRows.js';
import { pageOf, rowsForPage } from './paging.js';
import * as retention from './sqliteRetention.js';
import { prepareStatements, preparedWhenUsed, SQLITE_ONLY_STATEMENTS, SQLITE_STATEMENTS, type PreparedStatements } from './sqliteStatements.js';
import { idempotencyFromRow, snapshotFromRows, type IdempotencyRow, type StateRows } from './stateRows.js';
import { appFromValues, appStateToRow, appToRow, summaryFromRow, tagColumns, type SummaryRow } from './rows.js';
import { requestFromRow, requestToRow, type RequestRow } from './requestRows.js';
import { releaseFromRow, type ReleaseRow } from './releaseRows.js';
import { CLOUD_CONTROL_TOKEN_TTL_MS, RESOURCE_REQUEST_RETENTION_MS, type ResourceRequest } from '../domain/resourceRequests.js';
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


export function sqlitePathFrom(databaseUrl: string | undefined, dataDir: string): string {
  if (databaseUrl?.startsWith('sqlite:')) return databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return path.join(dataDir, 'partnerplane.sqlite');
}

/** The SQL functions the migrations call, on the connection that applies them. */
export function addMigrationFunctions(db: Database.Database): void {
  db.function(KEY_HASH_FUNCTION, { deterministic: true }, (accountId, region, operation, token) =>
    idempotencyKeyHash({ accountId, region, operation, token } as IdempotencyKey),
  );
}

/** Applies the migrations this database lacks (migrations/migration.ts); returns the versions applied. */
function migrate(db: Database.Database, migrations: readonly Migration[]): number[] {
  db.exec(historyTable('INTEGER'));
  addMigrationFunctions(db);
  const pending = pendingMigrations(migrations, db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const newlyApplied: number[] = [];
  for (const migration of pending) {
    // Checked again under the write lock: another process may have applied it meanwhile.
    const ran = db.transaction(() => {
      if (isApplied.get(migration.version)) return false;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      return true;
    }).immediate();
    if (ran) newlyApplied.push(migration.version);
  }
  return newlyApplied;
}

function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Until the store takes over (its writes are flushed by the group commit), every commit, the
  // migrations' among them, is flushed as it is made.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // Savepoints (each write of a group that is run again, groupCommit.ts) journal the pages they
  // change; kept in a file, that journal was a large part of a write's work, and it is never
  // needed after a crash.
  db.pragma('temp_store = MEMORY');
  // No memory map (mmap_size): every page read through one stays in the process's resident memory,
  // the whole file once every app has been read; read with pread, pages beyond SQLite's own cache
  // (2 MB, an eighth of the default) live in the kernel's (docs/performance.md).
  db.pragma('cache_size = -2000');
  return db;
}

/**
 * Makes this process the only server of the database for as long as it holds the returned handle:
 * an exclusive lock on a file beside the database, which the system releases when the process ends,
 * however it ends. A second server on the same database would change apps behind the first one's
 * AppCache; it is refused instead (several servers share PostgreSQL, not a SQLite file).
 */
function holdForServing(file: string): Database.Database {
  const lockFile = `${file}-serving`;
  const lock = new Database(lockFile, { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    // In exclusive locking mode the lock a write transaction takes is kept until the handle closes.
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    // A setting to change (another --data-dir or --database-url), or a server to stop first.
    throw new ConfigError(`${file} is being served by another partnerplane server (it holds ${lockFile}); one SQLite database serves one server, several share PostgreSQL`);
  }
}

export interface SqliteOpenOptions {
  /** Serve the database: hold it against other servers, and read apps through an AppCache. */
  serving?: boolean;
  logger?: Logger;
}

/**
 * A store that can only read an existing database (`partnerplane audit`): nothing is created,
 * migrated or checkpointed. Undefined when `file` holds no partnerplane database.
 */
export function openSqliteReader(file: string): SqliteStore | undefined {
  if (!fs.existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const hasSchema = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").pluck().get();
    if (!hasSchema) {
      db.close();
      return undefined;
    }
    return new SqliteStore(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

export function openSqliteStore(file: string, options: SqliteOpenOptions = {}): SqliteStore {
  const db = openDatabase(file);
  let servingLock: Database.Database | undefined;
  try {
    if (options.serving && !db.memory) servingLock = holdForServing(file);
    migrate(db, sqliteMigrations);
    return new SqliteStore(db, { logger: options.logger, servingLock, appCache: options.serving ? new AppCache() : undefined });
  } catch (error) {
    servingLock?.close();
    db.close();
    throw error;
  }
}

/** Brings the database file's schema up to date (`partnerplane migrate`); returns the versions applied. */
export function migrateSqlite(file: string): number[] {
  const db = openDatabase(file);
  try {
    return migrate(db, sqliteMigrations);
  } finally {
    db.close();
  }
}

const summaryRow = ([seq, arn, name, type, status, creation_time]: SummaryValues): SummaryRow => ({ seq, arn, name, type, status, creation_time });
type SummaryValues = [number, string, string, string, string, number];

/** Tags as the statements take them: a JSON array of their keys, and one of [key, value] pairs. */
function tagsAsJson(tags: Tag[]): { keys: string; pairs: string } {
  const [keys, values] = tagColumns(tags);
  return { keys: JSON.stringify(keys), pairs: JSON.stringify(keys.map((key, index) => [key, values[index]])) };
}

/** An in-memory database has no file to flush. */
const IN_MEMORY: SyncableFile = { sync: async () => undefined, close: async () => undefined };

interface SqliteStoreParts {
  logger?: Logger;
  /** Held while serving (holdForServing), released on close. */
  servingLock?: Database.Database;
  /** Only with the serving lock: nothing else then changes the apps table. */
  appCache?: AppCache;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly statements: PreparedStatements;
  private readonly nameTaken: Database.Statement;
  private readonly markGone: Database.Statement;
  private readonly writes: GroupCommit;
  private readonly wal: WalSync;
  private readonly checkpointer: Checkpointer | undefined;
  /** Reads that scan the apps table; an in-memory database, which no other connection can open, is read here. */
  private readonly offLoop: OffLoopReads | undefined;
  private readonly servingLock: Database.Database | undefined;
  private readonly appCache: AppCache | undefined;

  constructor(
    private readonly db: Database.Database,
    { logger, servingLock, appCache }: SqliteStoreParts = {},
  ) {
    this.servingLock = servingLock;
    this.appCache = appCache;
    // Durability comes from the group commit's flush of the WAL before any write is answered;
    // FULL would flush inside every COMMIT, stalling the event loop for the disk each time.
    db.pragma('synchronous = NORMAL');
    this.wal = new WalSync(db.memory ? IN_MEMORY : walFileOf(db.name));
    this.writes = new GroupCommit(db, this.wal);
    this.checkpointer = db.memory || db.readonly
      ? undefined
      : new Checkpointer(db, (error) => {
          const failure = 'WAL checkpoints failed off the event loop; the serving thread makes them again';
          if (logger) logger.error({ err: error }, failure);
          else process.emitWarning(`${failure}: ${error.message}`);
        }, (until) => this.writes.hold(until));
    this.offLoop = db.memory ? undefined : new OffLoopReads(db.name);
    this.statements = prepareStatements(db);
    this.nameTaken = db.prepare(SQLITE_ONLY_STATEMENTS.nameTaken);
    this.markGone = db.prepare(SQLITE_ONLY_STATEMENTS.markGone);
  }

  async sharedSecret(name: string, create: () => string): Promise<string> {
    await this.writes.run(() => this.statements.insertSecret.run(name, create()));
    return this.statements.getSecret.get(name) as string;
  }

  private idempotency(key: IdempotencyKey): IdempotencyRecord | undefined {
    const row = this.statements.findIdempotency.get(idempotencyKeyHash(key), key.accountId, key.region, key.operation, key.token) as IdempotencyRow | undefined;
    return row && idempotencyFromRow(row);
  }

  private remember(record: IdempotencyRecord | undefined): void {
    if (!record) return;
    const { accountId, region, operation, token, requestHash, response, createdAt } = record;
    this.statements.claimIdempotency.run(idempotencyKeyHash(record), accountId, region, operation, token, requestHash, response, createdAt);
  }

  async findIdempotency(key: IdempotencyKey): Promise<IdempotencyRecord | undefined> {
    return this.idempotency(key);
  }

  /** Removes then merges tags, unless the app would end up with more than maxTags (then nothing changes). */
  private mergeTags(arn: string, tags: Tag[], maxTags: number, removeKeys: readonly string[] = []): boolean {
    const { keys, pairs } = tagsAsJson(tags);
    const removed = JSON.stringify(removeKeys);
    if ((this.statements.countTagsAfterMerge.get(arn, removed, keys) as number) > maxTags) return false;
    if (removeKeys.length > 0) this.statements.deleteTags.run(arn, removed);
    this.statements.upsertTags.run(arn, pairs);
    return true;
  }

  private insertRequest(request: ResourceRequest | undefined): void {
    if (request) this.statements.insertRequest.run(...requestToRow(request));
  }

  private insertTags(arn: string, tags: Tag[]): void {
    if (tags.length > 0) this.statements.upsertTags.run(arn, tagsAsJson(tags).pairs);
  }

  createApp(request: NewApp): Promise<WriteOutcome> {
    return this.writes.run((): WriteOutcome => {
      const { app } = request;
      const prior = request.idempotency && this.idempotency(request.idempotency);
      if (prior) return { outcome: 'replay', record: prior };
      if (this.nameTaken.get(app.accountId, app.region, app.name)) return { outcome: 'name-taken' };
      if (this.statements.takeQuota.run(app.accountId, request.maxAppsPerAccount, request.maxAppsPerAccount).changes === 0) {
        return { outcome: 'quota-exceeded', liveApps: (this.statements.liveApps.get(app.accountId) as number | undefined) ?? 0 };
      }
      const armed = this.statements.consumeFailingCreate.run(app.type).changes > 0;
      this.appCache?.added();
      this.statements.insertApp.run(...appToRow(armed ? { ...app, failTransition: true } : app));
      this.insertTags(app.arn, request.tags);
      this.remember(request.idempotency);
      this.appendAuditRecord(request.audit);
      this.insertRequest(request.resourceRequest);
      return { outcome: 'done' };
    });
  }

  startTransition(request: TransitionStart): Promise<WriteOutcome> {
    return this.writes.run((): WriteOutcome => {
      const prior = request.idempotency && this.idempotency(request.idempotency);
      if (prior) return { outcome: 'replay', record: prior };
      const app = this.currentApp(request.arn);
      if (!app || app.status === 'Deleted') return { outcome: 'not-found' };
      if (!request.from.includes(app.status)) return { outcome: 'wrong-state', status: app.status };
      if ((request.tags || request.removeTagKeys) && !this.mergeTags(app.arn, request.tags ?? [], request.maxTags, request.removeTagKeys)) {
        return { outcome: 'too-many-tags' };
      }
      this.save(transitionStarted(app, request));
      this.remember(request.idempotency);
      this.appendAuditRecord(request.audit);
      this.insertRequest(request.resourceRequest);
      return { outcome: 'done' };
    });
  }

  /**
   * The app as its row is now, inside a write: the AppCache's, when it holds the app (the operation
   * has usually just read it), since every write of the row drops it from there; else the row.
   */
  private currentApp(arn: string): PartnerApp | undefined {
    const cached = this.appCache?.get(arn);
    if (cached) return cached;
    const values = this.statements.lockApp.get(arn) as unknown[] | undefined;
    return values && appFromValues(values);
  }

  // Every change to an existing apps row goes through save, forget, forgetAll or armFailure, each
  // of which drops what the AppCache holds of it and the pages it keeps; a new app (createApp,
  // importState after forgetAll) drops the pages too.

  private save(app: PartnerApp): void {
    this.appCache?.forget(app.arn);
    this.statements.saveApp.run(...appStateToRow(app), app.arn);
  }

  private forget(arn: string): void {
    this.appCache?.forget(arn);
    this.statements.forgetApp.run(arn);
    this.statements.deleteAllTags.run(arn);
  }

  async getApp(arn: string): Promise<PartnerApp | undefined> {
    const cached = this.appCache?.get(arn);
    if (cached) return cached;
    const values = this.statements.getApp.get(arn) as unknown[] | undefined;
    if (!values) return undefined;
    const app = appFromValues(values);
    return this.appCache ? this.appCache.remember(app) : app;
  }

  async listApps(accountId: string, region: string, page: { before?: number; limit: number }): Promise<Page<PartnerAppSummary, number>> {
    const cache = this.appCache;
    const query = `${accountId}\n${region}\n${page.before}\n${page.limit}`;
    const cached = cache?.page(query);
    if (cached) return cached;
    const limit = rowsForPage(page.limit);
    const rows = ((
      page.before === undefined ? this.statements.listFirst.all(accountId, region, limit) : this.statements.listBefore.all(accountId, region, page.before, limit)
    ) as SummaryValues[]).map(summaryRow);
    const read = pageOf(rows, page.limit, summaryFromRow, (row) => row.seq);
    return cache ? cache.rememberPage(query, read) : read;
  }

  addTags(arn: string, tags: Tag[], maxTags: number, audit?: AuditRecord): Promise<TagWriteOutcome> {
    return this.writes.run((): TagWriteOutcome => {
      if (!this.statements.lockLiveApp.get(arn)) return 'not-found';
      if (!this.mergeTags(arn, tags, maxTags)) return 'too-many';
      this.appendAuditRecord(audit);
      return 'done';
    });
  }

  async listTags(arn: string, page: { after?: string; limit: number }): Promise<Page<Tag, string> | undefined> {
    if (!this.statements.liveApp.get(arn)) return undefined;
    const rows = this.statements.listTags.all(arn, page.after ?? '', rowsForPage(page.limit)) as { key: string; value: string }[];
    return pageOf(rows, page.limit, (row) => ({ Key: row.key, Value: row.value }), (row) => row.key);
  }

  deleteTags(arn: string, keys: string[], audit?: AuditRecord): Promise<'done' | 'not-found'> {
    return this.writes.run((): 'done' | 'not-found' => {
      if (!this.statements.lockLiveApp.get(arn)) return 'not-found';
      this.statements.deleteTags.run(arn, JSON.stringify(keys));
      this.appendAuditRecord(audit);
      return 'done';
    });
  }

  runDueTransitions(now: number, limit: number, advance: (app: PartnerApp) => DueOutcome): Promise<number> {
    return this.writes.run((): number => {
      const due = (this.statements.claimDue.all(now, limit) as unknown[][]).map(appFromValues);
      for (const app of due) this.apply(app, advance(app));
      return due.length;
    });
  }

  replanMaintenance(catalog: string, now: number, force = false): Promise<number> {
    return this.writes.run((): number => {
      if (!force && preparedWhenUsed(this.db, 'plannedCatalog').get() === catalog) return 0;
      preparedWhenUsed(this.db, 'planCatalog').run(catalog);
      this.appCache?.clear();
      return this.statements.dueForMaintenance.run(now, now).changes;
    });
  }

  /** What the reconciler decided for an app: saved, or forgotten; a deletion gives its quota and its name back. */
  private apply(app: PartnerApp, next: DueOutcome): void {
    if (next.kind === 'forget') return this.forget(app.arn);
    this.save(next.app);
    if (next.app.status === 'Deleted' && app.status !== 'Deleted') {
      this.statements.releaseQuota.run(1, app.accountId);
      this.markGone.run(app.arn);
    }
    this.appendAuditRecord(next.audit);
  }

  claimBackends(owner: string, now: number, leaseUntil: number, nextLookAt: number, limit: number): Promise<PartnerApp[]> {
    return this.writes.run((): PartnerApp[] => {
      const claimed = (this.statements.claimBackends.all({ owner, leaseUntil, nextLookAt, now, limit }) as unknown[][]).map(appFromValues);
      for (const app of claimed) this.appCache?.forget(app.arn);
      return claimed;
    });
  }

  settleBackend(arn: string, owner: string, leaseUntil: number, decide: (app: PartnerApp) => DueOutcome): Promise<PartnerApp | undefined> {
    return this.writes.run((): PartnerApp | undefined => {
      const values = this.statements.lockClaimedApp.get(arn, owner) as unknown[] | undefined;
      if (!values) return undefined;
      const app = appFromValues(values);
      const next = decide(app);
      this.apply(app, next);
      if (next.kind === 'forget') return undefined;
      this.statements.renewBackendClaim.run(leaseUntil, arn);
      return next.app;
    });
  }

  async releaseBackends(owner: string): Promise<void> {
    await this.writes.run(() => this.statements.releaseBackends.run(owner));
  }

  async nextDueAt(): Promise<number | undefined> {
    return (this.statements.nextDue.get() as number | null) ?? undefined;
  }

  releaseVersion({ type, version, entry, releasedAt }: Omit<CatalogRelease, 'seq'>): Promise<boolean> {
    return this.writes.run(() => preparedWhenUsed(this.db, 'insertRelease').run(type, version, entry, releasedAt).changes === 1);
  }

  async listReleases(): Promise<CatalogRelease[]> {
    return (preparedWhenUsed(this.db, 'listReleases').all() as ReleaseRow[]).map(releaseFromRow);
  }

  async latestRelease(): Promise<number> {
    return preparedWhenUsed(this.db, 'latestRelease').get() as number;
  }

  async purgeExpired(now: number, idempotencyBefore: number): Promise<void> {
    await this.writes.run(() => {
      this.statements.purgeIdempotency.run(now - CLOUD_CONTROL_TOKEN_TTL_MS, idempotencyBefore);
      this.statements.purgeUsedTokens.run(now);
      this.statements.purgeRequests.run(now - RESOURCE_REQUEST_RETENTION_MS);
    });
  }

  putResourceRequest(request: ResourceRequest, idempotency?: IdempotencyRecord): Promise<WriteOutcome> {
    return this.writes.run((): WriteOutcome => {
      const prior = idempotency && this.idempotency(idempotency);
      if (prior) return { outcome: 'replay', record: prior };
      this.remember(idempotency);
      this.insertRequest(request);
      return { outcome: 'done' };
    });
  }

  async getResourceRequest(token: string): Promise<ResourceRequest | undefined> {
    const row = this.statements.getRequest.get(token) as RequestRow | undefined;
    return row && requestFromRow(row);
  }

  async listResourceRequests(accountId: string, region: string, page: { before?: number; limit: number }): Promise<Page<ResourceRequest, number>> {
    const rows = (
      page.before === undefined
        ? this.statements.listRequestsFirst.all(accountId, region, rowsForPage(page.limit))
        : this.statements.listRequestsBefore.all(accountId, region, page.before, rowsForPage(page.limit))
    ) as RequestRow[];
    return pageOf(rows, page.limit, requestFromRow, (row) => row.seq);
  }

  async waitingResourceRequest(arn: string): Promise<string | undefined> {
    return (this.statements.waitingRequest.get(arn) as string | undefined) ?? undefined;
  }

  cancelResourceRequest(token: string, now: number, audit?: AuditRecord): Promise<boolean> {
    return this.writes.run(() => {
      if (this.statements.cancelRequest.run(now, token).changes !== 1) return false;
      this.appendAuditRecord(audit);
      return true;
    });
  }

  consumeOnce(tokenId: string, expiresAt: number): Promise<boolean> {
    return this.writes.run(() => this.statements.useToken.run(tokenId, expiresAt).changes === 1);
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async countAppsByStatus(): Promise<Partial<Record<PartnerAppStatus, number>>> {
    const rows = await this.scan<{ status: PartnerAppStatus; count: number }>('countByStatus');
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  }

  async countBackendsByPhase(): Promise<Partial<Record<BackendPhase, number>>> {
    const rows = await this.scan<{ phase: BackendPhase; count: number }>('countBackendsByPhase');
    return Object.fromEntries(rows.map((row) => [row.phase, row.count]));
  }

  private async scan<Row>(statement: 'countByStatus' | 'countBackendsByPhase'): Promise<Row[]> {
    return this.offLoop ? this.offLoop.all<Row>(SQLITE_STATEMENTS[statement]) : (this.statements[statement].all() as Row[]);
  }

  async appendAudit(records: readonly AuditRecord[]): Promise<void> {
    await this.writes.run(() => {
      for (const record of records) this.appendAuditRecord(record);
    });
  }

  private appendAuditRecord(record: AuditRecord | undefined): void {
    if (record) this.statements.appendAudit.run(...auditToRow(record));
  }

  async listAudit(query: AuditQuery): Promise<AuditRecord[]> {
    const since = query.since ?? 0;
    const rows = (
      query.accountId === undefined
        ? this.statements.listAudit.all(since, query.limit)
        : this.statements.listAuditOfAccount.all(query.accountId, since, query.limit)
    ) as AuditRow[];
    return rows.map(auditFromRow);
  }

  purgeAudit(before: number, maxRecords: number, purge: (removed: number, purgedBefore: number) => AuditRecord): Promise<number> {
    return this.writes.run(() => retention.purgeAudit(this.db, before, maxRecords, purge));
  }

  async addRefusals(counts: readonly RefusalCount[], maxRows: number): Promise<void> {
    await this.writes.run(() => retention.addRefusals(this.db, counts, maxRows));
  }

  async listRefusals(limit: number): Promise<RefusalCount[]> {
    return retention.listRefusals(this.db, limit);
  }

  private forgetAll(): void {
    this.appCache?.clear();
    this.db.exec(SQLITE_STATEMENTS.forgetAll);
  }

  reset(): Promise<void> {
    return this.writes.run(() => this.forgetAll());
  }

  async exportState(): Promise<StateSnapshot> {
    return this.db.transaction(() =>
      snapshotFromRows({
        apps: this.statements.allApps.all() as StateRows['apps'],
        tags: this.statements.allTags.all() as StateRows['tags'],
        idempotency: this.statements.allIdempotency.all() as StateRows['idempotency'],
        usedTokens: this.statements.allUsedTokens.all() as StateRows['usedTokens'],
        failingCreates: this.statements.allFailingCreates.all() as string[],
        requests: this.statements.allRequests.all() as RequestRow[],
      }),
    )();
  }

  importState(snapshot: StateSnapshot): Promise<void> {
    return this.writes.run(() => {
      this.forgetAll();
      for (const { app, tags } of snapshot.apps) {
        this.statements.insertApp.run(...appToRow(app));
        if (app.status === 'Deleted') this.markGone.run(app.arn);
        this.insertTags(app.arn, tags);
      }
      for (const record of snapshot.idempotency) this.remember(record);
      for (const token of snapshot.usedTokens) this.statements.useToken.run(token.tokenId, token.expiresAt);
      for (const type of snapshot.failingCreates) this.statements.armCreate.run(type);
      for (const request of snapshot.resourceRequests) this.insertRequest(request);
      this.statements.recountUsage.run();
    });
  }

  armFailure(target: FailureTarget): Promise<number> {
    return this.writes.run((): number => {
      if ('arn' in target) {
        this.appCache?.forget(target.arn);
        return this.statements.armApp.run(target.arn).changes;
      }
      this.appCache?.clear();
      this.statements.armCreate.run(target.type);
      return this.statements.armType.run(target.type).changes;
    });
  }

  async close(): Promise<void> {
    await this.writes.idle();
    await this.checkpointer?.close();
    await this.offLoop?.close();
    await this.wal.close();
    this.db.close();
    this.servingLock?.close();
  }
}
