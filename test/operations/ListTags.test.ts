import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, ListTagsCommand, paginateListTags, type Tag } from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, createInput, missingArn, rejectsWith } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('serialization', () => {
  test('MaxResults sent as a fraction is a SerializationException', async () => {
    const response = await rawRequest(server.url, 'ListTags', { body: { ResourceArn: missingArn(), MaxResults: 50.5 } });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'class java.lang.Double can not be converted to an Integer' });
  });
});

describe('behaviour', () => {
  test('lists the tags by key; an app without tags has none', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: '1' }, { Key: 'C', Value: '3' }] });
    const listed = await client.send(new ListTagsCommand({ ResourceArn: Arn }));
    assert.deepEqual(listed.Tags, [{ Key: 'C', Value: '3' }, { Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
    assert.equal(listed.NextToken, undefined);

    const { Arn: bare } = await client.send(new CreatePartnerAppCommand(createInput()));
    assert.deepEqual((await client.send(new ListTagsCommand({ ResourceArn: bare }))).Tags, [], 'tags can be listed while the app is Creating');
  });

  test("the SDK paginator gets all of an app's 50 tags, each once", async () => {
    const client = accountClient(server);
    const Tags = Array.from({ length: 50 }, (_, i) => ({ Key: `key${String(i).padStart(2, '0')}`, Value: `value${i}` }));
    const Arn = await createAvailableApp(client, { Tags });
    const seen: Tag[] = [];
    let pages = 0;
    for await (const page of paginateListTags({ client, pageSize: 50 }, { ResourceArn: Arn })) {
      pages++;
      assert.ok(page.Tags!.length <= 50);
      seen.push(...page.Tags!);
    }
    assert.deepEqual(seen, Tags);
    assert.equal(pages, 1, 'the smallest page AWS allows (50) holds the most tags an app can have');
  });

  test('a NextToken this server did not give is a ValidationException', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client);
    // 'AAAA' decodes to three NUL bytes, which a database must never be asked to compare.
    for (const NextToken of ['not a token', 'AAAA', '%%%', Buffer.from('x'.repeat(129)).toString('base64url')]) {
      await rejectsWith(client.send(new ListTagsCommand({ ResourceArn: Arn, NextToken })), {
        name: 'ValidationException',
        message: 'The NextToken is not valid. Pass the NextToken value returned by the previous ListTags call.',
      });
    }
  });

  test("an unknown ARN and another account's app are a ValidationException, as SageMaker answers for a resource that does not exist", async () => {
    const client = accountClient(server);
    const unknown = missingArn(client.account.accountId);
    await rejectsWith(client.send(new ListTagsCommand({ ResourceArn: unknown })), { name: 'ValidationException', message: `Resource ${unknown} does not exist.` });
    const theirs = await createAvailableApp(accountClient(server), { Tags: [{ Key: 'secret', Value: 'theirs' }] });
    await rejectsWith(client.send(new ListTagsCommand({ ResourceArn: theirs })), { name: 'ValidationException', message: `Resource ${theirs} does not exist.` });
  });
});
