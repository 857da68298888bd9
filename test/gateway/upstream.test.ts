/**
 * The gateway in front of a real app backend (--app-upstreams): a tiny node:http server in the
 * test receives the proxied requests, bodies stream both ways, and identity is the gateway's.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { cli } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createAvailableApp } from '../operations/support.js';
import { fetchLocal } from '../helpers/localhost.js';
import { get, openPresignedUrl, pageField, presign } from './support.js';

const LOCAL_PRINCIPAL = 'arn:aws:iam::000000000000:user/test';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  bodyStart: string;
}

/** A backend that records what reaches it and answers 201 with a streamed, two-part body. */
async function startBackend(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const backend = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method!, url: req.url!, headers: req.headers, bodyBytes: body.length, bodyStart: body.subarray(0, 16).toString() });
      res.writeHead(201, { 'content-type': 'text/plain', 'x-backend': 'yes', 'set-cookie': 'backend=1; Path=/' });
      res.write('part one, ');
      setImmediate(() => res.end(`got ${body.length} bytes`));
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(backend.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => backend.close(() => resolve())),
  };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let backend: Awaited<ReturnType<typeof startBackend>>;
let server: TestServer;
before(async () => {
  backend = await startBackend();
  server = await startTestServer({
    appUpstreams: { comet: new URL(`${backend.url}/base/`), 'lakera-guard': new URL(`http://127.0.0.1:${await closedPort()}`) },
  });
});
after(async () => {
  await server.close();
  await backend.close();
});

describe('proxying a session to the real backend of its app type', () => {
  test('the backend gets the request, streamed, with the identity the gateway vouches for', async () => {
    const client = server.client();
    const Arn = await createAvailableApp(client, { Type: 'comet' });
    const session = await openPresignedUrl(await presign(client, Arn));
    // Larger than --max-body-bytes: a session's body is streamed through, never held by the gateway.
    const body = Buffer.alloc(server.config.maxBodyBytes * 2, 'x');
    const response = await fetchLocal(`${session.landing}api/runs?limit=5&q=a%20b`, {
      method: 'POST',
      headers: { cookie: `theme=dark; ${session.cookie}; lang=en`, 'x-partnerplane-user': 'someone-else', 'x-forwarded-prefix': '/forged', 'content-type': 'text/plain' },
      body,
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('x-backend'), 'yes');
    assert.deepEqual(response.headers.getSetCookie(), ['backend=1; Path=/']);
    assert.equal(await response.text(), `part one, got ${body.length} bytes`);

    const seen = backend.received.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/base/api/runs?limit=5&q=a%20b');
    assert.equal(seen.bodyBytes, body.length);
    assert.equal(seen.headers['x-partnerplane-user'], 'test', 'a client cannot choose its identity: the IAM user test, by name');
    assert.equal(seen.headers['x-partnerplane-principal'], LOCAL_PRINCIPAL);
    assert.equal(seen.headers['x-partnerplane-app-arn'], Arn);
    assert.equal(seen.headers['x-partnerplane-via'], 'session');
    assert.equal(seen.headers.cookie, 'theme=dark; lang=en', 'the session cookie stays with the gateway');
    assert.equal(seen.headers['x-forwarded-host'], new URL(session.landing).host, "the app's own origin");
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-prefix'], undefined, 'at its own origin every path is the app\'s');
    assert.equal(seen.headers.host, new URL(backend.url).host);
  });

  test('a path cannot step outside the backend it is proxied to', async () => {
    const client = server.client();
    const Arn = await createAvailableApp(client, { Type: 'comet' });
    const session = await openPresignedUrl(await presign(client, Arn));
    const response = await get(`${session.landing}/127.0.0.2/steal`, { cookie: session.cookie });
    assert.equal(response.status, 201);
    await response.text();
    assert.equal(backend.received.at(-1)!.url, '/base//127.0.0.2/steal', 'the path as it came');
  });

  test('types without an upstream keep the built-in app', async () => {
    const client = server.client();
    const Arn = await createAvailableApp(client, { Type: 'fiddler' });
    const session = await openPresignedUrl(await presign(client, Arn));
    const response = await get(session.landing, { cookie: session.cookie });
    assert.equal(response.status, 200);
    assert.equal(pageField(await response.text(), 'type'), 'fiddler');
  });

  test('a backend that cannot be reached is a 502 page', async () => {
    const client = server.client();
    const Arn = await createAvailableApp(client, { Type: 'lakera-guard' });
    const session = await openPresignedUrl(await presign(client, Arn));
    const response = await get(session.landing, { cookie: session.cookie });
    const html = await response.text();
    assert.equal(response.status, 502, html);
    assert.match(html, /<h1>App unreachable<\/h1>/);
  });
});

describe('the --app-upstreams setting', () => {
  test('parses type=url pairs from the flag or the environment', () => {
    const config = loadConfig({}, { PARTNERPLANE_APP_UPSTREAMS: 'comet=http://127.0.0.1:9000, fiddler=https://fiddler.internal/app/' });
    assert.equal(config.appUpstreams?.comet?.href, 'http://127.0.0.1:9000/');
    assert.equal(config.appUpstreams?.fiddler?.href, 'https://fiddler.internal/app/');
    assert.equal(loadConfig({}, {}).appUpstreams, undefined);
  });

  test('refuses what it cannot use, naming the setting', () => {
    for (const [value, message] of [
      ['nope=http://127.0.0.1:9000', /--app-upstreams entries must be <type>=<url> with type one of lakera-guard, comet/],
      ['http://127.0.0.1:9000', /entries must be <type>=<url>/],
      ['comet=ftp://127.0.0.1', /must be http:\/\/ or https:\/\//],
      ['comet=not a url', /invalid URL for comet/],
      ['comet=http://127.0.0.1:1,comet=http://127.0.0.1:2', /names comet twice/],
      ['comet=http://127.0.0.1:1/?a=b', /no query, fragment or credentials/],
    ] as const) {
      assert.throws(() => loadConfig({ appUpstreams: value }, {}), (error: Error) => error instanceof ConfigError && message.test(error.message), value);
    }
  });

  test('a bad value stops the server from starting', async () => {
    const { code, stderr } = await cli('serve', '--port', '0', '--app-upstreams', 'comet=ftp://x');
    assert.equal(code, 2, stderr);
    assert.match(stderr, /partnerplane: --app-upstreams URL for comet must be http:\/\/ or https:\/\//);
  });
});
