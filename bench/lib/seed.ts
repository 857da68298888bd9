/**
 * Fills a data directory with apps without going through the API: the real schema (the store's
 * own migrations create it) and the store's own row mapping, bulk-inserted in one transaction,
 * each app's maintenance planned as the server plans it (so that the server, started with the
 * built-in catalog, finds nothing to plan again: domain/maintenance.ts).
 */
import Database from 'better-sqlite3';
import { appArn, type PartnerApp } from '../../src/domain/partnerApp.js';
import { builtInCatalog } from '../../src/catalog/builtin.js';
import { nextMaintenanceAt } from '../../src/domain/maintenance.js';
import { PublicUrls } from '../../src/publicUrls.js';
import { openSqliteStore, sqlitePathFrom } from '../../src/store/sqlite.js';
import { appToRow } from '../../src/store/rows.js';
import { SQLITE_STATEMENTS } from '../../src/store/sqliteStatements.js';
import { BENCH_REGION } from './signing.js';

/** The account the documented `test` access key belongs to. */
export const BENCH_ACCOUNT = '000000000000';
export const EXECUTION_ROLE = `arn:aws:iam::${BENCH_ACCOUNT}:role/PartnerAppRole`;

const appId = (index: number) => `app-${String(index).padStart(12, '0')}`;
export const seededArn = (index: number) => appArn(BENCH_REGION, BENCH_ACCOUNT, appId(index));

/**
 * The index-th seeded app, Available, made at `time`, as the server at `publicUrl` would have
 * provisioned it (with the default apps domain), its maintenance planned as the server plans it
 * with the built-in catalog.
 */
export function seededApp(index: number, publicUrl: string, time: number): PartnerApp {
  const app: PartnerApp = {
    arn: seededArn(index),
    accountId: BENCH_ACCOUNT,
    region: BENCH_REGION,
    name: `seeded${index}`,
    type: 'comet',
    status: 'Available',
    settings: { ExecutionRoleArn: EXECUTION_ROLE, Tier: 'small', AuthType: 'IAM' },
    version: builtInCatalog.initialVersion('comet'),
    baseUrl: new PublicUrls(publicUrl, 'localhost').appBaseUrl(appId(index)),
    creationTime: time,
    lastModifiedTime: time,
    failTransition: false,
  };
  return { ...app, dueAt: nextMaintenanceAt(app, builtInCatalog.types.comet!.versions, time) };
}

/**
 * Adds `count` Available apps (seededArn(0) … seededArn(count - 1)), as the server at `publicUrl`
 * would have provisioned them. The data directory must not hold seeded apps yet.
 */
export async function seedApps(dataDir: string, count: number, publicUrl: string): Promise<void> {
  const file = sqlitePathFrom(undefined, dataDir);
  await openSqliteStore(file).close();
  const db = new Database(file);
  try {
    // Bulk loading only: the server reopens the file with its own durable settings.
    db.pragma('synchronous = OFF');
    const insert = db.prepare(SQLITE_STATEMENTS.insertApp);
    const usage = db.prepare('INSERT INTO account_usage (account_id, live_apps) VALUES (?, ?) ON CONFLICT (account_id) DO UPDATE SET live_apps = live_apps + excluded.live_apps');
    const start = Date.now() - count;
    db.transaction(() => {
      for (let index = 0; index < count; index++) insert.run(...appToRow(seededApp(index, publicUrl, start + index)));
      usage.run(BENCH_ACCOUNT, count);
      db.prepare('UPDATE maintenance_plan SET catalog = ?').run(builtInCatalog.maintenanceFingerprint());
    }).immediate();
  } finally {
    db.close();
  }
}
