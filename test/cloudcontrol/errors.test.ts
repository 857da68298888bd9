/**
 * The error paths of the Cloud Control API that resources.test.ts leaves out, with the JS SDK on
 * every store: a second operation on a busy resource, a SageMaker transition in the way, a setting
 * UpdatePartnerApp cannot unset, the handlers' own SageMaker permissions (FAILED requests for the
 * writes, AccessDeniedException for read and list), list and page-token refusals, cancels that
 * cannot be, and regions as walls.
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
import { DeletePartnerAppCommand, DescribePartnerAppCommand, UpdatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { randomAccount, writeCredentialsFile, type CredentialsEntry } from '../helpers/credentials.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { accountClient, rejectsWith, waitFor } from '../operations/support.js';
import { cloudControlClient, desiredState, settled, TYPE_NAME } from './support.js';

let server: TestServer;
before(async () => {
  // Updates and deletions last long enough for a second call to find them in progress however busy the machine is.
  server = await startTestServer({ updateDelayMs: 3000, deleteDelayMs: 3000 });
});
after(() => server.close());

async function createSettled(client: CloudControlClient, overrides: Record<string, unknown> = {}) {
  const { ProgressEvent: event } = await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState(overrides) }));
  const done = await settled(client, event!.RequestToken!);
  assert.equal(done.OperationStatus, 'SUCCESS', done.StatusMessage);
  return done.Identifier!;
}

const patch = (client: CloudControlClient, Identifier: string, document: unknown[]) =>
  client.send(new UpdateResourceCommand({ TypeName: TYPE_NAME, Identifier, PatchDocument: JSON.stringify(document) }));

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('a second update while one runs is ConcurrentOperationException, and changes nothing', async () => {
  const client = cloudControlClient(server);
  const arn = await createSettled(client);
  const { ProgressEvent: first } = await patch(client, arn, [{ op: 'replace', path: '/Tier', value: 'large' }]);
  assert.equal(first!.OperationStatus, 'IN_PROGRESS');
  await rejectsWith(patch(client, arn, [{ op: 'replace', path: '/Tier', value: 'medium' }]), {
    name: 'ConcurrentOperationException',
    message: `Another resource operation (request ${first!.RequestToken}) is currently being performed on resource ${arn}.`,
  });
  assert.equal((await settled(client, first!.RequestToken!)).OperationStatus, 'SUCCESS');
  const model = JSON.parse((await client.send(new GetResourceCommand({ TypeName: TYPE_NAME, Identifier: arn }))).ResourceDescription!.Properties!);
  assert.equal(model.Tier, 'large');
});

test('a transition the SageMaker API started is in the handler\'s way: update and delete are FAILED ResourceConflict', async () => {
  const sagemaker = accountClient(server);
  const client = cloudControlClient(server, sagemaker.account);
  const arn = await createSettled(client);
  await sagemaker.send(new UpdatePartnerAppCommand({ Arn: arn, Tier: 'medium' }));
  const { ProgressEvent: updating } = await patch(client, arn, [{ op: 'replace', path: '/Tier', value: 'large' }]);
  assert.equal(updating!.OperationStatus, 'FAILED');
  assert.equal(updating!.ErrorCode, 'ResourceConflict');
  assert.match(
    updating!.StatusMessage!,
    new RegExp(`^Resource handler returned message: "Partner app ${escaped(arn)} is in status Updating and cannot be updated now\\. \\(Service: SageMaker, Status Code: 400, Request ID: ${uuid}\\)" \\(RequestToken: ${updating!.RequestToken}, HandlerErrorCode: ResourceConflict\\)$`),
  );
  const { ProgressEvent: deleting } = await client.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: arn }));
  assert.equal(deleting!.OperationStatus, 'FAILED');
  assert.equal(deleting!.ErrorCode, 'ResourceConflict');
  assert.match(deleting!.StatusMessage!, /is in status Updating and cannot be deleted now\./);
  // Neither request touched the app: the SageMaker update runs on to its own end.
  await waitFor(sagemaker, arn, 'Available');
  assert.equal((await sagemaker.send(new DescribePartnerAppCommand({ Arn: arn }))).Tier, 'medium');
  // A deletion the SageMaker API started: the app is Deleting, Cloud Control's delete is in its way too.
  await sagemaker.send(new DeletePartnerAppCommand({ Arn: arn }));
  const again = (await client.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: arn }))).ProgressEvent!;
  assert.equal(again.ErrorCode, 'ResourceConflict');
  assert.match(again.StatusMessage!, /is in status Deleting and cannot be deleted now\./);
});

test('a patch that removes a setting UpdatePartnerApp cannot unset is a FAILED InvalidRequest, and the app keeps it', async () => {
  const client = cloudControlClient(server);
  const arn = await createSettled(client, { MaintenanceConfig: { MaintenanceWindowStart: 'Sun:03:00' } });
  for (const property of ['MaintenanceConfig', 'ApplicationConfig']) {
    const { ProgressEvent: event } = await patch(client, arn, [{ op: 'remove', path: `/${property}` }]);
    assert.equal(event!.OperationStatus, 'FAILED');
    assert.equal(event!.ErrorCode, 'InvalidRequest');
    assert.equal(
      event!.StatusMessage,
      `Resource handler returned message: "${property} cannot be removed: UpdatePartnerApp keeps a setting it is not given." (RequestToken: ${event!.RequestToken}, HandlerErrorCode: InvalidRequest)`,
    );
  }
  const model = JSON.parse((await client.send(new GetResourceCommand({ TypeName: TYPE_NAME, Identifier: arn }))).ResourceDescription!.Properties!);
  assert.deepEqual(model.MaintenanceConfig, { MaintenanceWindowStart: 'Sun:03:00' });
  assert.ok(model.ApplicationConfig);
});

test('refused before any handler runs: a desired state that is not JSON, a list given a model, page tokens not ours, identifiers naming nothing', async () => {
  const client = cloudControlClient(server);
  await rejectsWith(client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: '{"Name": ' })), {
    name: 'ValidationException',
    message: /^Model validation failed \(#: the desired state is not valid JSON: /,
  });
  const arn = await createSettled(client);
  await rejectsWith(client.send(new ListResourcesCommand({ TypeName: TYPE_NAME, ResourceModel: JSON.stringify({ Name: 'x' }) })), {
    name: 'InvalidRequestException',
    message: 'AWS::SageMaker::PartnerApp is listed without a resource model: its list handler takes no properties.',
  });
  const empty = await client.send(new ListResourcesCommand({ TypeName: TYPE_NAME, ResourceModel: '{}' }));
  assert.deepEqual(empty.ResourceDescriptions!.map((description) => description.Identifier), [arn], 'an empty model lists everything');
  await rejectsWith(client.send(new ListResourcesCommand({ TypeName: TYPE_NAME, NextToken: 'bm90LWEtdG9rZW4=' })), {
    name: 'InvalidRequestException',
    message: 'The NextToken is not valid. Pass the NextToken value returned by the previous ListResources call.',
  });
  await rejectsWith(client.send(new ListResourceRequestsCommand({ NextToken: Buffer.from('{"before":-1}').toString('base64') })), {
    name: 'InvalidRequestException',
    message: 'The NextToken is not valid. Pass the NextToken value returned by the previous ListResourceRequests call.',
  });
  for (const Identifier of ['not-an-arn', JSON.stringify({ Name: 'x' }), '{not json']) {
    await rejectsWith(client.send(new GetResourceCommand({ TypeName: TYPE_NAME, Identifier })), {
      name: 'ResourceNotFoundException',
      message: new RegExp(`^AWS::SageMaker::PartnerApp Handler returned status FAILED: Resource of type 'AWS::SageMaker::PartnerApp' with identifier '${escaped(Identifier)}' was not found\\. \\(HandlerErrorCode: NotFound, RequestToken: ${uuid}\\)$`),
    });
  }
  for (const command of [new UpdateResourceCommand({ TypeName: 'AWS::S3::Bucket', Identifier: arn, PatchDocument: '[]' }), new DeleteResourceCommand({ TypeName: 'AWS::S3::Bucket', Identifier: arn })]) {
    await rejectsWith(client.send(command as never), { name: 'TypeNotFoundException', message: "The type 'AWS::S3::Bucket' cannot be found." });
  }
  await rejectsWith(client.send(new ListResourcesCommand({ TypeName: TYPE_NAME, TypeVersionId: '00000002' })), {
    name: 'TypeNotFoundException',
    message: "The type 'AWS::SageMaker::PartnerApp' version '00000002' cannot be found.",
  });
});

test('CancelResourceRequest: another account\'s request is not found, a FAILED one cannot be canceled', async () => {
  const client = cloudControlClient(server);
  const arn = await createSettled(client);
  const { ProgressEvent: updating } = await patch(client, arn, [{ op: 'replace', path: '/Tier', value: 'large' }]);
  await rejectsWith(cloudControlClient(server).send(new CancelResourceRequestCommand({ RequestToken: updating!.RequestToken })), {
    name: 'RequestTokenNotFoundException',
    message: `Request with token ${updating!.RequestToken} was not found`,
  });
  assert.equal((await client.send(new GetResourceRequestStatusCommand({ RequestToken: updating!.RequestToken }))).ProgressEvent!.OperationStatus, 'IN_PROGRESS', 'the stranger canceled nothing');
  await settled(client, updating!.RequestToken!);
  const { ProgressEvent: failed } = await patch(client, arn, [{ op: 'remove', path: '/ApplicationConfig' }]);
  assert.equal(failed!.OperationStatus, 'FAILED');
  await rejectsWith(client.send(new CancelResourceRequestCommand({ RequestToken: failed!.RequestToken })), {
    name: 'ConcurrentModificationException',
    status: 500,
    message: `Resource operation request ${failed!.RequestToken} is FAILED: only requests that are PENDING or IN_PROGRESS can be canceled.`,
  });
});

test('another region of the same account is a wall: the app, its list and its requests are not there', async () => {
  const account = server.newAccount();
  const east = cloudControlClient(server, account, 'us-east-1');
  const west = cloudControlClient(server, account, 'us-west-2');
  const arn = await createSettled(east);
  await rejectsWith(west.send(new GetResourceCommand({ TypeName: TYPE_NAME, Identifier: arn })), { name: 'ResourceNotFoundException' });
  assert.deepEqual((await west.send(new ListResourcesCommand({ TypeName: TYPE_NAME }))).ResourceDescriptions, []);
  const [request] = (await east.send(new ListResourceRequestsCommand({}))).ResourceRequestStatusSummaries!;
  assert.equal(request!.Identifier, arn);
  await rejectsWith(west.send(new GetResourceRequestStatusCommand({ RequestToken: request!.RequestToken })), { name: 'RequestTokenNotFoundException' });
  assert.deepEqual((await west.send(new ListResourceRequestsCommand({}))).ResourceRequestStatusSummaries, []);
  const westArn = await createSettled(west);
  assert.match(westArn, new RegExp(`^arn:aws:sagemaker:us-west-2:${account.accountId}:partner-app/`));
  assert.deepEqual((await east.send(new ListResourcesCommand({ TypeName: TYPE_NAME }))).ResourceDescriptions!.map((description) => description.Identifier), [arn]);
});

test('ListResources pages with MaxResults and NextToken, newest first, past Deleted apps', async () => {
  const client = cloudControlClient(server);
  const arns = [await createSettled(client), await createSettled(client), await createSettled(client), await createSettled(client)];
  const { ProgressEvent: deleting } = await client.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: arns[2] }));
  assert.equal((await settled(client, deleting!.RequestToken!)).OperationStatus, 'SUCCESS');
  const first = await client.send(new ListResourcesCommand({ TypeName: TYPE_NAME, MaxResults: 2 }));
  assert.deepEqual(first.ResourceDescriptions!.map((description) => description.Identifier), [arns[3], arns[1]]);
  assert.ok(first.NextToken);
  const second = await client.send(new ListResourcesCommand({ TypeName: TYPE_NAME, MaxResults: 2, NextToken: first.NextToken }));
  assert.deepEqual(second.ResourceDescriptions!.map((description) => description.Identifier), [arns[0]]);
  assert.equal(second.NextToken, undefined);
  for (const description of [...first.ResourceDescriptions!, ...second.ResourceDescriptions!]) {
    assert.equal(JSON.parse(description.Properties!).Arn, description.Identifier);
  }
});

test('the handlers\' own SageMaker permissions: writes are FAILED AccessDenied, read and list AccessDeniedException in Cloud Control\'s words', async () => {
  // Allowed Cloud Control and the create handler's SageMaker actions; not update's, delete's or list's.
  const creator: CredentialsEntry = { ...randomAccount(), allowedActions: ['cloudformation:*', 'sagemaker:CreatePartnerApp', 'sagemaker:DescribePartnerApp', 'sagemaker:AddTags', 'sagemaker:ListTags'] };
  // The same account, allowed Cloud Control but only ListTags of SageMaker: not the read handler's DescribePartnerApp.
  const reader: CredentialsEntry = { ...randomAccount(), accountId: creator.accountId, allowedActions: ['cloudformation:*', 'sagemaker:ListTags'] };
  const restricted = await startTestServer({ credentialsFile: writeCredentialsFile(tempDir(), [creator, reader]) });
  try {
    const client = cloudControlClient(restricted, creator);
    const arn = await createSettled(client);
    const principal = `arn:aws:iam::${creator.accountId}:user/${creator.accessKeyId}`;
    const { ProgressEvent: update } = await patch(client, arn, [{ op: 'replace', path: '/Tier', value: 'large' }]);
    assert.equal(update!.ErrorCode, 'AccessDenied');
    assert.match(update!.StatusMessage!, new RegExp(`^Resource handler returned message: "User: ${principal} is not authorized to perform: sagemaker:UpdatePartnerApp on resource: ${escaped(arn)} because no identity-based policy allows the sagemaker:UpdatePartnerApp action \\(Service: SageMaker, Status Code: 400, Request ID: ${uuid}\\)" \\(RequestToken: ${update!.RequestToken}, HandlerErrorCode: AccessDenied\\)$`));
    const { ProgressEvent: deletion } = (await client.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: arn })));
    assert.equal(deletion!.ErrorCode, 'AccessDenied');
    assert.match(deletion!.StatusMessage!, /is not authorized to perform: sagemaker:DeletePartnerApp on resource: /);
    await rejectsWith(client.send(new ListResourcesCommand({ TypeName: TYPE_NAME })), {
      name: 'AccessDeniedException',
      message: new RegExp(`^AWS::SageMaker::PartnerApp Handler returned status FAILED: User: ${principal} is not authorized to perform: sagemaker:ListPartnerApps on resource: arn:aws:sagemaker:us-east-1:${creator.accountId}:partner-app/\\* because no identity-based policy allows the sagemaker:ListPartnerApps action \\(Service: SageMaker, Status Code: 400, Request ID: ${uuid}\\) \\(HandlerErrorCode: AccessDenied, RequestToken: ${uuid}\\)$`),
    });
    await rejectsWith(cloudControlClient(restricted, reader).send(new GetResourceCommand({ TypeName: TYPE_NAME, Identifier: arn })), {
      name: 'AccessDeniedException',
      message: new RegExp(`^AWS::SageMaker::PartnerApp Handler returned status FAILED: User: arn:aws:iam::${reader.accountId}:user/${reader.accessKeyId} is not authorized to perform: sagemaker:DescribePartnerApp on resource: ${escaped(arn)} because no identity-based policy allows the sagemaker:DescribePartnerApp action \\(Service: SageMaker, Status Code: 400, Request ID: ${uuid}\\) \\(HandlerErrorCode: AccessDenied, RequestToken: ${uuid}\\)$`),
    });
    // The failed requests changed nothing: the app is as it was made.
    assert.equal(JSON.parse((await client.send(new GetResourceCommand({ TypeName: TYPE_NAME, Identifier: arn }))).ResourceDescription!.Properties!).Tier, 'small');
  } finally {
    await restricted.close();
  }
});
