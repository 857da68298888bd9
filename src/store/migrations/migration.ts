/**
 * The one way both stores migrate, each in its own dialect:
 *   1. create the history table (historyTable) if it is missing, and read the versions applied;
 *   2. pendingMigrations(): refuse a database whose schema is newer than this partnerplane knows,
 *      before anything is applied, and list the migrations it lacks, in order;
 *   3. apply each in a transaction of its own that records it, under a lock that keeps two
 *      processes from applying the same one (SQLite's write lock, checked again once held;
 *      PostgreSQL's advisory lock, held throughout).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The table of applied migrations; `timeType` is the dialect's type of epoch milliseconds. */
export const historyTable = (timeType: string) =>
  `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${timeType} NOT NULL)`;

/** Checks that migrations are numbered 1, 2, 3… with no gap or repeat, so order is unambiguous. */
export function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
  });
}

/** The migrations a database with these versions applied lacks, in order; throws for a newer schema. */
export function pendingMigrations(migrations: readonly Migration[], applied: readonly number[]): Migration[] {
  assertOrdered(migrations);
  const newest = Math.max(0, ...applied);
  if (newest > migrations.length) {
    throw new Error(`the database has schema version ${newest}, newer than this partnerplane knows (${migrations.length})`);
  }
  const done = new Set(applied);
  return migrations.filter((migration) => !done.has(migration.version));
}
