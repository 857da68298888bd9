/**
 * Two replicas of partnerplane on one PostgreSQL schema, both on the swarm runtime of the test
 * swarm (test/helpers/swarm.ts): one acts on an app's service at a time (the claims), the gateway
 * of each reaches the app's tasks at the address the store holds, and either can delete it.
 *
 * It runs in the PostgreSQL run of the suite only, and test/runtime/swarm.test.ts in the SQLite run
 * only (scripts/test.mjs), so the two never use the swarm at once.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { CreatePartnerAppCommand, DeletePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import type Docker from 'dockerode';
import { BACKEND_LABELS } from '../../src/runtime/runtime.js';
import { ensureTestImages } from '../helpers/dockerImages.js';
import { createTestSchema, testPostgresUrl, type TestSchema } from '../helpers/postgres.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { removeInstallation, skipWithoutSwarm, swarmServerSettings, testSwarm } from '../helpers/swarm.js';
import { createInput } from '../operations/support.js';
import { gatewaySession, settled } from './support.js';

const postgresUrl = testPostgresUrl();
const skip = skipWithoutSwarm || (postgresUrl ? false : 'replicas share a PostgreSQL database: this runs in the PostgreSQL run of the suite');

let schema: TestSchema;
let manager: Docker;
const replicas: TestServer[] = [];
const dataDirs: string[] = [];

before(async () => {
  if (skip) return;
  const swarm = testSwarm();
  manager = swarm.nodes[0]!;
  await Promise.all(swarm.nodes.map((node) => ensureTestImages(node)));
  schema = await createTestSchema(postgresUrl!);
  for (let replica = 0; replica < 2; replica++) {
    dataDirs.push(tempDir('partnerplane-swarm-replica-'));
    replicas.push(await startTestServer({ dataDir: dataDirs[replica], databaseUrl: schema.url, ...swarmServerSettings(swarm) }));
  }
});
after(async () => {
  const installation = await replicas[0]?.server.store.sharedSecret('installation', () => 'unset');
  for (const replica of replicas) await replica.close();
  if (installation) await removeInstallation(testSwarm(), installation);
  await schema?.drop();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('the gateway of every replica reaches the tasks of an app, whichever replica started its service', { skip }, async () => {
  const [first, second] = replicas.map((replica) => replica.client());
  const { Arn } = await first!.send(new CreatePartnerAppCommand(createInput({ Tier: 'large' })));
  const app = await settled(second!, Arn!, 'Available', 'Failed');
  assert.equal(app.Status, 'Available', app.Error?.Reason);
  for (const client of [first!, second!]) {
    const response = await (await gatewaySession(client, Arn!)).get();
    assert.equal(response.status, 200);
    assert.equal((await response.text()).trim(), 'web version 1');
  }
  const label = [`${BACKEND_LABELS.arn}=${Arn}`];
  assert.equal((await manager.listServices({ filters: { label } })).length, 1, 'one service, though two replicas watch the app');
  await second!.send(new DeletePartnerAppCommand({ Arn }));
  await settled(first!, Arn!, 'Deleted');
  assert.deepEqual(await manager.listServices({ filters: { label } }), []);
});
