import { ConfigError, withoutPassword, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { migrateSqlite, openSqliteReader, openSqliteStore, sqlitePathFrom } from './sqlite.js';
import type { Store } from './store.js';

const isPostgresUrl = (url: string | undefined): url is string => url !== undefined && /^postgres(ql)?:/.test(url);

/** The PostgreSQL store, loaded only when a database URL names PostgreSQL: pg was a tenth of a SQLite server's start-up. */
const postgres = () => import('./postgres.js');

export interface OpenOptions {
  logger?: Logger;
  /** For the server: a SQLite database is then held against other servers (sqlite.ts). */
  serving?: boolean;
}

/** The setting that chose the database, for messages that tell the user what to change. */
function settingOf(config: Config): string {
  return config.databaseUrl ? '--database-url / PARTNERPLANE_DATABASE_URL' : '--data-dir / PARTNERPLANE_DATA_DIR';
}

/** Where the data is, in words: the SQLite file or the PostgreSQL URL (without its password). */
export function describeDatabase(config: Config): string {
  return isPostgresUrl(config.databaseUrl) ? `PostgreSQL at ${withoutPassword(config.databaseUrl)}` : `SQLite in ${sqlitePathFrom(config.databaseUrl, config.dataDir)}`;
}

/** System and database errors that mean the setting is wrong (or the database is down), not a bug. */
const SETTING_ERROR = /^(E[A-Z]+|SQLITE_(CANTOPEN|READONLY|NOTADB|PERM|AUTH|IOERR\w*)|08\w{3}|28\w{3}|3D\w{3}|3F\w{3}|42501)$/;

/** Runs `open`, turning a failure the user can fix into a ConfigError that names the database and the setting. */
async function naming<T>(config: Config, open: () => T | Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: string };
    if (error instanceof ConfigError || typeof code !== 'string' || !SETTING_ERROR.test(code)) throw error;
    throw new ConfigError(`cannot use ${describeDatabase(config)} (${settingOf(config)}): ${message || code}`);
  }
}

/**
 * The store the settings ask for: SQLite in the data directory unless a database URL says
 * otherwise. Either way the schema is migrated to this version first.
 */
export function openStore(config: Config, { logger, serving = false }: OpenOptions = {}): Promise<Store> {
  if (isPostgresUrl(config.databaseUrl)) return naming(config, async () => (await postgres()).openPostgresStore(config.databaseUrl!, logger));
  return naming(config, () => openSqliteStore(sqlitePathFrom(config.databaseUrl, config.dataDir), { logger, serving }));
}

/**
 * The configured database, to read only: nothing created, nothing migrated. A setting that names
 * no partnerplane database is refused, as a mistyped path would otherwise look like an empty log.
 */
export async function openStoreReader(config: Config): Promise<Store> {
  const store = await naming<Store | undefined>(config, () =>
    isPostgresUrl(config.databaseUrl) ? postgres().then((loaded) => loaded.openPostgresReader(config.databaseUrl!)) : openSqliteReader(sqlitePathFrom(config.databaseUrl, config.dataDir)),
  );
  if (store) return store;
  throw new ConfigError(`there is no partnerplane database in ${describeDatabase(config)} (${settingOf(config)}): give the one a server uses`);
}

/** Brings the configured database's schema up to date (`partnerplane migrate`); returns the versions applied. */
export async function migrateStore(config: Config): Promise<{ kind: Store['kind']; applied: number[] }> {
  if (isPostgresUrl(config.databaseUrl)) {
    const { createPostgresPool, migratePostgres } = await postgres();
    const pool = createPostgresPool(config.databaseUrl);
    try {
      return { kind: 'postgres', applied: await naming(config, () => migratePostgres(pool)) };
    } finally {
      await pool.end();
    }
  }
  return { kind: 'sqlite', applied: await naming(config, () => migrateSqlite(sqlitePathFrom(config.databaseUrl, config.dataDir))) };
}
