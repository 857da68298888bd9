import type { Migration } from '../migration.js';

/** The same additions as SQLite's 003. */
export const migration: Migration = {
  version: 3,
  name: 'audit_retention',
  sql: `
      -- A purge (the audit retention setting) is an audit record of its own: records older than its
      -- purged_before are gone, purged_records of them. DELETE is let through only for records older
      -- than the newest purge's purged_before (UPDATE and TRUNCATE never), so nothing is removed
      -- without a record saying so; a purge record is never older than what it purges.
      ALTER TABLE audit_log ADD COLUMN purged_before BIGINT;
      ALTER TABLE audit_log ADD COLUMN purged_records BIGINT;
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_purge_not_older CHECK (purged_before <= time);
      CREATE INDEX audit_purges ON audit_log (seq) WHERE purged_before IS NOT NULL;
      CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND OLD.time < (SELECT purged_before FROM audit_log WHERE purged_before IS NOT NULL ORDER BY seq DESC LIMIT 1) THEN
            RETURN OLD;
          END IF;
          RAISE EXCEPTION 'audit_log is append-only';
        END
      $$;

      -- Requests refused before their caller was known, counted per minute (epoch ms of its start),
      -- source (client address) and reason (the error code); the store keeps a bounded number of rows.
      CREATE TABLE anonymous_refusals (
        minute BIGINT NOT NULL,
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (minute, source, reason)
      );
    `,
};
