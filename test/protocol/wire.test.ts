/**
 * The AWS JSON 1.1 wire: routing on X-Amz-Target, the body size limit, request ids, the error
 * shape, InternalFailure, and timestamps as epoch seconds.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DescribePartnerAppCommand, ListPartnerAppsCommand } from '@aws-sdk/client-sagemaker';
import { createLogger } from '../../src/logger.js';
import { rawRequest, startTestServer, type RawResponse, type TestServer } from '../helpers/server.js';
import type { PartnerApp } from '../../src/domain/partnerApp.js';
import { storedApp } from '../helpers/apps.js';
import { createInput, missingArn, rejectsWith } from '../operations/support.js';

const MAX_BODY_BYTES = 4096;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: TestServer;
before(async () => {
  server = await startTestServer({ maxBodyBytes: MAX_BODY_BYTES });
});
after(() => server.close());

function assertError(response: RawResponse, status: number, code: string): void {
  assert.equal(response.status, status, response.text);
  assert.equal(response.headers['content-type'], 'application/x-amz-json-1.1');
  assert.match(String(response.headers['x-amzn-requestid']), UUID);
  assert.equal(response.headers['x-amzn-errortype'], code);
  assert.equal(response.json.__type, code);
}

describe('X-Amz-Target routing', () => {
  for (const [what, target] of [
    ['an operation SageMaker has but this server does not', 'SageMaker.CreateNotebookInstance'],
    ['an operation of another service', 'DynamoDB_20120810.ListTables'],
    ['a target without an operation', 'SageMaker.'],
    ['an operation name without the service', 'ListPartnerApps.'],
  ]) {
    test(`${what} is an UnknownOperationException`, async () => {
      const response = await rawRequest(server.url, target!);
      assertError(response, 400, 'UnknownOperationException');
      assert.deepEqual(Object.keys(response.json).sort(), ['__type', 'message']);
    });
  }

  test('a request without X-Amz-Target is an UnknownOperationException', async () => {
    const response = await rawRequest(server.url, null);
    assertError(response, 400, 'UnknownOperationException');
  });

  test('the target is matched whatever its case', async () => {
    for (const target of ['sagemaker.listpartnerapps', 'SAGEMAKER.LISTPARTNERAPPS', 'SageMaker.listPartnerApps']) {
      const response = await rawRequest(server.url, target);
      assert.equal(response.status, 200, `${target}: ${response.text}`);
      assert.ok(Array.isArray(response.json.Summaries));
    }
  });
});

interface PartialResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Sends headers and a body in parts; `end: false` never finishes it. Resolves with the answer,
 * or with undefined if none has come `waitMs` after the last part.
 */
function sendInParts(url: string, headers: Record<string, string>, parts: string[], options: { end: boolean; waitMs?: number }): Promise<PartialResponse | undefined> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-amz-json-1.1', ...headers } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode!, headers: response.headers, body });
        request.destroy();
      });
    });
    // Once the server has answered and closed, an unfinished upload may fail; that is expected.
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
    for (const part of parts) request.write(part);
    if (options.end) request.end();
    if (options.waitMs !== undefined) {
      setTimeout(() => {
        resolve(undefined);
        request.destroy();
      }, options.waitMs);
    }
  });
}

describe('the body size limit', () => {
  const target = { 'x-amz-target': 'SageMaker.ListPartnerApps' };

  test('a declared Content-Length far over the limit gets 413 at once, without the body being read', { timeout: 10_000 }, async () => {
    const response = await sendInParts(server.url, { ...target, 'content-length': String(50 * 1024 * 1024) }, ['{"MaxResults":'], { end: false });
    assert.equal(response?.status, 413);
    assert.equal(response.headers.connection, 'close');
    assert.match(String(response.headers['x-amzn-requestid']), UUID);
    assert.equal(response.headers['x-amzn-errortype'], 'RequestEntityTooLargeException');
    assert.deepEqual(JSON.parse(response.body), {
      __type: 'RequestEntityTooLargeException',
      message: `Request body is larger than the limit of ${MAX_BODY_BYTES} bytes.`,
    });
  });

  test('a streamed body with no length gets 413 once it has been sent, its rest read and thrown away', { timeout: 10_000 }, async () => {
    const parts = [' '.repeat(MAX_BODY_BYTES + 1), ' '.repeat(MAX_BODY_BYTES)];
    assert.equal(await sendInParts(server.url, { ...target, 'transfer-encoding': 'chunked' }, parts, { end: false, waitMs: 300 }), undefined, 'no answer while the body is still coming');
    const response = await sendInParts(server.url, { ...target, 'transfer-encoding': 'chunked' }, parts, { end: true });
    assert.equal(response?.status, 413);
    assert.equal(JSON.parse(response.body).__type, 'RequestEntityTooLargeException');
  });

  test('a request for an unknown operation is refused without its body being parsed', { timeout: 10_000 }, async () => {
    const response = await sendInParts(server.url, { 'x-amz-target': 'SageMaker.NoSuchOperation', 'content-length': String(10 * MAX_BODY_BYTES) }, ['{', ' '.repeat(10 * MAX_BODY_BYTES - 1)], { end: true });
    assert.equal(response?.status, 400);
    assert.equal(JSON.parse(response.body).__type, 'UnknownOperationException');
  });

  test('a body of exactly the limit is read, and the server goes on serving after refusals', async () => {
    const body = `{}${' '.repeat(MAX_BODY_BYTES - 2)}`;
    assert.equal(Buffer.byteLength(body), MAX_BODY_BYTES);
    const response = await rawRequest(server.url, 'ListPartnerApps', { body });
    assert.equal(response.status, 200, response.text);
    const over = await rawRequest(server.url, 'ListPartnerApps', { body: `${body} ` });
    assertError(over, 413, 'RequestEntityTooLargeException');
    assert.equal((await rawRequest(server.url, 'ListPartnerApps')).status, 200);
  });
});

describe('request ids and the error shape', () => {
  test('every answer carries its own x-amzn-RequestId, which the SDK reports', async () => {
    const client = server.client();
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const { $metadata } = await client.send(new ListPartnerAppsCommand({}));
      assert.match($metadata.requestId!, UUID);
      ids.add($metadata.requestId!);
    }
    const error = await rejectsWith(client.send(new DescribePartnerAppCommand({ Arn: missingArn() })), { name: 'ResourceNotFound' });
    ids.add((error as Error & { $metadata: { requestId: string } }).$metadata.requestId);
    assert.equal(ids.size, 4, 'request ids are never reused');
  });

  test('errors of every kind carry a request id and x-amzn-ErrorType naming the same error as __type', async () => {
    const answers: [RawResponse, number, string][] = [
      [await rawRequest(server.url, 'NoSuchOperation'), 400, 'UnknownOperationException'],
      [await rawRequest(server.url, 'ListPartnerApps', { body: '{"MaxResults": "ten"}' }), 400, 'SerializationException'],
      [await rawRequest(server.url, 'ListPartnerApps', { body: { MaxResults: 1000 } }), 400, 'ValidationException'],
      [await rawRequest(server.url, 'DescribePartnerApp', { body: { Arn: missingArn() } }), 400, 'ResourceNotFound'],
      [await rawRequest(server.url, 'ListPartnerApps', { body: ' '.repeat(MAX_BODY_BYTES + 1) }), 413, 'RequestEntityTooLargeException'],
    ];
    for (const [response, status, code] of answers) assertError(response, status, code);
  });

  test("AWS's front-end errors carry `message`; the model's errors carry the model's `Message`", async () => {
    const validation = await rawRequest(server.url, 'ListPartnerApps', { body: { MaxResults: 1000 } });
    assert.deepEqual(Object.keys(validation.json).sort(), ['__type', 'message']);
    const notFound = await rawRequest(server.url, 'DescribePartnerApp', { body: { Arn: missingArn() } });
    assert.deepEqual(notFound.json, { __type: 'ResourceNotFound', Message: `Partner app ${missingArn()} does not exist.` });
  });

  test('the SDK turns the modeled errors into their own classes, with the message', async () => {
    const error = await rejectsWith(server.client().send(new DescribePartnerAppCommand({ Arn: missingArn() })), {
      name: 'ResourceNotFound',
      message: `Partner app ${missingArn()} does not exist.`,
    });
    assert.equal((error as { $fault?: string }).$fault, 'client');
  });
});

describe('timestamps', () => {
  test('are epoch seconds as JSON numbers, which the SDK reads as the same instant', async () => {
    const region = 'ap-south-2';
    const client = server.client({ region });
    const before = Date.now();
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput()));
    const afterCreate = Date.now();

    const raw = await rawRequest(server.url, 'DescribePartnerApp', { body: { Arn }, region });
    for (const member of ['CreationTime', 'LastModifiedTime', 'CurrentVersionEolDate']) {
      assert.equal(typeof raw.json[member], 'number', `${member} is ${JSON.stringify(raw.json[member])}`);
    }
    assert.ok(raw.json.CreationTime >= before / 1000 && raw.json.CreationTime <= afterCreate / 1000, `${raw.json.CreationTime} is not the creation time`);
    const listed = await rawRequest(server.url, 'ListPartnerApps', { body: {}, region });
    assert.equal(listed.json.Summaries[0].CreationTime, raw.json.CreationTime);

    const parsed = await client.send(new DescribePartnerAppCommand({ Arn }));
    assert.ok(parsed.CreationTime instanceof Date);
    assert.equal(parsed.CreationTime.getTime(), Math.round(raw.json.CreationTime * 1000));
    assert.equal(parsed.CurrentVersionEolDate!.getTime(), raw.json.CurrentVersionEolDate * 1000);
  });
});

describe('an unexpected failure', () => {
  test('is InternalFailure 500 with no internals in the answer, and its cause is logged with the request id', async () => {
    const lines: string[] = [];
    const logSink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const broken = await startTestServer({}, { logger: createLogger('error', logSink) });
    try {
      // A record the code cannot make sense of, as a bad migration or a hand edit would leave it:
      // its settings are no object. (A type or version the catalog no longer lists is no failure:
      // Describe answers without an end-of-life date.)
      const app = storedApp({
        accountId: '000000000000',
        name: 'corrupt',
        type: 'comet',
        status: 'Available',
        settings: null as unknown as PartnerApp['settings'],
        version: '0.9',
      });
      const { arn } = app;
      assert.equal((await broken.server.store.createApp({ app, tags: [], maxAppsPerAccount: 10 })).outcome, 'done');

      const raw = await rawRequest(broken.url, 'DescribePartnerApp', { body: { Arn: arn } });
      assertError(raw, 500, 'InternalFailure');
      assert.deepEqual(raw.json, {
        __type: 'InternalFailure',
        message: 'The request processing has failed because of an unknown error, exception or failure.',
      });
      assert.doesNotMatch(raw.text, /settings|ExecutionRoleArn|null|TypeError|\bat \S+ \(|\.ts:\d+/i);

      const error = await rejectsWith(broken.client().send(new DescribePartnerAppCommand({ Arn: arn })), { name: 'InternalFailure', status: 500 });
      assert.equal((error as { $fault?: string }).$fault, 'server');

      const requestId = String(raw.headers['x-amzn-requestid']);
      const logged = lines.map((line) => JSON.parse(line) as { requestId?: string; err?: { message?: string; stack?: string } }).find((entry) => entry.requestId === requestId);
      assert.ok(logged, `no log line names request ${requestId}`);
      assert.match(logged.err?.message ?? '', /ExecutionRoleArn/);
      assert.ok(logged.err?.stack, 'the log keeps the stack the client never sees');

      // The failure stays with that request: the server goes on answering.
      assert.equal((await rawRequest(broken.url, 'ListPartnerApps')).status, 200);
    } finally {
      await broken.close();
    }
  });
});
