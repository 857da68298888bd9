/**
 * One account's apps are invisible to every other account, and one region's to every other region
 * of the same account: every operation on the ARN of an app that is not the caller's answers
 * ResourceNotFound exactly as for an ARN that names nothing, and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddTagsCommand,
  CreatePartnerAppCommand,
  CreatePartnerAppPresignedUrlCommand,
  DeletePartnerAppCommand,
  DeleteTagsCommand,
  DescribePartnerAppCommand,
  ListPartnerAppsCommand,
  ListTagsCommand,
  UpdatePartnerAppCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { TestAccount } from '../helpers/credentials.js';
import { startTestServer, waitForStatus, type TestServer } from '../helpers/server.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/PartnerAppRole';
const CLIENT_TOKEN = 'isolation-token-0001';
const TAGS = [{ Key: 'team', Value: 'owners' }];

let server: TestServer;
let ownerKey: TestAccount;
let owner: SageMakerClient;
let arn: string;

const createInput = { Name: 'shared', Type: 'lakera-guard' as const, Tier: 'small', AuthType: 'IAM' as const, ExecutionRoleArn: ROLE_ARN, Tags: TAGS, ClientToken: CLIENT_TOKEN };

before(async () => {
  server = await startTestServer();
  ownerKey = server.newAccount();
  owner = server.client({ credentials: ownerKey, region: 'us-east-1' });
  arn = (await owner.send(new CreatePartnerAppCommand(createInput))).Arn!;
  await waitForStatus(() => owner.send(new DescribePartnerAppCommand({ Arn: arn })), ['Available']);
});
after(() => server.close());

/** Every operation that names an app, aimed at `target`. */
const operationsOn = (target: string) => ({
  DescribePartnerApp: new DescribePartnerAppCommand({ Arn: target }),
  UpdatePartnerApp: new UpdatePartnerAppCommand({ Arn: target, Tier: 'medium' }),
  DeletePartnerApp: new DeletePartnerAppCommand({ Arn: target }),
  CreatePartnerAppPresignedUrl: new CreatePartnerAppPresignedUrlCommand({ Arn: target }),
  AddTags: new AddTagsCommand({ ResourceArn: target, Tags: [{ Key: 'intruder', Value: 'yes' }] }),
  ListTags: new ListTagsCommand({ ResourceArn: target }),
  DeleteTags: new DeleteTagsCommand({ ResourceArn: target, TagKeys: ['team'] }),
});

/** What an app that does not exist answers, for comparison. */
const missingArn = (region: string, account: string) => `arn:aws:sagemaker:${region}:${account}:partner-app/app-ZZZZZZZZZZZZ`;
const ANY_APP_ARN = /arn:aws:sagemaker:[a-z0-9-]+:\d{12}:partner-app\/app-[A-Z0-9]{12}/g;

async function errorOf(client: SageMakerClient, command: unknown): Promise<{ name: string; message: string }> {
  return client.send(command as never).then(
    () => assert.fail('the operation succeeded'),
    (error: Error) => ({ name: error.name, message: error.message.replace(ANY_APP_ARN, '<arn>') }),
  );
}

interface Outsider {
  client: SageMakerClient;
  region: string;
  account: string;
}

const outsiders: [string, () => Outsider][] = [
  ['another account in the same region', () => {
    const account = server.newAccount();
    return { client: server.client({ credentials: account, region: 'us-east-1' }), region: 'us-east-1', account: account.accountId };
  }],
  ['the same account in another region', () => ({ client: server.client({ credentials: ownerKey, region: 'us-west-2' }), region: 'us-west-2', account: ownerKey.accountId })],
];

for (const [who, makeOutsider] of outsiders) {
  describe(`${who} cannot see or touch the app`, () => {
    let outsider: Outsider;
    before(() => {
      outsider = makeOutsider();
    });

    for (const operation of Object.keys(operationsOn('')) as (keyof ReturnType<typeof operationsOn>)[]) {
      // The tag operations answer ValidationException for a resource that does not exist (docs/behaviour.md).
      const expected = operation.endsWith('Tags') ? 'ValidationException' : 'ResourceNotFound';
      test(`${operation} answers ${expected}, as for an app that does not exist`, async () => {
        const onTheApp = await errorOf(outsider.client, operationsOn(arn)[operation]);
        const onNothing = await errorOf(outsider.client, operationsOn(missingArn(outsider.region, outsider.account))[operation]);
        assert.equal(onTheApp.name, expected);
        assert.deepEqual(onTheApp, onNothing);
      });
    }

    test('ListPartnerApps shows none of it', async () => {
      const { Summaries } = await outsider.client.send(new ListPartnerAppsCommand({}));
      assert.ok(!Summaries!.some((summary) => summary.Arn === arn));
    });

    test('the same name and ClientToken make an app of its own, not a replay of the owner’s', async () => {
      const { Arn } = await outsider.client.send(new CreatePartnerAppCommand(createInput));
      assert.notEqual(Arn, arn);
      assert.ok(Arn!.startsWith(`arn:aws:sagemaker:${outsider.region}:${outsider.account}:partner-app/`));
      const { Summaries } = await outsider.client.send(new ListPartnerAppsCommand({}));
      assert.deepEqual(Summaries!.map((summary) => summary.Arn), [Arn]);
    });
  });
}

test('after all that, the owner’s app is as it was', async () => {
  const app = await owner.send(new DescribePartnerAppCommand({ Arn: arn }));
  assert.equal(app.Status, 'Available');
  assert.equal(app.Tier, 'small');
  assert.deepEqual((await owner.send(new ListTagsCommand({ ResourceArn: arn }))).Tags, TAGS);
  assert.deepEqual((await owner.send(new ListPartnerAppsCommand({}))).Summaries!.map((summary) => summary.Arn), [arn]);
});
