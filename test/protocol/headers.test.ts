/** The request's header map: node's own object when no header repeats, every value when one does. */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { headersOf, headerValue, type HeaderMap } from '../../src/protocol/headers.js';

let server: http.Server;
let seen: Promise<HeaderMap>;
let deliver: (headers: HeaderMap) => void;

before(async () => {
  server = http.createServer((req, res) => {
    deliver(headersOf(req));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends the header lines as written (repeats included, which node's clients would merge). */
async function received(headerLines: string[]): Promise<HeaderMap> {
  seen = new Promise((resolve) => (deliver = resolve));
  const { port } = server.address() as AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  socket.end(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headerLines.map((line) => `${line}\r\n`).join('')}\r\n`);
  socket.resume();
  return seen;
}

test('without a repeated header, names are lower-case and values as sent', async () => {
  const headers = await received(['X-Amz-Date: 20150830T123600Z', 'Authorization:  AWS4-HMAC-SHA256 x ']);
  assert.equal(headers['x-amz-date'], '20150830T123600Z');
  assert.equal(headerValue(headers, 'authorization'), 'AWS4-HMAC-SHA256 x');
  assert.equal(headerValue(headers, 'x-missing'), undefined);
});

test('a repeated header keeps every value, even of a header node keeps only the first of', async () => {
  const headers = await received(['Authorization: first', 'authorization: second', 'X-Amz-Meta: a ', 'x-amz-meta:  b']);
  assert.deepEqual(headers.authorization, ['first', 'second']);
  assert.equal(headerValue(headers, 'x-amz-meta'), 'a,b');
  assert.equal(headerValue(headers, 'host'), '127.0.0.1');
});
