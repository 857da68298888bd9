/**
 * The apps a SQLite store has read lately, by ARN, so that a read of a known app costs a map lookup
 * instead of a SQLite read transaction (two `fcntl` lock calls, an `fstat` and two B-tree descents:
 * under the DescribePartnerApp round it was a fifth of the server's CPU).
 *
 * It is right only while every change to the apps table goes through the store that owns it: the
 * store forgets an app whenever it writes that app's row (before its transaction commits, so a
 * rolled-back write leaves nothing stale either), and the server holds the database for itself
 * (sqlite.ts, `holdForServing`). Entries are frozen: one object is handed to every reader.
 */
import type { PartnerApp } from '../domain/partnerApp.js';

/** About 750 bytes of heap an app: at most ~75 MB when full. */
export const APP_CACHE_ENTRIES = 100_000;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

export class AppCache {
  private readonly apps = new Map<string, PartnerApp>();

  constructor(private readonly capacity = APP_CACHE_ENTRIES) {}

  get(arn: string): PartnerApp | undefined {
    return this.apps.get(arn);
  }

  /** Keeps the app as read from the database; the oldest entry makes room when full. */
  remember(app: PartnerApp): PartnerApp {
    if (this.capacity === 0) return app;
    if (this.apps.size >= this.capacity && !this.apps.has(app.arn)) this.apps.delete(this.apps.keys().next().value!);
    this.apps.set(app.arn, deepFreeze(app));
    return app;
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
