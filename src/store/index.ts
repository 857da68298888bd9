import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createPostgresPool, migratePostgres, openPostgresStore } from './postgres.js';
import { migrateSqlite, openSqliteStore, sqlitePathFrom } from './sqlite.js';
import type { Store } from './store.js';

const isPostgresUrl = (url: string | undefined): url is string => url !== undefined && /^postgres(ql)?:/.test(url);

export interface OpenOptions {
  logger?: Logger;
  /** For the server: a SQLite database is then held against other servers (sqlite.ts). */
  serving?: boolean;
}

/**
 * The store the settings ask for: SQLite in the data directory unless a database URL says
 * otherwise. Either way the schema is migrated to this version first.
 */
export async function openStore(config: Config, { logger, serving = false }: OpenOptions = {}): Promise<Store> {
  if (isPostgresUrl(config.databaseUrl)) return openPostgresStore(config.databaseUrl, logger);
  return openSqliteStore(sqlitePathFrom(config.databaseUrl, config.dataDir), { logger, serving });
}

/** Brings the configured database's schema up to date (`partnerplane migrate`); returns the versions applied. */
export async function migrateStore(config: Config): Promise<{ kind: Store['kind']; applied: number[] }> {
  if (isPostgresUrl(config.databaseUrl)) {
    const pool = createPostgresPool(config.databaseUrl);
    try {
      return { kind: 'postgres', applied: await migratePostgres(pool) };
    } finally {
      await pool.end();
    }
  }
  return { kind: 'sqlite', applied: migrateSqlite(sqlitePathFrom(config.databaseUrl, config.dataDir)) };
}
