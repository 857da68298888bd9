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
import type { PartnerApp } from '../domain/partnerApp.js';

/** Bounds the cache's heap to tens of megabytes (an app's size: docs/performance.md). */
export const APP_CACHE_ENTRIES = 100_000;

export class AppCache {
  private readonly apps = new Map<string, PartnerApp>();

  constructor(private readonly capacity = APP_CACHE_ENTRIES) {}

  get(arn: string): PartnerApp | undefined {
    return this.apps.get(arn);
  }

  /** Keeps the app as read from the database, freezing it; the oldest entry makes room when full. */
  remember(app: PartnerApp): void {
    if (this.apps.size >= this.capacity && !this.apps.has(app.arn)) this.apps.delete(this.apps.keys().next().value!);
    this.apps.set(app.arn, deepFreeze(app));
  }

  forget(arn: string): void {
    this.apps.delete(arn);
  }

  clear(): void {
    this.apps.clear();
  }

  get size(): number {
    return this.apps.size;
  }
}
