/**
 * The admin API, for tests: reset all state, change lifecycle delays at runtime, force transitions
 * to fail, export and import all state. It exists only when the server is given an admin token,
 * and every request must carry that token as `Authorization: Bearer <token>`.
 *
 *   POST /admin/reset                     forget all state (not the audit log); delays back to configured
 *   GET  /admin/lifecycle                 the current create/update/delete delays, and per app type
 *   PUT  /admin/lifecycle                 {"createDelayMs"?, "updateDelayMs"?, "deleteDelayMs"?,
 *                                          "types"?: {"<app type>": {"createDelayMs"?, …}}}
 *   POST /admin/failures                  {"arn"} or {"type"}: the next Creating/Updating fails
 *   GET  /admin/state                     export (see state.ts for the format)
 *   PUT  /admin/state                     import: replaces all state
 *   GET  /admin/clock                     the service's time, and whether it can be moved
 *   POST /admin/clock                     {"advanceMs"}: moves a movable clock (--movable-clock) forward
 *   GET  /admin/versions                  the catalog's versions of each type offered
 *   POST /admin/versions                  {"type", "version", "eolDate", "releaseNotes"?, …}: releases a
 *                                          version (releases.ts); reset forgets the releases
 *
 * Changes are audited like mutating API calls, under the principal `admin`.
 */
import { isMovable, type Clock } from '../clock.js';
import { constantTimeEqual } from '../sealed.js';
import type { Config } from '../config.js';
import type { TransitionDelays } from '../domain/lifecycle.js';
import { APP_TYPES, type PartnerAppType } from '../domain/partnerApp.js';
import { AUDIT_SUCCESS, type AuditLog } from '../observability/audit.js';
import { parseJsonBody } from '../protocol/awsJson.js';
import { readBody } from '../protocol/body.js';
import { adminForbidden, adminNoRoute, adminUnauthorized, adminWrongMethod, resourceNotFound, ServiceError, validationError } from '../protocol/errors.js';
import type { Mount } from '../protocol/mounts.js';
import { writeJson } from '../protocol/serialize.js';
import type { AuditRecord, FailureTarget, Store } from '../store/store.js';
import type { CatalogReleases } from './releases.js';
import { snapshotFrom, stateDocument } from './state.js';

const ADMIN_PATH = '/admin';

/** A state export can be far larger than any API request. */
const ADMIN_MAX_BODY_BYTES = 256 * 1024 * 1024;
const MAX_DELAY_MS = 24 * 60 * 60 * 1000;
const ADMIN_PRINCIPAL = 'admin';

const DELAY_SETTINGS = ['createDelayMs', 'updateDelayMs', 'deleteDelayMs'] as const;

export interface AdminOptions {
  token: string;
  store: Store;
  /** The server's live settings: the admin API changes their lifecycle delays in place. */
  config: Config;
  audit: AuditLog;
  /** The service's time; moved by POST /admin/clock when it is movable. */
  clock: Clock;
  /** Versions released at runtime, over the catalog in config. */
  releases: CatalogReleases;
  /** Tells the reconciler that imported apps may have transitions due. */
  wakeReconciler(): void;
}

interface Route {
  /** The audit log's operation name; absent for reads, which are not audited. */
  audited?: string;
  /** What the audit record names as the target, when it is more than the route. */
  targetOf?(body: unknown): string | undefined;
  handle(body: unknown): Promise<object>;
}

const delaysOf = (config: Config) => ({
  createDelayMs: config.createDelayMs,
  updateDelayMs: config.updateDelayMs,
  deleteDelayMs: config.deleteDelayMs,
  types: config.typeDelays ?? {},
});

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Checks a set of delays; `where` names it in the error ('' for the defaults, `types.comet.` for a type). */
function checkedDelays(given: Record<string, unknown>, where: string): Partial<TransitionDelays> {
  const unknown = Object.keys(given).filter((key) => !(DELAY_SETTINGS as readonly string[]).includes(key));
  if (unknown.length > 0) throw validationError(`Unknown setting ${unknown.map((key) => where + key).join(', ')}; the delays are ${DELAY_SETTINGS.join(', ')}.`);
  const delays: Partial<TransitionDelays> = {};
  for (const key of DELAY_SETTINGS) {
    const value = given[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_DELAY_MS) {
      throw validationError(`${where}${key} must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}.`);
    }
    delays[key] = value;
  }
  return delays;
}

/** PUT /admin/lifecycle: checked in full before any is applied, so a bad request changes nothing. */
function setDelays(config: Config, body: unknown): object {
  if (!isObject(body)) throw validationError('The body must be a JSON object of delays.');
  const { types, ...defaults } = body;
  const delays = checkedDelays(defaults, '');
  if (types !== undefined && !isObject(types)) throw validationError('types must be an object of app type → delays.');
  const typeDelays = Object.entries(types ?? {}).map(([type, given]) => {
    if (!(APP_TYPES as readonly string[]).includes(type)) throw validationError(`types.${type} is not an app type; the types are ${APP_TYPES.join(', ')}.`);
    if (!isObject(given)) throw validationError(`types.${type} must be an object of delays.`);
    return [type, checkedDelays(given, `types.${type}.`)] as const;
  });
  Object.assign(config, delays);
  for (const [type, given] of typeDelays) config.typeDelays = { ...config.typeDelays, [type]: { ...config.typeDelays?.[type], ...given } };
  return delaysOf(config);
}

/** The target of POST /admin/failures: {"arn"} or {"type"}. */
function failureTarget(body: unknown): FailureTarget {
  const given = (body ?? {}) as Record<string, unknown>;
  const keys = typeof body === 'object' && body !== null ? Object.keys(given) : [];
  if (keys.length !== 1 || (keys[0] !== 'arn' && keys[0] !== 'type') || typeof given[keys[0]] !== 'string') {
    throw validationError('The body must be {"arn": "<app ARN>"} or {"type": "<app type>"}.');
  }
  if (keys[0] === 'arn') return { arn: given.arn as string };
  const type = given.type as string;
  if (!(APP_TYPES as readonly string[]).includes(type)) throw validationError(`type must be one of ${APP_TYPES.join(', ')}.`);
  return { type: type as PartnerAppType };
}

async function armFailure(store: Store, body: unknown): Promise<object> {
  const target = failureTarget(body);
  const armedApps = await store.armFailure(target);
  if ('arn' in target && armedApps === 0) {
    throw resourceNotFound(`No app ${target.arn} with a transition that can fail (it does not exist, or is Deleting or Deleted).`);
  }
  return 'type' in target ? { armedApps, nextCreateFails: true } : { armedApps };
}

async function importState(options: AdminOptions, body: unknown): Promise<object> {
  const snapshot = snapshotFrom(body);
  await options.store.importState(snapshot);
  options.wakeReconciler();
  return {
    imported: {
      apps: snapshot.apps.length,
      idempotencyRecords: snapshot.idempotency.length,
      usedTokens: snapshot.usedTokens.length,
      failingCreates: snapshot.failingCreates.length,
      resourceRequests: snapshot.resourceRequests.length,
    },
  };
}

const MAX_CLOCK_STEP_MS = 10 * 366 * 24 * 60 * 60 * 1000;

const clockOf = (clock: Clock) => ({ now: new Date(clock.now()).toISOString(), movable: isMovable(clock) });

/** Time only moves forward, and only on a server started with a movable clock: never the wall clock of a real one. */
function advanceClock(clock: Clock, body: unknown): object {
  if (!isMovable(clock)) throw validationError('The service runs on the wall clock, which the admin API never moves; start the server with --movable-clock true to move its time.');
  const { advanceMs, ...rest } = isObject(body) ? body : {};
  if (Object.keys(rest).length > 0 || typeof advanceMs !== 'number' || !Number.isSafeInteger(advanceMs) || advanceMs < 0 || advanceMs > MAX_CLOCK_STEP_MS) {
    throw validationError(`The body must be {"advanceMs": N}, N a whole number of milliseconds from 0 to ${MAX_CLOCK_STEP_MS}.`);
  }
  clock.advance(advanceMs);
  return clockOf(clock);
}

/** Each offered type's current version and versions, as DescribePartnerApp knows them. */
function catalogVersions({ catalog }: Config): object {
  const types = catalog.offered().map((type) => {
    const { current, versions } = catalog.types[type]!;
    return [type, { current, versions: versions.map(({ version, eolDate, releaseNotes }) => ({ version, eolDate, releaseNotes })) }];
  });
  return { types: Object.fromEntries(types) };
}

function adminRoutes(options: AdminOptions): Record<string, Record<string, Route>> {
  const { store, config } = options;
  const configuredDelays: TransitionDelays = { createDelayMs: config.createDelayMs, updateDelayMs: config.updateDelayMs, deleteDelayMs: config.deleteDelayMs };
  return {
    '/admin/reset': {
      POST: {
        audited: 'AdminReset',
        async handle() {
          await store.reset();
          await options.releases.refresh();
          Object.assign(config, configuredDelays);
          config.typeDelays = undefined;
          return { reset: true, lifecycle: delaysOf(config) };
        },
      },
    },
    '/admin/lifecycle': {
      GET: { handle: async () => delaysOf(config) },
      PUT: { audited: 'AdminSetLifecycleDelays', handle: async (body) => setDelays(config, body) },
    },
    '/admin/failures': {
      POST: {
        audited: 'AdminForceFailure',
        targetOf: (body) => {
          const { arn, type } = (body ?? {}) as Record<string, unknown>;
          return typeof arn === 'string' ? arn : typeof type === 'string' ? `type:${type}` : undefined;
        },
        handle: (body) => armFailure(store, body),
      },
    },
    '/admin/state': {
      GET: { handle: async () => stateDocument(await store.exportState(), Date.now()) },
      PUT: { audited: 'AdminImportState', handle: (body) => importState(options, body) },
    },
    '/admin/versions': {
      GET: { handle: async () => catalogVersions(config) },
      POST: {
        audited: 'AdminReleaseVersion',
        targetOf: (body) => {
          const { type, version } = isObject(body) ? body : {};
          return typeof type === 'string' && typeof version === 'string' ? `${type} ${version}` : undefined;
        },
        handle: (body) => options.releases.release(body),
      },
    },
    '/admin/clock': {
      GET: { handle: async () => clockOf(options.clock) },
      POST: { audited: 'AdminAdvanceClock', handle: async (body) => advanceClock(options.clock, body) },
    },
  };
}

/** The admin API as a surface of the server: everything under /admin. */
export function createAdminApi(options: AdminOptions): Mount {
  const routes = adminRoutes(options);

  function authenticate(header: string | undefined): void {
    const presented = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
    if (presented === undefined) throw adminUnauthorized();
    if (!constantTimeEqual(presented, options.token)) throw adminForbidden();
  }

  return {
    name: 'admin',
    prefix: ADMIN_PATH,
    async handle(req, res, requestId, path) {
      const method = req.method ?? 'GET';
      const route = routes[path]?.[method];
      let principal: string | undefined;
      let target = path;
      const auditRecord = (operation: string, outcome: string): AuditRecord => ({ time: Date.now(), principal, operation, target, requestId, outcome });
      let result: object;
      try {
        authenticate(req.headers.authorization);
        principal = ADMIN_PRINCIPAL;
        if (!route) throw routes[path] ? adminWrongMethod(path, Object.keys(routes[path]!)) : adminNoRoute(method, path);
        const body = parseJsonBody(await readBody(req, ADMIN_MAX_BODY_BYTES));
        target = route.targetOf?.(body) ?? path;
        result = await route.handle(body);
      } catch (error) {
        if (route?.audited) await options.audit.append(auditRecord(route.audited, error instanceof ServiceError ? error.code : 'InternalFailure'));
        throw error;
      }
      if (route.audited) await options.audit.append(auditRecord(route.audited, AUDIT_SUCCESS));
      writeJson(res, requestId, 200, JSON.stringify(result), { 'Content-Type': 'application/json' });
    },
  };
}
