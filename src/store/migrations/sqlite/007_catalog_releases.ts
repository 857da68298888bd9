import type { Migration } from '../migration.js';

export const migration: Migration = {
  version: 7,
  name: 'catalog_releases',
  sql: `
      -- Versions released at runtime through the admin API (catalog/releases.ts), each as the
      -- catalog entry it was given, so that every replica and every restart has them.
      CREATE TABLE catalog_releases (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        version TEXT NOT NULL,
        entry TEXT NOT NULL,
        released_at INTEGER NOT NULL,
        UNIQUE (type, version)
      );
    `,
};
