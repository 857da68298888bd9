/** The two stores' statements stay parallel: the same names, each touching the same tables in both dialects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { POSTGRES_STATEMENTS } from '../../src/store/postgresStatements.js';
import { SQLITE_STATEMENTS } from '../../src/store/sqliteStatements.js';
import { STATEMENT_NAMES } from '../../src/store/statements.js';

/** The tables a statement reads or writes: what follows FROM, INTO, UPDATE, JOIN or TRUNCATE, but no function (`json_each(`, `unnest(`). */
function tablesOf(sql: string): string[] {
  const tables = new Set<string>();
  for (const [, list] of sql.matchAll(/\b(?<!\bFOR\s+)(?:FROM|INTO|UPDATE|JOIN|TRUNCATE)\s+(?!SET\b)((?:\w+\b(?!\()(?:\s*,\s*)?)+)/gi)) {
    for (const name of list!.split(',')) tables.add(name.trim().toLowerCase());
  }
  return [...tables].filter((name) => name !== '').sort();
}

test('both dialects give SQL for the same statements, and only those', () => {
  assert.deepEqual(Object.keys(SQLITE_STATEMENTS).sort(), [...STATEMENT_NAMES].sort());
  assert.deepEqual(Object.keys(POSTGRES_STATEMENTS).sort(), [...STATEMENT_NAMES].sort());
});

test('a statement touches the same tables in both dialects', () => {
  for (const name of STATEMENT_NAMES) {
    const tables = tablesOf(SQLITE_STATEMENTS[name]);
    assert.ok(tables.length > 0 || name === 'ping', `${name} names its tables`);
    assert.deepEqual(tables, tablesOf(POSTGRES_STATEMENTS[name]), name);
  }
});
