/**
 * The one storage interface. It speaks the domain: apps, tags, idempotency records. Every rule that
 * must hold across concurrent requests and replicas (unique live names, one use of a client token,
 * the account quota, one transition applied once) is enforced inside the store's transactions,
 * and reported back as an outcome, never as an AWS error.
 */
import type { PartnerApp, PartnerAppStatus, PartnerAppSummary, PendingUpdate, Tag } from '../domain/partnerApp.js';

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
  app: PartnerApp;
  tags: Tag[];
  idempotency?: IdempotencyRecord;
  maxAppsPerAccount: number;
}

/** Moves an app into a transitional status if it is in one of `from`. */
export interface TransitionStart {
  arn: string;
  from: readonly PartnerAppStatus[];
  to: PartnerAppStatus;
  dueAt: number;
  lastModifiedTime: number;
  pendingUpdate?: PendingUpdate;
  failTransition: boolean;
  /** Merged into the app's tags in the same transaction. */
  tags?: Tag[];
  maxTags: number;
  idempotency?: IdempotencyRecord;
}

/** What the reconciler decided for an app whose time has come. */
export type Advance = { kind: 'save'; app: PartnerApp } | { kind: 'forget' };

export interface Page<T, C> {
  items: T[];
  next?: C;
}

export type TagWriteOutcome = 'done' | 'not-found' | 'too-many';

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

  /** Tag operations apply to apps that exist and are not Deleted. */
  addTags(arn: string, tags: Tag[], maxTags: number): Promise<TagWriteOutcome>;
  listTags(arn: string, page: { after?: string; limit: number }): Promise<Page<Tag, string> | undefined>;
  deleteTags(arn: string, keys: string[]): Promise<'done' | 'not-found'>;

  /**
   * Claims up to `limit` apps whose dueAt has passed, applies `advance` to each and saves the
   * result, all in one transaction; an app is advanced by exactly one caller. Returns how many.
   */
  runDueTransitions(now: number, limit: number, advance: (app: PartnerApp) => Advance): Promise<number>;
  /** The earliest dueAt of any app, to know when the reconciler is next needed. */
  nextDueAt(): Promise<number | undefined>;
  /** Drops idempotency records created before `idempotencyBefore` and single-use marks past expiry. */
  purgeExpired(now: number, idempotencyBefore: number): Promise<void>;

  /** Records a single-use token; false if it was used already. */
  consumeOnce(tokenId: string, expiresAt: number): Promise<boolean>;

  close(): Promise<void>;
}
