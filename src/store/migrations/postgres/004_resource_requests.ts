import type { Migration } from '../migration.js';

/** The same table and trigger as SQLite's 004. */
export const migration: Migration = {
  version: 4,
  name: 'resource_requests',
  sql: `
      CREATE TABLE resource_requests (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        type_name TEXT NOT NULL,
        operation TEXT NOT NULL,
        identifier TEXT,
        event_time BIGINT NOT NULL,
        waits_for TEXT,
        ended_status TEXT,
        ended_reason TEXT,
        settled_status TEXT,
        error_code TEXT,
        status_message TEXT,
        cancelled_at BIGINT
      );
      CREATE INDEX resource_requests_by_owner ON resource_requests (account_id, region, seq);
      CREATE INDEX resource_requests_by_age ON resource_requests (event_time);
      CREATE INDEX resource_requests_waiting ON resource_requests (identifier) WHERE waits_for IS NOT NULL AND ended_status IS NULL;

      CREATE FUNCTION resource_requests_settle() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE resource_requests SET ended_status = NEW.status, ended_reason = NEW.error_reason
            WHERE identifier = NEW.arn AND waits_for = OLD.status AND ended_status IS NULL;
          RETURN NULL;
        END
      $$;
      CREATE TRIGGER resource_requests_settle AFTER UPDATE OF status ON apps
        FOR EACH ROW WHEN (OLD.status IN ('Creating', 'Updating', 'Deleting') AND NEW.status <> OLD.status)
        EXECUTE FUNCTION resource_requests_settle();
    `,
};
