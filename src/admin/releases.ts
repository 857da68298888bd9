/**
 * Versions released at runtime. POST /admin/versions stores one (the store keeps every release, so
 * that each replica and each restart has them) and lays it over this server's catalog: a new
 * Catalog in config.catalog, which DescribePartnerApp (AvailableUpgrade, CurrentVersionEolDate),
 * UpdatePartnerApp (AppVersion), maintenance and the supervisor read. Every replica loads the
 * releases at start and whenever the store has a newer one (a poll), then plans the Available
 * apps' maintenance again, so that the windows pick the version up whichever replica released it.
 */
import type { Catalog, CatalogVersion } from '../catalog/catalog.js';
import { CatalogError, parseRelease } from '../catalog/parse.js';
import type { Clock } from '../clock.js';
import { RUN_NEEDS, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { validationError } from '../protocol/errors.js';
import type { Store } from '../store/store.js';

/** How often a replica asks the store whether another released a version (one indexed read). */
const POLL_MS = 1000;

export interface CatalogReleasesOptions {
  store: Store;
  /** The server's live settings: config.catalog is replaced as releases are laid over it. */
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Tells the reconciler that apps were made due (their maintenance is planned again). */
  wakeReconciler(): void;
}

export class CatalogReleases {
  /** The catalog the server started with, under every release. */
  private readonly base: Catalog;
  /** The newest release laid over it (0: none). */
  private loaded = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CatalogReleasesOptions) {
    this.base = options.config.catalog;
  }

  /** The releases kept, then the apps planned again if the catalog is not the one their maintenance was planned with. */
  async start(): Promise<void> {
    await this.load(await this.options.store.latestRelease());
    await this.replan(false);
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.options.logger.error({ err: error }, 'the version releases could not be read'));
    }, POLL_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** POST /admin/versions: `{"type", "version", "eolDate", "releaseNotes"?, …how it runs}`. */
  async release(body: unknown): Promise<object> {
    const { config, store } = this.options;
    const { type, entry } = this.parsed(body, config.catalog);
    const { type: _type, ...given } = body as Record<string, unknown>;
    if (!(await store.releaseVersion({ type, version: entry.version, entry: JSON.stringify(given), releasedAt: Date.now() }))) {
      throw validationError(`the release: ${type} ${entry.version} has been released already`);
    }
    await this.refresh();
    return { released: { type, version: entry.version, eolDate: entry.eolDate, releaseNotes: entry.releaseNotes } };
  }

  /** Lays the store's releases over the base catalog again when it has others than those laid (a new one, or a reset). */
  async refresh(): Promise<void> {
    const latest = await this.options.store.latestRelease();
    if (latest === this.loaded) return;
    await this.load(latest);
    await this.replan(true);
    this.options.wakeReconciler();
  }

  private async load(latest: number): Promise<void> {
    let catalog = this.base;
    for (const release of await this.options.store.listReleases()) {
      try {
        const { type, entry } = this.parsed({ type: release.type, ...JSON.parse(release.entry) }, catalog);
        catalog = catalog.withRelease(type, entry);
      } catch (error) {
        // The catalog file now lists the version itself, or no longer offers its type: the file wins.
        this.options.logger.warn({ err: error, type: release.type, version: release.version }, 'a version released earlier is left out of the catalog');
      }
    }
    this.options.config.catalog = catalog;
    this.loaded = latest;
  }

  private parsed(body: unknown, catalog: Catalog): { type: Parameters<Catalog['withRelease']>[0]; entry: CatalogVersion } {
    try {
      return parseRelease(body, catalog, RUN_NEEDS[this.options.config.appRuntime]);
    } catch (error) {
      if (error instanceof CatalogError) throw validationError(error.message);
      throw error;
    }
  }

  /** Plans the Available apps' maintenance again: when the catalog changed, or (`force`) whatever the store last planned with. */
  private async replan(force: boolean): Promise<void> {
    const { config, store, clock, logger } = this.options;
    const apps = await store.replanMaintenance(config.catalog.maintenanceFingerprint(), clock.now(), force);
    if (apps > 0) logger.info({ apps }, 'the version catalog changed: maintenance is planned again');
  }
}
