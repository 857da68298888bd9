/**
 * Cloud Control requests are stored with the change they make: they survive a restart (SQLite),
 * and every replica sharing a database (PostgreSQL) answers the same for them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { CreateResourceCommand, DeleteResourceCommand, GetResourceRequestStatusCommand } from '@aws-sdk/client-cloudcontrol';
import { createTestSchema, testPostgresUrl } from '../helpers/postgres.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { rejectsWith } from '../operations/support.js';
import { cloudControlClient, desiredState, settled, TYPE_NAME } from './support.js';

const LOCAL = { accessKeyId: 'test', secretAccessKey: 'test' };
const postgresUrl = testPostgresUrl();

test('a request made before a restart is there after it, and finishes', { skip: postgresUrl ? 'the restart is the SQLite run\'s; replicas are the PostgreSQL run\'s' : false }, async () => {
  const dataDir = tempDir();
  // Long enough that the first server stops while the app is still Creating.
  const first = await startTestServer({ dataDir, createDelayMs: 1500 });
  const { ProgressEvent: created } = await cloudControlClient(first, LOCAL).send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState(), ClientToken: 'restart' }));
  await first.close();
  const second = await startTestServer({ dataDir, createDelayMs: 1500 });
  try {
    const client = cloudControlClient(second, LOCAL);
    const event = (await client.send(new GetResourceRequestStatusCommand({ RequestToken: created!.RequestToken }))).ProgressEvent!;
    assert.equal(event.Identifier, created!.Identifier);
    assert.equal((await settled(client, created!.RequestToken!)).OperationStatus, 'SUCCESS');
    const retried = await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState(), ClientToken: 'restart' }));
    assert.fail(`a ClientToken reused for another request must conflict, got ${JSON.stringify(retried.ProgressEvent)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    assert.equal((error as Error).name, 'ClientTokenConflictException');
  } finally {
    await second.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('two replicas on one database answer the same for a request, whichever made it', { skip: postgresUrl ? false : 'replicas share a PostgreSQL database: this runs in the PostgreSQL run' }, async () => {
  const schema = await createTestSchema(postgresUrl!);
  const [a, b] = await Promise.all([startTestServer({ databaseUrl: schema.url }), startTestServer({ databaseUrl: schema.url })]);
  try {
    const clientA = cloudControlClient(a, LOCAL);
    const clientB = cloudControlClient(b, LOCAL);
    const { ProgressEvent: created } = await clientA.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState() }));
    await rejectsWith(clientB.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: created!.Identifier })), { name: 'ConcurrentOperationException' });
    assert.equal((await settled(clientB, created!.RequestToken!)).OperationStatus, 'SUCCESS');
    const { ProgressEvent: deleting } = await clientB.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: created!.Identifier }));
    assert.equal((await settled(clientA, deleting!.RequestToken!)).OperationStatus, 'SUCCESS');
  } finally {
    await Promise.all([a.close(), b.close()]);
    await schema.drop();
  }
});

test('the purge keeps ClientTokens 36 hours and requests seven days, then forgets them', async () => {
  const server = await startTestServer();
  try {
    const { store } = server.server;
    const now = Date.now();
    const hours = (count: number) => count * 3600 * 1000;
    const request = (token: string, eventTime: number) => ({ token, accountId: '000000000000', region: 'us-east-1', typeName: TYPE_NAME, operation: 'CREATE' as const, eventTime, settled: { status: 'FAILED' as const, errorCode: 'InvalidRequest' as const, message: 'm' } });
    const token = (name: string, createdAt: number) => ({ accountId: '000000000000', region: 'us-east-1', operation: 'CloudControl', token: name, requestHash: 'h', response: '{}', createdAt });
    await store.putResourceRequest(request('young', now - hours(30)), token('young', now - hours(30)));
    await store.putResourceRequest(request('old', now - hours(24 * 7 + 1)), token('old', now - hours(37)));
    await store.purgeExpired(now, now - hours(24));
    assert.ok(await store.findIdempotency(token('young', 0)), 'a 30-hour-old ClientToken is kept');
    assert.equal(await store.findIdempotency(token('old', 0)), undefined);
    assert.ok(await store.getResourceRequest('young'));
    assert.equal(await store.getResourceRequest('old'), undefined);
  } finally {
    await server.close();
  }
});
