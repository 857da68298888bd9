/**
 * The apps a SQLite store has read lately, by ARN, so that a read of a known app costs a Map lookup
 * instead of a SQLite read transaction (two `fcntl` lock calls, an `fstat` and two B-tree descents).
 *
 * Every reader is handed the same app, frozen to its leaves, so none can change what the next one
 * reads (strict-mode code that tries throws), rather than a parsed copy each.
 *
 * It is right only while every change to the apps table goes through the store that owns it: the
 * store forgets an app whenever it writes that app's row (before its transaction commits, so a
 * rolled-back write leaves nothing stale either), and the server holds the database for itself
 * (sqlite.ts, `holdForServing`).
 */
import { deepFreeze } from '../domain/deepFreeze.js';
import type { AppSettings, PartnerApp, PartnerAppSummary } from '../domain/partnerApp.js';
import type { Page } from './store.js';

/**
 * Bounds the cache's heap: an app held here, with the Describe answer kept for it, takes about
 * 1 KB (docs/performance.md), so this many take some 20 MB. Apps beyond it are read from SQLite.
 */
export const APP_CACHE_ENTRIES = 20_000;

/** Bounds the pages of apps kept (a page of 100 takes some 30 KB with the answer kept for it). */
export const APP_PAGES = 64;

/** Bounds the shared values (below); when full they are dropped and shared anew. */
const SHARED_VALUES = 4_096;

/**
 * One copy of each value many apps have alike (their account, region, type, status and version,
 * and their settings as a whole): each app read from SQLite comes with copies of its own, which
 * were a third of what an app held here took.
 */
class SharedValues<T> {
  private readonly values = new Map<string, T>();

  of(key: string, value: T): T {
    const shared = this.values.get(key);
    if (shared !== undefined) return shared;
    if (this.values.size >= SHARED_VALUES) this.values.clear();
    this.values.set(key, value);
    return value;
  }
}

export type AppPage = Page<PartnerAppSummary, number>;

export class AppCache {
  private readonly apps = new Map<string, PartnerApp>();
  /**
   * The pages of apps listed since the last change to any app, by what was asked, frozen like the
   * apps: a client polling ListPartnerApps, or several walking the same pages, read them from here.
   */
  private readonly pages = new Map<string, AppPage>();
  private readonly strings = new SharedValues<string>();
  private readonly settings = new SharedValues<AppSettings>();

  constructor(private readonly capacity = APP_CACHE_ENTRIES) {}

  get(arn: string): PartnerApp | undefined {
    return this.apps.get(arn);
  }

  /**
   * Keeps the app as read from the database, frozen, with the values it shares with other apps held
   * replaced by theirs, and returns it; the oldest entry makes room when full. The app is changed in
   * place, so it must be the caller's own fresh copy: a spread copy, once frozen, had a hidden class
   * and descriptor array of its own, some 430 bytes an app.
   */
  remember(app: PartnerApp): PartnerApp {
    if (this.apps.size >= this.capacity && !this.apps.has(app.arn)) this.apps.delete(this.apps.keys().next().value!);
    const { strings } = this;
    app.accountId = strings.of(app.accountId, app.accountId);
    app.region = strings.of(app.region, app.region);
    app.type = strings.of(app.type, app.type) as PartnerApp['type'];
    app.status = strings.of(app.status, app.status) as PartnerApp['status'];
    app.version = strings.of(app.version, app.version);
    app.settings = this.settings.of(JSON.stringify(app.settings), app.settings);
    this.apps.set(app.arn, deepFreeze(app));
    return app;
  }

  page(query: string): AppPage | undefined {
    return this.pages.get(query);
  }

  /** Keeps a page as read from the database, frozen, and returns it; the oldest page makes room when full. */
  rememberPage(query: string, page: AppPage): AppPage {
    if (this.pages.size >= APP_PAGES) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(query, deepFreeze(page));
    return page;
  }

  /** An app was changed or removed: its entry goes, and every page (it may be on any). */
  forget(arn: string): void {
    this.apps.delete(arn);
    this.pages.clear();
  }

  /** An app was added: the pages it belongs on go. */
  added(): void {
    this.pages.clear();
  }

  clear(): void {
    this.apps.clear();
    this.pages.clear();
  }

  get size(): number {
    return this.apps.size;
  }
}
