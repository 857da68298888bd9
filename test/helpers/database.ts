/** A test's own connection to a test server's database, whichever store it uses. */
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqlitePathFrom } from '../../src/store/sqlite.js';
import type { TestServer } from './server.js';

/** Runs `sqlite` or `postgres` on a connection of the test's own to the server's database. */
export async function onDatabase<T>(target: TestServer, work: { sqlite(db: Database.Database): T; postgres(client: pg.Client): Promise<T> }): Promise<T> {
  if (target.server.store.kind === 'sqlite') {
    const db = new Database(sqlitePathFrom(target.config.databaseUrl, target.config.dataDir));
    try {
      return work.sqlite(db);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.config.databaseUrl });
  await client.connect();
  try {
    return await work.postgres(client);
  } finally {
    await client.end();
  }
}

/** Runs one SQL statement (`$1`… placeholders) on the server's database; resolves to its rows. */
export function query(target: TestServer, sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  return onDatabase(target, {
    sqlite(db) {
      const statement = db.prepare(sql.replace(/\$\d+/g, '?'));
      if (statement.reader) return statement.all(...values) as Record<string, unknown>[];
      statement.run(...values);
      return [];
    },
    async postgres(client) {
      return (await client.query(sql, values)).rows as Record<string, unknown>[];
    },
  });
}
