/**
 * Every setting of the server, defined once: its flag, its environment variable, its default and
 * how it is parsed. The CLI builds its options from this list and the README's table mirrors it.
 * Precedence: flag, then environment variable, then default.
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtInCatalog } from './catalog/builtin.js';
import type { Catalog } from './catalog/catalog.js';
import { CatalogError, parseCatalog, type RunNeed } from './catalog/parse.js';
import type { TransitionDelays } from './domain/lifecycle.js';
import { APP_TYPES, type PartnerAppType } from './domain/partnerApp.js';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  publicUrl?: string;
  /** Every app is served on a host of its own under this domain: `<app-id>.<appsDomain>`. */
  appsDomain: string;
  /** Access keys allowed to call (auth/credentials.ts); without it only the local pair, on loopback. */
  credentialsFile?: string;
  /** Accept the local pair on every address too (a container for local development), with a warning. */
  localKeyAnywhere: boolean;
  createDelayMs: number;
  updateDelayMs: number;
  deleteDelayMs: number;
  /** Per app type overrides of the delays, set at run time through the admin API. */
  typeDelays?: Partial<Record<string, Partial<TransitionDelays>>>;
  deletedRetentionMs: number;
  reconcileIntervalMs: number;
  maxAppsPerAccount: number;
  failCreate?: RegExp;
  failUpdate?: RegExp;
  maxBodyBytes: number;
  logLevel: string;
  /** `pretty` lines for people, `json` lines for machines, `auto`: pretty on a terminal. */
  logFormat: LogFormat;
  /** Enables the admin API, which accepts only this bearer token. */
  adminToken?: string;
  /** The service's time is the wall clock plus an offset the admin API moves forward (tests of maintenance windows). */
  movableClock: boolean;
  /** Real backends by app type; types not listed are served by the gateway's built-in app. */
  appUpstreams?: Partial<Record<PartnerAppType, URL>>;
  /** Audit records older than this many days are purged (each purge recorded); without it they are kept. */
  auditRetentionDays?: number;
  /** The docker runtime: the host address containers' ports are published on. */
  dockerPublishIp: string;
  /** The docker runtime: the host every replica's gateway connects to for a container (default: the publish address). */
  dockerAdvertiseHost?: string;
  /** The swarm runtime: how the gateway reaches an app's tasks (runtime/swarm.ts). */
  swarmReach: SwarmReach;
  /** The swarm runtime: the overlay network every app's service joins. */
  swarmNetwork?: string;
  /** The swarm runtime: `dnsrr` (no IPVS needed) or `vip` (IPVS on every node). */
  swarmEndpointMode: SwarmEndpointMode;
  /** The swarm runtime: placement constraints of every app's service. */
  swarmConstraints?: string[];
  /** The swarm runtime: how often Swarm runs a task's health check. */
  swarmHealthIntervalMs: number;
  /** What runs each app's backend (runtime/). */
  appRuntime: AppRuntimeKind;
  /** The JSON file the catalog was read from; absent: the built-in catalog. */
  appCatalog?: string;
  /** The app types, versions and tiers offered, and how to run them (catalog/): the file's, else the built-in one. */
  catalog: Catalog;
}

export const SWARM_REACHES = ['host', 'overlay'] as const;
export type SwarmReach = (typeof SWARM_REACHES)[number];
export const SWARM_ENDPOINT_MODES = ['dnsrr', 'vip'] as const;
export type SwarmEndpointMode = (typeof SWARM_ENDPOINT_MODES)[number];

export const APP_RUNTIMES = ['builtin', 'process', 'docker', 'swarm'] as const;
export type AppRuntimeKind = (typeof APP_RUNTIMES)[number];
/** What each runtime needs the catalog to say of every version. */
export const RUN_NEEDS: Readonly<Record<AppRuntimeKind, RunNeed>> = { builtin: undefined, process: 'command', docker: 'image', swarm: 'image' };
/** Without a runtime, an app's transitions take these delays by default; with one, only what they take. */
const DELAY_KEYS = ['createDelayMs', 'updateDelayMs', 'deleteDelayMs'] as const;

type Parser<T> = (text: string, name: string) => T;

export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export class ConfigError extends Error {}

const integer = (min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> => (text, name) => {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(`${name} must be a whole number ${range}, got '${text}'`);
  }
  return value;
};
const text: Parser<string> = (value) => value;
const boolean: Parser<boolean> = (value, name) => {
  if (value !== 'true' && value !== 'false') throw new ConfigError(`${name} must be true or false, got '${value}'`);
  return value === 'true';
};
const regex: Parser<RegExp> = (value, name) => {
  try {
    return new RegExp(value);
  } catch (error) {
    throw new ConfigError(`${name} is not a valid regular expression: ${(error as Error).message}`);
  }
};
/** A database URL as it may be shown: without its password. */
export const withoutPassword = (url: string) => url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');

const databaseUrl: Parser<string> = (value, name) => {
  if (!/^(postgres|postgresql|sqlite):/.test(value)) {
    throw new ConfigError(`${name} must start with postgres://, postgresql:// or sqlite:, got '${withoutPassword(value)}'`);
  }
  if (value.startsWith('sqlite:')) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL, got '${withoutPassword(value)}'`);
  }
  // Without one, the driver would connect as the operating system's user: name it instead.
  if (!url.username && !url.searchParams.get('user')) {
    throw new ConfigError(`${name} must name the user to connect as, as in postgres://user:password@host:5432/database, got '${withoutPassword(value)}'`);
  }
  return value;
};
const logLevel: Parser<string> = (value, name) => {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(value)) throw new ConfigError(`${name} must be one of ${levels.join(', ')}, got '${value}'`);
  return value;
};

const logFormat: Parser<LogFormat> = (value, name) => {
  if (!(LOG_FORMATS as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${LOG_FORMATS.join(', ')}, got '${value}'`);
  return value as LogFormat;
};

const oneOf =
  <T extends string>(values: readonly T[]): Parser<T> =>
  (value, name) => {
    if (!(values as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got '${value}'`);
    return value as T;
  };

/** A comma-separated list; commas do not occur in what it lists (placement constraints). */
const list: Parser<string[]> = (value) => value.split(',').map((part) => part.trim()).filter(Boolean);

const appRuntime: Parser<AppRuntimeKind> = oneOf(APP_RUNTIMES);

/** The catalog file, read and checked now so that a mistake stops the start, naming its entry. */
function loadCatalog(file: string | undefined, runtime: AppRuntimeKind, name: string): Catalog {
  if (file === undefined) {
    if (runtime !== 'builtin') throw new ConfigError(`--app-runtime ${runtime} needs --app-catalog, the file saying how to run each app type's versions (docs/runtimes.md)`);
    return builtInCatalog;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${name} ${file} cannot be read: ${(error as Error).message}`);
  }
  try {
    return parseCatalog(text, file, RUN_NEEDS[runtime]);
  } catch (error) {
    if (error instanceof CatalogError) throw new ConfigError(`${name} ${file}: ${error.message}`);
    throw error;
  }
}

const ADMIN_TOKEN_MIN_LENGTH = 16;
const adminToken: Parser<string> = (value, name) => {
  // Ends up in an Authorization header: printable ASCII without spaces.
  if (value.length < ADMIN_TOKEN_MIN_LENGTH || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ConfigError(`${name} must be at least ${ADMIN_TOKEN_MIN_LENGTH} printable characters without spaces`);
  }
  return value;
};

const appUpstreams: Parser<Partial<Record<PartnerAppType, URL>>> = (value, name) => {
  const upstreams: Partial<Record<PartnerAppType, URL>> = {};
  for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    const equals = entry.indexOf('=');
    const type = entry.slice(0, Math.max(equals, 0));
    const url = entry.slice(equals + 1);
    if (!(APP_TYPES as readonly string[]).includes(type)) {
      throw new ConfigError(`${name} entries must be <type>=<url> with type one of ${APP_TYPES.join(', ')}, got '${entry}'`);
    }
    if (upstreams[type as PartnerAppType]) throw new ConfigError(`${name} names ${type} twice`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`${name} has an invalid URL for ${type}: '${url}'`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`${name} URL for ${type} must be http:// or https://, got '${url}'`);
    if (parsed.search || parsed.hash || parsed.username) throw new ConfigError(`${name} URL for ${type} must have no query, fragment or credentials, got '${url}'`);
    upstreams[type as PartnerAppType] = parsed;
  }
  return upstreams;
};

/** A DNS name in lower case: labels of letters, digits and inner hyphens; not an IP address. */
const dnsName: Parser<string> = (value, name) => {
  const domain = value.trim().toLowerCase();
  const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
  const labels = domain.split('.');
  if (domain.length > 200 || !labels.every((part) => label.test(part)) || /^\d+$/.test(labels.at(-1)!)) {
    throw new ConfigError(`${name} must be a domain name such as localhost or apps.example.com (no scheme, port or trailing dot), got '${value}'`);
  }
  return domain;
};

const httpUrl: Parser<string> = (value, name) => {
  if (!URL.canParse(value) || !['http:', 'https:'].includes(new URL(value).protocol)) throw new ConfigError(`${name} must be an http:// or https:// URL, got '${value}'`);
  return value;
};

export interface SettingDef<K extends keyof Config = keyof Config> {
  key: K;
  flag: string;
  env: string;
  defaultText?: string;
  parse: Parser<NonNullable<Config[K]>>;
  description: string;
}

const setting = <K extends keyof Config>(def: SettingDef<K>): SettingDef => def as unknown as SettingDef;

export const SETTINGS: readonly SettingDef[] = [
  setting({ key: 'host', flag: '--host', env: 'PARTNERPLANE_HOST', defaultText: '127.0.0.1', parse: text, description: 'Address to listen on.' }),
  setting({ key: 'port', flag: '--port', env: 'PARTNERPLANE_PORT', defaultText: '4577', parse: integer(0, 65535), description: 'TCP port (0 picks a free one).' }),
  setting({ key: 'dataDir', flag: '--data-dir', env: 'PARTNERPLANE_DATA_DIR', defaultText: './data', parse: text, description: 'Directory of the embedded SQLite database.' }),
  setting({ key: 'databaseUrl', flag: '--database-url', env: 'PARTNERPLANE_DATABASE_URL', parse: databaseUrl, description: 'Database to use instead of the data directory: `sqlite:/path/file.sqlite` or `postgres://…`.' }),
  setting({ key: 'publicUrl', flag: '--public-url', env: 'PARTNERPLANE_PUBLIC_URL', parse: httpUrl, description: 'Base URL clients reach the API and the console at (default `http://<host>:<port>`); apps are served with its scheme and port (see docs/gateway.md).' }),
  setting({ key: 'appsDomain', flag: '--apps-domain', env: 'PARTNERPLANE_APPS_DOMAIN', defaultText: 'localhost', parse: dnsName, description: 'Every app is served at an origin of its own, `<scheme>://<app-id>.<apps domain>:<port>`, the scheme and port of the public URL: BaseUrl and presigned URLs. `localhost` needs no DNS set-up (browsers and curl resolve `*.localhost` to this machine); elsewhere use a domain whose every subdomain (`*.apps.example.com`) leads here (see docs/gateway.md).' }),
  setting({ key: 'credentialsFile', flag: '--credentials-file', env: 'PARTNERPLANE_CREDENTIALS_FILE', parse: text, description: 'JSON file of the access keys allowed to call (see docs/auth.md). Without it only the local pair `test`/`test` (account `000000000000`) is accepted, and only on a loopback host.' }),
  setting({ key: 'localKeyAnywhere', flag: '--local-key-anywhere', env: 'PARTNERPLANE_LOCAL_KEY_ANYWHERE', defaultText: 'false', parse: boolean, description: 'For local development in a container only: accept the local pair `test`/`test` on any address, not only loopback, and log a warning saying so. Never on a network others reach.' }),
  setting({ key: 'appRuntime', flag: '--app-runtime', env: 'PARTNERPLANE_APP_RUNTIME', defaultText: 'builtin', parse: appRuntime, description: 'What runs each app\'s backend: `builtin` (the gateway\'s own page, nothing to run) or `process` (a child process per app). See docs/runtimes.md.' }),
  setting({ key: 'appCatalog', flag: '--app-catalog', env: 'PARTNERPLANE_APP_CATALOG', parse: text, description: 'JSON file of the app types offered: their versions, how to run each, and their tiers (docs/runtimes.md). Without it, the built-in catalog: every type, on the built-in page.' }),
  setting({ key: 'createDelayMs', flag: '--create-delay-ms', env: 'PARTNERPLANE_CREATE_DELAY_MS', defaultText: '5000', parse: integer(0), description: 'Time an app spends in `Creating` (with `--app-runtime builtin`; other runtimes: the least time, default 0, the rest being the backend\'s start).' }),
  setting({ key: 'updateDelayMs', flag: '--update-delay-ms', env: 'PARTNERPLANE_UPDATE_DELAY_MS', defaultText: '4000', parse: integer(0), description: 'Time an app spends in `Updating` (with `--app-runtime builtin`; other runtimes: the least time, default 0).' }),
  setting({ key: 'deleteDelayMs', flag: '--delete-delay-ms', env: 'PARTNERPLANE_DELETE_DELAY_MS', defaultText: '3000', parse: integer(0), description: 'Time an app spends in `Deleting` (with `--app-runtime builtin`; other runtimes: the least time, default 0).' }),
  setting({ key: 'deletedRetentionMs', flag: '--deleted-retention-ms', env: 'PARTNERPLANE_DELETED_RETENTION_MS', defaultText: '3600000', parse: integer(0), description: 'How long a `Deleted` app stays describable before it is forgotten (then ResourceNotFound).' }),
  setting({ key: 'reconcileIntervalMs', flag: '--reconcile-interval-ms', env: 'PARTNERPLANE_RECONCILE_INTERVAL_MS', defaultText: '250', parse: integer(10), description: 'Longest time between two passes of the lifecycle reconciler.' }),
  setting({ key: 'maxAppsPerAccount', flag: '--max-apps-per-account', env: 'PARTNERPLANE_MAX_APPS_PER_ACCOUNT', defaultText: '100', parse: integer(0), description: 'Quota of apps not yet `Deleted` per account, all regions together (ResourceLimitExceeded beyond).' }),
  setting({ key: 'failCreate', flag: '--fail-create', env: 'PARTNERPLANE_FAIL_CREATE', parse: regex, description: 'Failure injection: apps whose Name matches this regular expression end `Creating` as `Failed`.' }),
  setting({ key: 'failUpdate', flag: '--fail-update', env: 'PARTNERPLANE_FAIL_UPDATE', parse: regex, description: 'Failure injection: updates of apps whose Name matches this regular expression end as `UpdateFailed`.' }),
  setting({ key: 'maxBodyBytes', flag: '--max-body-bytes', env: 'PARTNERPLANE_MAX_BODY_BYTES', defaultText: '1048576', parse: integer(1024), description: 'Largest request body accepted; a larger one gets 413 (RequestEntityTooLargeException) once its rest has been read and thrown away, up to 8 MiB more (see docs/security.md).' }),
  setting({ key: 'logLevel', flag: '--log-level', env: 'PARTNERPLANE_LOG_LEVEL', defaultText: 'info', parse: logLevel, description: 'pino log level (`silent` turns logging off).' }),
  setting({ key: 'logFormat', flag: '--log-format', env: 'PARTNERPLANE_LOG_FORMAT', defaultText: 'auto', parse: logFormat, description: '`pretty` (readable lines), `json` (one JSON object a line), or `auto`: pretty when the log goes to a terminal, JSON otherwise.' }),
  setting({ key: 'movableClock', flag: '--movable-clock', env: 'PARTNERPLANE_MOVABLE_CLOCK', defaultText: 'false', parse: boolean, description: 'For tests: the service\'s time may be moved forward through the admin API (`POST /admin/clock`), to run maintenance windows and expiries without waiting. Signatures and logs keep wall time. Never in production.' }),
  setting({ key: 'adminToken', flag: '--admin-token', env: 'PARTNERPLANE_ADMIN_TOKEN', parse: adminToken, description: 'Enables the admin API (`/admin/…`, for tests) behind this bearer token of at least 16 characters; without it there is no admin API.' }),
  setting({ key: 'auditRetentionDays', flag: '--audit-retention-days', env: 'PARTNERPLANE_AUDIT_RETENTION_DAYS', parse: integer(1), description: 'Audit records older than this many days are removed, hourly, each removal recorded in the audit log itself (see docs/security.md); without it they are kept for ever.' }),
  setting({ key: 'appUpstreams', flag: '--app-upstreams', env: 'PARTNERPLANE_APP_UPSTREAMS', parse: appUpstreams, description: 'Real backends for the gateway, by app type: `comet=http://127.0.0.1:9000,fiddler=https://…` (types not listed get the built-in app).' }),
  setting({ key: 'dockerPublishIp', flag: '--docker-publish-ip', env: 'PARTNERPLANE_DOCKER_PUBLISH_IP', defaultText: '127.0.0.1', parse: text, description: 'With `--app-runtime docker`: the host address each container\'s port is published on (the engine picks a free port). `0.0.0.0` when replicas on other machines must reach the containers.' }),
  setting({ key: 'dockerAdvertiseHost', flag: '--docker-advertise-host', env: 'PARTNERPLANE_DOCKER_ADVERTISE_HOST', parse: text, description: 'With `--app-runtime docker`: the host name or address the gateway of every replica connects to for a container (stored as the backend\'s address). Default: the publish address, or this machine\'s host name when that is `0.0.0.0` or `::`.' }),
  setting({ key: 'swarmReach', flag: '--swarm-reach', env: 'PARTNERPLANE_SWARM_REACH', defaultText: 'host', parse: oneOf(SWARM_REACHES), description: 'With `--app-runtime swarm`: how the gateway reaches an app\'s tasks. `host`: each task\'s port published in host mode, at its node\'s address (the replicas must reach the nodes). `overlay`: the service\'s name on `--swarm-network`, which partnerplane\'s replicas must be attached to.' }),
  setting({ key: 'swarmNetwork', flag: '--swarm-network', env: 'PARTNERPLANE_SWARM_NETWORK', parse: text, description: 'With `--app-runtime swarm`: the attachable overlay network every app\'s service joins (needed with `--swarm-reach overlay`).' }),
  setting({ key: 'swarmEndpointMode', flag: '--swarm-endpoint-mode', env: 'PARTNERPLANE_SWARM_ENDPOINT_MODE', defaultText: 'dnsrr', parse: oneOf(SWARM_ENDPOINT_MODES), description: 'With `--app-runtime swarm`: `dnsrr` (the service\'s name resolves to its healthy tasks; works without IPVS) or `vip` (a virtual IP; every node needs IPVS).' }),
  setting({ key: 'swarmConstraints', flag: '--swarm-constraints', env: 'PARTNERPLANE_SWARM_CONSTRAINTS', parse: list, description: 'With `--app-runtime swarm`: placement constraints of every app\'s service, comma-separated, as `docker service create --constraint` takes them (`node.labels.apps==true,node.role==worker`).' }),
  setting({ key: 'swarmHealthIntervalMs', flag: '--swarm-health-interval-ms', env: 'PARTNERPLANE_SWARM_HEALTH_INTERVAL_MS', defaultText: '2000', parse: integer(100), description: 'With `--app-runtime swarm`: how often Swarm runs each task\'s health check (a GET of the version\'s `healthPath` from inside the task).' }),
];

/**
 * Resolves every setting from explicit values (flags, or a test's overrides given as text) and
 * the environment. Throws ConfigError naming the bad setting.
 */
export function loadConfig(given: Partial<Record<keyof Config, string>> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const config: Record<string, unknown> = {};
  const defaulted = new Set<keyof Config>();
  for (const def of SETTINGS) {
    const fromFlag = given[def.key];
    const fromEnv = env[def.env];
    const chosen = fromFlag ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
    if (chosen === undefined) defaulted.add(def.key);
    const raw = chosen ?? def.defaultText;
    if (raw !== undefined) config[def.key] = def.parse(raw, fromFlag !== undefined ? def.flag : fromEnv !== undefined ? def.env : def.flag);
  }
  const result = config as unknown as Config;
  result.dataDir = path.resolve(result.dataDir);
  if (result.appRuntime !== 'builtin') for (const key of DELAY_KEYS) if (defaulted.has(key)) result[key] = 0;
  const catalogName = given.appCatalog !== undefined || env.PARTNERPLANE_APP_CATALOG === undefined ? '--app-catalog' : 'PARTNERPLANE_APP_CATALOG';
  result.catalog = loadCatalog(result.appCatalog, result.appRuntime, catalogName);
  assertConsoleOutsideApps(result);
  return result;
}

/** Every host under the apps domain is an app's: the console and the API cannot be reached on one. */
function assertConsoleOutsideApps({ publicUrl, appsDomain }: Config): void {
  if (publicUrl === undefined) return;
  const host = new URL(publicUrl).hostname.toLowerCase();
  if (host.endsWith(`.${appsDomain}`)) {
    throw new ConfigError(`--public-url ${publicUrl} is under --apps-domain ${appsDomain}, where every host is an app's: give the console and the API a host outside it`);
  }
}

/** Settings for an in-process server in tests and tools: a free port and quiet logs. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ port: '0', logLevel: 'silent' }, {}), ...overrides };
}
