/**
 * Cloud Control requests are stored with the change they make: they survive a restart (SQLite),
 * every replica sharing a database (PostgreSQL) answers the same for them, and they (and their
 * ClientTokens) are kept as long as AWS keeps them, then forgotten.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import {
  CancelResourceRequestCommand,
  CreateResourceCommand,
  DeleteResourceCommand,
  GetResourceRequestStatusCommand,
  ListResourceRequestsCommand,
  type CloudControlClient,
} from '@aws-sdk/client-cloudcontrol';
import { OffsetClock } from '../../src/clock.js';
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
  // Transitions long enough for the other replica to find one in progress however busy the machine is.
  const slow = { databaseUrl: schema.url, createDelayMs: 2000, deleteDelayMs: 2000 };
  const [a, b] = await Promise.all([startTestServer(slow), startTestServer(slow)]);
  try {
    const clientA = cloudControlClient(a, LOCAL);
    const clientB = cloudControlClient(b, LOCAL);
    const state = desiredState();
    const { ProgressEvent: created } = await clientA.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: state, ClientToken: 'replica-token' }));
    // The ClientToken is the database's: the other replica replays its request, or refuses another one.
    const replayed = await clientB.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: state, ClientToken: 'replica-token' }));
    assert.equal(replayed.ProgressEvent!.RequestToken, created!.RequestToken);
    await rejectsWith(clientB.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState(), ClientToken: 'replica-token' })), { name: 'ClientTokenConflictException' });
    await rejectsWith(clientB.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: created!.Identifier })), { name: 'ConcurrentOperationException' });
    assert.equal((await settled(clientB, created!.RequestToken!)).OperationStatus, 'SUCCESS');
    // One replica cancels the request the other made, and each follows it to its end.
    const { ProgressEvent: deleting } = await clientB.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: created!.Identifier }));
    const canceled = (await clientA.send(new CancelResourceRequestCommand({ RequestToken: deleting!.RequestToken }))).ProgressEvent!;
    assert.equal(canceled.OperationStatus, 'CANCEL_IN_PROGRESS');
    assert.equal((await settled(clientB, deleting!.RequestToken!)).OperationStatus, 'CANCEL_COMPLETE');
    assert.equal((await settled(clientA, deleting!.RequestToken!)).OperationStatus, 'CANCEL_COMPLETE');
    const lists = await Promise.all([clientA, clientB].map((client) => client.send(new ListResourceRequestsCommand({}))));
    for (const list of lists) {
      assert.deepEqual(
        list.ResourceRequestStatusSummaries!.map((event) => [event.RequestToken, event.OperationStatus]),
        [[deleting!.RequestToken, 'CANCEL_COMPLETE'], [created!.RequestToken, 'SUCCESS']],
      );
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
    await schema.drop();
  }
});

const HOUR_MS = 3600 * 1000;

/** Polls until the request is no longer there (the server purges expired records on its own schedule). */
async function forgotten(client: CloudControlClient, RequestToken: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.send(new GetResourceRequestStatusCommand({ RequestToken }));
    } catch (error) {
      assert.equal((error as Error).name, 'RequestTokenNotFoundException');
      return;
    }
    if (Date.now() > deadline) assert.fail(`request ${RequestToken} is still there`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('through the API, as AWS documents it: a request is kept seven days, a ClientToken 36 hours', async () => {
  // The server's time moves forward: days pass in a moment.
  const clock = new OffsetClock();
  const server = await startTestServer({}, { clock });
  try {
    const client = cloudControlClient(server);
    const createWith = async (ClientToken: string, state = desiredState()) => {
      const { ProgressEvent: event } = await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: state, ClientToken }));
      assert.equal((await settled(client, event!.RequestToken!)).OperationStatus, 'SUCCESS');
      return event!;
    };
    const oldest = await createWith('week-old');
    clock.advance(5 * 24 * HOUR_MS);
    const middle = await createWith('two-days-old');
    clock.advance(19 * HOUR_MS);
    const young = await createWith('thirty-hours-old');
    // Now the first request is 7 days and an hour old, the second 49 hours, the third 30 hours.
    clock.advance(30 * HOUR_MS);
    await forgotten(client, oldest.RequestToken!);
    const listed = await client.send(new ListResourceRequestsCommand({}));
    assert.deepEqual(listed.ResourceRequestStatusSummaries!.map((event) => event.RequestToken), [young.RequestToken, middle.RequestToken]);
    assert.equal((await client.send(new GetResourceRequestStatusCommand({ RequestToken: middle.RequestToken }))).ProgressEvent!.OperationStatus, 'SUCCESS');
    // A 49-hour-old ClientToken is free again: another request with it is a new request.
    const reused = await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState(), ClientToken: 'two-days-old' }));
    assert.notEqual(reused.ProgressEvent!.RequestToken, middle.RequestToken);
    assert.equal(reused.ProgressEvent!.OperationStatus, 'IN_PROGRESS');
    // A 30-hour-old one is still taken.
    await rejectsWith(client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState(), ClientToken: 'thirty-hours-old' })), { name: 'ClientTokenConflictException' });
  } finally {
    await server.close();
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
