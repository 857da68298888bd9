import type { Migration } from '../migration.js';

/** The same columns as SQLite's 006. */
export const migration: Migration = {
  version: 6,
  name: 'backends',
  sql: `
      ALTER TABLE apps ADD COLUMN backend TEXT;
      ALTER TABLE apps ADD COLUMN backend_owner TEXT;
      ALTER TABLE apps ADD COLUMN backend_lease_until BIGINT;
    `,
};
