/**
 * The Cloud Control API has the SageMaker API's audit log and metrics: its writes (CreateResource,
 * UpdateResource, DeleteResource, CancelResourceRequest) are audited with who, what and outcome,
 * refused ones included, its reads are not; every call is counted by operation and error code.
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
} from '@aws-sdk/client-cloudcontrol';
import { sampleValue, scrape } from '../observability/prometheus.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rejectsWith } from '../operations/support.js';
import { cloudControlClient, desiredState, settled, TYPE_NAME } from './support.js';

let server: TestServer;
before(async () => {
  // Updates last long enough to be canceled however busy the machine is.
  server = await startTestServer({ updateDelayMs: 3000 });
});
after(() => server.close());

const requestIdOf = (answer: { $metadata: { requestId?: string } }) => answer.$metadata.requestId!;

test('Cloud Control\'s writes are audited with their target and outcome, refused ones too; its reads are not', async () => {
  const account = server.newAccount();
  const client = cloudControlClient(server, account);
  const expected: { operation: string; target?: string; requestId: string; outcome: string }[] = [];

  const state = desiredState();
  const created = await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: state }));
  const arn = created.ProgressEvent!.Identifier!;
  expected.push({ operation: 'CreateResource', target: arn, requestId: requestIdOf(created), outcome: 'success' });
  await settled(client, created.ProgressEvent!.RequestToken!);

  // A request whose handler failed (the name is taken) is a call that succeeded; one refused is audited with its error.
  const taken = await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: state }));
  assert.equal(taken.ProgressEvent!.OperationStatus, 'FAILED');
  expected.push({ operation: 'CreateResource', target: undefined, requestId: requestIdOf(taken), outcome: 'success' });
  const otherType = await rejectsWith(client.send(new CreateResourceCommand({ TypeName: 'AWS::S3::Bucket', DesiredState: '{}' })), { name: 'TypeNotFoundException' });
  expected.push({ operation: 'CreateResource', target: undefined, requestId: requestIdOf(otherType as never), outcome: 'TypeNotFoundException' });

  const updated = await client.send(new UpdateResourceCommand({ TypeName: TYPE_NAME, Identifier: arn, PatchDocument: '[{"op":"replace","path":"/Tier","value":"large"}]' }));
  expected.push({ operation: 'UpdateResource', target: arn, requestId: requestIdOf(updated), outcome: 'success' });
  const token = updated.ProgressEvent!.RequestToken!;
  const canceled = await client.send(new CancelResourceRequestCommand({ RequestToken: token }));
  assert.equal(canceled.ProgressEvent!.OperationStatus, 'CANCEL_IN_PROGRESS');
  expected.push({ operation: 'CancelResourceRequest', target: token, requestId: requestIdOf(canceled), outcome: 'success' });
  await settled(client, token);
  const again = await rejectsWith(client.send(new CancelResourceRequestCommand({ RequestToken: token })), { name: 'ConcurrentModificationException', status: 500 });
  expected.push({ operation: 'CancelResourceRequest', target: token, requestId: requestIdOf(again as never), outcome: 'ConcurrentModificationException' });

  // Reads are not audited.
  await client.send(new GetResourceCommand({ TypeName: TYPE_NAME, Identifier: arn }));
  await client.send(new ListResourcesCommand({ TypeName: TYPE_NAME }));
  await client.send(new GetResourceRequestStatusCommand({ RequestToken: token }));
  await client.send(new ListResourceRequestsCommand({}));

  const deleted = await client.send(new DeleteResourceCommand({ TypeName: TYPE_NAME, Identifier: arn }));
  expected.push({ operation: 'DeleteResource', target: arn, requestId: requestIdOf(deleted), outcome: 'success' });

  const records = await server.server.store.listAudit({ accountId: account.accountId, limit: 100 });
  assert.deepEqual(
    records.map(({ operation, target, requestId, outcome }) => ({ operation, target, requestId, outcome })).reverse(),
    expected,
  );
  for (const record of records) {
    assert.equal(record.accessKeyId, account.accessKeyId);
    assert.equal(record.principal, `arn:aws:iam::${account.accountId}:user/${account.accessKeyId}`);
  }
});

test('Cloud Control\'s calls are counted by operation and error code, as the SageMaker API\'s are', async () => {
  const client = cloudControlClient(server);
  const before = await scrape(server.url);
  const created = await client.send(new CreateResourceCommand({ TypeName: TYPE_NAME, DesiredState: desiredState() }));
  await rejectsWith(client.send(new GetResourceRequestStatusCommand({ RequestToken: 'no-such-request' })), { name: 'RequestTokenNotFoundException' });
  await settled(client, created.ProgressEvent!.RequestToken!);
  const after = await scrape(server.url);
  const growth = (labels: Record<string, string>) => (sampleValue(after, 'partnerplane_requests_total', labels) ?? 0) - (sampleValue(before, 'partnerplane_requests_total', labels) ?? 0);
  assert.equal(growth({ operation: 'CreateResource', code: 'OK' }), 1);
  assert.equal(growth({ operation: 'GetResourceRequestStatus', code: 'RequestTokenNotFoundException' }), 1);
  assert.ok(growth({ operation: 'GetResourceRequestStatus', code: 'OK' }) >= 1);
});
