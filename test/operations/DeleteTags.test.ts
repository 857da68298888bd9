import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeletePartnerAppCommand, DeleteTagsCommand, ListTagsCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, missingArn, rejectsWith, waitFor } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const deleteTags = (client: SageMakerClient, ResourceArn: string, TagKeys: string[]) => client.send(new DeleteTagsCommand({ ResourceArn, TagKeys }));
const keysOf = async (client: SageMakerClient, ResourceArn: string) => ((await client.send(new ListTagsCommand({ ResourceArn }))).Tags ?? []).map((tag) => tag.Key);

describe('serialization', () => {
  test('TagKeys sent as a string is a SerializationException', async () => {
    const response = await rawRequest(server.url, 'DeleteTags', { body: { ResourceArn: missingArn(), TagKeys: 'team' } });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'Expected list or null' });
  });
});

describe('behaviour', () => {
  test('removes the keys given; keys the app does not have are no error', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Tags: [{ Key: 'team', Value: 'ml' }, { Key: 'stage', Value: 'dev' }, { Key: 'owner', Value: 'ada' }] });
    const answer = await deleteTags(client, Arn, ['stage', 'never-there']);
    const { $metadata: _metadata, ...body } = answer;
    assert.deepEqual(body, {});
    assert.deepEqual(await keysOf(client, Arn), ['owner', 'team']);
    await deleteTags(client, Arn, ['stage']);
    assert.deepEqual(await keysOf(client, Arn), ['owner', 'team']);
  });

  test('all 50 tags can go in one request, and the freed room can be used again', async () => {
    const client = accountClient(server);
    const Tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const Arn = await createAvailableApp(client, { Tags });
    await deleteTags(client, Arn, Tags.map((tag) => tag.Key));
    assert.deepEqual(await keysOf(client, Arn), []);
  });

  test("an unknown ARN, another account's app and a Deleted app are a ValidationException, as SageMaker answers for a resource that does not exist; the other account's tags stay", async () => {
    const client = accountClient(server);
    const unknown = missingArn(client.account.accountId);
    await rejectsWith(deleteTags(client, unknown, ['k']), { name: 'ValidationException', message: `Resource ${unknown} does not exist.` });

    const owner = accountClient(server);
    const theirs = await createAvailableApp(owner, { Tags: [{ Key: 'k', Value: 'v' }] });
    await rejectsWith(deleteTags(client, theirs, ['k']), { name: 'ValidationException', message: `Resource ${theirs} does not exist.` });
    assert.deepEqual(await keysOf(owner, theirs), ['k']);

    const Arn = await createAvailableApp(client);
    await client.send(new DeletePartnerAppCommand({ Arn }));
    await waitFor(client, Arn, 'Deleted');
    await rejectsWith(deleteTags(client, Arn, ['k']), { name: 'ValidationException', message: `Resource ${Arn} does not exist.` });
  });
});
