/**
 * The console over plain HTTP, as a browser would call it: sign-in against the credential store,
 * the session cookie, CSRF and origin checks, accounts kept apart, the key's allowed actions, the
 * API's own errors, and escaping. (The pages in a real browser: console.browser.test.ts.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, type CreatePartnerAppCommandInput } from '@aws-sdk/client-sagemaker';
import { LOCAL_ENTRY, randomAccount, writeCredentialsFile, type CredentialsEntry, type TestAccount } from '../helpers/credentials.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const ROLE = 'arn:aws:iam::123456789012:role/PartnerAppRole';
const app = (Name: string, extra: Partial<CreatePartnerAppCommandInput> = {}): CreatePartnerAppCommandInput => ({
  Name,
  Type: 'lakera-guard',
  Tier: 'small',
  ExecutionRoleArn: ROLE,
  AuthType: 'IAM',
  ...extra,
});

const alice = randomAccount();
const bob = randomAccount();
const reader: CredentialsEntry = { ...randomAccount(), accountId: alice.accountId, principal: 'reader', allowedActions: ['sagemaker:List*', 'sagemaker:Describe*'] };
const temporary: CredentialsEntry = { ...randomAccount(), sessionToken: 'the-session-token' };
const carol = randomAccount();

interface Session {
  cookie: string;
  csrf: string;
}

let server: TestServer;
let credentialsDir: string;

before(async () => {
  credentialsDir = tempDir('partnerplane-console-keys-');
  const credentialsFile = writeCredentialsFile(credentialsDir, [LOCAL_ENTRY, alice, bob, carol, reader, temporary]);
  server = await startTestServer({ credentialsFile });
});
after(async () => {
  await server.close();
  fs.rmSync(credentialsDir, { recursive: true, force: true });
});

function signInRequest(fields: Record<string, string>, headers: Record<string, string> = {}, url = server.url): Promise<Response> {
  return fetch(`${url}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

const sessionCookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]!;

async function signIn(account: TestAccount): Promise<Session> {
  const response = await signInRequest({ accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey, sessionToken: account.sessionToken ?? '' });
  assert.equal(response.status, 303);
  const cookie = sessionCookieOf(response);
  const page = await (await fetch(`${server.url}/console`, { headers: { Cookie: cookie } })).text();
  return { cookie, csrf: /<meta name="csrf-token" content="([^"]+)">/.exec(page)![1]! };
}

function consoleCall(session: Session, operation: string, input: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/console/api/${operation}?region=us-east-1`, {
    method: 'POST',
    headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
}

const rows = async (session: Pick<Session, 'cookie'>, url = server.url) => fetch(`${url}/console/rows?region=us-east-1`, { headers: { Cookie: session.cookie } });

const sdkFor = (account: TestAccount) => server.client({ credentials: account });

const sdkError = (account: TestAccount, input: CreatePartnerAppCommandInput) =>
  sdkFor(account)
    .send(new CreatePartnerAppCommand(input))
    .then(
      () => assert.fail('the SDK call was accepted'),
      (error: Error) => error,
    );

describe('sign-in', () => {
  test('the sign-in page is served to anyone, with a strict content security policy', async () => {
    const response = await fetch(`${server.url}/console`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<form method="post" action="\/console\/sign-in"/);
    assert.match(response.headers.get('content-security-policy')!, /script-src 'self';.*frame-ancestors 'none'/);
    assert.ok(response.headers.get('x-amzn-requestid'));
  });

  test('a wrong secret, an unknown key and a missing session token are refused alike', async () => {
    const attempts = [
      { accessKeyId: alice.accessKeyId, secretAccessKey: 'not-the-secret' },
      { accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: alice.secretAccessKey },
      { accessKeyId: temporary.accessKeyId, secretAccessKey: temporary.secretAccessKey },
    ];
    for (const fields of attempts) {
      const response = await signInRequest(fields);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('set-cookie'), null);
      const page = await response.text();
      assert.match(page, /The access key ID or the secret access key is not valid\./);
      assert.ok(!page.includes(fields.secretAccessKey), 'the secret is not echoed');
    }
  });

  test('the access key is echoed back escaped', async () => {
    const page = await (await signInRequest({ accessKeyId: '<img src=x onerror=alert(1)>', secretAccessKey: 'x' })).text();
    assert.ok(page.includes('value="&lt;img src=x onerror=alert(1)&gt;"'));
    assert.ok(!page.includes('<img'));
  });

  test('success sets an HttpOnly, SameSite=Strict cookie that holds no secret', async () => {
    const response = await signInRequest({ accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/console');
    const setCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('partnerplane_console='))!;
    assert.match(setCookie, /^partnerplane_console=[\w-]+\.[\w-]+; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const payload = Buffer.from(sessionCookieOf(response).split('=')[1]!.split('.')[0]!, 'base64url').toString('utf8');
    assert.equal(JSON.parse(payload).accessKeyId, alice.accessKeyId);
    assert.ok(!payload.includes(alice.secretAccessKey));
  });

  test('over https the cookies are __Host- ones, which no other host of the site (an app\'s) can set', async () => {
    const behindTls = await startTestServer({ credentialsFile: server.config.credentialsFile, publicUrl: 'https://partnerplane.example.test' });
    try {
      const response = await signInRequest({ accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey }, {}, behindTls.url);
      assert.equal(response.status, 303);
      const [session, device] = response.headers.getSetCookie();
      assert.match(session!, /^__Host-partnerplane_console=[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
      assert.match(device!, /^__Host-partnerplane_console_device=[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=2592000; Secure$/);
      const cookie = session!.split(';')[0]!;
      assert.equal((await rows({ cookie }, behindTls.url)).status, 200);
      assert.equal((await rows({ cookie: cookie.replace('__Host-', '') }, behindTls.url)).status, 401, 'the same value under a name any host may set is no session');
    } finally {
      await behindTls.close();
    }
  });

  test('temporary credentials need their session token', async () => {
    const session = await signIn(temporary);
    assert.equal((await rows(session)).status, 200);
  });

  test('a sign-in posted from another site is refused', async () => {
    const response = await signInRequest({ accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey }, { Origin: 'http://evil.example' });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('set-cookie'), null);
  });

  test('a cookie that was altered is no session', async () => {
    const { cookie } = await signIn(alice);
    const [name, value] = cookie.split('=');
    const [payload, mac] = value!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = `${name}=${Buffer.from(JSON.stringify({ ...claims, accessKeyId: bob.accessKeyId })).toString('base64url')}.${mac}`;
    const response = await rows({ cookie: forged });
    assert.equal(response.status, 401);
    assert.equal((await response.json()).__type, 'NotSignedIn');
    assert.match(await (await fetch(`${server.url}/console`, { headers: { Cookie: forged } })).text(), /name="secretAccessKey"/);
  });

  test('sign-out clears the cookie', async () => {
    const session = await signIn(alice);
    const response = await fetch(`${server.url}/console/sign-out`, { method: 'POST', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf } });
    assert.equal(response.status, 204);
    assert.match(response.headers.get('set-cookie')!, /^partnerplane_console=; .*Max-Age=0/);
  });
});

describe('console calls', () => {
  test('need the page\'s CSRF token, from the console\'s own origin', async () => {
    const session = await signIn(alice);
    const other = await signIn(alice);
    const input = app('csrfcheck');
    const refused: Record<string, string>[] = [{ 'X-CSRF-Token': '' }, { 'X-CSRF-Token': 'guess' }, { 'X-CSRF-Token': other.csrf }, { Origin: 'http://evil.example' }];
    for (const headers of refused) {
      const response = await consoleCall(session, 'CreatePartnerApp', input, headers);
      assert.equal(response.status, 403, JSON.stringify(headers));
      assert.equal((await response.json()).__type, 'InvalidConsoleRequest');
    }
    const accepted = await consoleCall(session, 'CreatePartnerApp', input, { Origin: server.url });
    assert.equal(accepted.status, 200);
    assert.match((await accepted.json()).Arn, new RegExp(`:${alice.accountId}:partner-app/`));
  });

  test('answer with the API\'s own errors', async () => {
    const input = app('bad name', { Tier: '' });
    const expected = await sdkError(alice, input);
    const response = await consoleCall(await signIn(alice), 'CreatePartnerApp', input);
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { __type: expected.name, message: expected.message });
  });

  test('are limited to the key\'s allowed actions', async () => {
    const session = await signIn(reader);
    assert.equal((await rows(session)).status, 200, 'List and Describe are allowed');
    const expected = await sdkError(reader, app('notallowed'));
    const response = await consoleCall(session, 'CreatePartnerApp', app('notallowed'));
    assert.deepEqual(await response.json(), { __type: 'AccessDeniedException', message: expected.message });
  });

  test('are only the operations the console offers', async () => {
    const response = await consoleCall(await signIn(alice), 'AddTags', { ResourceArn: 'x', Tags: [] });
    assert.equal(response.status, 404);
  });
});

describe('the table', () => {
  test('shows each account only its own apps', async () => {
    const { Arn } = await sdkFor(bob).send(new CreatePartnerAppCommand(app('bobsapp')));
    const aliceSession = await signIn(alice);
    const bobSession = await signIn(bob);
    assert.ok(!(await (await rows(aliceSession)).text()).includes('bobsapp'));
    assert.match(await (await rows(bobSession)).text(), /data-name="bobsapp"/);
    const response = await consoleCall(aliceSession, 'DeletePartnerApp', { Arn });
    assert.equal((await response.json()).__type, 'ResourceNotFound');
  });

  test('escapes what apps hold', async () => {
    const account = carol;
    await sdkFor(account).send(new CreatePartnerAppCommand(app('escaped', { Tier: '<img src=x onerror=alert(1)>' })));
    const html = await (await rows(await signIn(account))).text();
    assert.ok(html.includes('<td data-label="Tier">&lt;img src=x onerror=alert(1)&gt;</td>'));
    assert.ok(html.includes('data-tier="&lt;img src=x onerror=alert(1)&gt;"'));
    assert.ok(!html.includes('<img'));
  });

  test('refuses a region that is not a region name', async () => {
    const response = await fetch(`${server.url}/console?region=${encodeURIComponent('"><script>')}`, { headers: { Cookie: (await signIn(alice)).cookie } });
    assert.equal(response.status, 400);
    assert.ok(!(await response.text()).includes('<script>'));
  });
});

describe('sessions across restarts', () => {
  test('outlive a restart, and end when the key\'s secret changes', async () => {
    const dataDir = tempDir('partnerplane-console-restart-');
    const account = randomAccount();
    // SQLite in the data directory on both suite runs: the restarted server must find the same store.
    const startWithSecret = (secretAccessKey: string) =>
      startTestServer({
        dataDir,
        databaseUrl: `sqlite:${path.join(dataDir, 'store.sqlite')}`,
        credentialsFile: writeCredentialsFile(dataDir, [{ ...account, secretAccessKey }]),
      });
    let running = await startWithSecret(account.secretAccessKey);
    try {
      const signedIn = await signInRequest({ accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey }, {}, running.url);
      const session = { cookie: sessionCookieOf(signedIn) };
      await running.close();
      running = await startWithSecret(account.secretAccessKey);
      assert.equal((await rows(session, running.url)).status, 200, 'the same secret: still signed in');
      await running.close();
      running = await startWithSecret('a-new-secret-for-the-same-key');
      assert.equal((await rows(session, running.url)).status, 401, 'a new secret: signed out');
    } finally {
      await running.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
