import type { Config } from '../config.js';
import { openSqliteStore, sqlitePathFrom } from './sqlite.js';
import type { Store } from './store.js';

/** The store the settings ask for: SQLite in the data directory unless a database URL says otherwise. */
export async function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl && /^postgres(ql)?:/.test(config.databaseUrl)) {
    throw new Error('PostgreSQL storage is not available in this build');
  }
  return openSqliteStore(sqlitePathFrom(config.databaseUrl, config.dataDir));
}
