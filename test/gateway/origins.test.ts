/**
 * One origin per app: every host under the apps domain is an app's and nothing else's (neither the
 * console nor the API answers there, whatever the path), the console's host serves no app, and the
 * settings that say where apps are. How a browser keeps apps apart is shown in Chromium by
 * origins.browser.test.ts.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DescribePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { ConfigError, loadConfig } from '../../src/config.js';
import { cli } from '../helpers/cli.js';
import { signedRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { createAvailableApp } from '../operations/support.js';
import { appIdOf, openPresignedUrl, presign } from './support.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request to the test server (on 127.0.0.1) naming `host` in its Host header, as a proxy or a resolver would bring it. */
function requestAs(serverUrl: string, host: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(serverUrl + path, { method: options.method ?? 'GET', headers: { ...options.headers, host }, setHost: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const headingOf = (answer: Answer) => /<h1>([^<]*)<\/h1>/.exec(answer.body)?.[1];

let server: TestServer;
let port: string;
before(async () => {
  server = await startTestServer();
  port = new URL(server.url).port;
});
after(() => server.close());

describe("an app's host", () => {
  test('is served by the gateway alone, whatever the path or method: never the console, the API or the operations endpoints', async () => {
    const Arn = await createAvailableApp(server.client());
    const host = `${appIdOf(Arn).toLowerCase()}.localhost:${port}`;
    for (const [method, path, headers] of [
      ['GET', '/', {}],
      ['GET', '/console', {}],
      ['GET', '/console/static/console.js', {}],
      ['POST', '/console/api/CreatePartnerApp', { 'content-type': 'application/json' }],
      ['POST', '/console/sign-in', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['GET', '/health', {}],
      ['GET', '/metrics', {}],
      ['GET', '/gateway/' + appIdOf(Arn) + '/', {}],
    ] as const) {
      const answer = await requestAs(server.url, host, path, { method, headers, body: method === 'POST' ? '{}' : undefined });
      assert.equal(answer.status, 403, `${method} ${path}: ${answer.body}`);
      assert.equal(headingOf(answer), 'Sign-in required', `${method} ${path}`);
    }
    // An API call signed for that host is a signed gateway request there, and not one the gateway takes.
    const signed = await signedRequest(`http://${host}`, 'ListPartnerApps');
    const call = await requestAs(server.url, host, '/', { method: 'POST', headers: signed.headers, body: signed.body as string });
    assert.equal(call.headers['x-amzn-errortype'], 'ValidationException', call.body);
    assert.match(call.body, /Signed gateway requests carry X-Amz-Target: SageMaker.CallPartnerAppApi/);
  });

  test('is the same host in any case and with a trailing dot', async () => {
    const client = server.client();
    const Arn = await createAvailableApp(client);
    const session = await openPresignedUrl(await presign(client, Arn));
    for (const host of [`${appIdOf(Arn)}.LOCALHOST:${port}`, `${appIdOf(Arn).toLowerCase()}.localhost.:${port}`]) {
      const answer = await requestAs(server.url, host, '/', { headers: { cookie: session.cookie } });
      assert.equal(answer.status, 200, `${host}: ${answer.body}`);
      assert.match(answer.body, new RegExp(Arn));
    }
  });

  test('any other host under the apps domain is no app, and no console either', async () => {
    for (const host of [`console.localhost:${port}`, `app-tooshort.localhost:${port}`, `x.${'app-aaaaaaaaaaaa'}.localhost:${port}`]) {
      const answer = await requestAs(server.url, host, '/console');
      assert.equal(answer.status, 404, `${host}: ${answer.body}`);
      assert.equal(headingOf(answer), 'No such app', host);
    }
  });
});

describe("the console's host", () => {
  test('serves no app to a browser: its /gateway/<app-id>/ sends it on to the app\'s origin', async () => {
    const client = server.client();
    const Arn = await createAvailableApp(client);
    const session = await openPresignedUrl(await presign(client, Arn));
    const answer = await requestAs(server.url, `127.0.0.1:${port}`, `/gateway/${appIdOf(Arn)}/`, { headers: { cookie: session.cookie } });
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, `${(await client.send(new DescribePartnerAppCommand({ Arn }))).BaseUrl}/`);
    assert.equal(answer.body, '');
  });

  test('is still the console and the API', async () => {
    const answer = await requestAs(server.url, `localhost:${port}`, '/console');
    assert.equal(answer.status, 200);
    assert.match(answer.body, /Sign in/);
  });
});

describe('an apps domain of its own, behind a TLS proxy', () => {
  let behindTls: TestServer;
  before(async () => {
    behindTls = await startTestServer({ publicUrl: 'https://partnerplane.example.test', appsDomain: 'apps.example.test' });
  });
  after(() => behindTls.close());

  test('BaseUrl and presigned URLs are https://<app-id>.<apps domain>, the public URL\'s scheme and port', async () => {
    const client = behindTls.client();
    const Arn = await createAvailableApp(client);
    const origin = `https://${appIdOf(Arn).toLowerCase()}.apps.example.test`;
    assert.equal((await client.send(new DescribePartnerAppCommand({ Arn }))).BaseUrl, origin);
    const url = new URL(await presign(client, Arn));
    assert.equal(url.origin, origin);
    // What the proxy forwards: the same request, its Host kept.
    const signIn = await requestAs(behindTls.url, url.host, `${url.pathname}${url.search}`);
    assert.equal(signIn.status, 302, signIn.body);
    assert.equal(signIn.headers.location, `${origin}/`);
    assert.match(signIn.headers['set-cookie']![0]!, /^__Host-partnerplane_session=[^;]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure$/);
    const cookie = signIn.headers['set-cookie']![0]!.split(';')[0]!;
    const page = await requestAs(behindTls.url, url.host.toUpperCase(), '/', { headers: { cookie } });
    assert.equal(page.status, 200, page.body);
    const elsewhere = await requestAs(behindTls.url, `${appIdOf(Arn)}.localhost`, '/');
    assert.deepEqual([elsewhere.status, elsewhere.headers.location], [302, '/console'], 'localhost is no apps domain here: the console answers');
  });
});

describe('the --apps-domain setting', () => {
  test('takes a domain name, in any case, from the flag or the environment; localhost by default', () => {
    assert.equal(loadConfig({}, {}).appsDomain, 'localhost');
    assert.equal(loadConfig({}, { PARTNERPLANE_APPS_DOMAIN: 'Apps.Example.com' }).appsDomain, 'apps.example.com');
    assert.equal(loadConfig({ appsDomain: 'apps.internal' }, {}).appsDomain, 'apps.internal');
  });

  test('refuses what is not a domain name, and a public URL under the apps domain', () => {
    for (const value of ['http://apps.example.com', 'apps.example.com:443', '*.apps.example.com', 'apps.example.com.', '127.0.0.1', 'under_score.example', '']) {
      assert.throws(
        () => loadConfig({ appsDomain: value }, {}),
        (error: Error) => error instanceof ConfigError && error.message === `--apps-domain must be a domain name such as localhost or apps.example.com (no scheme, port or trailing dot), got '${value}'`,
        value,
      );
    }
    assert.throws(
      () => loadConfig({ publicUrl: 'http://partnerplane.localhost:4577' }, {}),
      (error: Error) =>
        error instanceof ConfigError &&
        error.message === '--public-url http://partnerplane.localhost:4577 is under --apps-domain localhost, where every host is an app\'s: give the console and the API a host outside it',
    );
    assert.throws(() => loadConfig({ publicUrl: 'ftp://example.com' }, {}), /--public-url must be an http:\/\/ or https:\/\/ URL, got 'ftp:\/\/example.com'/);
  });

  test('a bad value stops the server from starting', async () => {
    const { code, stderr } = await cli('serve', '--port', '0', '--apps-domain', 'http://x');
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^partnerplane: --apps-domain must be a domain name/m);
  });
});
