import type { Migration } from '../migration.js';

export const migration: Migration = {
  version: 2,
  name: 'operations',
  sql: `
      -- Append-only: the triggers refuse every UPDATE and DELETE, whoever issues them.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
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
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      -- App types whose next CreatePartnerApp fails (admin API); a create consumes its row.
      CREATE TABLE failing_creates (
        type TEXT PRIMARY KEY
      ) WITHOUT ROWID;

      -- Apps by status for the metrics gauge: counted from this index alone.
      CREATE INDEX apps_by_status ON apps (status);
    `,
};
