/**
 * Presigned URLs opened through the gateway: token → session cookie → the built-in app page, and
 * every way a token or a session can be refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DeletePartnerAppCommand, DescribePartnerAppCommand, UpdatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { signToken } from '../../src/domain/presignedUrl.js';
import { signSession } from '../../src/gateway/session.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createAvailableApp, createInput, missingArn, uniqueName, waitFor } from '../operations/support.js';
import { appIdOf, appOrigin, get, openPresignedUrl, pageField, presign } from './support.js';

const LOCAL = { principal: 'arn:aws:iam::000000000000:user/test', sessionName: 'test' };

let server: TestServer;
let secret: string;
before(async () => {
  server = await startTestServer({ failCreate: /^broken/ });
  // The server created the secret when it started; the value offered here is ignored.
  secret = await server.server.store.sharedSecret('gateway', () => 'ignored');
});
after(() => server.close());

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The sealed value with its MAC written in spellings that decode to the same bytes: padded, and
 * with the unused low bits of the last character set (a 32-byte MAC leaves two of them).
 */
function otherSpellingsOfMac(sealed: string): string[] {
  const [payload, mac] = sealed.split('.') as [string, string];
  const last = BASE64URL.indexOf(mac.at(-1)!);
  const spellings = [`${mac}=`, `${mac}==`, ...[1, 2, 3].map((bits) => `${mac.slice(0, -1)}${BASE64URL[last | bits]}`)];
  for (const spelling of spellings) assert.deepEqual(Buffer.from(spelling, 'base64url'), Buffer.from(mac, 'base64url'), 'the same MAC');
  return spellings.map((spelling) => `${payload}.${spelling}`);
}

/** Asserts an HTML refusal page with this status whose heading is `title`. */
async function assertPage(response: Response, status: number, title: string): Promise<string> {
  const html = await response.text();
  assert.equal(response.status, status, html);
  assert.match(response.headers.get('content-type')!, /^text\/html/);
  assert.ok(response.headers.get('x-amzn-requestid'));
  assert.ok(html.includes(`<h1>${title}</h1>`), `expected the page "${title}", got ${html}`);
  return html;
}

describe('opening a presigned URL', () => {
  test('the SDK URL signs in once and shows the built-in app to the signed-in identity', async () => {
    const client = server.client();
    const Arn = await createAvailableApp(client, { Tier: 'medium' });
    const app = await client.send(new DescribePartnerAppCommand({ Arn }));
    const appId = appIdOf(Arn);
    const url = await presign(client, Arn, { SessionExpirationDurationInSeconds: 3600 });
    assert.equal(url.slice(0, url.indexOf('?')), `${app.BaseUrl}/`);

    assert.equal(app.BaseUrl, `http://${appId.toLowerCase()}.localhost:${new URL(server.url).port}`, "the app's own origin");
    const session = await openPresignedUrl(url);
    assert.equal(session.landing, `${app.BaseUrl}/`, 'the token is gone from the address');
    // Host-only (no Domain): the cookie goes back to this app's origin and nowhere else.
    assert.deepEqual(session.setCookie.split(';').slice(1).map((part) => part.trim()), ['Path=/', 'Max-Age=3600', 'HttpOnly', 'SameSite=Lax']);

    const page = await get(session.landing, { cookie: session.cookie });
    const html = await page.text();
    assert.equal(page.status, 200, html);
    assert.equal(pageField(html, 'name'), app.Name);
    assert.equal(pageField(html, 'type'), 'comet');
    assert.equal(pageField(html, 'tier'), 'medium');
    assert.equal(pageField(html, 'version'), app.Version);
    assert.equal(pageField(html, 'arn'), Arn);
    assert.equal(pageField(html, 'signed-in-as'), LOCAL.sessionName, 'the IAM user by user name (docs/behaviour.md)');

    const deeper = await get(`${session.landing}projects/1?view=all`, { cookie: session.cookie });
    assert.equal(deeper.status, 200, 'every path under the app is the app');
    await deeper.text();

    await assertPage(await get(url), 403, 'This link has already been used');
  });

  test("the app's settings are shown as text, never as markup", async () => {
    const client = server.client();
    const tier = `<img src=x onerror="alert('x')"> & co`;
    const Arn = await createAvailableApp(client, { Tier: tier });
    const session = await openPresignedUrl(await presign(client, Arn));
    const html = await (await get(session.landing, { cookie: session.cookie })).text();
    assert.ok(!html.includes('<img'), html);
    assert.equal(pageField(html, 'tier'), '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co');
  });

  test('behind an https:// public URL apps are https:// too, and the session cookie is Secure and __Host-', async () => {
    const behindTls = await startTestServer({ publicUrl: 'https://partnerplane.example.test', appsDomain: 'localhost' });
    try {
      const client = behindTls.client();
      const Arn = await createAvailableApp(client);
      const url = new URL(await presign(client, Arn));
      assert.equal(url.origin, `https://${appIdOf(Arn).toLowerCase()}.localhost`, "the public URL's scheme and port");
      // The TLS proxy in front of the server, played by the test: the same request over http.
      const session = await openPresignedUrl(`${appOrigin(behindTls.url, Arn)}${url.pathname}${url.search}`);
      assert.match(session.setCookie, /^__Host-partnerplane_session=[^;]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure$/);
      const page = await get(`${appOrigin(behindTls.url, Arn)}/`, { cookie: session.cookie });
      assert.equal(page.status, 200, await page.text());
      await assertPage(await get(`${appOrigin(behindTls.url, Arn)}/`, { cookie: session.cookie.replace('__Host-', '') }), 403, 'Sign-in required');
    } finally {
      await behindTls.close();
    }
  });

  test("old links under /gateway/<app-id>/ on the API endpoint send a browser on to the app's origin", async () => {
    const client = server.client();
    const Arn = await createAvailableApp(client);
    const { BaseUrl } = await client.send(new DescribePartnerAppCommand({ Arn }));
    for (const [path, landing] of [
      ['', '/'],
      ['/', '/'],
      ['/projects/1?token=abc', '/projects/1?token=abc'],
    ] as const) {
      const response = await get(`${server.url}/gateway/${appIdOf(Arn)}${path}`);
      assert.equal(response.status, 302, path);
      assert.equal(response.headers.get('location'), `${BaseUrl}${landing}`, path);
    }
  });

  test('an expired link is refused, and says so', async () => {
    const Arn = await createAvailableApp(server.client());
    const token = signToken(secret, { arn: Arn, expiresAt: Date.now() - 1000, sessionSeconds: 1800, ...LOCAL });
    const html = await assertPage(await get(`${appOrigin(server.url, Arn)}/?token=${token}`), 403, 'This link has expired');
    assert.match(html, /ExpiresInSeconds/);
  });

  test('a tampered link is refused, whichever part was changed', async () => {
    const Arn = await createAvailableApp(server.client());
    const url = await presign(server.client(), Arn);
    const token = new URL(url).searchParams.get('token')!;
    const [payload, signature] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const longer = Buffer.from(JSON.stringify({ ...claims, sessionSeconds: 43200 * 100 })).toString('base64url');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const forged of [`${longer}.${signature}`, `${payload}.${flipped}`, payload, 'not-a-token']) {
      await assertPage(await get(`${appOrigin(server.url, Arn)}/?token=${encodeURIComponent(forged)}`), 403, 'This link is not valid');
    }
    assert.equal((await get(url)).status, 302, 'the real token was not spent by the forgeries');
  });

  test('a token or a session cookie whose MAC is spelled another way is refused (one canonical base64url)', async () => {
    const Arn = await createAvailableApp(server.client());
    const url = await presign(server.client(), Arn);
    const token = new URL(url).searchParams.get('token')!;
    const spellings = otherSpellingsOfMac(token);
    for (const forged of spellings) {
      await assertPage(await get(`${appOrigin(server.url, Arn)}/?token=${encodeURIComponent(forged)}`), 403, 'This link is not valid');
    }
    const session = await openPresignedUrl(url);
    const [name, value] = session.cookie.split('=') as [string, string];
    for (const forged of otherSpellingsOfMac(value)) {
      await assertPage(await get(session.landing, { cookie: `${name}=${forged}` }), 403, 'Session not valid');
    }
    assert.equal((await get(session.landing, { cookie: session.cookie })).status, 200, 'the canonical spelling still opens the app');
  });

  test("a link opened on another app's address is refused without being spent", async () => {
    const client = server.client();
    const [first, second] = await Promise.all([createAvailableApp(client), createAvailableApp(client)]);
    const url = await presign(client, second);
    const wrongPlace = url.replace(appIdOf(second).toLowerCase(), appIdOf(first).toLowerCase());
    await assertPage(await get(wrongPlace), 403, 'This link is for a different app');
    assert.equal((await get(url)).status, 302);
  });

  test('a link to an app that does not exist is a 404 page', async () => {
    const arn = missingArn();
    const token = signToken(secret, { arn, expiresAt: Date.now() + 60_000, sessionSeconds: 1800, ...LOCAL });
    await assertPage(await get(`${appOrigin(server.url, arn)}/?token=${token}`), 404, 'App not found');
  });

  test('an address that names no app is a 404 page', async () => {
    const port = new URL(server.url).port;
    for (const address of [`http://not-an-app.localhost:${port}/`, `http://app-abc.localhost:${port}/console`, `${server.url}/gateway/not-an-app/`]) {
      await assertPage(await get(address), 404, 'No such app');
    }
  });
});

describe('the session cookie', () => {
  test('no cookie, or a forged one, gets the sign-in page', async () => {
    const Arn = await createAvailableApp(server.client());
    const url = await presign(server.client(), Arn);
    const home = `${appOrigin(server.url, Arn)}/`;
    await assertPage(await get(home), 403, 'Sign-in required');
    await assertPage(await get(home, { cookie: 'partnerplane_session=garbage' }), 403, 'Session not valid');
    // A presigned token has the same shape as a session; it must not pass for one.
    const token = new URL(url).searchParams.get('token')!;
    const asCookie = await get(home, { cookie: `partnerplane_session=${token}` });
    await assertPage(asCookie, 403, 'Session not valid');
    assert.match(asCookie.headers.getSetCookie()[0]!, /Max-Age=0/, 'the bad cookie is cleared');
  });

  test("one app's session does not open another app", async () => {
    const client = server.client();
    const [first, second] = await Promise.all([createAvailableApp(client), createAvailableApp(client)]);
    const session = await openPresignedUrl(await presign(client, second));
    await assertPage(await get(`${appOrigin(server.url, first)}/`, { cookie: session.cookie }), 403, 'Session is for a different app');
    assert.equal((await get(session.landing, { cookie: session.cookie })).status, 200);
  });

  test('an expired session is refused and cleared', async () => {
    const Arn = await createAvailableApp(server.client());
    const cookie = `partnerplane_session=${signSession(secret, { arn: Arn, ...LOCAL, expiresAt: Date.now() - 1000 })}`;
    const response = await get(`${appOrigin(server.url, Arn)}/`, { cookie });
    await assertPage(response, 403, 'Session expired');
    assert.match(response.headers.getSetCookie()[0]!, /^partnerplane_session=; Path=\/; Max-Age=0/);
  });
});

describe('apps that are not Available', () => {
  test('an app that failed to start is a 409 page', async () => {
    const client = server.client();
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Name: uniqueName('broken') })));
    await waitFor(client, Arn!, 'Failed');
    await assertPage(await get(await presign(client, Arn!)), 409, 'App failed to start');
  });

  test('a deleted app is a 410 page, for its links and its sessions', async () => {
    const client = server.client();
    const Arn = await createAvailableApp(client);
    const url = await presign(client, Arn);
    const session = await openPresignedUrl(await presign(client, Arn));
    await client.send(new DeletePartnerAppCommand({ Arn }));
    await waitFor(client, Arn, 'Deleted');
    await assertPage(await get(url), 410, 'App deleted');
    await assertPage(await get(session.landing, { cookie: session.cookie }), 410, 'App deleted');
  });

  describe('while a transition is under way', () => {
    let slow: TestServer;
    before(async () => {
      slow = await startTestServer({ createDelayMs: 0, updateDelayMs: 60_000, deleteDelayMs: 60_000 });
    });
    after(() => slow.close());

    test('Creating is a 503 page with Retry-After', async () => {
      const creating = await startTestServer({ createDelayMs: 60_000 });
      try {
        const client = creating.client();
        const { Arn } = await client.send(new CreatePartnerAppCommand(createInput()));
        const response = await get(await presign(client, Arn!));
        await assertPage(response, 503, 'App is starting');
        assert.equal(response.headers.get('retry-after'), '5');
      } finally {
        await creating.close();
      }
    });

    test('Updating is a 503 page for an open session', async () => {
      const client = slow.client();
      const Arn = await createAvailableApp(client);
      const session = await openPresignedUrl(await presign(client, Arn));
      await client.send(new UpdatePartnerAppCommand({ Arn, Tier: 'large' }));
      await assertPage(await get(session.landing, { cookie: session.cookie }), 503, 'App is updating');
    });

    test('Deleting is a 410 page', async () => {
      const client = slow.client();
      const Arn = await createAvailableApp(client);
      const url = await presign(client, Arn);
      await client.send(new DeletePartnerAppCommand({ Arn }));
      await assertPage(await get(url), 410, 'App deleted');
    });
  });
});
