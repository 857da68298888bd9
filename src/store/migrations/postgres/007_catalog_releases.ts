import type { Migration } from '../migration.js';

/** The same table as SQLite's 007. */
export const migration: Migration = {
  version: 7,
  name: 'catalog_releases',
  sql: `
      CREATE TABLE catalog_releases (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        type TEXT NOT NULL,
        version TEXT NOT NULL,
        entry TEXT NOT NULL,
        released_at BIGINT NOT NULL,
        UNIQUE (type, version)
      );
    `,
};
