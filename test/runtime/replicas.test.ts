/**
 * Two replicas on one PostgreSQL database, each with the process runtime (and a data directory of
 * its own): one replica at a time acts on an app's backend, so each app runs once, and the gateway
 * of either replica reaches every app, whichever started it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { parseCatalog } from '../../src/catalog/parse.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createInput } from '../operations/support.js';
import { gatewaySession, runningBackends, settled, testCatalog } from './support.js';

const postgresUrl = process.env.PARTNERPLANE_TEST_DATABASE_URL;
const skip = postgresUrl?.startsWith('postgres') ? false : 'replicas share a PostgreSQL database: this runs in the PostgreSQL run of the suite';

let schema: TestSchema;
let replicas: TestServer[] = [];

before(async () => {
  if (skip) return;
  schema = await createTestSchema(postgresUrl!);
  const catalog = parseCatalog(JSON.stringify(testCatalog()), 'test catalog', 'command');
  const first = await startTestServer({ databaseUrl: schema.url, appRuntime: 'process', catalog, createDelayMs: 0 });
  // The same keys on both, as replicas of one deployment have.
  replicas = [first, await startTestServer({ databaseUrl: schema.url, appRuntime: 'process', catalog, createDelayMs: 0, credentialsFile: first.config.credentialsFile })];
});
after(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await schema?.drop();
});

test('each app runs once, on one replica, and every replica serves every app', { skip }, async () => {
  const [first, second] = replicas as [TestServer, TestServer];
  const client = accountClient(first);
  const arns = await Promise.all(
    Array.from({ length: 6 }, async () => (await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small' })))).Arn!),
  );
  for (const arn of arns) await settled(client, arn, 'Available');
  const running = runningBackends();
  for (const arn of arns) assert.equal(running.get(arn)?.length, 1, `one backend for ${arn}`);

  const other = second.client({ credentials: client.account });
  for (const arn of arns) {
    const [throughFirst, throughSecond] = await Promise.all([(await gatewaySession(client, arn)).view(), (await gatewaySession(other, arn)).view()]);
    assert.equal(throughSecond.pid, throughFirst.pid, 'both gateways reach the one backend');
  }
});
