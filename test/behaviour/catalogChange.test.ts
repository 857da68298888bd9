/**
 * A catalog file changed between two runs of the server (docs/behaviour.md, Maintenance): started
 * with a catalog that has a newer version than the one its apps' maintenance was planned with, the
 * server plans their maintenance again, and an app with automatic upgrades goes to the new version
 * in its next window. The same database across the restart: a SQLite file, or a PostgreSQL schema.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { CreatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { parseCatalog } from '../../src/catalog/parse.js';
import { TestClock } from '../../src/clock.js';
import { createTestSchema, testPostgresUrl } from '../helpers/postgres.js';
import { reconciled } from '../helpers/reconciled.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { createInput, describeApp } from '../operations/support.js';

const catalogOf = (versions: string[]) =>
  parseCatalog(JSON.stringify({ types: { comet: { versions: versions.map((version) => ({ version, eolDate: '2030-12-31', releaseNotes: [`Comet ${version}.`] })) } } }), 'catalog.json', undefined);

test('a server started with a newer version in its catalog file plans its apps again, and upgrades them in their windows', async () => {
  // Tuesday 2027-06-01; the app's window opens on Wednesday at 10:00.
  const clock = new TestClock(Date.parse('2027-06-01T00:00:00Z'));
  const dataDir = tempDir();
  const postgres = testPostgresUrl();
  const schema = postgres ? await createTestSchema(postgres) : undefined;
  const start = (versions: string[]) => startTestServer({ dataDir, databaseUrl: schema?.url, catalog: catalogOf(versions) }, { clock });
  let server: TestServer | undefined;
  try {
    server = await start(['1.1']);
    const account = server.newAccount();
    const input = createInput({ EnableAutoMinorVersionUpgrade: true, MaintenanceConfig: { MaintenanceWindowStart: 'Wed:10:00' } });
    const { Arn } = await server.client({ credentials: account }).send(new CreatePartnerAppCommand(input));
    clock.advance(1000);
    await reconciled(server.server.store, clock);
    assert.equal(await server.server.store.nextDueAt(), undefined, 'nothing newer: nothing planned');
    await server.close();

    server = await start(['1.1', '1.2']);
    await reconciled(server.server.store, clock);
    assert.equal(await server.server.store.nextDueAt(), Date.parse('2027-06-02T10:00:00Z'), 'planned again: its next window');
    for (const step of [Date.parse('2027-06-02T10:00:00Z') - clock.now(), 1000]) {
      clock.advance(step);
      await reconciled(server.server.store, clock);
    }
    const app = await describeApp(server.client({ credentials: account }), Arn!);
    assert.deepEqual([app.Status, app.Version], ['Available', '1.2']);
  } finally {
    await server?.close();
    await schema?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
