/**
 * PostgreSQL for tests. Every test server gets a schema of its own in the shared test database,
 * reached through the connection's search_path, and the schema is dropped when the server closes:
 * servers of parallel test files never see each other's apps, and nothing is left behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';

export const isPostgresUrl = (url: string | undefined): url is string => url !== undefined && /^postgres(ql)?:/.test(url);

/** The PostgreSQL URL the suite runs against, when this is the PostgreSQL run. */
export function testPostgresUrl(): string | undefined {
  const url = process.env.PARTNERPLANE_TEST_DATABASE_URL;
  return isPostgresUrl(url) ? url : undefined;
}

/** `url` with every connection's search_path set to `schema`, for node-postgres and libpq (pgbench) alike. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete('options');
  // Percent-encoded by hand: libpq reads a `+` in a URI as itself, not as a space.
  const options = `options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  parsed.search = parsed.search === '' ? `?${options}` : `${parsed.search}&${options}`;
  return parsed.toString();
}

/** Runs one statement on a connection of its own to `url`, closed after. */
export async function queryOnce(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** `url` with the connections named, so tests can tell in pg_stat_activity which replica is which. */
export function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}

export interface TestSchema {
  name: string;
  /** The database URL whose connections use this schema. */
  url: string;
  /** Runs SQL in this schema on a connection of its own. */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

/**
 * Test schemas are named pptest_<host>_<pid>_<random>, so that the test runner can drop those a
 * test process of this host left behind when it died (scripts/test.mjs computes the same prefix).
 */
export const testSchemaPrefix = () => `pptest_${createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8)}_`;

export async function createTestSchema(baseUrl: string): Promise<TestSchema> {
  const name = `${testSchemaPrefix()}${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = withSearchPath(baseUrl, name);
  await queryOnce(baseUrl, `CREATE SCHEMA ${name}`);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    name,
    url,
    query: (text, values) => pool.query(text, values),
    async drop() {
      await pool.query(`DROP SCHEMA ${name} CASCADE`);
      await pool.end();
    },
  };
}

export interface UpdateHold {
  /** The application_name of a connection whose UPDATE waits on the hold, once there is one. */
  waiter(): Promise<string>;
  /** Lets the held UPDATEs go on. */
  release(): Promise<void>;
  /** Releases, and removes the trigger. */
  end(): Promise<void>;
}

/**
 * Stops every UPDATE of an app by a connection whose application_name starts with `prefix`
 * inside its transaction until release(): a trigger makes the UPDATE wait for an advisory lock
 * the hold keeps. Used where the reconciler is the only writer updating apps, so a waiting
 * connection is one in the middle of its claim transaction.
 */
export async function holdAppUpdates(schema: TestSchema, prefix: string): Promise<UpdateHold> {
  // Advisory locks are database-wide: a random key keeps parallel tests apart.
  const lockKey = 1 + Math.floor(Math.random() * (2 ** 31 - 2));
  const holder = new pg.Client({ connectionString: schema.url });
  await holder.connect();
  let held = true;
  await holder.query('SELECT pg_advisory_lock($1)', [lockKey]);
  await holder.query(`
    CREATE FUNCTION hold_app_updates() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('application_name') LIKE '${prefix}%' THEN PERFORM pg_advisory_xact_lock_shared(${lockKey}); END IF;
        RETURN NEW;
      END
    $$;
    CREATE TRIGGER apps_hold_updates BEFORE UPDATE ON apps FOR EACH ROW EXECUTE FUNCTION hold_app_updates();
  `);
  const release = async () => {
    if (!held) return;
    held = false;
    await holder.query('SELECT pg_advisory_unlock($1)', [lockKey]);
  };
  return {
    async waiter() {
      for (let attempt = 0; attempt < 400; attempt++) {
        const { rows } = await holder.query<{ application_name: string }>(
          `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND NOT l.granted AND l.classid = 0 AND l.objid = $1 ORDER BY a.pid LIMIT 1`,
          [lockKey],
        );
        if (rows[0]) return rows[0].application_name;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`no connection of ${prefix}* started updating an app while the hold was on`);
    },
    release,
    async end() {
      await release();
      await holder.query('DROP TRIGGER apps_hold_updates ON apps; DROP FUNCTION hold_app_updates()');
      await holder.end();
    },
  };
}
