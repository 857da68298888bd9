/**
 * The Cloud Control API with the JS SDK, on every store: the request records and their statuses
 * as the app moves, one app through both APIs, each kind of property through a JSON Patch, and
 * every refusal (sync errors and FAILED requests).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CancelResourceRequestCommand,
  CreateResourceCommand,
  DeleteResourceCommand,
  GetResourceCommand,
  GetResourceRequestStatusCommand,
  ListResourceRequestsCommand,
  ListResourcesCommand,
  UpdateResourceCommand,
  type CloudControlClient,
} from '@aws-sdk/client-cloudcontrol';
import { AddTagsCommand, DescribePartnerAppCommand, ListTagsCommand, UpdatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, rejectsWith, ROOT_ADMIN, uniqueName, waitFor } from '../operations/support.js';
import { cloudControlClient, desiredState, settled, TYPE_NAME } from './support.js';

let server: TestServer;
before(async () => {
  // Deletions last long enough for a test to see one in progress however busy the machine is.
  server = await startTestServer({ failCreate: /^broken/, failUpdate: /^failing/, maxAppsPerAccount: 3, deleteDelayMs: 2000 });
});
after(() => server.close());

async function create(client: CloudControlClient, overrides: Record<string, unknown> = {}, ClientToken?: string) {
  const { ProgressEvent: event } = await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState(overrides), ClientToken }));
  return event!;
}

const model = async (client: CloudControlClient, Identifier: string) =>
  JSON.parse((await client.send(new GetResourceCommand({ TypeName: TYPE_NAME, Identifier }))).ResourceDescription!.Properties!) as Record<string, unknown>;

async function update(client: CloudControlClient, Identifier: string, patch: unknown[]) {
  const { ProgressEvent: event } = await client.send(new UpdateResourceCommand({ TypeName: TYPE_NAME, Identifier, PatchDocument: JSON.stringify(patch) }));
  return settled(client, event!.RequestToken!);
}

test('a create is IN_PROGRESS while the app is Creating, then SUCCESS with the model; the app is the SageMaker API\'s', async () => {
  const account = server.newAccount();
  const client = cloudControlClient(server, account);
  const name = uniqueName('cc');
  const started = await create(client, { Name: name, Tags: [{ Key: 'team', Value: 'ml' }] });
  assert.equal(started.Operation, 'CREATE');
  assert.equal(started.OperationStatus, 'IN_PROGRESS');
  assert.match(started.Identifier!, /^arn:aws:sagemaker:us-east-1:\d{12}:partner-app\/app-[A-Z0-9]{12}$/);
  assert.ok(started.EventTime instanceof Date);
  const sagemaker = server.client({ credentials: account });
  assert.equal((await sagemaker.send(new DescribePartnerAppCommand({ Arn: started.Identifier }))).Status, 'Creating');

  const done = await settled(client, started.RequestToken!);
  assert.equal(done.OperationStatus, 'SUCCESS');
  const resourceModel = JSON.parse(done.ResourceModel!);
  const app = await sagemaker.send(new DescribePartnerAppCommand({ Arn: started.Identifier }));
  assert.equal(app.Status, 'Available');
  assert.deepEqual(resourceModel, {
    Arn: app.Arn,
    Name: name,
    Type: 'comet',
    ExecutionRoleArn: app.ExecutionRoleArn,
    Tier: 'small',
    EnableAutoMinorVersionUpgrade: false,
    AppVersion: '1.1',
    ApplicationConfig: { AdminUsers: [ROOT_ADMIN] },
    AuthType: 'IAM',
    BaseUrl: app.BaseUrl,
    CurrentVersionEolDate: '2027-05-31T00:00:00Z',
    Tags: [{ Key: 'team', Value: 'ml' }],
  });
  assert.deepEqual(await model(client, started.Identifier!), resourceModel);
  // The SageMaker API changes it; Cloud Control reads the change.
  await sagemaker.send(new AddTagsCommand({ ResourceArn: app.Arn, Tags: [{ Key: 'stage', Value: 'prod' }] }));
  assert.deepEqual((await model(client, app.Arn!)).Tags, [{ Key: 'stage', Value: 'prod' }, { Key: 'team', Value: 'ml' }]);
  assert.deepEqual((await model(client, JSON.stringify({ Arn: app.Arn }))).Arn, app.Arn, 'the identifier may be given as JSON');
});

test('an app created through the SageMaker API is read, listed, updated and deleted through Cloud Control', async () => {
  const sagemaker = accountClient(server);
  const client = cloudControlClient(server, sagemaker.account);
  const arn = await createAvailableApp(sagemaker);
  const listed = await client.send(new ListResourcesCommand({ TypeName: TYPE_NAME }));
  assert.deepEqual(listed.ResourceDescriptions!.map((description) => description.Identifier), [arn]);
  const changed = await update(client, arn, [{ op: 'replace', path: '/Tier', value: 'large' }]);
  assert.equal(changed.OperationStatus, 'SUCCESS');
  assert.equal((await sagemaker.send(new DescribePartnerAppCommand({ Arn: arn }))).Tier, 'large');
  const { ProgressEvent: deleting } = await client.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: arn }));
  assert.equal(deleting!.OperationStatus, 'IN_PROGRESS');
  assert.equal((await settled(client, deleting!.RequestToken!)).OperationStatus, 'SUCCESS');
  assert.equal((await sagemaker.send(new DescribePartnerAppCommand({ Arn: arn }))).Status, 'Deleted');
  await rejectsWith(client.send(new GetResourceCommand({ TypeName: TYPE_NAME, Identifier: arn })), {
    name: 'ResourceNotFoundException',
    message: new RegExp(`^AWS::SageMaker::PartnerApp Handler returned status FAILED: Resource of type 'AWS::SageMaker::PartnerApp' with identifier '${arn}' was not found\\. \\(HandlerErrorCode: NotFound, RequestToken: [0-9a-f-]{36}\\)$`),
  });
  assert.deepEqual((await client.send(new ListResourcesCommand({ TypeName: TYPE_NAME }))).ResourceDescriptions, []);
});

test('a JSON Patch for each kind of property: string, boolean, object, map, list, tags, version', async () => {
  const client = cloudControlClient(server);
  const name = uniqueName('cc');
  const { Identifier: arn, RequestToken } = await create(client, { Name: name, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] });
  await settled(client, RequestToken!);
  const patched = await update(client, arn!, [
    { op: 'replace', path: '/Tier', value: 'medium' },
    { op: 'add', path: '/EnableIamSessionBasedIdentity', value: true },
    { op: 'add', path: '/MaintenanceConfig', value: { MaintenanceWindowStart: 'Sun:03:00' } },
    { op: 'add', path: '/ApplicationConfig', value: { AdminUsers: ['ada'], Arguments: { workspace: 'ml' } } },
    { op: 'add', path: '/ApplicationConfig/AdminUsers/-', value: 'grace' },
    { op: 'add', path: '/ApplicationConfig/Arguments/region', value: 'eu' },
    { op: 'remove', path: '/Tags/0' },
    { op: 'add', path: '/Tags/-', value: { Key: 'c', Value: '3' } },
    { op: 'replace', path: '/AppVersion', value: '1.2' },
    { op: 'test', path: '/Name', value: name },
  ]);
  assert.equal(patched.OperationStatus, 'SUCCESS');
  const after = await model(client, arn!);
  assert.equal(after.Tier, 'medium');
  assert.equal(after.EnableIamSessionBasedIdentity, true);
  assert.deepEqual(after.MaintenanceConfig, { MaintenanceWindowStart: 'Sun:03:00' });
  assert.deepEqual(after.ApplicationConfig, { AdminUsers: ['ada', 'grace'], Arguments: { workspace: 'ml', region: 'eu' } });
  assert.deepEqual(after.Tags, [{ Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }]);
  assert.equal(after.AppVersion, '1.2');
  assert.equal(after.CurrentVersionEolDate, '2028-01-31T00:00:00Z');

  // move and copy within the model; a boolean removed is false again.
  const moved = await update(client, arn!, [
    { op: 'copy', from: '/Tags/0', path: '/Tags/-' },
    { op: 'replace', path: '/Tags/2/Key', value: 'd' },
    { op: 'remove', path: '/EnableIamSessionBasedIdentity' },
  ]);
  assert.equal(moved.OperationStatus, 'SUCCESS');
  const final = await model(client, arn!);
  assert.deepEqual(final.Tags, [{ Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }, { Key: 'd', Value: '2' }]);
  assert.equal(final.EnableIamSessionBasedIdentity, false);
});

test('a JSON Patch for each kind of property in the schema: write-only, create-only, read-only', async () => {
  const client = cloudControlClient(server);
  // Write-only: accepted in a desired state, never shown; a patch adds it (it is not in the model
  // read back, so a replace finds no path), and it is still never shown.
  const created = await create(client, { ClientToken: 'model-token-1' });
  const arn = created.Identifier!;
  const done = await settled(client, created.RequestToken!);
  assert.equal(Object.hasOwn(JSON.parse(done.ResourceModel!), 'ClientToken'), false);
  assert.equal(Object.hasOwn(await model(client, arn), 'ClientToken'), false);
  const patchDocument = (document: unknown[]) => client.send(new UpdateResourceCommand({ TypeName: TYPE_NAME, Identifier: arn, PatchDocument: JSON.stringify(document) }));
  await rejectsWith(patchDocument([{ op: 'replace', path: '/ClientToken', value: 'model-token-2' }]), {
    name: 'ValidationException',
    message: 'Invalid patch document: patch operation 1 (replace /ClientToken): the path does not exist',
  });
  const added = await update(client, arn, [{ op: 'add', path: '/ClientToken', value: 'model-token-2' }, { op: 'replace', path: '/Tier', value: 'medium' }]);
  assert.equal(added.OperationStatus, 'SUCCESS');
  const afterAdd = await model(client, arn);
  assert.equal(Object.hasOwn(afterAdd, 'ClientToken'), false);
  assert.equal(afterAdd.Tier, 'medium');
  // The schema still checks a write-only property's value.
  await rejectsWith(patchDocument([{ op: 'add', path: '/ClientToken', value: 'not valid!' }]), {
    name: 'ValidationException',
    message: 'Model validation failed (#/ClientToken: string [not valid!] does not match pattern ^[a-zA-Z0-9-]+$)',
  });

  // Create-only: every one the schema names, changed in one patch, is named in the refusal.
  await rejectsWith(
    patchDocument([
      { op: 'replace', path: '/Name', value: 'othername' },
      { op: 'replace', path: '/Type', value: 'fiddler' },
      { op: 'replace', path: '/ExecutionRoleArn', value: 'arn:aws:iam::123456789012:role/Other' },
      { op: 'replace', path: '/AuthType', value: 'IDC' },
      { op: 'add', path: '/KmsKeyId', value: 'key' },
    ]),
    {
      name: 'NotUpdatableException',
      message: 'Invalid patch update: createOnlyProperties [/properties/Name, /properties/Type, /properties/ExecutionRoleArn, /properties/AuthType, /properties/KmsKeyId] cannot be updated',
    },
  );
  // Read-only: every one, changed or removed, is refused (before the create-only check).
  await rejectsWith(
    patchDocument([
      { op: 'replace', path: '/Arn', value: `${arn}x` },
      { op: 'remove', path: '/BaseUrl' },
      { op: 'replace', path: '/CurrentVersionEolDate', value: '2030-01-01T00:00:00Z' },
      { op: 'replace', path: '/Name', value: 'othername' },
    ]),
    {
      name: 'ValidationException',
      message: 'Invalid patch update: readOnlyProperties [/properties/Arn, /properties/BaseUrl, /properties/CurrentVersionEolDate] cannot be updated',
    },
  );
  assert.deepEqual(await model(client, arn), afterAdd, 'the refused patches changed nothing');
});

test('refused before any handler runs: the type, the schema, read-only and create-only properties, the patch', async () => {
  const client = cloudControlClient(server);
  await rejectsWith(client.send(new CreateResourceCommand({ TypeName: 'AWS::S3::Bucket', DesiredState: '{}' })), {
    name: 'TypeNotFoundException',
    message: "The type 'AWS::S3::Bucket' cannot be found.",
  });
  await rejectsWith(client.send(new GetResourceCommand({ TypeName: TYPE_NAME, TypeVersionId: '00000002', Identifier: 'x' })), { name: 'TypeNotFoundException' });
  await rejectsWith(client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: JSON.stringify({ Name: 'x', Type: 'nope', Tier: 7, Extra: 1 }) })), {
    name: 'ValidationException',
    message:
      'Model validation failed (#: required key [AuthType] not found\n#: required key [ExecutionRoleArn] not found\n#/Type: nope is not a valid enum value\n#/Tier: expected type: String, found: Integer\n#: extraneous key [Extra] is not permitted)',
  });
  await rejectsWith(client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: '[1]' })), {
    name: 'ValidationException',
    message: 'Model validation failed (#: expected type: JSONObject, found: JSONArray)',
  });
  await rejectsWith(client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState({ Arn: 'arn:x', BaseUrl: 'http://x' }) })), {
    name: 'ValidationException',
    message: 'Invalid create request: readOnlyProperties [/properties/Arn, /properties/BaseUrl] cannot be specified',
  });

  const { Identifier: arn, RequestToken } = await create(client);
  await settled(client, RequestToken!);
  const patch = (document: unknown) => client.send(new UpdateResourceCommand({ TypeName: TYPE_NAME, Identifier: arn, PatchDocument: JSON.stringify(document) }));
  await rejectsWith(patch([{ op: 'replace', path: '/Name', value: 'other' }, { op: 'add', path: '/KmsKeyId', value: 'k' }]), {
    name: 'NotUpdatableException',
    message: 'Invalid patch update: createOnlyProperties [/properties/Name, /properties/KmsKeyId] cannot be updated',
  });
  await rejectsWith(patch([{ op: 'remove', path: '/BaseUrl' }]), {
    name: 'ValidationException',
    message: 'Invalid patch update: readOnlyProperties [/properties/BaseUrl] cannot be updated',
  });
  await rejectsWith(patch([{ op: 'replace', path: '/Tier', value: '' }]), {
    name: 'ValidationException',
    message: 'Model validation failed (#/Tier: expected minLength: 1, actual: 0)',
  });
  await rejectsWith(patch([{ op: 'test', path: '/Tier', value: 'large' }]), {
    name: 'ValidationException',
    message: 'Invalid patch document: patch operation 1 (test /Tier): the value at the path is not the one tested for',
  });
  await rejectsWith(patch([{ op: 'replace', path: '/Missing', value: 1 }]), { name: 'ValidationException', message: /^Invalid patch document: patch operation 1 \(replace \/Missing\): the path does not exist$/ });
  await rejectsWith(client.send(new UpdateResourceCommand({ TypeName: TYPE_NAME, Identifier: arn, PatchDocument: '{not json' })), {
    name: 'ValidationException',
    message: /^Invalid patch document: not valid JSON/,
  });
  // The same value is no change: a create-only property may appear in a patch that keeps it.
  const name = (await model(client, arn!)).Name;
  assert.equal((await settled(client, (await patch([{ op: 'replace', path: '/Name', value: name }])).ProgressEvent!.RequestToken!)).OperationStatus, 'SUCCESS');
  await rejectsWith(client.send(new UpdateResourceCommand({ TypeName: TYPE_NAME, Identifier: 'arn:aws:sagemaker:us-east-1:000000000000:partner-app/app-ZZZZZZZZZZZZ', PatchDocument: '[]' })), {
    name: 'ResourceNotFoundException',
  });
});

test('handler failures are FAILED requests: a taken name, the quota, SageMaker\'s validation, a failed transition', async () => {
  const client = cloudControlClient(server);
  const name = uniqueName('cc');
  await settled(client, (await create(client, { Name: name })).RequestToken!);
  const taken = await create(client, { Name: name });
  assert.equal(taken.OperationStatus, 'FAILED');
  assert.equal(taken.ErrorCode, 'AlreadyExists');
  assert.match(taken.StatusMessage!, new RegExp(`^Resource handler returned message: "A partner app named ${name} already exists in account \\d{12} and region us-east-1\\. \\(Service: SageMaker, Status Code: 400, Request ID: [0-9a-f-]{36}\\)" \\(RequestToken: ${taken.RequestToken}, HandlerErrorCode: AlreadyExists\\)$`));
  assert.equal(taken.Identifier, undefined);
  // What SageMaker checks beyond the schema (the schema lets "x-y" through, SageMaker does not).
  const invalid = await create(client, { Name: 'has-dash' });
  assert.equal(invalid.ErrorCode, 'InvalidRequest');
  assert.match(invalid.StatusMessage!, /Member must satisfy regular expression pattern: \[a-zA-Z0-9\]\+/);
  const version = await create(client, { AppVersion: '1.3' });
  assert.equal(version.ErrorCode, 'InvalidRequest');
  await settled(client, (await create(client)).RequestToken!);
  await settled(client, (await create(client)).RequestToken!);
  const overQuota = await create(client);
  assert.equal(overQuota.ErrorCode, 'ServiceLimitExceeded');

  const other = cloudControlClient(server);
  const broken = await settled(other, (await create(other, { Name: uniqueName('broken') })).RequestToken!);
  assert.equal(broken.OperationStatus, 'FAILED');
  assert.equal(broken.ErrorCode, 'NotStabilized');
  assert.match(broken.StatusMessage!, /ended Failed: The partner app could not be provisioned \(injected failure\)\.$/);
  const failing = await create(other, { Name: uniqueName('failing') });
  await settled(other, failing.RequestToken!);
  const failedUpdate = await update(other, failing.Identifier!, [{ op: 'replace', path: '/Tier', value: 'large' }]);
  assert.equal(failedUpdate.OperationStatus, 'FAILED');
  assert.equal(failedUpdate.ErrorCode, 'NotStabilized');
  assert.match(failedUpdate.StatusMessage!, /ended UpdateFailed: /);
  // The request keeps its outcome when the app moves on (the database recorded where the transition ended).
  await update(other, failing.Identifier!, [{ op: 'replace', path: '/Tier', value: 'small' }]);
  const again = await other.send(new GetResourceRequestStatusCommand({ RequestToken: failedUpdate.RequestToken }));
  assert.equal(again.ProgressEvent!.OperationStatus, 'FAILED');

  const missing = await other.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: 'arn:aws:sagemaker:us-east-1:000000000000:partner-app/app-ZZZZZZZZZZZZ' }));
  assert.equal(missing.ProgressEvent!.OperationStatus, 'FAILED');
  assert.equal(missing.ProgressEvent!.ErrorCode, 'NotFound');
});

test('ClientToken: the same request gives the same request back, another request is a conflict', async () => {
  const client = cloudControlClient(server);
  const state = desiredState();
  const first = (await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: state, ClientToken: 'token-1' }))).ProgressEvent!;
  const retried = (await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: state, ClientToken: 'token-1' }))).ProgressEvent!;
  assert.equal(retried.RequestToken, first.RequestToken);
  assert.equal(retried.Identifier, first.Identifier);
  await rejectsWith(client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState(), ClientToken: 'token-1' })), {
    name: 'ClientTokenConflictException',
    message: 'Client token token-1 has already been used in another resource request.',
  });
  await rejectsWith(client.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: first.Identifier, ClientToken: 'token-1' })), { name: 'ClientTokenConflictException' });
  // A failed request is a request too: its retry is the same FAILED request.
  const name = JSON.parse(state).Name;
  const clash = desiredState({ Name: name });
  const failed = (await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: clash, ClientToken: 'token-2' }))).ProgressEvent!;
  const failedAgain = (await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: clash, ClientToken: 'token-2' }))).ProgressEvent!;
  assert.equal(failed.OperationStatus, 'FAILED');
  assert.equal(failedAgain.RequestToken, failed.RequestToken);
});

test('one operation at a time on a resource; cancel follows the request, not the app', async () => {
  // Creations long enough to be caught in progress however busy the machine is.
  const slow = await startTestServer({ createDelayMs: 3000 });
  after(() => slow.close());
  const client = cloudControlClient(slow);
  const created = await create(client);
  await rejectsWith(client.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: created.Identifier })), {
    name: 'ConcurrentOperationException',
    message: `Another resource operation (request ${created.RequestToken}) is currently being performed on resource ${created.Identifier}.`,
  });
  const canceled = (await client.send(new CancelResourceRequestCommand({ RequestToken: created.RequestToken }))).ProgressEvent!;
  assert.equal(canceled.OperationStatus, 'CANCEL_IN_PROGRESS');
  assert.equal((await settled(client, created.RequestToken!)).OperationStatus, 'CANCEL_COMPLETE');
  // The app's transition itself ran on.
  assert.equal((await model(client, created.Identifier!)).Arn, created.Identifier);
  await rejectsWith(client.send(new CancelResourceRequestCommand({ RequestToken: created.RequestToken })), {
    name: 'ConcurrentModificationException',
    status: 500,
    message: `Resource operation request ${created.RequestToken} is CANCEL_COMPLETE: only requests that are PENDING or IN_PROGRESS can be canceled.`,
  });
  await rejectsWith(client.send(new GetResourceRequestStatusCommand({ RequestToken: 'no-such-token' })), {
    name: 'RequestTokenNotFoundException',
    message: 'Request with token no-such-token was not found',
  });
  // Another account's request is not found either.
  await rejectsWith(cloudControlClient(slow).send(new GetResourceRequestStatusCommand({ RequestToken: created.RequestToken })), { name: 'RequestTokenNotFoundException' });
});

test('ListResourceRequests: newest first, filtered by operation and by status as it is now, paged', async () => {
  const client = cloudControlClient(server);
  const a = await create(client);
  await settled(client, a.RequestToken!);
  const b = await create(client);
  await settled(client, b.RequestToken!);
  const deleting = (await client.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: a.Identifier }))).ProgressEvent!;
  const all = await client.send(new ListResourceRequestsCommand({}));
  assert.deepEqual(all.ResourceRequestStatusSummaries!.map((event) => event.RequestToken), [deleting.RequestToken, b.RequestToken, a.RequestToken]);
  const inProgressDeletes = await client.send(new ListResourceRequestsCommand({ ResourceRequestStatusFilter: { Operations: ['DELETE'], OperationStatuses: ['IN_PROGRESS'] } }));
  assert.deepEqual(inProgressDeletes.ResourceRequestStatusSummaries!.map((event) => event.RequestToken), [deleting.RequestToken]);
  const creates = await client.send(new ListResourceRequestsCommand({ ResourceRequestStatusFilter: { Operations: ['CREATE'], OperationStatuses: ['SUCCESS'] }, MaxResults: 1 }));
  assert.deepEqual(creates.ResourceRequestStatusSummaries!.map((event) => event.RequestToken), [b.RequestToken]);
  const next = await client.send(new ListResourceRequestsCommand({ ResourceRequestStatusFilter: { Operations: ['CREATE'], OperationStatuses: ['SUCCESS'] }, MaxResults: 1, NextToken: creates.NextToken }));
  assert.deepEqual(next.ResourceRequestStatusSummaries!.map((event) => event.RequestToken), [a.RequestToken]);
  assert.equal(next.NextToken, undefined);
  await settled(client, deleting.RequestToken!);
  const nowDone = await client.send(new ListResourceRequestsCommand({ ResourceRequestStatusFilter: { OperationStatuses: ['IN_PROGRESS'] } }));
  assert.deepEqual(nowDone.ResourceRequestStatusSummaries, []);
  await rejectsWith(client.send(new ListResourceRequestsCommand({ NextToken: 'bm90LWEtdG9rZW4=' })), { name: 'InvalidRequestException' });
});

test('a key allowed Cloud Control but not the handler\'s SageMaker actions gets FAILED AccessDenied; one without the Cloud Control action AccessDeniedException', async () => {
  const { writeCredentialsFile, randomAccount } = await import('../helpers/credentials.js');
  const { tempDir } = await import('../helpers/server.js');
  const ccOnly = { ...randomAccount(), allowedActions: ['cloudformation:*', 'sagemaker:Describe*', 'sagemaker:ListTags'] };
  const readOnly = { ...randomAccount(), allowedActions: ['cloudformation:Get*', 'cloudformation:List*', 'sagemaker:*'] };
  const dir = tempDir();
  const restricted = await startTestServer({ credentialsFile: writeCredentialsFile(dir, [ccOnly, readOnly]) });
  try {
    const denied = await create(cloudControlClient(restricted, ccOnly));
    assert.equal(denied.OperationStatus, 'FAILED');
    assert.equal(denied.ErrorCode, 'AccessDenied');
    assert.match(denied.StatusMessage!, new RegExp(`is not authorized to perform: sagemaker:CreatePartnerApp on resource: arn:aws:sagemaker:us-east-1:${ccOnly.accountId}:partner-app/\\*`));
    await rejectsWith(cloudControlClient(restricted, readOnly).send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState() })), {
      name: 'AccessDeniedException',
      message: `User: arn:aws:iam::${readOnly.accountId}:user/${readOnly.accessKeyId} is not authorized to perform: cloudformation:CreateResource on resource: arn:aws:cloudformation:us-east-1:${readOnly.accountId}:resource/* because no identity-based policy allows the cloudformation:CreateResource action`,
    });
    const listed = await cloudControlClient(restricted, readOnly).send(new ListResourcesCommand({ TypeName: TYPE_NAME }));
    assert.deepEqual(listed.ResourceDescriptions, []);
  } finally {
    await restricted.close();
  }
});

test('accounts and regions are walls: another account\'s app is not found, lists are per account and region', async () => {
  const owner = cloudControlClient(server);
  const created = await create(owner);
  await settled(owner, created.RequestToken!);
  const stranger = cloudControlClient(server);
  await rejectsWith(stranger.send(new GetResourceCommand({ TypeName: TYPE_NAME, Identifier: created.Identifier })), { name: 'ResourceNotFoundException' });
  await rejectsWith(stranger.send(new UpdateResourceCommand({ TypeName: TYPE_NAME, Identifier: created.Identifier, PatchDocument: '[]' })), { name: 'ResourceNotFoundException' });
  assert.deepEqual((await stranger.send(new ListResourcesCommand({ TypeName: TYPE_NAME }))).ResourceDescriptions, []);
  assert.deepEqual((await stranger.send(new ListResourceRequestsCommand({}))).ResourceRequestStatusSummaries, []);
});

test('the SageMaker API\'s own update while a Cloud Control request waits: the request follows the app', async () => {
  const sagemaker = accountClient(server);
  const client = cloudControlClient(server, sagemaker.account);
  const created = await create(client);
  await waitFor(sagemaker, created.Identifier!, 'Available');
  await sagemaker.send(new UpdatePartnerAppCommand({ Arn: created.Identifier, Tier: 'large' }));
  const event = (await client.send(new GetResourceRequestStatusCommand({ RequestToken: created.RequestToken }))).ProgressEvent!;
  assert.equal(event.OperationStatus, 'SUCCESS', 'the create finished before the SageMaker update began');
  const tags = await sagemaker.send(new ListTagsCommand({ ResourceArn: created.Identifier }));
  assert.deepEqual(tags.Tags, []);
});
