import type { Migration } from '../migration.js';

/** The same additions as SQLite's 002. */
export const migration: Migration = {
  version: 2,
  name: 'operations',
  sql: `
      -- Append-only: the triggers refuse every UPDATE, DELETE and TRUNCATE, whoever issues them.
      CREATE TABLE audit_log (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        time BIGINT NOT NULL,
        account_id TEXT,
        access_key_id TEXT,
        principal TEXT,
        operation TEXT NOT NULL,
        target TEXT,
        request_id TEXT NOT NULL,
        outcome TEXT NOT NULL
      );
      CREATE INDEX audit_by_time ON audit_log (time);
      CREATE INDEX audit_by_account ON audit_log (account_id, time);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END
      $$;
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

      -- App types whose next CreatePartnerApp fails (admin API); a create consumes its row.
      CREATE TABLE failing_creates (
        type TEXT PRIMARY KEY
      );

      -- Apps by status for the metrics gauge.
      CREATE INDEX apps_by_status ON apps (status);
    `,
};
