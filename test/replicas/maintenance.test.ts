/**
 * Two replicas (servers with a reconciler each) on one PostgreSQL schema and one service clock:
 * when a maintenance window opens, both reconcilers wake at once, and the store's claim of due
 * apps has each upgrade started by one of them, once (one audit record each, stored in the same
 * transaction as the move to Updating).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { TestClock } from '../../src/clock.js';
import { randomAccount, writeCredentialsFile } from '../helpers/credentials.js';
import { createTestSchema, testPostgresUrl, type TestSchema } from '../helpers/postgres.js';
import { reconciled } from '../helpers/reconciled.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { createInput, describeApp } from '../operations/support.js';

const postgresUrl = testPostgresUrl();
const skip = postgresUrl ? false : 'replicas share a PostgreSQL database: this runs in the PostgreSQL run of the suite';

const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;
const ADMIN_TOKEN = 'replicas-admin-token';
const APPS = 30;
// Tuesday 2027-06-01 00:00 UTC; the apps' window opens on Wednesday at 10:00.
const clock = new TestClock(Date.parse('2027-06-01T00:00:00Z'));
const WINDOW_OPENS = Date.parse('2027-06-02T10:00:00Z');

let schema: TestSchema;
let replicas: TestServer[] = [];
/** One account both replicas know. */
const account = randomAccount();

before(async () => {
  if (!postgresUrl) return;
  schema = await createTestSchema(postgresUrl);
  const credentialsFile = writeCredentialsFile(tempDir(), [account]);
  const settings = { databaseUrl: schema.url, credentialsFile, adminToken: ADMIN_TOKEN, createDelayMs: MINUTE, updateDelayMs: 30 * MINUTE, reconcileIntervalMs: 60 * MINUTE };
  replicas = [await startTestServer(settings, { clock }), await startTestServer(settings, { clock })];
});
after(async () => {
  for (const replica of replicas) await replica.close();
  await schema?.drop();
});

let arns: string[] = [];

test('each upgrade of a window is started once, by one replica', { skip }, async () => {
  const [first, second] = replicas.map((replica) => replica.client({ credentials: account }));
  const input = { Type: 'lakera-guard' as const, EnableAutoMinorVersionUpgrade: true, MaintenanceConfig: { MaintenanceWindowStart: 'Wed:10:00' } };
  arns = await Promise.all(Array.from({ length: APPS }, async () => (await first!.send(new CreatePartnerAppCommand(createInput(input)))).Arn!));
  for (const step of [MINUTE, WINDOW_OPENS - clock.now() - MINUTE, 0, 45 * MINUTE]) {
    clock.advance(step);
    await reconciled(replicas[0]!.server.store, clock);
  }
  for (const [index, arn] of arns.entries()) {
    const app = await describeApp(index % 2 === 0 ? first! : second!, arn);
    assert.deepEqual([app.Status, app.Version], ['Available', '1.5'], arn);
    assert.ok(app.LastModifiedTime!.getTime() >= WINDOW_OPENS + 30 * MINUTE, `${arn}: upgraded from the window's start, for the update delay`);
  }
  const records = (await replicas[1]!.server.store.listAudit({ accountId: account.accountId, limit: 1000 })).filter((record) => record.principal === 'maintenance');
  assert.deepEqual(records.map((record) => record.target).sort(), [...arns].sort(), 'one record per app: no upgrade started twice');
});

test('a version released through one replica is offered by the other, and each app is upgraded to it once', { skip }, async () => {
  const release = { type: 'lakera-guard', version: '1.6', eolDate: '2029-06-30', releaseNotes: ['Multilingual detectors.'] };
  const response = await fetch(`${replicas[0]!.url}/admin/versions`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify(release) });
  assert.equal(response.status, 200, await response.text());
  // The other replica learns of it from the store (it asks at least once a second).
  const second = replicas[1]!.client({ credentials: account });
  for (let attempt = 0; (await describeApp(second, arns[0]!, true)).AvailableUpgrade?.Version !== '1.6'; attempt++) {
    assert.ok(attempt < 500, 'the second replica never offered 1.6');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await reconciled(replicas[0]!.server.store, clock);
  // Next Wednesday's window.
  for (const step of [WINDOW_OPENS + WEEK - clock.now(), 45 * MINUTE]) {
    clock.advance(step);
    await reconciled(replicas[0]!.server.store, clock);
  }
  for (const arn of arns) assert.equal((await describeApp(second, arn)).Version, '1.6', arn);
  const records = (await replicas[0]!.server.store.listAudit({ accountId: account.accountId, limit: 1000 })).filter((record) => record.principal === 'maintenance');
  assert.equal(records.length, 2 * APPS, 'two upgrades of each app, each started once');
  for (const arn of arns) assert.equal(records.filter((record) => record.target === arn).length, 2, arn);
});
