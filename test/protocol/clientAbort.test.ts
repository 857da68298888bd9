/**
 * A client that closes its connection in the middle of its request body is no failure of the
 * server: it is logged at info level, counted in partnerplane_client_aborts_total, and never shows
 * up as InternalFailure — not in the error log, not in partnerplane_requests_total, not in the
 * audit log — on the API, the console and the gateway alike.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sampleValue, scrape } from '../observability/prometheus.js';

type LogLine = Record<string, any>;

let server: TestServer;
const written: string[] = [];
before(async () => {
  server = await startTestServer({}, { logger: createLogger('debug', { write: (line: string) => void written.push(line) }) });
});
after(() => server.close());

/** Sends the request line, `headers` and the first bytes of a body of 1000, then closes the connection. */
async function abandonMidBody(path: string, headers: Record<string, string>): Promise<void> {
  const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const lines = Object.entries({ Host: 'localhost', 'Content-Length': '1000', ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`POST ${path} HTTP/1.1\r\n${lines.join('')}\r\n{"Name":"half`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
}

async function metricWhen(name: string, expected: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = sampleValue(await scrape(server.url), name);
    if (value === expected) return;
    if (Date.now() > deadline) assert.fail(`${name} is ${value}, expected ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a client gone mid-body is counted apart, logged at info, and never an InternalFailure', async () => {
  const json = { 'Content-Type': 'application/x-amz-json-1.1' };
  await abandonMidBody('/', { ...json, 'X-Amz-Target': 'SageMaker.CreatePartnerApp' });
  await abandonMidBody('/console/sign-in', { 'Content-Type': 'application/x-www-form-urlencoded' });
  await abandonMidBody('/gateway/app-AAAAAAAAAAAA/api', { ...json, Authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sagemaker/aws4_request' });
  await metricWhen('partnerplane_client_aborts_total', 3);

  const exposition = await scrape(server.url);
  const failures = exposition.samples.filter((sample) => sample.name === 'partnerplane_requests_total' && sample.labels.code === 'InternalFailure');
  assert.deepEqual(failures, [], 'no InternalFailure counted');
  assert.equal(sampleValue(exposition, 'partnerplane_requests_total', { operation: 'CreatePartnerApp', code: 'OK' }), 0);

  const lines = written.map((line) => JSON.parse(line) as LogLine);
  assert.deepEqual(lines.filter((line) => line.level >= 40), [], 'nothing logged as a warning or an error');
  const aborts = lines.filter((line) => line.msg === 'client closed the connection before its request was complete');
  assert.deepEqual(
    aborts.map((line) => [line.level, line.path]),
    [
      [30, '/'],
      [30, '/console/sign-in'],
      [30, '/gateway/app-AAAAAAAAAAAA/api'],
    ],
  );
  assert.ok(aborts.every((line) => typeof line.requestId === 'string'));

  const audited = await server.server.store.listAudit({ limit: 100 });
  assert.deepEqual(
    audited.filter((record) => record.outcome === 'InternalFailure'),
    [],
    'no InternalFailure audited',
  );
});
