import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreatePartnerAppCommand,
  DeletePartnerAppCommand,
  ListTagsCommand,
  UpdatePartnerAppCommand,
  type SageMakerClient,
  type UpdatePartnerAppCommandInput,
} from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, createInput, describeApp, IDC_INSTANCE_ARN, missingArn, rejectsWith, ROOT_ADMIN, uniqueName, waitFor } from './support.js';

/** Finishes transitions quickly; updates of apps named failing… fail. */
let server: TestServer;
/** Apps stay Creating. */
let slowCreate: TestServer;
/** Apps become Available quickly, then stay Updating or Deleting. */
let slowChange: TestServer;
before(async () => {
  [server, slowCreate, slowChange] = await Promise.all([
    startTestServer({ failUpdate: /^failing/, failCreate: /^broken/ }),
    startTestServer({ createDelayMs: 600_000 }),
    startTestServer({ updateDelayMs: 600_000, deleteDelayMs: 600_000 }),
  ]);
});
after(() => Promise.all([server.close(), slowCreate.close(), slowChange.close()]));

const update = (client: SageMakerClient, Arn: string, changes: Omit<UpdatePartnerAppCommandInput, 'Arn'> = {}) =>
  client.send(new UpdatePartnerAppCommand({ Arn, ...changes }));

describe('serialization', () => {
  test('EnableAutoMinorVersionUpgrade sent as a number is a SerializationException', async () => {
    const response = await rawRequest(server.url, 'UpdatePartnerApp', { body: { Arn: missingArn(), EnableAutoMinorVersionUpgrade: 1 } });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'class java.lang.Integer can not be converted to an Boolean' });
  });
});

describe('validation across fields and against the app', () => {
  test('identity settings: IdcConfig needs AuthType IDC, IDC needs IdcConfig, and IDC never goes back to IAM', async () => {
    const client = accountClient(server);
    const iam = await createAvailableApp(client);
    await rejectsWith(update(client, iam, { IdcConfig: { InstanceArn: IDC_INSTANCE_ARN } }), {
      name: 'ValidationException',
      message: 'IdcConfig can only be given when AuthType is IDC.',
    });
    await rejectsWith(update(client, iam, { AuthType: 'IDC' }), { name: 'ValidationException', message: 'IdcConfig is required when AuthType is IDC.' });

    const idc = await createAvailableApp(client, { AuthType: 'IDC', IdcConfig: { InstanceArn: IDC_INSTANCE_ARN } });
    await rejectsWith(update(client, idc, { AuthType: 'IAM' }), { name: 'ValidationException', message: 'AuthType can be changed only from IAM to IDC.' });
    for (const arn of [iam, idc]) assert.equal((await describeApp(client, arn)).Status, 'Available', 'a refused update changes nothing');
  });

  test('RoleGroupAssignments must match the AssignedGroupPatterns the app will have: those given, else those it keeps', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Type: 'fiddler', ApplicationConfig: { AdminUsers: [ROOT_ADMIN], AssignedGroupPatterns: ['ml-*'] } });
    await rejectsWith(update(client, Arn, { ApplicationConfig: { RoleGroupAssignments: [{ RoleName: 'ORG_ADMIN', GroupPatterns: ['finance'] }] } }), {
      name: 'ValidationException',
      message: 'Group pattern finance of role ORG_ADMIN does not match any of ApplicationConfig.AssignedGroupPatterns.',
    });
    const replaced = { AssignedGroupPatterns: ['auditors'], RoleGroupAssignments: [{ RoleName: 'ORG_ADMIN', GroupPatterns: ['ml-admins'] }] };
    await rejectsWith(update(client, Arn, { ApplicationConfig: replaced }), {
      name: 'ValidationException',
      message: 'Group pattern ml-admins of role ORG_ADMIN does not match any of ApplicationConfig.AssignedGroupPatterns.',
    });
    assert.equal((await describeApp(client, Arn)).Status, 'Available');
    await update(client, Arn, { ApplicationConfig: { RoleGroupAssignments: [{ RoleName: 'ORG_ADMIN', GroupPatterns: ['ml-admins'] }] } });
    await waitFor(client, Arn, 'Available');
    assert.deepEqual((await describeApp(client, Arn)).ApplicationConfig, {
      AdminUsers: [ROOT_ADMIN],
      AssignedGroupPatterns: ['ml-*'],
      RoleGroupAssignments: [{ RoleName: 'ORG_ADMIN', GroupPatterns: ['ml-admins'] }],
    });
  });

  test('AppVersion must be the one upgrade on offer: no skipping, no downgrade, nothing past the newest', async () => {
    const client = accountClient(server);
    const comet = await createAvailableApp(client, { Type: 'comet' });
    await rejectsWith(update(client, comet, { AppVersion: '1.3' }), {
      name: 'ValidationException',
      message: 'AppVersion 1.3 is not available for this app; the available upgrade from version 1.1 is 1.2.',
    });
    await rejectsWith(update(client, comet, { AppVersion: '1.0' }), {
      name: 'ValidationException',
      message: 'AppVersion 1.0 is not available for this app; the available upgrade from version 1.1 is 1.2.',
    });

    const lakera = await createAvailableApp(client, { Type: 'lakera-guard' });
    await update(client, lakera, { AppVersion: '1.5' });
    await waitFor(client, lakera, 'Available');
    await rejectsWith(update(client, lakera, { AppVersion: '1.6' }), {
      name: 'ValidationException',
      message: 'AppVersion 1.6 is not available for this app; version 1.5 has no upgrade available.',
    });
  });

  test('more than 50 tags in all, counting those the app has, is refused and changes nothing', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Tags: Array.from({ length: 30 }, (_, i) => ({ Key: `old${i}`, Value: 'v' })) });
    const Tags = Array.from({ length: 21 }, (_, i) => ({ Key: `new${i}`, Value: 'v' }));
    await rejectsWith(update(client, Arn, { Tier: 'large', Tags }), {
      name: 'ValidationException',
      message: `Resource ${Arn} would have more than 50 tags; remove some with DeleteTags first.`,
    });
    const app = await describeApp(client, Arn);
    assert.equal(app.Status, 'Available');
    assert.equal(app.Tier, 'small');
    assert.equal((await client.send(new ListTagsCommand({ ResourceArn: Arn }))).Tags!.length, 30);
  });
});

describe('behaviour', () => {
  test('an update is accepted as Updating and applied when it completes', async () => {
    const client = accountClient(slowChange);
    const Arn = await createAvailableApp(client, { Tier: 'small' });
    assert.deepEqual(await update(client, Arn, { Tier: 'large' }).then(({ Arn }) => Arn), Arn);
    const app = await describeApp(client, Arn);
    assert.equal(app.Status, 'Updating');
    assert.equal(app.Tier, 'small', 'the change is applied when the update completes');
  });

  test('changes given are applied, settings not given are kept, and LastModifiedTime moves on', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, {
      Tier: 'small',
      KmsKeyId: 'alias/partner',
      ApplicationConfig: { AdminUsers: ['ada'] },
      MaintenanceConfig: { MaintenanceWindowStart: 'Mon:01:00' },
    });
    const before = await describeApp(client, Arn);
    await update(client, Arn, {
      Tier: 'large',
      MaintenanceConfig: { MaintenanceWindowStart: 'Sun:23:59' },
      EnableIamSessionBasedIdentity: true,
      EnableAutoMinorVersionUpgrade: true,
    });
    assert.equal(await waitFor(client, Arn, 'Available'), 'Available');
    const after = await describeApp(client, Arn);
    assert.equal(after.Tier, 'large');
    assert.deepEqual(after.MaintenanceConfig, { MaintenanceWindowStart: 'Sun:23:59' });
    assert.equal(after.EnableIamSessionBasedIdentity, true);
    assert.equal(after.EnableAutoMinorVersionUpgrade, true);
    assert.deepEqual(after.ApplicationConfig, { AdminUsers: ['ada'] });
    assert.equal(after.KmsKeyId, 'alias/partner');
    assert.equal(after.BaseUrl, before.BaseUrl);
    assert.equal(after.CreationTime!.getTime(), before.CreationTime!.getTime());
    assert.ok(after.LastModifiedTime! > before.LastModifiedTime!);
  });

  test('an ApplicationConfig naming some members replaces those and keeps the others, root admin users included', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { ApplicationConfig: { AdminUsers: ['ada'], Arguments: { a: '1' } } });
    await update(client, Arn, { ApplicationConfig: { Arguments: { b: '2' } } });
    await waitFor(client, Arn, 'Available');
    assert.deepEqual((await describeApp(client, Arn)).ApplicationConfig, { AdminUsers: ['ada'], Arguments: { b: '2' } });
    await update(client, Arn, { ApplicationConfig: { AdminUsers: ['grace', 'ada'], Arguments: {} } });
    await waitFor(client, Arn, 'Available');
    assert.deepEqual((await describeApp(client, Arn)).ApplicationConfig, { AdminUsers: ['grace', 'ada'], Arguments: {} }, 'a member given empty is emptied');
  });

  test('AppVersion upgrades through Updating to that version, with its end-of-life date and the next upgrade', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Type: 'comet' });
    await update(client, Arn, { AppVersion: '1.2' });
    await waitFor(client, Arn, 'Available');
    const app = await describeApp(client, Arn, true);
    assert.equal(app.Version, '1.2');
    assert.deepEqual(app.CurrentVersionEolDate, new Date('2028-01-31T00:00:00Z'));
    assert.deepEqual(app.AvailableUpgrade, { Version: '1.3', ReleaseNotes: ['Panels API.'] });
  });

  test('an IAM app migrates to IDC, and gets its Identity Center application', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Type: 'fiddler' });
    await update(client, Arn, { AuthType: 'IDC', IdcConfig: { InstanceArn: IDC_INSTANCE_ARN } });
    await waitFor(client, Arn, 'Available');
    const app = await describeApp(client, Arn);
    assert.equal(app.AuthType, 'IDC');
    assert.equal(app.IdcConfig?.InstanceArn, IDC_INSTANCE_ARN);
    assert.match(app.IdcConfig?.ApplicationArn ?? '', new RegExp(`^arn:aws:sso::${client.account.accountId}:application/ssoins-1234567890abcdef/apl-[a-zA-Z0-9.-]{16}$`));
  });

  test('tags given on Update are added to the tags the app has, overwriting a key it has', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Tags: [{ Key: 'team', Value: 'ml' }, { Key: 'stage', Value: 'dev' }] });
    await update(client, Arn, { Tags: [{ Key: 'stage', Value: 'prod' }, { Key: 'owner', Value: 'ada' }] });
    await waitFor(client, Arn, 'Available');
    assert.deepEqual((await client.send(new ListTagsCommand({ ResourceArn: Arn }))).Tags, [
      { Key: 'owner', Value: 'ada' },
      { Key: 'stage', Value: 'prod' },
      { Key: 'team', Value: 'ml' },
    ]);
  });

  test('an update that fails ends UpdateFailed with Error {Code, Reason}, keeping the previous configuration', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Name: uniqueName('failing'), Tier: 'small', Type: 'comet' });
    await update(client, Arn, { Tier: 'large', AppVersion: '1.2' });
    assert.equal(await waitFor(client, Arn, 'Available', 'UpdateFailed'), 'UpdateFailed');
    const app = await describeApp(client, Arn);
    assert.equal(app.Error?.Code, 'UpdateFailed');
    assert.ok(app.Error?.Reason);
    assert.equal(app.Tier, 'small');
    assert.equal(app.Version, '1.1');
    assert.ok(app.BaseUrl, 'an app whose update failed is still available');

    // It can be updated again, and deleted.
    await update(client, Arn, { Tier: 'medium' });
    assert.equal(await waitFor(client, Arn, 'Available', 'UpdateFailed'), 'UpdateFailed');
    await client.send(new DeletePartnerAppCommand({ Arn }));
    assert.equal(await waitFor(client, Arn, 'Deleted'), 'Deleted');
  });

  test('an app in Creating, Updating, Deleting or Failed cannot be updated: ConflictException', async () => {
    const creating = accountClient(slowCreate);
    const { Arn: creatingArn } = await creating.send(new CreatePartnerAppCommand(createInput()));
    await rejectsWith(update(creating, creatingArn!, { Tier: 'large' }), {
      name: 'ConflictException',
      message: `Partner app ${creatingArn} is in status Creating and cannot be updated now.`,
    });

    const client = accountClient(slowChange);
    const updatingArn = await createAvailableApp(client);
    await update(client, updatingArn, { Tier: 'large' });
    await rejectsWith(update(client, updatingArn, { Tier: 'medium' }), {
      name: 'ConflictException',
      message: `Partner app ${updatingArn} is in status Updating and cannot be updated now.`,
    });
    const deletingArn = await createAvailableApp(client);
    await client.send(new DeletePartnerAppCommand({ Arn: deletingArn }));
    await rejectsWith(update(client, deletingArn, { Tier: 'medium' }), {
      name: 'ConflictException',
      message: `Partner app ${deletingArn} is in status Deleting and cannot be updated now.`,
    });

    const failed = accountClient(server);
    const { Arn: failedArn } = await failed.send(new CreatePartnerAppCommand(createInput({ Name: uniqueName('broken') })));
    await waitFor(failed, failedArn!, 'Failed');
    await rejectsWith(update(failed, failedArn!, { Tier: 'large' }), {
      name: 'ConflictException',
      message: `Partner app ${failedArn} is in status Failed and cannot be updated now.`,
    });
  });

  test("a Deleted app, an unknown ARN and another account's app are ResourceNotFound", async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client);
    await client.send(new DeletePartnerAppCommand({ Arn }));
    await waitFor(client, Arn, 'Deleted');
    await rejectsWith(update(client, Arn, { Tier: 'large' }), { name: 'ResourceNotFound', message: `Partner app ${Arn} does not exist.` });
    const unknown = missingArn(client.account.accountId);
    await rejectsWith(update(client, unknown), { name: 'ResourceNotFound', message: `Partner app ${unknown} does not exist.` });

    const theirs = await createAvailableApp(accountClient(server));
    await rejectsWith(update(client, theirs, { Tier: 'large' }), { name: 'ResourceNotFound', message: `Partner app ${theirs} does not exist.` });
  });
});

describe('idempotency', () => {
  test('the same ClientToken with the same request returns the first answer and starts nothing more', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client);
    const request = { Tier: 'large', ClientToken: 'update-once-0001' };
    assert.equal((await update(client, Arn, request)).Arn, Arn);
    await waitFor(client, Arn, 'Available');
    const settled = await describeApp(client, Arn);
    assert.equal((await update(client, Arn, request)).Arn, Arn);
    const after = await describeApp(client, Arn);
    assert.equal(after.Status, 'Available', 'the replay started no new update');
    assert.equal(after.LastModifiedTime!.getTime(), settled.LastModifiedTime!.getTime());
  });

  test('the same ClientToken with the same request returns the first answer even where the request would now be refused', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Type: 'comet' });
    const request = { AppVersion: '1.2', ClientToken: 'update-once-0004' };
    assert.equal((await update(client, Arn, request)).Arn, Arn);
    await waitFor(client, Arn, 'Available');
    await rejectsWith(update(client, Arn, { AppVersion: '1.2' }), { name: 'ValidationException', message: /AppVersion 1.2 is not available/ });
    assert.equal((await update(client, Arn, request)).Arn, Arn);
    await rejectsWith(update(client, Arn, { ...request, AppVersion: '1.3' }), { name: 'ConflictException', message: /ClientToken update-once-0004 was already used/ });
    await client.send(new DeletePartnerAppCommand({ Arn }));
    await waitFor(client, Arn, 'Deleted');
    assert.equal((await update(client, Arn, request)).Arn, Arn, 'the first answer, for an app since deleted');
    assert.equal((await describeApp(client, Arn)).Version, '1.2');
  });

  test('the same ClientToken with a different request is a ConflictException, and changes nothing', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client);
    await update(client, Arn, { Tier: 'large', ClientToken: 'update-once-0002' });
    await waitFor(client, Arn, 'Available');
    await rejectsWith(update(client, Arn, { Tier: 'xlarge', ClientToken: 'update-once-0002' }), {
      name: 'ConflictException',
      message: 'ClientToken update-once-0002 was already used for a different UpdatePartnerApp request.',
    });
    const other = await createAvailableApp(client);
    await rejectsWith(update(client, other, { Tier: 'large', ClientToken: 'update-once-0002' }), { name: 'ConflictException' });
    assert.equal((await describeApp(client, Arn)).Tier, 'large');
    assert.equal((await describeApp(client, other)).Status, 'Available');
  });

  test('a refused update leaves its ClientToken unused, so the request can be retried once the app allows it', async () => {
    const client = accountClient(slowChange);
    const Arn = await createAvailableApp(client);
    await update(client, Arn, { Tier: 'large' });
    const retried = { Tier: 'medium', ClientToken: 'update-retry-0003' };
    await rejectsWith(update(client, Arn, retried), { name: 'ConflictException', message: /is in status Updating/ });
    await rejectsWith(update(client, Arn, { ...retried, Tier: 'other' }), { name: 'ConflictException', message: /is in status Updating/ });
  });
});
