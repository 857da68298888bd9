import type { Migration } from '../migration.js';

export const migration: Migration = {
  version: 5,
  name: 'maintenance',
  sql: `
      -- The catalog (its fingerprint, domain/maintenance.ts) the apps' maintenance was last planned
      -- with: a server started with another plans every Available app's maintenance again.
      CREATE TABLE maintenance_plan (id INTEGER PRIMARY KEY CHECK (id = 1), catalog TEXT NOT NULL);
      INSERT INTO maintenance_plan (id, catalog) VALUES (1, '');
    `,
};
