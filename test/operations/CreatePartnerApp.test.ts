import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreatePartnerAppCommand,
  DeletePartnerAppCommand,
  ListPartnerAppsCommand,
  ListTagsCommand,
  type CreatePartnerAppCommandInput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import {
  accountClient,
  APP_ARN_PATTERN,
  createAvailableApp,
  createInput,
  describeApp,
  IDC_INSTANCE_ARN,
  rejectsWith,
  ROOT_ADMIN,
  ROLE_ARN,
  uniqueName,
  waitFor,
} from './support.js';

const QUOTA = 3;

/** Finishes every transition quickly; apps named failing… fail to start. */
let server: TestServer;
/** Never finishes a transition during a test, so the transitional states can be looked at. */
let slow: TestServer;
before(async () => {
  [server, slow] = await Promise.all([
    startTestServer({ maxAppsPerAccount: QUOTA, failCreate: /^failing/ }),
    startTestServer({ createDelayMs: 600_000 }),
  ]);
});
after(() => Promise.all([server.close(), slow.close()]));

const create = (client: SageMakerClient, overrides: Partial<CreatePartnerAppCommandInput> = {}) =>
  client.send(new CreatePartnerAppCommand(createInput(overrides)));

async function arnsOf(client: SageMakerClient): Promise<string[]> {
  return ((await client.send(new ListPartnerAppsCommand({ MaxResults: 100 }))).Summaries ?? []).map((summary) => summary.Arn!);
}

describe('serialization', () => {
  test('a Name sent as a number is a SerializationException', async () => {
    const response = await rawRequest(server.url, 'CreatePartnerApp', { body: { ...createInput(), Name: 42 } });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'class java.lang.Integer can not be converted to an String' });
  });

  test('Tags sent as an object instead of a list is a SerializationException', async () => {
    const response = await rawRequest(server.url, 'CreatePartnerApp', { body: { ...createInput(), Tags: { team: 'ml' } } });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'Start of structure or map found where not expected.' });
  });
});

describe('validation across fields', () => {
  test('AuthType IDC needs an IdcConfig', async () => {
    const client = accountClient(server);
    await rejectsWith(create(client, { AuthType: 'IDC' }), { name: 'ValidationException', message: 'IdcConfig is required when AuthType is IDC.' });
    assert.deepEqual(await arnsOf(client), []);
  });

  test('an IdcConfig is refused for an IAM app', async () => {
    const client = accountClient(server);
    await rejectsWith(create(client, { AuthType: 'IAM', IdcConfig: { InstanceArn: IDC_INSTANCE_ARN } }), {
      name: 'ValidationException',
      message: 'IdcConfig can only be given when AuthType is IDC.',
    });
    assert.deepEqual(await arnsOf(client), []);
  });

  test('every group of RoleGroupAssignments must match one of AssignedGroupPatterns', async () => {
    const client = accountClient(server);
    await rejectsWith(
      create(client, {
        ApplicationConfig: { AssignedGroupPatterns: ['ml-*'], RoleGroupAssignments: [{ RoleName: 'ORG_ADMIN', GroupPatterns: ['ml-admins', 'finance'] }] },
      }),
      { name: 'ValidationException', message: 'Group pattern finance of role ORG_ADMIN does not match any of ApplicationConfig.AssignedGroupPatterns.' },
    );
    await rejectsWith(create(client, { ApplicationConfig: { RoleGroupAssignments: [{ RoleName: 'ORG_MEMBER', GroupPatterns: ['anyone'] }] } }), {
      name: 'ValidationException',
      message: 'Group pattern anyone of role ORG_MEMBER does not match any of ApplicationConfig.AssignedGroupPatterns.',
    });
    assert.deepEqual(await arnsOf(client), []);

    const { Arn } = await create(client, {
      Type: 'fiddler',
      ApplicationConfig: {
        AdminUsers: [ROOT_ADMIN],
        AssignedGroupPatterns: ['ml-*', 'auditors'],
        RoleGroupAssignments: [
          { RoleName: 'ORG_ADMIN', GroupPatterns: ['ml-admins'] },
          { RoleName: 'ORG_MEMBER', GroupPatterns: ['ml-*', 'auditors'] },
        ],
      },
    });
    assert.match(Arn!, APP_ARN_PATTERN);
  });
});

describe('behaviour', () => {
  test("the ARN is the caller's: its region and its account", async () => {
    const account = server.newAccount();
    const { Arn } = await create(server.client({ credentials: account, region: 'eu-west-3' }));
    const [, region, accountId] = APP_ARN_PATTERN.exec(Arn!)!;
    assert.equal(region, 'eu-west-3');
    assert.equal(accountId, account.accountId);

    const local = await create(server.client({ region: 'us-west-2' }));
    assert.match(local.Arn!, /^arn:aws:sagemaker:us-west-2:000000000000:partner-app\/app-[A-Z0-9]{12}$/);
  });

  test('an app starts Creating, without a BaseUrl', async () => {
    const client = accountClient(slow);
    const { Arn } = await create(client);
    const app = await describeApp(client, Arn!);
    assert.equal(app.Status, 'Creating');
    assert.equal(app.BaseUrl, undefined);
    assert.deepEqual(await arnsOf(client), [Arn]);
  });

  test('then becomes Available with a BaseUrl, and Describe echoes every setting given', async () => {
    const client = accountClient(server);
    const input = createInput({
      Type: 'deepchecks-llm-evaluation',
      Tier: 'ml.m5.xlarge',
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      MaintenanceConfig: { MaintenanceWindowStart: 'Tue:03:30' },
      ApplicationConfig: { AdminUsers: ['ada', 'grace'], Arguments: { region: 'eu', 'log-level': 'debug' } },
      EnableIamSessionBasedIdentity: true,
      EnableAutoMinorVersionUpgrade: true,
    });
    const before = Date.now();
    const { Arn } = await client.send(new CreatePartnerAppCommand(input));
    assert.equal(await waitFor(client, Arn!, 'Available'), 'Available');

    const app = await describeApp(client, Arn!);
    assert.equal(app.Arn, Arn);
    assert.equal(app.Name, input.Name);
    assert.equal(app.Type, 'deepchecks-llm-evaluation');
    assert.equal(app.ExecutionRoleArn, ROLE_ARN);
    assert.equal(app.KmsKeyId, input.KmsKeyId);
    assert.deepEqual(app.MaintenanceConfig, input.MaintenanceConfig);
    assert.equal(app.Tier, 'ml.m5.xlarge');
    assert.deepEqual(app.ApplicationConfig, input.ApplicationConfig);
    assert.equal(app.AuthType, 'IAM');
    assert.equal(app.EnableIamSessionBasedIdentity, true);
    assert.equal(app.EnableAutoMinorVersionUpgrade, true);
    assert.equal(app.Version, '1.0');
    assert.deepEqual(app.CurrentVersionEolDate, new Date('2027-04-30T00:00:00Z'));
    assert.equal(app.Error, undefined);
    assert.equal(app.IdcConfig, undefined);
    assert.equal(app.BaseUrl, `http://${Arn!.split('/')[1]!.toLowerCase()}.localhost:${new URL(server.url).port}`, "the app's own origin");
    assert.ok(app.CreationTime!.getTime() >= before - 1);
    assert.ok(app.LastModifiedTime!.getTime() >= app.CreationTime!.getTime(), 'becoming Available is a modification');
  });

  test('settings left out are not made up', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Type: 'lakera-guard', ApplicationConfig: undefined });
    const app = await describeApp(client, Arn);
    for (const member of ['KmsKeyId', 'MaintenanceConfig', 'ApplicationConfig', 'EnableIamSessionBasedIdentity', 'IdcConfig', 'Error', 'AvailableUpgrade'] as const) {
      assert.equal(app[member], undefined, `${member} was not given`);
    }
    assert.equal(app.EnableAutoMinorVersionUpgrade, false, 'the documented default');
  });

  test('an app whose provisioning fails ends Failed, with Error {Code, Reason}', async () => {
    const client = accountClient(server);
    const { Arn } = await create(client, { Name: uniqueName('failing') });
    assert.equal(await waitFor(client, Arn!, 'Available', 'Failed'), 'Failed');
    const app = await describeApp(client, Arn!);
    assert.equal(app.Error?.Code, 'ProvisioningFailed');
    assert.ok(app.Error?.Reason);
    assert.equal(app.BaseUrl, undefined);
  });

  test('tags given on Create are the tags ListTags shows', async () => {
    const client = accountClient(server);
    const Tags = [
      { Key: 'team', Value: 'ml' },
      { Key: 'cost-centre', Value: '' },
      { Key: 'owner', Value: 'ada@example.com' },
    ];
    const { Arn } = await create(client, { Tags });
    const listed = await client.send(new ListTagsCommand({ ResourceArn: Arn }));
    assert.deepEqual(
      listed.Tags,
      [...Tags].sort((a, b) => a.Key.localeCompare(b.Key)),
    );
  });

  test('an IDC app gets an Identity Center application when it is provisioned', async () => {
    const client = accountClient(server);
    const { Arn } = await create(client, { Type: 'fiddler', AuthType: 'IDC', IdcConfig: { InstanceArn: IDC_INSTANCE_ARN } });
    await waitFor(client, Arn!, 'Available');
    const app = await describeApp(client, Arn!);
    assert.equal(app.AuthType, 'IDC');
    assert.equal(app.IdcConfig?.InstanceArn, IDC_INSTANCE_ARN);
    const applicationArn = new RegExp(`^arn:aws:sso::${client.account.accountId}:application/ssoins-1234567890abcdef/apl-[a-zA-Z0-9.-]{16}$`);
    assert.match(app.IdcConfig?.ApplicationArn ?? '', applicationArn);
  });
});

describe('names', () => {
  test('a Name is unique among the apps of an account and region that are not Deleted', async () => {
    const account = server.newAccount();
    const client = server.client({ credentials: account });
    const Name = uniqueName();
    const { Arn } = await create(client, { Name });
    await rejectsWith(create(client, { Name, Type: 'fiddler' }), {
      name: 'ConflictException',
      message: `A partner app named ${Name} already exists in account ${account.accountId} and region us-east-1.`,
    });
    assert.deepEqual(await arnsOf(client), [Arn]);

    const otherRegion = await create(server.client({ credentials: account, region: 'eu-west-1' }), { Name });
    assert.match(otherRegion.Arn!, /:eu-west-1:/);
    const otherAccount = await create(accountClient(server), { Name });
    assert.match(otherAccount.Arn!, APP_ARN_PATTERN);
  });

  test('once its app is Deleted, a Name can be used again', async () => {
    const client = accountClient(server);
    const Name = uniqueName();
    const first = await createAvailableApp(client, { Name });
    await client.send(new DeletePartnerAppCommand({ Arn: first }));
    await waitFor(client, first, 'Deleted');
    const { Arn: second } = await create(client, { Name });
    assert.notEqual(second, first);
    assert.equal((await describeApp(client, second!)).Name, Name);
    assert.equal((await describeApp(client, first)).Status, 'Deleted');
  });
});

describe('quota', () => {
  test(`an account may have ${QUOTA} apps not yet Deleted, in all regions together`, async () => {
    const account = server.newAccount();
    const east = server.client({ credentials: account });
    const west = server.client({ credentials: account, region: 'us-west-2' });
    const arns = [(await create(east)).Arn!, (await create(east)).Arn!, (await create(west)).Arn!];
    const message = `The account-level service limit 'Maximum number of partner apps' is ${QUOTA} Apps, with current utilization of ${QUOTA} Apps and a request delta of 1 Apps. Please use AWS Service Quotas to request an increase for this quota.`;
    await rejectsWith(create(west), { name: 'ResourceLimitExceeded', message });
    await rejectsWith(create(east), { name: 'ResourceLimitExceeded', message });

    // Another account has a quota of its own.
    assert.match((await create(accountClient(server))).Arn!, APP_ARN_PATTERN);

    // A Deleted app no longer counts.
    await waitFor(east, arns[0]!, 'Available');
    await east.send(new DeletePartnerAppCommand({ Arn: arns[0] }));
    await waitFor(east, arns[0]!, 'Deleted');
    assert.match((await create(west)).Arn!, APP_ARN_PATTERN);
  });

  test('concurrent creates never go over the quota', async () => {
    const client = accountClient(server);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => create(client)));
    const created = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    assert.equal(created.length, QUOTA);
    for (const { reason } of refused) assert.equal((reason as Error).name, 'ResourceLimitExceeded');
    assert.equal((await arnsOf(client)).length, QUOTA);
  });

  test('a quota of 0 refuses an account its first app', async () => {
    const none = await startTestServer({ maxAppsPerAccount: 0 });
    try {
      const message = `The account-level service limit 'Maximum number of partner apps' is 0 Apps, with current utilization of 0 Apps and a request delta of 1 Apps. Please use AWS Service Quotas to request an increase for this quota.`;
      await rejectsWith(create(accountClient(none)), { name: 'ResourceLimitExceeded', message });
    } finally {
      await none.close();
    }
  });
});

describe('idempotency', () => {
  test('the same ClientToken with the same request returns the first answer and creates nothing more', async () => {
    const client = accountClient(server);
    const input = createInput({ ClientToken: 'create-once-1234', Tags: [{ Key: 'k', Value: 'v' }] });
    const first = await client.send(new CreatePartnerAppCommand(input));
    const again = await client.send(new CreatePartnerAppCommand(input));
    assert.equal(again.Arn, first.Arn);
    await waitFor(client, first.Arn!, 'Available');
    const later = await client.send(new CreatePartnerAppCommand(input));
    assert.equal(later.Arn, first.Arn);
    assert.deepEqual(await arnsOf(client), [first.Arn]);
    assert.equal((await describeApp(client, first.Arn!)).Status, 'Available', 'a replay starts no new transition');
  });

  test('the same ClientToken with a different request is a ConflictException', async () => {
    const client = accountClient(server);
    const input = createInput({ ClientToken: 'create-once-5678' });
    const { Arn } = await client.send(new CreatePartnerAppCommand(input));
    await rejectsWith(client.send(new CreatePartnerAppCommand({ ...input, Tier: 'large' })), {
      name: 'ConflictException',
      message: 'ClientToken create-once-5678 was already used for a different CreatePartnerApp request.',
    });
    assert.deepEqual(await arnsOf(client), [Arn]);
    assert.equal((await describeApp(client, Arn!)).Tier, 'small');
  });

  test("a ClientToken belongs to its account: another account's use of it is a request of its own", async () => {
    const input = createInput({ ClientToken: 'shared-token-0001' });
    const first = await accountClient(server).send(new CreatePartnerAppCommand(input));
    const second = await accountClient(server).send(new CreatePartnerAppCommand(input));
    assert.notEqual(second.Arn, first.Arn);
  });

  test('the SDK fills in a ClientToken of its own; replaying that exact request gives the same app', async () => {
    const account = server.newAccount();
    const client = server.client({ credentials: account });
    let sentBody = '';
    client.middlewareStack.add(
      (next) => async (args) => {
        const body = (args.request as { body?: Uint8Array | string }).body;
        sentBody = typeof body === 'string' ? body : Buffer.from(body ?? []).toString('utf8');
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureBody' },
    );
    const input = createInput();
    const { Arn } = await client.send(new CreatePartnerAppCommand(input));
    const sent = JSON.parse(sentBody) as { ClientToken?: string };
    assert.match(sent.ClientToken ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const replay = await rawRequest(server.url, 'CreatePartnerApp', { body: sentBody, credentials: account });
    assert.equal(replay.status, 200, replay.text);
    assert.equal(replay.json.Arn, Arn);
    // Without the token the same request is a new one, and the name is taken.
    await rejectsWith(client.send(new CreatePartnerAppCommand(input)), { name: 'ConflictException' });
    assert.deepEqual(await arnsOf(client), [Arn]);
  });
});
