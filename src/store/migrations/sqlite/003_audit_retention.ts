import type { Migration } from '../migration.js';

export const migration: Migration = {
  version: 3,
  name: 'audit_retention',
  sql: `
      -- A purge (the audit retention setting) is an audit record of its own: records older than its
      -- purged_before are gone, purged_records of them. The delete trigger lets through only the
      -- records older than the newest purge's purged_before, so nothing is removed without a record
      -- saying so; a purge record is never older than what it purges, so the newest one stays.
      ALTER TABLE audit_log ADD COLUMN purged_before INTEGER;
      ALTER TABLE audit_log ADD COLUMN purged_records INTEGER;
      CREATE INDEX audit_purges ON audit_log (seq) WHERE purged_before IS NOT NULL;
      CREATE TRIGGER audit_log_purge_not_older BEFORE INSERT ON audit_log
        WHEN NEW.purged_before > NEW.time
        BEGIN SELECT RAISE(ABORT, 'a purge record cannot be older than what it purges'); END;
      DROP TRIGGER audit_log_no_delete;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        WHEN OLD.time >= IFNULL((SELECT purged_before FROM audit_log WHERE purged_before IS NOT NULL ORDER BY seq DESC LIMIT 1), OLD.time)
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      -- Requests refused before their caller was known, counted per minute (epoch ms of its start),
      -- source (client address) and reason (the error code); the store keeps a bounded number of rows.
      CREATE TABLE anonymous_refusals (
        minute INTEGER NOT NULL,
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (minute, source, reason)
      ) WITHOUT ROWID;
    `,
};
