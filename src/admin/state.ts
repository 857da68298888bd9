/**
 * The JSON document the admin API exports and imports: every app (with its tags), idempotency
 * record, used single-use token, armed create failure and Cloud Control request. Versioned, so a
 * later partnerplane can read an older export; an import is checked in full before anything is
 * replaced.
 *
 *   { "format": "partnerplane-state", "version": 1, "exportedAt": "<ISO time>",
 *     "apps": [{ <PartnerApp fields>, "tags": [{ "Key", "Value" }] }],     oldest first
 *     "idempotencyRecords": [{ accountId, region, operation, token, requestHash, response, createdAt }],
 *     "usedTokens": [{ tokenId, expiresAt }],
 *     "failingCreates": ["<app type>"],
 *     "resourceRequests": [{ <ResourceRequest fields> }] }             oldest first; absent in older exports
 *
 * Times are epoch milliseconds, as the store keeps them.
 */
import { APP_STATUSES, APP_TYPES, parseAppArn, type PartnerApp, type Tag } from '../domain/partnerApp.js';
import { partitionOf } from '../domain/rules/regions.js';
import { validationError } from '../protocol/errors.js';
import type { ResourceRequest } from '../domain/resourceRequests.js';
import type { IdempotencyRecord, StateSnapshot } from '../store/store.js';

export const STATE_FORMAT = 'partnerplane-state';
export const STATE_VERSION = 1;

export interface StateDocument {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  exportedAt: string;
  apps: (PartnerApp & { tags: Tag[] })[];
  idempotencyRecords: IdempotencyRecord[];
  usedTokens: { tokenId: string; expiresAt: number }[];
  failingCreates: string[];
  resourceRequests: ResourceRequest[];
}

export function stateDocument(snapshot: StateSnapshot, now: number): StateDocument {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    exportedAt: new Date(now).toISOString(),
    apps: snapshot.apps.map(({ app, tags }) => ({ ...app, tags })),
    idempotencyRecords: snapshot.idempotency,
    usedTokens: snapshot.usedTokens,
    failingCreates: snapshot.failingCreates,
    resourceRequests: snapshot.resourceRequests,
  };
}

type Json = Record<string, unknown>;

const invalid = (path: string, problem: string) => validationError(`Invalid state document: ${path} ${problem}.`);

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw invalid(path, 'must be an object');
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, 'must be an array');
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path, 'must be a string');
  return value;
}

function time(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(path, 'must be epoch milliseconds');
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (!allowed.includes(value as T)) throw invalid(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

const optional = <T>(value: unknown, read: (value: unknown) => T): T | undefined => (value === undefined ? undefined : read(value));

/** Each key may appear once in `seen`; `what` names it in the error. */
function unique(seen: Set<string>, key: string, path: string, what: string): void {
  if (seen.has(key)) throw invalid(path, `repeats ${what}`);
  seen.add(key);
}

function appFrom(value: unknown, path: string): { app: PartnerApp; tags: Tag[] } {
  const raw = object(value, path);
  const arn = string(raw.arn, `${path}.arn`);
  const owner = parseAppArn(arn);
  if (!owner) throw invalid(`${path}.arn`, 'is not a partner app ARN');
  const accountId = string(raw.accountId, `${path}.accountId`);
  const region = string(raw.region, `${path}.region`);
  if (partitionOf(region) === undefined) throw invalid(`${path}.region`, 'is not a region of any AWS partition');
  if (owner.accountId !== accountId || owner.region !== region) throw invalid(`${path}.arn`, 'does not match accountId and region');
  const settings = object(raw.settings, `${path}.settings`);
  string(settings.ExecutionRoleArn, `${path}.settings.ExecutionRoleArn`);
  string(settings.Tier, `${path}.settings.Tier`);
  oneOf(settings.AuthType, ['IAM', 'IDC'], `${path}.settings.AuthType`);
  const error = optional(raw.error, (error) => object(error, `${path}.error`));
  const pendingUpdate = optional(raw.pendingUpdate, (pending) => object(pending, `${path}.pendingUpdate`));
  if (pendingUpdate) object(pendingUpdate.settings, `${path}.pendingUpdate.settings`);
  if (typeof raw.failTransition !== 'boolean') throw invalid(`${path}.failTransition`, 'must be true or false');
  const seenKeys = new Set<string>();
  const tags = array(raw.tags ?? [], `${path}.tags`).map((tag, index) => {
    const tagPath = `${path}.tags[${index}]`;
    const { Key, Value } = object(tag, tagPath);
    unique(seenKeys, string(Key, `${tagPath}.Key`), tagPath, 'a tag key');
    return { Key: Key as string, Value: string(Value, `${tagPath}.Value`) };
  });
  const app: PartnerApp = {
    arn,
    accountId,
    region,
    name: string(raw.name, `${path}.name`),
    type: oneOf(raw.type, APP_TYPES, `${path}.type`),
    status: oneOf(raw.status, APP_STATUSES, `${path}.status`),
    settings: settings as unknown as PartnerApp['settings'],
    version: string(raw.version, `${path}.version`),
    baseUrl: optional(raw.baseUrl, (url) => string(url, `${path}.baseUrl`)),
    error: error && { code: string(error.code, `${path}.error.code`), reason: string(error.reason, `${path}.error.reason`) },
    creationTime: time(raw.creationTime, `${path}.creationTime`),
    lastModifiedTime: time(raw.lastModifiedTime, `${path}.lastModifiedTime`),
    pendingUpdate: pendingUpdate as PartnerApp['pendingUpdate'],
    dueAt: optional(raw.dueAt, (due) => time(due, `${path}.dueAt`)),
    failTransition: raw.failTransition,
  };
  return { app, tags };
}

function idempotencyFrom(value: unknown, path: string): IdempotencyRecord {
  const raw = object(value, path);
  return {
    accountId: string(raw.accountId, `${path}.accountId`),
    region: string(raw.region, `${path}.region`),
    operation: string(raw.operation, `${path}.operation`),
    token: string(raw.token, `${path}.token`),
    requestHash: string(raw.requestHash, `${path}.requestHash`),
    response: string(raw.response, `${path}.response`),
    createdAt: time(raw.createdAt, `${path}.createdAt`),
  };
}

const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE'] as const;
const OPERATION_STATUSES = ['PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED', 'CANCEL_IN_PROGRESS', 'CANCEL_COMPLETE'] as const;

function settledFrom(value: unknown, path: string): ResourceRequest['settled'] {
  const raw = object(value, path);
  return {
    status: oneOf(raw.status, OPERATION_STATUSES, `${path}.status`),
    errorCode: optional(raw.errorCode, (code) => string(code, `${path}.errorCode`)) as NonNullable<ResourceRequest['settled']>['errorCode'],
    message: optional(raw.message, (message) => string(message, `${path}.message`)),
  };
}

function requestFrom(value: unknown, path: string): ResourceRequest {
  const raw = object(value, path);
  const status = (member: string) => optional(raw[member], (given) => oneOf(given, APP_STATUSES, `${path}.${member}`));
  return {
    token: string(raw.token, `${path}.token`),
    accountId: string(raw.accountId, `${path}.accountId`),
    region: string(raw.region, `${path}.region`),
    typeName: string(raw.typeName, `${path}.typeName`),
    operation: oneOf(raw.operation, OPERATIONS, `${path}.operation`),
    identifier: optional(raw.identifier, (identifier) => string(identifier, `${path}.identifier`)),
    eventTime: time(raw.eventTime, `${path}.eventTime`),
    waitsFor: status('waitsFor'),
    endedStatus: status('endedStatus'),
    endedReason: optional(raw.endedReason, (reason) => string(reason, `${path}.endedReason`)),
    settled: optional(raw.settled, (settled) => settledFrom(settled, `${path}.settled`)),
    cancelledAt: optional(raw.cancelledAt, (cancelled) => time(cancelled, `${path}.cancelledAt`)),
  };
}

/**
 * Reads a state document, checking everything the store's constraints would otherwise refuse
 * halfway (duplicate ARNs, two live apps of one name, repeated keys), so a bad document is a
 * ValidationException naming the problem and leaves the current state untouched.
 */
export function snapshotFrom(document: unknown): StateSnapshot {
  const raw = object(document, 'the document');
  if (raw.format !== STATE_FORMAT) throw invalid('format', `must be "${STATE_FORMAT}"`);
  if (raw.version !== STATE_VERSION) throw invalid('version', `must be ${STATE_VERSION} (this partnerplane reads version ${STATE_VERSION})`);

  const arns = new Set<string>();
  const liveNames = new Set<string>();
  const apps = array(raw.apps, 'apps').map((value, index) => {
    const path = `apps[${index}]`;
    const entry = appFrom(value, path);
    const { app } = entry;
    unique(arns, app.arn, path, 'an ARN');
    if (app.status !== 'Deleted') unique(liveNames, JSON.stringify([app.accountId, app.region, app.name]), path, 'the name of a live app in its account and region');
    return entry;
  });

  const tokens = new Set<string>();
  const idempotency = array(raw.idempotencyRecords, 'idempotencyRecords').map((value, index) => {
    const path = `idempotencyRecords[${index}]`;
    const record = idempotencyFrom(value, path);
    unique(tokens, JSON.stringify([record.accountId, record.region, record.operation, record.token]), path, 'a client token');
    return record;
  });

  const tokenIds = new Set<string>();
  const usedTokens = array(raw.usedTokens, 'usedTokens').map((value, index) => {
    const path = `usedTokens[${index}]`;
    const token = object(value, path);
    const tokenId = string(token.tokenId, `${path}.tokenId`);
    unique(tokenIds, tokenId, path, 'a token id');
    return { tokenId, expiresAt: time(token.expiresAt, `${path}.expiresAt`) };
  });

  const types = new Set<string>();
  const failingCreates = array(raw.failingCreates, 'failingCreates').map((value, index) => {
    const type = oneOf(value, APP_TYPES, `failingCreates[${index}]`);
    unique(types, type, `failingCreates[${index}]`, 'an app type');
    return type;
  });

  const requestTokens = new Set<string>();
  const resourceRequests = array(raw.resourceRequests ?? [], 'resourceRequests').map((value, index) => {
    const path = `resourceRequests[${index}]`;
    const request = requestFrom(value, path);
    unique(requestTokens, request.token, path, 'a request token');
    return request;
  });

  return { apps, idempotency, usedTokens, failingCreates, resourceRequests };
}
