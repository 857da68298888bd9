/**
 * The one storage interface. It speaks the domain: apps, tags, idempotency records. Every rule that
 * must hold across concurrent requests and replicas (unique live names, one use of a client token,
 * the account quota, one transition applied once) is enforced inside the store's transactions,
 * and reported back as an outcome, never as an AWS error.
 */
import type { Advance } from '../domain/lifecycle.js';
import type { BackendPhase, PartnerApp, PartnerAppStatus, PartnerAppSummary, PartnerAppType, PendingUpdate, Tag } from '../domain/partnerApp.js';
import type { ResourceRequest } from '../domain/resourceRequests.js';

export interface IdempotencyKey {
  accountId: string;
  region: string;
  operation: string;
  token: string;
}

export interface IdempotencyRecord extends IdempotencyKey {
  requestHash: string;
  /** The JSON answer given the first time. */
  response: string;
  createdAt: number;
}

export type WriteOutcome =
  | { outcome: 'done' }
  | { outcome: 'replay'; record: IdempotencyRecord }
  | { outcome: 'name-taken' }
  | { outcome: 'quota-exceeded'; liveApps: number }
  | { outcome: 'not-found' }
  | { outcome: 'wrong-state'; status: PartnerAppStatus }
  | { outcome: 'too-many-tags' };

export interface NewApp {
  /** Its failTransition is set by the store too when a failure is armed for its type (armFailure). */
  app: PartnerApp;
  tags: Tag[];
  idempotency?: IdempotencyRecord;
  maxAppsPerAccount: number;
  /** The call's audit record, stored in the same transaction when the app is created. */
  audit?: AuditRecord;
  /** A Cloud Control request waiting on this creation, stored in the same transaction. */
  resourceRequest?: ResourceRequest;
}

/** Moves an app into a transitional status if it is in one of `from`. */
export interface TransitionStart {
  arn: string;
  from: readonly PartnerAppStatus[];
  to: PartnerAppStatus;
  dueAt: number;
  lastModifiedTime: number;
  pendingUpdate?: PendingUpdate;
  /** The transition ends in failure; an app armed by armFailure fails its Creating or Updating regardless. */
  failTransition: boolean;
  /** Merged into the app's tags in the same transaction. */
  tags?: Tag[];
  /** Removed from the app's tags in the same transaction, before `tags` are merged. */
  removeTagKeys?: string[];
  maxTags: number;
  idempotency?: IdempotencyRecord;
  /** The call's audit record, stored in the same transaction when the transition starts. */
  audit?: AuditRecord;
  /** A Cloud Control request waiting on this transition, stored in the same transaction. */
  resourceRequest?: ResourceRequest;
}

/** The app as a transition that `request` starts leaves it (both stores save this). */
export function transitionStarted(app: PartnerApp, request: TransitionStart): PartnerApp {
  return {
    ...app,
    status: request.to,
    dueAt: request.dueAt,
    lastModifiedTime: request.lastModifiedTime,
    pendingUpdate: request.pendingUpdate,
    failTransition: request.failTransition || app.failTransition,
  };
}

export interface Page<T, C> {
  items: T[];
  next?: C;
}

export type TagWriteOutcome = 'done' | 'not-found' | 'too-many';

/** One mutating call, as the audit log keeps it. `who` is absent when the caller was never established. */
export interface AuditRecord {
  /** Epoch milliseconds. */
  time: number;
  accountId?: string;
  accessKeyId?: string;
  principal?: string;
  operation: string;
  target?: string;
  requestId: string;
  /** `success`, or the error code the caller was given. */
  outcome: string;
}

/** Requests refused before their caller was known, as the store keeps them: a count per minute, source and reason. */
export interface RefusalCount {
  /** Epoch ms at the start of the minute. */
  minute: number;
  /** The client address (see protocol/clientAddress.ts), or a stand-in for the sources past a bound. */
  source: string;
  /** The error code the requests were refused with. */
  reason: string;
  count: number;
}

export interface AuditQuery {
  accountId?: string;
  /** Epoch milliseconds: only records at or after this time. */
  since?: number;
  limit: number;
}

/** Everything the admin API exports and imports: all state except shared secrets and the audit log. */
export interface StateSnapshot {
  /** Oldest first, so an import keeps ListPartnerApps' order. */
  apps: { app: PartnerApp; tags: Tag[] }[];
  idempotency: IdempotencyRecord[];
  usedTokens: { tokenId: string; expiresAt: number }[];
  /** App types whose next CreatePartnerApp is armed to fail. */
  failingCreates: PartnerAppType[];
  /** Cloud Control's request records, oldest first (their ClientTokens are among `idempotency`). */
  resourceRequests: ResourceRequest[];
}

/** A version released at runtime (the admin API), kept so that every replica and every restart has it. */
export interface CatalogRelease {
  /** Its order among releases (set by the store). */
  seq: number;
  type: PartnerAppType;
  version: string;
  /** Its catalog entry as it was given (JSON), read as a catalog file's version is. */
  entry: string;
  /** Epoch ms. */
  releasedAt: number;
}

/** What the reconciler decided for a due app, with the audit record to store beside it (an upgrade maintenance started). */
export type DueOutcome = Advance & { audit?: AuditRecord };

/** Which apps' next transition to fail: one app, or every app of a type (and the next one created). */
export type FailureTarget = { arn: string } | { type: PartnerAppType };

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** A value that must be the same for every replica (e.g. a signing secret), created once. */
  sharedSecret(name: string, create: () => string): Promise<string>;

  findIdempotency(key: IdempotencyKey): Promise<IdempotencyRecord | undefined>;
  createApp(request: NewApp): Promise<WriteOutcome>;
  startTransition(request: TransitionStart): Promise<WriteOutcome>;
  getApp(arn: string): Promise<PartnerApp | undefined>;
  /** Newest first; `before` is the cursor returned as `next` by the previous page. */
  listApps(accountId: string, region: string, page: { before?: number; limit: number }): Promise<Page<PartnerAppSummary, number>>;

  /**
   * Tag operations apply to apps that exist and are not Deleted. `audit` is the call's record,
   * stored in the same transaction when the tags change ('done').
   */
  addTags(arn: string, tags: Tag[], maxTags: number, audit?: AuditRecord): Promise<TagWriteOutcome>;
  listTags(arn: string, page: { after?: string; limit: number }): Promise<Page<Tag, string> | undefined>;
  deleteTags(arn: string, keys: string[], audit?: AuditRecord): Promise<'done' | 'not-found'>;

  /**
   * Claims up to `limit` apps whose dueAt has passed, applies `advance` to each and saves the
   * result, all in one transaction; an app is advanced by exactly one caller. Returns how many.
   * `advance` may be called more than once for an app (a transaction run again), so it only computes.
   * An outcome's audit record is stored in the same transaction.
   */
  runDueTransitions(now: number, limit: number, advance: (app: PartnerApp) => DueOutcome): Promise<number>;
  /** The earliest dueAt of any app, to know when the reconciler is next needed. */
  nextDueAt(): Promise<number | undefined>;

  /**
   * Claims up to `limit` apps whose dueAt has passed and whose backend no other replica holds (its
   * claim lapsed, or it never had one) for `owner` until `leaseUntil`, and moves their dueAt to
   * `nextLookAt`: the owner looks again then (renewing its claim), unless it settles a time itself.
   * Returns them as they are now.
   */
  claimBackends(owner: string, now: number, leaseUntil: number, nextLookAt: number, limit: number): Promise<PartnerApp[]>;
  /**
   * For the replica holding an app's backend claim: in one transaction, reads the app as it is
   * now, saves or forgets what `decide` makes of it (releasing quota and storing its audit record,
   * as runDueTransitions does), and renews the claim until `leaseUntil`. Undefined, with nothing
   * changed, when the app is gone or another replica holds it. `decide` may run more than once (a
   * transaction run again): it only computes.
   */
  settleBackend(arn: string, owner: string, leaseUntil: number, decide: (app: PartnerApp) => DueOutcome): Promise<PartnerApp | undefined>;
  /** Gives up every backend claim `owner` holds (a replica stopping in good order), so others may take them at once. */
  releaseBackends(owner: string): Promise<void>;
  /**
   * Unless the apps' maintenance was last planned with the catalog of this fingerprint: makes every
   * Available app due at `now` (those due sooner stay so), for the reconciler to plan its maintenance
   * again, and records the fingerprint; in one transaction. Returns how many apps were made due.
   * `force` plans again even with that fingerprint (a replica that has just learned of a release).
   */
  replanMaintenance(catalog: string, now: number, force?: boolean): Promise<number>;

  /** Stores a release; false, with nothing stored, when its type has that version released already. */
  releaseVersion(release: Omit<CatalogRelease, 'seq'>): Promise<boolean>;
  /** Every release, oldest first. */
  listReleases(): Promise<CatalogRelease[]>;
  /** The newest release's seq (0 when none): a replica that has loaded up to it has them all. */
  latestRelease(): Promise<number>;
  /**
   * Drops idempotency records created before `idempotencyBefore` (Cloud Control's ClientTokens
   * after their own 36 hours), single-use marks past expiry and Cloud Control requests older than
   * seven days.
   */
  purgeExpired(now: number, idempotencyBefore: number): Promise<void>;

  /**
   * Stores a Cloud Control request settled when it was made, with the idempotency record of its
   * ClientToken; 'replay' when that token was used meanwhile (nothing is stored then).
   */
  putResourceRequest(request: ResourceRequest, idempotency?: IdempotencyRecord): Promise<WriteOutcome>;
  getResourceRequest(token: string): Promise<ResourceRequest | undefined>;
  /** Newest first; `before` is the cursor returned as `next` by the previous page. */
  listResourceRequests(accountId: string, region: string, page: { before?: number; limit: number }): Promise<Page<ResourceRequest, number>>;
  /** The token of a request still waiting on a transition of this app, if there is one. */
  waitingResourceRequest(arn: string): Promise<string | undefined>;
  /** Marks the request canceled (once), with the call's audit record: false (and nothing stored) if it already was. */
  cancelResourceRequest(token: string, now: number, audit?: AuditRecord): Promise<boolean>;

  /** Records a single-use token; false if it was used already. */
  consumeOnce(tokenId: string, expiresAt: number): Promise<boolean>;

  /** Answers a trivial query; rejects when the database cannot be reached. */
  ping(): Promise<void>;
  /** How many apps are in each status, all accounts together (one grouped query, for metrics). */
  countAppsByStatus(): Promise<Partial<Record<PartnerAppStatus, number>>>;
  /** How many apps' backends were last observed in each phase (apps with a runtime only; one grouped query, for metrics). */
  countBackendsByPhase(): Promise<Partial<Record<BackendPhase, number>>>;

  /** Appends records to the audit log in one transaction. Nothing ever updates or deletes them. */
  appendAudit(records: readonly AuditRecord[]): Promise<void>;
  /** The newest `limit` records matching the query, newest first. */
  listAudit(query: AuditQuery): Promise<AuditRecord[]>;
  /**
   * The audit retention: in one transaction, removes the records older than `before` (the oldest
   * `maxRecords` of them, or a few more that share a time) and appends `purge`, the purge's own
   * record, which says so. Returns how many were removed (0: nothing removed, nothing recorded).
   * The only way records leave the audit log.
   */
  purgeAudit(before: number, maxRecords: number, purge: (removed: number, purgedBefore: number) => AuditRecord): Promise<number>;

  /** Adds the counts to those kept, then keeps only the newest `maxRows` rows. */
  addRefusals(counts: readonly RefusalCount[], maxRows: number): Promise<void>;
  /** The newest `limit` rows, newest minute first. */
  listRefusals(limit: number): Promise<RefusalCount[]>;

  // Test support, reached only through the admin API.
  /** Forgets every app, tag, idempotency record, Cloud Control request, single-use mark, armed failure and release; keeps shared secrets and the audit log. */
  reset(): Promise<void>;
  exportState(): Promise<StateSnapshot>;
  /** Replaces all state with the snapshot in one transaction (quota usage is recomputed from it). */
  importState(snapshot: StateSnapshot): Promise<void>;
  /**
   * Makes the next failable transition (Creating or Updating) of the target fail: one in progress
   * fails when it completes, otherwise the next one started does. A type target also arms the next
   * CreatePartnerApp of that type. Returns how many existing apps were armed.
   */
  armFailure(target: FailureTarget): Promise<number>;

  close(): Promise<void>;
}
