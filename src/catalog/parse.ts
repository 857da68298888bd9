/**
 * An `--app-catalog` file (JSON) checked and read into a Catalog. Every problem names the entry it
 * is in (`types.comet.versions[1] (1.2): …`), so the server can refuse to start saying exactly what
 * to fix. The format is documented, with a complete example, in docs/runtimes.md.
 */
import { APP_TYPES, type PartnerAppType } from '../domain/partnerApp.js';
import { compareVersions } from '../domain/rules/partners.js';
import { Catalog, catalogVersion, type CatalogVersion, type RunSpec, type TierResources, type TypeCatalog } from './catalog.js';

export class CatalogError extends Error {}

/** What a runtime needs of every version: the field that says how it runs there. */
export type RunNeed = 'image' | 'command' | undefined;

const DEFAULT_HEALTH_PATH = '/';
const DEFAULT_START_TIMEOUT_SECONDS = 60;
const RUN_FIELDS = ['image', 'command', 'port', 'healthPath', 'startTimeoutSeconds', 'env'] as const;
const VERSION_FIELDS = ['version', 'eolDate', 'releaseNotes', ...RUN_FIELDS] as const;
const TYPE_FIELDS = ['current', 'versions', 'tiers', ...RUN_FIELDS] as const;

type Json = Record<string, unknown>;

const fail = (where: string, problem: string): never => {
  throw new CatalogError(`${where}: ${problem}`);
};

function object(value: unknown, where: string, allowed: readonly string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'must be a JSON object');
  const unknown = Object.keys(value as Json).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) fail(where, `unknown field ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  return value as Json;
}

function string(value: unknown, where: string, pattern = /\S/): string {
  if (typeof value !== 'string' || !pattern.test(value)) fail(where, `must be a string matching ${pattern}, got ${JSON.stringify(value)}`);
  return value as string;
}

function number(value: unknown, where: string, min: number, max: number, whole: boolean): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!whole || Number.isInteger(value));
  if (!ok) fail(where, `must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value as number;
}

function strings(value: unknown, where: string, min: number, max: number, maxLength: number): string[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) fail(where, `must be an array of ${min} to ${max} strings`);
  return (value as unknown[]).map((item, index) => {
    const text = string(item, `${where}[${index}]`, /^[^]+$/);
    if (text.length > maxLength) fail(`${where}[${index}]`, `must be at most ${maxLength} characters`);
    return text;
  });
}

function env(value: unknown, where: string): Record<string, string> {
  const entries = Object.entries(object(value, where, Object.keys(value ?? {})));
  for (const [name, text] of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(where, `variable name ${JSON.stringify(name)} is not a valid environment variable name`);
    if (name.startsWith('PARTNERPLANE_') || name === 'PORT') fail(`${where}.${name}`, 'is set by partnerplane and cannot be replaced');
    if (typeof text !== 'string') fail(`${where}.${name}`, 'must be a string');
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function tiers(value: unknown, where: string): Record<string, TierResources> {
  const tierMap = object(value, where, Object.keys(value ?? {}));
  if (Object.keys(tierMap).length === 0) fail(where, 'must name at least one tier');
  return Object.fromEntries(
    Object.entries(tierMap).map(([tier, resources]) => {
      const at = `${where}.${tier}`;
      if (tier.length > 64 || !/\S/.test(tier)) fail(at, 'a tier name is 1 to 64 characters, not all blank');
      const given = object(resources, at, ['cpus', 'memoryMiB', 'replicas']);
      const parsed: TierResources = {};
      if (given.cpus !== undefined) parsed.cpus = number(given.cpus, `${at}.cpus`, 0.01, 1024, false);
      if (given.memoryMiB !== undefined) parsed.memoryMiB = number(given.memoryMiB, `${at}.memoryMiB`, 6, 16 * 1024 * 1024, true);
      if (given.replicas !== undefined) parsed.replicas = number(given.replicas, `${at}.replicas`, 1, 100, true);
      return [tier, parsed];
    }),
  );
}

/** How a version runs: its own fields over its type's; undefined when neither says anything of it. */
function runSpec(own: Json, inherited: Json, where: string, need: RunNeed): RunSpec | undefined {
  const field = (name: (typeof RUN_FIELDS)[number]) => (own[name] !== undefined ? own[name] : inherited[name]);
  const image = field('image') === undefined ? undefined : string(field('image'), `${where}.image`);
  const command = field('command') === undefined ? undefined : strings(field('command'), `${where}.command`, 1, 256, 4096);
  if (need && (need === 'image' ? image : command) === undefined) {
    fail(where, `says no ${need}, which this runtime needs to run it (give it here or on its type)`);
  }
  if (image === undefined && command === undefined) return undefined;
  const port = field('port') === undefined ? undefined : number(field('port'), `${where}.port`, 1, 65535, true);
  if (image !== undefined && port === undefined) fail(where, 'an image needs the port its server listens on (port)');
  const healthPath = string(field('healthPath') ?? DEFAULT_HEALTH_PATH, `${where}.healthPath`, /^\/\S*$/);
  const timeout = number(field('startTimeoutSeconds') ?? DEFAULT_START_TIMEOUT_SECONDS, `${where}.startTimeoutSeconds`, 1, 3600, true);
  const variables = { ...(inherited.env === undefined ? {} : env(inherited.env, `${where}.env`)), ...(own.env === undefined ? {} : env(own.env, `${where}.env`)) };
  return { ...(image !== undefined && { image }), ...(command !== undefined && { command }), ...(port !== undefined && { port }), healthPath, startTimeoutMs: timeout * 1000, env: variables };
}

function versionEntry(value: unknown, where: string, type: Json, need: RunNeed): CatalogVersion {
  const given = object(value, where, VERSION_FIELDS);
  const version = string(given.version, `${where}.version`, /^\d+\.\d+$/);
  const at = `${where} (${version})`;
  const eolDate = string(given.eolDate, `${at}.eolDate`, /^\d{4}-\d{2}-\d{2}$/);
  if (new Date(`${eolDate}T00:00:00Z`).toISOString().slice(0, 10) !== eolDate) fail(`${at}.eolDate`, `${eolDate} is not a date`);
  const releaseNotes = strings(given.releaseNotes ?? [], `${at}.releaseNotes`, 0, 10, 1024);
  return catalogVersion(version, eolDate, releaseNotes, runSpec(given, type, at, need));
}

function typeEntry(value: unknown, where: string, sharedTiers: Record<string, TierResources> | undefined, need: RunNeed): TypeCatalog {
  const given = object(value, where, TYPE_FIELDS);
  if (!Array.isArray(given.versions) || given.versions.length === 0) fail(`${where}.versions`, 'must be an array of at least one version');
  const versions = (given.versions as unknown[]).map((entry, index) => versionEntry(entry, `${where}.versions[${index}]`, given, need));
  versions.forEach((entry, index) => {
    const earlier = versions.slice(0, index).find((other) => other.version === entry.version);
    if (earlier) fail(`${where}.versions[${index}]`, `version ${entry.version} is listed twice`);
  });
  const current = string(given.current ?? versions[0]!.version, `${where}.current`);
  if (!versions.some((entry) => entry.version === current)) fail(`${where}.current`, `${current} is not one of its versions (${versions.map((v) => v.version).join(', ')})`);
  const ownTiers = given.tiers === undefined ? sharedTiers : tiers(given.tiers, `${where}.tiers`);
  return { current, versions, ...(ownTiers && { tiers: ownTiers }) };
}

/**
 * The catalog a file holds. `need` is what the runtime in use needs of every version (an image
 * for docker and swarm, a command for process, nothing for builtin), checked now rather than when
 * an app is created.
 */
export function parseCatalog(text: string, source: string, need: RunNeed): Catalog {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CatalogError(`not valid JSON: ${(error as Error).message}`);
  }
  const root = object(parsed, 'the catalog', ['types', 'tiers']);
  const sharedTiers = root.tiers === undefined ? undefined : tiers(root.tiers, 'tiers');
  const types = object(root.types, 'types', APP_TYPES);
  if (Object.keys(types).length === 0) fail('types', `must offer at least one of ${APP_TYPES.join(', ')}`);
  // In the model's order, so that messages listing the offered types read the same whatever the file's order.
  const entries = APP_TYPES.filter((type) => types[type] !== undefined).map((type) => [type, typeEntry(types[type], `types.${type}`, sharedTiers, need)] as const);
  return new Catalog(Object.fromEntries(entries) as Record<PartnerAppType, TypeCatalog>, source);
}

/** A RunSpec as the fields of a catalog entry, for a release to inherit what it does not say. */
function runFields(run: RunSpec | undefined): Json {
  if (!run) return {};
  const { startTimeoutMs, ...fields } = run;
  return { ...fields, startTimeoutSeconds: startTimeoutMs / 1000 };
}

/**
 * A version released at runtime (POST /admin/versions): `{"type", …}` and the fields of a catalog
 * file's version entry. Its type must be offered and the version new to it; what it does not say
 * of how it runs it takes from the type's newest version (choice: a new version of the same software
 * runs as the last one did).
 */
export function parseRelease(value: unknown, catalog: Catalog, need: RunNeed): { type: PartnerAppType; entry: CatalogVersion } {
  const { type, ...given } = object(value, 'the release', ['type', ...VERSION_FIELDS]);
  if (!catalog.offers(type as PartnerAppType)) fail('the release', `type must be one of the types offered (${catalog.offered().join(', ')}), got ${JSON.stringify(type)}`);
  const versions = catalog.types[type as PartnerAppType]!.versions;
  const newest = versions.reduce((a, b) => (compareVersions(a.version, b.version) >= 0 ? a : b));
  const entry = versionEntry(given, 'the release', runFields(newest.run), need);
  if (versions.some((v) => v.version === entry.version)) fail('the release', `${type} ${entry.version} is in the catalog already`);
  return { type: type as PartnerAppType, entry };
}
