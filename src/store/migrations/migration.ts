export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Checks that migrations are numbered 1, 2, 3… with no gap or repeat, so order is unambiguous. */
export function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
  });
}
