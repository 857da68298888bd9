import type { Migration } from '../migration.js';

export const migration: Migration = {
  version: 6,
  name: 'backends',
  sql: `
      -- What the reconciler observed of each app's backend (domain/partnerApp.ts ObservedBackend, as JSON).
      ALTER TABLE apps ADD COLUMN backend TEXT;
      -- The replica acting on the app's backend, and until when (its claim lapses then if not renewed).
      ALTER TABLE apps ADD COLUMN backend_owner TEXT;
      ALTER TABLE apps ADD COLUMN backend_lease_until INTEGER;
    `,
};
