import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreatePartnerAppCommand, DescribePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { createInput, missingArn, rejectsWith, waitFor } from '../operations/support.js';
import { sampleValue, scrape, type Exposition } from './prometheus.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const REQUESTS = 'partnerplane_requests_total';
const LATENCY = 'partnerplane_request_duration_seconds';
const LAG = 'partnerplane_reconciler_lag_seconds';

/** How much a sample grew between two scrapes (a sample absent before counts from 0). */
const growth = (before: Exposition, after: Exposition, name: string, labels: Record<string, string> = {}) =>
  (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);

/** Buckets of one histogram series are cumulative and end in +Inf, which equals the count. */
function assertHistogram(exposition: Exposition, name: string, labels: Record<string, string> = {}): void {
  const buckets = exposition.samples
    .filter((sample) => sample.name === `${name}_bucket` && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .map((sample) => ({ le: Number(sample.labels.le === '+Inf' ? Infinity : sample.labels.le), count: sample.value }));
  assert.ok(buckets.length > 1, `${name} has buckets`);
  for (let i = 1; i < buckets.length; i++) {
    assert.ok(buckets[i]!.le > buckets[i - 1]!.le, `${name} buckets are in order`);
    assert.ok(buckets[i]!.count >= buckets[i - 1]!.count, `${name} buckets are cumulative`);
  }
  assert.equal(buckets.at(-1)!.le, Infinity);
  assert.equal(buckets.at(-1)!.count, sampleValue(exposition, `${name}_count`, labels));
}

test('metrics count requests by operation and error code, time them, and count apps by status', async () => {
  const account = server.newAccount();
  const client = server.client({ credentials: account });
  const before = await scrape(server.url);

  const created: string[] = [];
  for (let i = 0; i < 2; i++) created.push((await client.send(new CreatePartnerAppCommand(createInput()))).Arn!);
  await rejectsWith(client.send(new CreatePartnerAppCommand(createInput({ Name: 'not valid!' }))), { name: 'ValidationException' });
  await rejectsWith(client.send(new DescribePartnerAppCommand({ Arn: missingArn(account.accountId) })), { name: 'ResourceNotFound' });
  const unknown = await rawRequest(server.url, 'SageMaker.NoSuchOperation', { credentials: account });
  assert.equal(unknown.json.__type, 'UnknownOperationException');
  for (const arn of created) await waitFor(client, arn, 'Available');

  const after = await scrape(server.url);
  assert.equal(growth(before, after, REQUESTS, { operation: 'CreatePartnerApp', code: 'OK' }), 2);
  assert.equal(growth(before, after, REQUESTS, { operation: 'CreatePartnerApp', code: 'ValidationException' }), 1);
  assert.equal(growth(before, after, REQUESTS, { operation: 'DescribePartnerApp', code: 'ResourceNotFound' }), 1);
  assert.equal(growth(before, after, REQUESTS, { operation: 'Unknown', code: 'UnknownOperationException' }), 1);
  assert.ok(growth(before, after, REQUESTS, { operation: 'DescribePartnerApp', code: 'OK' }) >= 2, 'the waits described the apps');
  assert.equal(after.types.get(REQUESTS), 'counter');

  assert.equal(after.types.get(LATENCY), 'histogram');
  assert.equal(growth(before, after, `${LATENCY}_count`, { operation: 'CreatePartnerApp' }), 3);
  assert.ok(growth(before, after, `${LATENCY}_sum`, { operation: 'CreatePartnerApp' }) > 0);
  assertHistogram(after, LATENCY, { operation: 'CreatePartnerApp' });

  // This server's only apps: both finished Creating, each transition timed by the reconciler.
  assert.equal(after.types.get('partnerplane_apps'), 'gauge');
  assert.equal(sampleValue(after, 'partnerplane_apps', { status: 'Available' }), 2);
  for (const status of ['Creating', 'Updating', 'Deleting', 'Failed', 'UpdateFailed', 'Deleted']) {
    assert.equal(sampleValue(after, 'partnerplane_apps', { status }), 0, status);
  }
  assert.equal(growth(before, after, `${LAG}_count`), 2);
  assert.ok(growth(before, after, `${LAG}_sum`) >= 0);
  assertHistogram(after, LAG);

  // Default process metrics come along.
  assert.ok((sampleValue(after, 'process_cpu_user_seconds_total') ?? 0) > 0);
  assert.ok((sampleValue(after, 'nodejs_heap_size_used_bytes') ?? 0) > 0);
});

test('the apps gauge follows apps through their lifecycle at each scrape', async () => {
  const client = server.client({ credentials: server.newAccount() });
  const before = await scrape(server.url);
  const { Arn } = await client.send(new CreatePartnerAppCommand(createInput()));
  await waitFor(client, Arn!, 'Available');
  const after = await scrape(server.url);
  assert.equal(growth(before, after, 'partnerplane_apps', { status: 'Available' }), 1);
});

test('a scrape is not an API request and other methods are refused', async () => {
  const before = await scrape(server.url);
  const after = await scrape(server.url);
  for (const operation of ['Unknown', 'CreatePartnerApp', 'DescribePartnerApp']) {
    assert.equal(growth(before, after, `${LATENCY}_count`, { operation }), 0);
  }
  const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
});
