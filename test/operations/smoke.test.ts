import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreatePartnerAppCommand, DescribePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, waitForStatus, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test('an app created with the SDK becomes Available', async () => {
  const client = server.client();
  const { Arn } = await client.send(
    new CreatePartnerAppCommand({ Name: 'smoke', Type: 'comet', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/r', Tier: 'small', AuthType: 'IAM' }),
  );
  assert.match(Arn!, /^arn:aws:sagemaker:us-east-1:000000000000:partner-app\/app-[A-Z0-9]{12}$/);
  assert.equal((await client.send(new DescribePartnerAppCommand({ Arn }))).Status, 'Creating');
  await waitForStatus(() => client.send(new DescribePartnerAppCommand({ Arn })), ['Available']);
});

test('a raw request that is not JSON is a SerializationException', async () => {
  const response = await rawRequest(server.url, 'ListPartnerApps', { body: '{nope' });
  assert.equal(response.status, 400);
  assert.equal(response.json.__type, 'SerializationException');
  assert.ok(response.headers['x-amzn-requestid']);
});
