/**
 * A body over --max-body-bytes is answered 413 in a form ordinary clients can read: the server
 * reads and throws away the rest of the body (up to a bound) instead of closing the connection
 * under a client that is still sending, so boto3 and urllib get the error and its request id
 * rather than a broken pipe. A body that goes on past the bound is still cut off.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { DISCARD_LIMIT_BYTES } from '../../src/protocol/body.js';
import { testPostgresUrl } from '../helpers/postgres.js';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { ROLE_ARN } from '../operations/support.js';

const run = promisify(execFile);
const MAX_BODY_BYTES = 64 * 1024;
/** Far more than loopback's socket buffers hold, so the client is still sending when the server refuses. */
const OVERSIZED_CHARACTERS = 3 * 1024 * 1024;
const TOO_LARGE = `Request body is larger than the limit of ${MAX_BODY_BYTES} bytes.`;

// What these clients show is on the wire, whatever the store.
const once = { skip: testPostgresUrl() ? 'wire behaviour is checked in the SQLite run' : false };

let server: TestServer;
before(async () => {
  server = await startTestServer({ maxBodyBytes: MAX_BODY_BYTES });
});
after(() => server.close());

/** boto3 (one attempt, no retry) and urllib send a body of OVERSIZED_CHARACTERS; each reports what it got. */
const PYTHON_CLIENTS = String.raw`
import json, sys, urllib.error, urllib.request
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

url, size, role = sys.argv[1], int(sys.argv[2]), sys.argv[3]
results = {}
client = boto3.client("sagemaker", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test", config=Config(retries={"total_max_attempts": 1}))
try:
    client.create_partner_app(Name="a" * size, Type="comet", Tier="small", AuthType="IAM", ExecutionRoleArn=role)
    results["boto3"] = {"error": "accepted"}
except ClientError as error:
    results["boto3"] = {"status": error.response["ResponseMetadata"]["HTTPStatusCode"], "code": error.response["Error"]["Code"],
                        "message": error.response["Error"]["Message"], "requestId": error.response["ResponseMetadata"].get("RequestId")}
except Exception as error:
    results["boto3"] = {"error": type(error).__name__ + ": " + str(error)}

request = urllib.request.Request(url + "/", data=b"{" + b" " * size + b"}", method="POST",
                                 headers={"X-Amz-Target": "SageMaker.ListPartnerApps", "Content-Type": "application/x-amz-json-1.1"})
try:
    urllib.request.urlopen(request, timeout=20)
    results["urllib"] = {"error": "accepted"}
except urllib.error.HTTPError as error:
    results["urllib"] = {"status": error.code, "requestId": error.headers.get("x-amzn-RequestId"), "body": json.loads(error.read())}
except Exception as error:
    results["urllib"] = {"error": type(error).__name__ + ": " + str(error)}
print(json.dumps(results))
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('a body over the limit', () => {
  test('boto3 and urllib read the 413 and its request id instead of a broken pipe', { ...once, timeout: 60_000 }, async () => {
    const { stdout } = await run('python3', ['-c', PYTHON_CLIENTS, server.url, String(OVERSIZED_CHARACTERS), ROLE_ARN], { timeout: 50_000 });
    const results = JSON.parse(stdout);
    assert.deepEqual({ ...results.boto3, requestId: undefined }, { status: 413, code: 'RequestEntityTooLargeException', message: TOO_LARGE, requestId: undefined });
    assert.match(results.boto3.requestId, UUID);
    assert.deepEqual({ ...results.urllib, requestId: undefined }, {
      status: 413,
      requestId: undefined,
      body: { __type: 'RequestEntityTooLargeException', message: TOO_LARGE },
    });
    assert.match(results.urllib.requestId, UUID);
  });

  test('the connection stays usable once the refused body has been read', async () => {
    const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    await new Promise((resolve) => socket.once('connect', resolve));
    const request = (body: string) =>
      `POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: SageMaker.ListPartnerApps\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    socket.write(request(' '.repeat(MAX_BODY_BYTES * 4)));
    socket.write(request('{}'));
    await until(() => (Buffer.concat(received).toString().match(/HTTP\/1\.1 /g) ?? []).length === 2);
    socket.destroy();
    const [first, second] = Buffer.concat(received).toString().split(/(?=HTTP\/1\.1 )/);
    assert.match(first!, /^HTTP\/1\.1 413 /);
    assert.doesNotMatch(first!, /^connection: close/im);
    // The next request on the connection is read as a request: it reaches the signature check.
    assert.match(second!, /^HTTP\/1\.1 400 /);
    assert.match(second!, /MissingAuthenticationTokenException/);
  });

  test('a body that goes on past the bound is cut off, and a declared one is not read at all', { timeout: 30_000 }, async () => {
    const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => {});
    socket.write('POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: SageMaker.ListPartnerApps\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    let sent = 0;
    while (!socket.destroyed && sent <= DISCARD_LIMIT_BYTES + MAX_BODY_BYTES + chunk.length) {
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n');
      sent += chunk.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await closed;
    assert.match(answer, /^HTTP\/1\.1 413 /, 'the refusal was sent before the connection was closed');

    const hand = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    let handAnswer = '';
    hand.on('data', (data) => (handAnswer += data.toString()));
    hand.on('error', () => {});
    const handClosed = new Promise((resolve) => hand.once('close', resolve));
    hand.write(`POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: SageMaker.ListPartnerApps\r\nContent-Length: ${DISCARD_LIMIT_BYTES + 1}\r\n\r\n{`);
    await handClosed;
    assert.match(handAnswer, /^HTTP\/1\.1 413 /);
    assert.match(handAnswer, /^connection: close/im);
    assert.equal((await rawRequest(server.url, 'ListPartnerApps')).status, 200, 'the server goes on serving');
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
