import type { Migration } from '../migration.js';

/** The same table as SQLite's 005; its one row is locked by whoever plans again, so replicas take turns. */
export const migration: Migration = {
  version: 5,
  name: 'maintenance',
  sql: `
      CREATE TABLE maintenance_plan (id INTEGER PRIMARY KEY CHECK (id = 1), catalog TEXT NOT NULL);
      INSERT INTO maintenance_plan (id, catalog) VALUES (1, '');
    `,
};
