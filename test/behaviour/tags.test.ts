/**
 * SageMaker's tag rules beyond the model (docs/behaviour.md), through the real server: the reserved
 * `aws:` prefix on every way a tag is set or removed, and AddTags, ListTags and DeleteTags on an
 * ARN that is not one of the caller's partner apps. The JS SDK for each rule, boto3 for the wording
 * botocore shows.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  AddTagsCommand,
  CreatePartnerAppCommand,
  DeletePartnerAppCommand,
  DeleteTagsCommand,
  ListTagsCommand,
  UpdatePartnerAppCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { testPostgresUrl } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, createInput, describeApp, missingArn, rejectsWith, waitFor } from '../operations/support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const reserved = (key: string) => ({ name: 'ValidationException', message: `System prefix 'aws:' reserved for AWS usage in tag key: ${key}` });
const tagsOf = async (client: SageMakerClient, ResourceArn: string) => (await client.send(new ListTagsCommand({ ResourceArn }))).Tags ?? [];

describe("the reserved prefix 'aws:'", () => {
  test('no tag key may start with it, in any case, on Create, Update, AddTags or DeleteTags', async () => {
    const client = accountClient(server);
    for (const Key of ['aws:cloudformation:stack-name', 'AWS:team', 'Aws:x']) {
      await rejectsWith(client.send(new CreatePartnerAppCommand(createInput({ Tags: [{ Key: 'team', Value: 'ml' }, { Key, Value: 'v' }] }))), reserved(Key));
    }
    const Arn = await createAvailableApp(client, { Tags: [{ Key: 'team', Value: 'ml' }] });
    await rejectsWith(client.send(new UpdatePartnerAppCommand({ Arn, Tier: 'large', Tags: [{ Key: 'aws:x', Value: 'v' }] })), reserved('aws:x'));
    assert.equal((await describeApp(client, Arn)).Status, 'Available', 'the refused update started nothing');
    await rejectsWith(client.send(new AddTagsCommand({ ResourceArn: Arn, Tags: [{ Key: 'stage', Value: 'prod' }, { Key: 'aws:y', Value: 'v' }] })), reserved('aws:y'));
    await rejectsWith(client.send(new DeleteTagsCommand({ ResourceArn: Arn, TagKeys: ['team', 'aws:cloudformation:stack-name'] })), reserved('aws:cloudformation:stack-name'));
    assert.deepEqual(await tagsOf(client, Arn), [{ Key: 'team', Value: 'ml' }], 'nothing of a refused request was applied');
  });

  test('a value may start with it, and a key may contain it later on', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Tags: [{ Key: 'source', Value: 'aws:marketplace' }] });
    await client.send(new AddTagsCommand({ ResourceArn: Arn, Tags: [{ Key: 'team:aws:ml', Value: 'x' }] }));
    assert.deepEqual(await tagsOf(client, Arn), [
      { Key: 'source', Value: 'aws:marketplace' },
      { Key: 'team:aws:ml', Value: 'x' },
    ]);
  });
});

describe('tagging an ARN that is not one of your partner apps', () => {
  test('AddTags, ListTags and DeleteTags answer ValidationException for any such ARN', async () => {
    const client = accountClient(server);
    const { accountId } = client.account;
    const deleted = await createAvailableApp(client);
    await client.send(new DeletePartnerAppCommand({ Arn: deleted }));
    await waitFor(client, deleted, 'Deleted');
    const notYours = [
      missingArn(accountId),
      `arn:aws:sagemaker:us-east-1:${accountId}:training-job/my-job`,
      `arn:aws:sagemaker:us-east-1:${accountId}:endpoint/my-endpoint`,
      await createAvailableApp(accountClient(server)),
      missingArn(accountId, 'eu-west-1'),
      deleted,
    ];
    for (const ResourceArn of notYours) {
      const expected = { name: 'ValidationException', message: `Resource ${ResourceArn} does not exist.` };
      await rejectsWith(client.send(new AddTagsCommand({ ResourceArn, Tags: [{ Key: 'k', Value: 'v' }] })), expected);
      await rejectsWith(client.send(new ListTagsCommand({ ResourceArn })), expected);
      await rejectsWith(client.send(new DeleteTagsCommand({ ResourceArn, TagKeys: ['k'] })), expected);
    }
  });

  test('botocore sees the same code and message', { skip: testPostgresUrl() ? 'wire compatibility is checked in the SQLite run' : false, timeout: 60_000 }, async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client);
    const trainingJob = `arn:aws:sagemaker:us-east-1:${client.account.accountId}:training-job/my-job`;
    const script = `
import json, sys, boto3, botocore
sm = boto3.client("sagemaker", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
out = []
for call in (lambda: sm.add_tags(ResourceArn=sys.argv[4], Tags=[{"Key": "aws:x", "Value": "v"}]), lambda: sm.list_tags(ResourceArn=sys.argv[5])):
    try:
        call()
        out.append(None)
    except botocore.exceptions.ClientError as e:
        out.append([e.response["Error"]["Code"], e.response["Error"]["Message"]])
print(json.dumps(out))
`;
    const { accessKeyId, secretAccessKey } = client.account;
    const { stdout } = await promisify(execFile)('python3', ['-c', script, server.url, accessKeyId, secretAccessKey, Arn, trainingJob], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout), [
      ['ValidationException', "System prefix 'aws:' reserved for AWS usage in tag key: aws:x"],
      ['ValidationException', `Resource ${trainingJob} does not exist.`],
    ]);
  });
});
