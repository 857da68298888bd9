/**
 * `partnerplane audit` reads only: it opens the database read-only, creates and migrates nothing,
 * and refuses a place that holds no partnerplane database instead of showing an empty log.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertOneLine, cli } from '../helpers/cli.js';
import { createTestSchema, testPostgresUrl, type TestSchema } from '../helpers/postgres.js';
import { startServerProcess } from '../helpers/serverProcess.js';
import { tempDir } from '../helpers/server.js';

let scratch: string;
before(() => {
  scratch = tempDir('partnerplane-audit-');
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('audit reads only', () => {
  test('a data directory without a database is refused, and nothing is created', async () => {
    const dataDir = path.join(scratch, 'mistyped');
    const { code, stderr } = await cli('audit', '--data-dir', dataDir);
    assert.equal(code, 2);
    assertOneLine(stderr, `there is no partnerplane database in SQLite in ${dataDir}/partnerplane.sqlite (--data-dir / PARTNERPLANE_DATA_DIR): give the one a server uses`);
    assert.equal(fs.existsSync(dataDir), false);
  });

  test("a running server's database is read, and left as it was", async () => {
    const dataDir = path.join(scratch, 'served');
    const server = await startServerProcess(['--data-dir', dataDir]);
    try {
      const before = fs.readdirSync(dataDir).sort();
      const { code, stdout, stderr } = await cli('audit', '--data-dir', dataDir, '--output', 'json');
      assert.equal(code, 0, stderr);
      assert.deepEqual(JSON.parse(stdout), []);
      assert.deepEqual(fs.readdirSync(dataDir).sort(), before);
    } finally {
      await server.kill();
    }
  });

  describe('on PostgreSQL', { skip: testPostgresUrl() ? false : 'runs in the PostgreSQL run of the suite' }, () => {
    let schema: TestSchema;
    before(async () => {
      schema = await createTestSchema(testPostgresUrl()!);
    });
    after(() => schema?.drop());

    test('a database without the schema is refused, and not migrated', async () => {
      const { code, stderr } = await cli('audit', '--database-url', schema.url);
      assert.equal(code, 2);
      assert.match(stderr, /^partnerplane: there is no partnerplane database in PostgreSQL at postgres:\/\/[^\n]* \(--database-url \/ PARTNERPLANE_DATABASE_URL\): give the one a server uses\n$/);
      const { rows } = await schema.query("SELECT count(*)::int AS tables FROM information_schema.tables WHERE table_schema = current_schema()");
      assert.equal(rows[0]!.tables, 0);
    });
  });
});

