import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AddTagsCommand, DeletePartnerAppCommand, ListTagsCommand, type SageMakerClient, type Tag } from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, missingArn, rejectsWith, waitFor } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const addTags = (client: SageMakerClient, ResourceArn: string, Tags: Tag[]) => client.send(new AddTagsCommand({ ResourceArn, Tags }));
const tagsOf = async (client: SageMakerClient, ResourceArn: string) => (await client.send(new ListTagsCommand({ ResourceArn }))).Tags ?? [];
const numbered = (count: number, prefix = 'k') => Array.from({ length: count }, (_, i) => ({ Key: `${prefix}${String(i).padStart(2, '0')}`, Value: `v${i}` }));

describe('serialization', () => {
  test('a tag Value sent as a number is a SerializationException', async () => {
    const response = await rawRequest(server.url, 'AddTags', { body: { ResourceArn: missingArn(), Tags: [{ Key: 'k', Value: 1 }] } });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'class java.lang.Integer can not be converted to an String' });
  });
});

describe('behaviour', () => {
  test('adds tags, answers with the tags given, and overwrites the value of a key the app has', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Tags: [{ Key: 'team', Value: 'ml' }] });
    const answer = await addTags(client, Arn, [{ Key: 'team', Value: 'research' }, { Key: 'stage', Value: 'prod' }]);
    assert.deepEqual(answer.Tags, [{ Key: 'team', Value: 'research' }, { Key: 'stage', Value: 'prod' }]);
    assert.deepEqual(await tagsOf(client, Arn), [
      { Key: 'stage', Value: 'prod' },
      { Key: 'team', Value: 'research' },
    ]);
    assert.deepEqual((await addTags(client, Arn, [])).Tags, []);
    assert.equal((await tagsOf(client, Arn)).length, 2);
  });

  test('an app may have 50 tags; a request that would pass 50 is refused whole', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Tags: numbered(45) });
    await rejectsWith(addTags(client, Arn, numbered(6, 'new')), {
      name: 'ValidationException',
      message: `Resource ${Arn} would have more than 50 tags; remove some with DeleteTags first.`,
    });
    assert.equal((await tagsOf(client, Arn)).length, 45, 'none of the refused tags was added');
    // Overwriting keys the app has does not add to the count.
    await addTags(client, Arn, [...numbered(45).map((tag) => ({ ...tag, Value: 'new' })), ...numbered(5, 'new')]);
    const tags = await tagsOf(client, Arn);
    assert.equal(tags.length, 50);
    assert.ok(tags.filter((tag) => tag.Key!.startsWith('k')).every((tag) => tag.Value === 'new'));
  });

  test('a key given twice in one request counts once, and its last value wins', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Tags: numbered(49) });
    await addTags(client, Arn, [{ Key: 'twice', Value: 'first' }, { Key: 'twice', Value: 'second' }]);
    const tags = await tagsOf(client, Arn);
    assert.equal(tags.length, 50);
    assert.deepEqual(tags.find((tag) => tag.Key === 'twice'), { Key: 'twice', Value: 'second' });
  });

  test("an unknown ARN, another account's app, another kind of SageMaker resource and a Deleted app are a ValidationException, as SageMaker answers for a resource that does not exist", async () => {
    const client = accountClient(server);
    const { accountId } = client.account;
    const unknown = missingArn(accountId);
    await rejectsWith(addTags(client, unknown, [{ Key: 'k', Value: 'v' }]), { name: 'ValidationException', message: `Resource ${unknown} does not exist.` });
    const trainingJob = `arn:aws:sagemaker:us-east-1:${accountId}:training-job/my-job`;
    await rejectsWith(addTags(client, trainingJob, [{ Key: 'k', Value: 'v' }]), { name: 'ValidationException', message: `Resource ${trainingJob} does not exist.` });

    const theirs = await createAvailableApp(accountClient(server));
    await rejectsWith(addTags(client, theirs, [{ Key: 'k', Value: 'v' }]), { name: 'ValidationException', message: `Resource ${theirs} does not exist.` });

    const Arn = await createAvailableApp(client);
    await client.send(new DeletePartnerAppCommand({ Arn }));
    await waitFor(client, Arn, 'Deleted');
    await rejectsWith(addTags(client, Arn, [{ Key: 'k', Value: 'v' }]), { name: 'ValidationException', message: `Resource ${Arn} does not exist.` });
  });
});
