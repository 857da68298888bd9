/**
 * The apps a SQLite store has read lately, by ARN, so that a read of a known app costs a JSON.parse
 * instead of a SQLite read transaction (two `fcntl` lock calls, an `fstat` and two B-tree descents:
 * under the DescribePartnerApp round it was a fifth of the server's CPU).
 *
 * Each app is kept as its JSON text: one string holds no references for V8's collector to follow,
 * and every reader gets an app of its own. Held as objects, 100,000 of them made ListPartnerApps,
 * which never reads them, cost 548-569 µs of CPU a page against 475-509 µs with 100 apps held;
 * as strings, 357-364 against 321-333 µs (the bench's scale rounds).
 *
 * It is right only while every change to the apps table goes through the store that owns it: the
 * store forgets an app whenever it writes that app's row (before its transaction commits, so a
 * rolled-back write leaves nothing stale either), and the server holds the database for itself
 * (sqlite.ts, `holdForServing`).
 */
import type { PartnerApp } from '../domain/partnerApp.js';

/** About 700 bytes of heap an app: at most ~70 MB when full. */
export const APP_CACHE_ENTRIES = 100_000;

export class AppCache {
  private readonly apps = new Map<string, string>();

  constructor(private readonly capacity = APP_CACHE_ENTRIES) {}

  get(arn: string): PartnerApp | undefined {
    const text = this.apps.get(arn);
    return text === undefined ? undefined : (JSON.parse(text) as PartnerApp);
  }

  /** Keeps the app as read from the database; the oldest entry makes room when full. */
  remember(app: PartnerApp): void {
    if (this.apps.size >= this.capacity && !this.apps.has(app.arn)) this.apps.delete(this.apps.keys().next().value!);
    this.apps.set(app.arn, JSON.stringify(app));
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
