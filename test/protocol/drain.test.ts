/**
 * createDrainableServer's drain: keep-alive connections must not hold it until their keep-alive
 * timeout, however far along their request was when it began. (test/crash/shutdown.test.ts shows
 * the same through SIGTERM on the real server.)
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createDrainableServer, type DrainableServer } from '../../src/protocol/drain.js';

/** Far longer than any drain below may take. */
const KEEP_ALIVE_MS = 60_000;
const PROMPTLY_MS = 2_000;

interface Answer {
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function listening(listener: http.RequestListener): Promise<{ drainable: DrainableServer; url: string; agent: http.Agent }> {
  const drainable = createDrainableServer(listener);
  drainable.server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve) => drainable.server.listen(0, '127.0.0.1', resolve));
  const { port } = drainable.server.address() as AddressInfo;
  return { drainable, url: `http://127.0.0.1:${port}/`, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }) };
}

function get(url: string, agent: http.Agent, onHeaders?: () => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        onHeaders?.();
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ headers: response.headers, body }));
      })
      .once('error', reject);
  });
}

async function drainedWithin(drainable: DrainableServer, ms: number): Promise<void> {
  const started = performance.now();
  await drainable.drain();
  const took = performance.now() - started;
  assert.ok(took < ms, `drain took ${took.toFixed(0)} ms`);
}

test('an idle keep-alive connection is closed at once', async () => {
  const { drainable, url, agent } = await listening((_req, res) => res.end('ok'));
  const first = await get(url, agent);
  assert.equal(first.headers.connection, 'keep-alive');
  await drainedWithin(drainable, PROMPTLY_MS);
  agent.destroy();
});

test('a request in flight is answered with Connection: close, and its connection closed after it', async () => {
  let answer: (() => void) | undefined;
  let received: () => void;
  const arrived = new Promise<void>((resolve) => (received = resolve));
  const { drainable, url, agent } = await listening((_req, res) => {
    answer = () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('late');
    received();
  });
  const reply = get(url, agent);
  await arrived;
  const drained = drainedWithin(drainable, PROMPTLY_MS);
  answer!();
  const { headers, body } = await reply;
  assert.equal(body, 'late');
  assert.equal(headers.connection, 'close');
  await drained;
  agent.destroy();
});

test('a connection whose answer had its headers out before the drain is closed once that answer ends', async () => {
  let finish: (() => void) | undefined;
  const { drainable, url, agent } = await listening((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('first ');
    finish = () => res.end('last');
  });
  let headersArrived: () => void;
  const headersOut = new Promise<void>((resolve) => (headersArrived = resolve));
  const reply = get(url, agent, () => headersArrived());
  await headersOut;
  const drained = drainedWithin(drainable, PROMPTLY_MS);
  finish!();
  const { headers, body } = await reply;
  assert.equal(body, 'first last');
  assert.equal(headers.connection, 'keep-alive', 'its headers were written before the drain began');
  await drained;
  agent.destroy();
});

test('no new connection is accepted once the drain began', async () => {
  const { drainable, url, agent } = await listening((_req, res) => res.end('ok'));
  const drained = drainable.drain();
  await assert.rejects(get(url, new http.Agent()), { code: 'ECONNREFUSED' });
  await drained;
  agent.destroy();
});
