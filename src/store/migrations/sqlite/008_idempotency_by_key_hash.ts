import type { Migration } from '../migration.js';

/** The SQL function the migration computes each record's key_hash with (sqlite.ts registers it). */
export const KEY_HASH_FUNCTION = 'idempotency_key_hash';

export const migration: Migration = {
  version: 8,
  name: 'idempotency_by_key_hash',
  sql: `
      -- ClientToken records kept in the order they are made, found through a 48-bit hash of their key
      -- (store/idempotencyKeys.ts). Keyed by the key itself (WITHOUT ROWID), each record went into a
      -- random leaf of 220-byte rows, splitting leaves often: two of the four to five pages a write
      -- and its transition wrote to the WAL. No unique index: the store looks a key up in the
      -- transaction that would add it.
      CREATE TABLE idempotency_records (
        key_hash INTEGER NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        operation TEXT NOT NULL,
        token TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        response TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      INSERT INTO idempotency_records
        SELECT ${KEY_HASH_FUNCTION}(account_id, region, operation, token), account_id, region, operation, token, request_hash, response, created_at
        FROM idempotency ORDER BY created_at;
      DROP TABLE idempotency;
      ALTER TABLE idempotency_records RENAME TO idempotency;
      CREATE INDEX idempotency_by_key ON idempotency (key_hash);
      CREATE INDEX idempotency_age ON idempotency (created_at);
    `,
};
