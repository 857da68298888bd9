import type { Migration } from '../migration.js';

export const migration: Migration = {
  version: 4,
  name: 'resource_requests',
  sql: `
      -- Cloud Control resource operation requests (domain/resourceRequests.ts), kept seven days.
      CREATE TABLE resource_requests (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        token TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        type_name TEXT NOT NULL,
        operation TEXT NOT NULL,
        identifier TEXT,
        event_time INTEGER NOT NULL,
        waits_for TEXT,
        ended_status TEXT,
        ended_reason TEXT,
        settled_status TEXT,
        error_code TEXT,
        status_message TEXT,
        cancelled_at INTEGER
      );
      CREATE INDEX resource_requests_by_owner ON resource_requests (account_id, region, seq);
      CREATE INDEX resource_requests_by_age ON resource_requests (event_time);
      CREATE INDEX resource_requests_waiting ON resource_requests (identifier) WHERE waits_for IS NOT NULL AND ended_status IS NULL;

      -- Whatever moves an app out of a transitional status (the reconciler, an import, a runtime
      -- observation), the requests waiting on that transition learn where it ended, in the same
      -- transaction.
      CREATE TRIGGER resource_requests_settle AFTER UPDATE OF status ON apps
        WHEN OLD.status IN ('Creating', 'Updating', 'Deleting') AND NEW.status <> OLD.status
        BEGIN
          UPDATE resource_requests SET ended_status = NEW.status, ended_reason = NEW.error_reason
            WHERE identifier = NEW.arn AND waits_for = OLD.status AND ended_status IS NULL;
        END;
    `,
};
