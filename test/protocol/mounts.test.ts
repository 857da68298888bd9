/**
 * The mount table: which surface a request goes to (by method, exact path, path prefix or host), and
 * the one error path every surface's errors take.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';
import { ServiceError } from '../../src/protocol/errors.js';
import { mountTable, type Mount } from '../../src/protocol/mounts.js';

const logged: { msg: string; surface?: string; requestId?: string }[] = [];
const logger = createLogger(
  'info',
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  }),
);

/** A surface that answers with its own name and the path it was given. */
const surface = (name: string, match: Omit<Mount, 'name' | 'handle'>): Mount => ({
  name,
  ...match,
  handle(_req, res, _requestId, path) {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`${name} ${path}`);
  },
});

const mounts: Mount[] = [
  surface('api', { methods: ['POST'], paths: new Set(['/']) }),
  surface('app', { host: /^app-[a-z0-9]+\.apps\.test$/ }),
  surface('exact-host', { host: 'console.test', prefix: '/console' }),
  surface('console', { prefix: '/console' }),
  surface('gateway', { prefix: '/gateway/' }),
  {
    name: 'failing',
    prefix: '/fail',
    handle: async (_req, _res, _requestId, path) => {
      if (path === '/fail/expected') throw new ServiceError('TeapotException', 418, 'I am a teapot.', { headers: { 'Retry-After': '7' } });
      throw new Error('the disk is on fire');
    },
  },
  {
    name: 'paged',
    prefix: '/paged',
    handle: (_req, _res, _requestId, path) => {
      if (path === '/paged/broken') throw new Error('a bug');
      throw new ServiceError('Gone', 410, 'Gone for good.', { title: 'Gone' });
    },
    renderError: (res, requestId, error, headers) => res.writeHead(error.statusCode, { ...headers, 'x-request': requestId }).end(`<h1>${error.title}</h1>`),
    unexpectedError: () => new ServiceError('Oops', 503, 'Something broke.', { title: 'Broken' }),
  },
];

let server: http.Server;
let port: number;
before(async () => {
  server = http.createServer(mountTable(mounts, { logger, clientAborted: () => {} }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function send(method: string, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { Host: host } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject).end();
  });
}

test('a request goes to the first surface whose method, path and host it matches', async () => {
  const cases: [string, string, string | undefined, string][] = [
    ['POST', '/', undefined, 'api /'],
    ['POST', '/?a=b', undefined, 'api /'],
    ['GET', '/console', undefined, 'console /console'],
    ['GET', '/console/rows?region=eu-west-1', undefined, 'console /console/rows'],
    ['GET', '/console?region=eu-west-1', undefined, 'console /console'],
    ['GET', '/console', 'console.test:8080', 'exact-host /console'],
    ['GET', '/console', 'CONSOLE.test', 'exact-host /console'],
    ['GET', '/gateway/app-X/', undefined, 'gateway /gateway/app-X/'],
    ['GET', '/', 'app-abc123.apps.test:4577', 'app /'],
    ['POST', '/', 'app-abc123.apps.test', 'api /'],
    ['GET', '/console/x', 'app-abc123.apps.test', 'app /console/x'],
  ];
  for (const [method, path, host, expected] of cases) {
    const answer = await send(method, path, host);
    assert.deepEqual([answer.status, answer.text], [200, expected], `${method} ${path} on ${host ?? 'the server'}`);
  }
});

test('a request no surface takes is a 404 naming it', async () => {
  for (const [method, path] of [['GET', '/'], ['GET', '/consoles'], ['GET', '/gateway'], ['PUT', '/nothing?x=1']] as const) {
    const answer = await send(method, path);
    assert.equal(answer.status, 404, `${method} ${path}`);
    assert.deepEqual(JSON.parse(answer.text), { message: `No route for ${method} ${path}` });
  }
});

test("every surface's errors take one path: a ServiceError with its headers, anything else InternalFailure and logged", async () => {
  const expected = await send('GET', '/fail/expected');
  assert.equal(expected.status, 418);
  assert.equal(expected.headers['retry-after'], '7');
  assert.equal(expected.headers['x-amzn-errortype'], 'TeapotException');
  assert.deepEqual(JSON.parse(expected.text), { __type: 'TeapotException', message: 'I am a teapot.' });

  const unexpected = await send('GET', '/fail/other');
  assert.equal(unexpected.status, 500);
  assert.equal(JSON.parse(unexpected.text).__type, 'InternalFailure');
  assert.ok(!unexpected.text.includes('fire'), 'no internals in the answer');
  const line = logged.find((entry) => entry.msg === 'request failed unexpectedly');
  assert.equal(line?.surface, 'failing');
  assert.equal(line?.requestId, unexpected.headers['x-amzn-requestid']);
});

test('a surface may render its errors its own way, and say what an unexpected one is', async () => {
  const paged = await send('GET', '/paged');
  assert.equal(paged.status, 410);
  assert.equal(paged.text, '<h1>Gone</h1>');
  assert.match(String(paged.headers['x-request']), /^[0-9a-f-]{36}$/);
  const broken = await send('GET', '/paged/broken');
  assert.deepEqual([broken.status, broken.text], [503, '<h1>Broken</h1>']);
  assert.ok(logged.some((entry) => entry.msg === 'request failed unexpectedly' && entry.surface === 'paged'));
});
