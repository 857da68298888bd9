/**
 * How answers go on the wire: those made in one turn of the event loop are written together when
 * the turn ends, and one that node refuses to write does not hold back the others.
 */
import assert from 'node:assert/strict';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as turnEnds } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { JSON_CONTENT_TYPE, writeJson } from '../../src/protocol/serialize.js';

let server: http.Server;
let baseUrl: string;
/** Responses of requests the test has not answered yet, in order of arrival. */
const waiting: ServerResponse[] = [];
let arrived: (() => void) | undefined;

before(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    waiting.push(res);
    arrived?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function requestsWaiting(count: number): Promise<ServerResponse[]> {
  while (waiting.length < count) await new Promise<void>((resolve) => (arrived = resolve));
  return waiting.splice(0, count);
}

test('an answer is written when the turn that made it ends, with its headers and body, and then reported written', async () => {
  const answer = fetch(baseUrl, { method: 'POST', body: '{}' });
  const [res] = await requestsWaiting(1);
  const reported: boolean[] = [];
  writeJson(res!, 'request-1', 200, '{"ok":true}', undefined, () => reported.push(res!.headersSent));
  assert.equal(res!.headersSent, false, 'written before the turn ended');
  assert.deepEqual(reported, []);
  await turnEnds();
  assert.equal(res!.headersSent, true);
  assert.deepEqual(reported, [true], 'reported once, after it was written');
  const response = await answer;
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), JSON_CONTENT_TYPE);
  assert.equal(response.headers.get('x-amzn-requestid'), 'request-1');
  assert.deepEqual(await response.json(), { ok: true });
});

test('an answer node refuses to write fails alone: the others of its turn still go out', async () => {
  // Separate connections, so that the failed one cannot take the other down with it.
  const refused = fetch(baseUrl, { method: 'POST', body: '{}', headers: { Connection: 'close' } });
  const fine = fetch(baseUrl, { method: 'POST', body: '{}', headers: { Connection: 'close' } });
  const [first, second] = await requestsWaiting(2);
  const reported: string[] = [];
  writeJson(first!, 'request-2', 200, '{}', { 'x-broken': 'line\nbreak' }, () => reported.push('request-2'));
  writeJson(second!, 'request-3', 200, '{"ok":true}', undefined, () => reported.push('request-3'));
  await assert.rejects(refused, TypeError);
  const response = await fine;
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-amzn-requestid'), 'request-3');
  assert.deepEqual(await response.json(), { ok: true });
  assert.deepEqual(reported, ['request-3'], 'only the answer that went out is reported written');
});
