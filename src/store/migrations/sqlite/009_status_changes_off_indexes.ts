import type { Migration } from '../migration.js';

export const migration: Migration = {
  version: 9,
  name: 'status_changes_off_indexes',
  sql: `
      -- A change of status (two an UpdatePartnerApp, one a CreatePartnerApp) rewrote an entry of two
      -- indexes besides apps_due: apps_by_status, and apps_live_name, whose condition read the
      -- status. With random apps that was half of what the store's UPDATE of an app cost
      -- (docs/performance.md). The metrics gauge now counts apps by status from the table.
      DROP INDEX apps_by_status;
      -- Set (1) when the app becomes Deleted, its name then free again; the store sets it, and
      -- only then, so a save that leaves it alone leaves the name index alone too.
      ALTER TABLE apps ADD COLUMN gone INTEGER;
      UPDATE apps SET gone = 1 WHERE status = 'Deleted';
      DROP INDEX apps_live_name;
      CREATE UNIQUE INDEX apps_live_name ON apps (account_id, region, name) WHERE gone IS NULL;
    `,
};
