import type { Migration } from '../migration.js';

/**
 * The same tables as SQLite's 001. Times are epoch milliseconds in BIGINT (parsed back to number by
 * the store). Tag keys use the "C" collation so ListTags pages in byte order, as on SQLite.
 */
export const migration: Migration = {
  version: 1,
  name: 'initial',
  sql: `
      CREATE TABLE apps (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        arn TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        settings TEXT NOT NULL,
        version TEXT NOT NULL,
        base_url TEXT,
        error_code TEXT,
        error_reason TEXT,
        creation_time BIGINT NOT NULL,
        last_modified_time BIGINT NOT NULL,
        pending_update TEXT,
        due_at BIGINT,
        fail_transition INTEGER NOT NULL DEFAULT 0
      );
      -- A Name is unique per account and region among apps not yet Deleted.
      CREATE UNIQUE INDEX apps_live_name ON apps (account_id, region, name) WHERE status <> 'Deleted';
      CREATE INDEX apps_by_owner ON apps (account_id, region, seq);
      CREATE INDEX apps_due ON apps (due_at) WHERE due_at IS NOT NULL;

      CREATE TABLE tags (
        arn TEXT NOT NULL,
        key TEXT COLLATE "C" NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (arn, key)
      );

      CREATE TABLE idempotency (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        operation TEXT NOT NULL,
        token TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        response TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (account_id, region, operation, token)
      );
      CREATE INDEX idempotency_age ON idempotency (created_at);

      -- Apps not yet Deleted per account: the quota is enforced by one conditional UPDATE.
      CREATE TABLE account_usage (
        account_id TEXT PRIMARY KEY,
        live_apps INTEGER NOT NULL
      );

      CREATE TABLE shared_secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE used_tokens (
        token_id TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
    `,
};
