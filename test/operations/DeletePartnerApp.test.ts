import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreatePartnerAppCommand,
  DeletePartnerAppCommand,
  ListPartnerAppsCommand,
  ListTagsCommand,
  UpdatePartnerAppCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, createInput, describeApp, missingArn, rejectsWith, uniqueName, waitFor } from './support.js';

// Long enough for a poll to see Deleted on a busy machine, short enough to wait out.
const RETENTION_MS = 2000;

/** Quick transitions; a Deleted app is forgotten after RETENTION_MS; apps named broken… fail to start, failing… fail to update. */
let server: TestServer;
/** Apps become Available quickly, then stay Updating or Deleting; apps stay Creating on `slowCreate`. */
let slowChange: TestServer;
let slowCreate: TestServer;
before(async () => {
  [server, slowChange, slowCreate] = await Promise.all([
    startTestServer({ deletedRetentionMs: RETENTION_MS, failCreate: /^broken/, failUpdate: /^failing/ }),
    startTestServer({ updateDelayMs: 600_000, deleteDelayMs: 600_000 }),
    startTestServer({ createDelayMs: 600_000 }),
  ]);
});
after(() => Promise.all([server.close(), slowChange.close(), slowCreate.close()]));

const remove = (client: SageMakerClient, Arn: string, ClientToken?: string) => client.send(new DeletePartnerAppCommand({ Arn, ClientToken }));
const listed = async (client: SageMakerClient) => (await client.send(new ListPartnerAppsCommand({}))).Summaries ?? [];

/** Describes until the app is forgotten; the test's timeout bounds the wait. */
async function waitUntilForgotten(client: SageMakerClient, Arn: string): Promise<Error> {
  for (;;) {
    const error = await describeApp(client, Arn).then(
      () => undefined,
      (caught: Error) => caught,
    );
    if (error) return error;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('serialization', () => {
  test('an Arn sent as a list is a SerializationException', async () => {
    const response = await rawRequest(server.url, 'DeletePartnerApp', { body: { Arn: [missingArn()] } });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'Start of list found where not expected' });
  });
});

describe('behaviour', () => {
  test('a delete is accepted as Deleting, and the app stays listed and its Name taken meanwhile', async () => {
    const client = accountClient(slowChange);
    const Name = uniqueName();
    const Arn = await createAvailableApp(client, { Name });
    assert.equal((await remove(client, Arn)).Arn, Arn);
    assert.equal((await describeApp(client, Arn)).Status, 'Deleting');
    assert.deepEqual(
      (await listed(client)).map(({ Arn, Status }) => ({ Arn, Status })),
      [{ Arn, Status: 'Deleting' }],
    );
    await rejectsWith(client.send(new CreatePartnerAppCommand(createInput({ Name }))), { name: 'ConflictException' });
  });

  test('Deleting → Deleted, describable and listed as Deleted for the retention time, then ResourceNotFound', { timeout: 20_000 }, async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Tags: [{ Key: 'k', Value: 'v' }] });
    await remove(client, Arn);
    assert.equal(await waitFor(client, Arn, 'Deleted'), 'Deleted');
    const gone = await waitUntilForgotten(client, Arn);
    assert.equal(gone.name, 'ResourceNotFound');
    assert.equal(gone.message, `Partner app ${Arn} does not exist.`);
    assert.deepEqual(await listed(client), []);
    await rejectsWith(client.send(new ListTagsCommand({ ResourceArn: Arn })), { name: 'ValidationException', message: `Resource ${Arn} does not exist.` });
  });

  test('a Deleted app cannot be deleted again: ResourceNotFound', async () => {
    const client = accountClient(slowCreate);
    const unknown = missingArn(client.account.accountId);
    await rejectsWith(remove(client, unknown), { name: 'ResourceNotFound', message: `Partner app ${unknown} does not exist.` });

    const fast = accountClient(server);
    const Arn = await createAvailableApp(fast);
    await remove(fast, Arn);
    await waitFor(fast, Arn, 'Deleted');
    await rejectsWith(remove(fast, Arn), { name: 'ResourceNotFound' });
  });

  test('an app that Failed, or whose update failed, can be deleted', async () => {
    const client = accountClient(server);
    const { Arn: failed } = await client.send(new CreatePartnerAppCommand(createInput({ Name: uniqueName('broken') })));
    await waitFor(client, failed!, 'Failed');
    const updateFailed = await createAvailableApp(client, { Name: uniqueName('failing') });
    await client.send(new UpdatePartnerAppCommand({ Arn: updateFailed, Tier: 'large' }));
    await waitFor(client, updateFailed, 'UpdateFailed');
    for (const Arn of [failed!, updateFailed]) {
      await remove(client, Arn);
      assert.equal(await waitFor(client, Arn, 'Deleted'), 'Deleted');
    }
  });

  test('an app in Creating, Updating or Deleting cannot be deleted: ConflictException', async () => {
    const creating = accountClient(slowCreate);
    const { Arn: creatingArn } = await creating.send(new CreatePartnerAppCommand(createInput()));
    await rejectsWith(remove(creating, creatingArn!), {
      name: 'ConflictException',
      message: `Partner app ${creatingArn} is in status Creating and cannot be deleted now.`,
    });

    const client = accountClient(slowChange);
    const updating = await createAvailableApp(client);
    await client.send(new UpdatePartnerAppCommand({ Arn: updating, Tier: 'large' }));
    await rejectsWith(remove(client, updating), { name: 'ConflictException', message: `Partner app ${updating} is in status Updating and cannot be deleted now.` });
    const deleting = await createAvailableApp(client);
    await remove(client, deleting);
    await rejectsWith(remove(client, deleting), { name: 'ConflictException', message: `Partner app ${deleting} is in status Deleting and cannot be deleted now.` });
  });

  test("another account's app is ResourceNotFound, and is left alone", async () => {
    const owner = accountClient(server);
    const Arn = await createAvailableApp(owner);
    await rejectsWith(remove(accountClient(server), Arn), { name: 'ResourceNotFound', message: `Partner app ${Arn} does not exist.` });
    assert.equal((await describeApp(owner, Arn)).Status, 'Available');
  });
});

describe('idempotency', () => {
  test('the same ClientToken with the same request returns the first answer, even once the app is Deleted', async () => {
    const client = accountClient(slowChange);
    const Arn = await createAvailableApp(client);
    assert.equal((await remove(client, Arn, 'delete-once-0001')).Arn, Arn);
    assert.equal((await remove(client, Arn, 'delete-once-0001')).Arn, Arn, 'not a ConflictException for Deleting');

    const fast = accountClient(server);
    const other = await createAvailableApp(fast);
    await remove(fast, other, 'delete-once-0002');
    await waitFor(fast, other, 'Deleted');
    assert.equal((await remove(fast, other, 'delete-once-0002')).Arn, other, 'not a ResourceNotFound for Deleted');
  });

  test('the same ClientToken with a different request is a ConflictException, and deletes nothing', async () => {
    const client = accountClient(slowChange);
    const first = await createAvailableApp(client);
    const second = await createAvailableApp(client);
    await remove(client, first, 'delete-once-0003');
    await rejectsWith(remove(client, second, 'delete-once-0003'), {
      name: 'ConflictException',
      message: 'ClientToken delete-once-0003 was already used for a different DeletePartnerApp request.',
    });
    assert.equal((await describeApp(client, second)).Status, 'Available');
  });
});
