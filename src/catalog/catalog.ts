/**
 * The app catalog: which app types this installation offers, the versions of each (end-of-life
 * dates, release notes, how to run them) and its tiers (the resources each gives a backend).
 * The built-in catalog (builtin.ts) offers every type, on the built-in page, in any tier; a file
 * given with `--app-catalog` (parse.ts, docs/runtimes.md) replaces it.
 *
 * A type's versions are in upgrade order: a new app gets the type's `current` version, and the
 * entry after an app's version is the upgrade DescribePartnerApp offers and UpdatePartnerApp applies.
 */
import type { PartnerAppType } from '../domain/partnerApp.js';
import { catalogFingerprint } from '../domain/maintenance.js';
import { compareVersions } from '../domain/rules/partners.js';

/** How to run a version (what a runtime needs of the catalog). */
export interface RunSpec {
  /** A container image (docker, swarm runtimes). */
  image?: string;
  /** A command and its arguments, run without a shell (process runtime). */
  command?: readonly string[];
  /** The port an image's server listens on; a process is given its own in PORT. */
  port?: number;
  /** Path whose GET answers 2xx or 3xx once the backend is ready. */
  healthPath: string;
  startTimeoutMs: number;
  /** Added to the backend's environment (after partnerplane's own variables, which it cannot replace). */
  env: Readonly<Record<string, string>>;
}

export interface CatalogVersion {
  version: string;
  /** The last day of support, yyyy-mm-dd. */
  eolDate: string;
  /** The start of that day (UTC) in epoch ms, as DescribePartnerApp answers it: worked out once, not on every call. */
  eolTime: number;
  releaseNotes: string[];
  /** Absent in the built-in catalog: its apps are the gateway's built-in page. */
  run?: RunSpec;
}

/** What a tier gives each backend. */
export interface TierResources {
  cpus?: number;
  memoryMiB?: number;
  /** Copies of the backend (swarm runtime). */
  replicas?: number;
}

export interface TypeCatalog {
  current: string;
  versions: readonly CatalogVersion[];
  /** The tiers apps of this type may have; absent: any tier, with no resource limits. */
  tiers?: Readonly<Record<string, TierResources>>;
}

export type CatalogEntries = Readonly<Partial<Record<PartnerAppType, TypeCatalog>>>;

export class Catalog {
  constructor(
    readonly types: CatalogEntries,
    /** Where it came from, for messages: the file's path, or `built-in`. */
    readonly source: string,
  ) {}

  /** The types it offers, in the order the model lists them. */
  offered(): PartnerAppType[] {
    return Object.keys(this.types) as PartnerAppType[];
  }

  offers(type: PartnerAppType): boolean {
    return this.types[type] !== undefined;
  }

  /** The version a new app of an offered type gets. */
  initialVersion(type: PartnerAppType): string {
    return this.entriesOf(type).current;
  }

  versionInfo(type: PartnerAppType, version: string): CatalogVersion | undefined {
    const versions = this.types[type]?.versions ?? [];
    return versions.find((entry) => entry.version === version);
  }

  /** The one upgrade on offer: the next entry. Skipping versions is not supported. */
  availableUpgrade(type: PartnerAppType, version: string): CatalogVersion | undefined {
    const versions = this.types[type]?.versions ?? [];
    const index = versions.findIndex((entry) => entry.version === version);
    return index < 0 ? undefined : versions[index + 1];
  }

  /** The tiers a type's apps may have, or undefined when any tier is accepted. */
  tiersOf(type: PartnerAppType): readonly string[] | undefined {
    const tiers = this.types[type]?.tiers;
    return tiers && Object.keys(tiers);
  }

  /** A tier's resources; none for a type that does not list its tiers (or a tier it no longer lists). */
  resourcesOf(type: PartnerAppType, tier: string): TierResources {
    return this.types[type]?.tiers?.[tier] ?? {};
  }

  /** What the apps' maintenance is planned with (domain/maintenance.ts): the same for catalogs whose versions and end-of-life dates are. */
  maintenanceFingerprint(): string {
    return catalogFingerprint(Object.fromEntries(this.offered().map((type) => [type, this.types[type]!.versions])));
  }

  /**
   * This catalog with a version released at runtime (catalog/release.ts) added to its offered type,
   * in version order: a new catalog, so that what was worked out from this one can be told apart.
   */
  withRelease(type: PartnerAppType, release: CatalogVersion): Catalog {
    const entries = this.entriesOf(type);
    const versions = [...entries.versions, release].sort((a, b) => compareVersions(a.version, b.version));
    return new Catalog({ ...this.types, [type]: { ...entries, versions } }, this.source);
  }

  private entriesOf(type: PartnerAppType): TypeCatalog {
    const entries = this.types[type];
    if (!entries) throw new Error(`the app catalog (${this.source}) does not offer ${type}`);
    return entries;
  }
}

/** One version's entry, its end of life worked out once. */
export const catalogVersion = (version: string, eolDate: string, releaseNotes: string[], run?: RunSpec): CatalogVersion => ({
  version,
  eolDate,
  eolTime: Date.parse(`${eolDate}T00:00:00Z`),
  releaseNotes,
  ...(run && { run }),
});
