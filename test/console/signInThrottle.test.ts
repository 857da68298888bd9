/**
 * The console's sign-in throttle, from several client addresses (127.0.0.0/8 is all this
 * machine): failed sign-ins per address and per access key end in 429 with Retry-After, the right
 * secret included; a browser that signed in with the key before keeps signing in through an
 * attack on it; and a lock lasts seconds, not the attack's length, for whoever waits it out.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { BURST, REFILL_MS } from '../../src/console/signInThrottle.js';
import { randomAccount, writeCredentialsFile, type TestAccount } from '../helpers/credentials.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

let server: TestServer;
const victim = randomAccount();
const bystander = randomAccount();
before(async () => {
  server = await startTestServer({ credentialsFile: writeCredentialsFile(tempDir(), [victim, bystander]) });
});
after(() => server.close());

interface Answer {
  status: number;
  retryAfter?: string;
  cookies: string[];
  body: string;
}

/** A sign-in form posted from the local address `from`, with the cookies given. */
function signIn(from: string, account: TestAccount, secret: string, cookie?: string): Promise<Answer> {
  const body = new URLSearchParams({ accessKeyId: account.accessKeyId, secretAccessKey: secret }).toString();
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        localAddress: from,
        method: 'POST',
        path: '/console/sign-in',
        agent: false,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...(cookie && { Cookie: cookie }) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, retryAfter: response.headers['retry-after'], cookies: response.headers['set-cookie'] ?? [], body: text }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const cookieNamed = (answer: Answer, name: string) => answer.cookies.map((cookie) => cookie.split(';')[0]!).find((pair) => pair.startsWith(`${name}=`));

test('failed sign-ins are throttled per address and per key, without locking out a browser the key used before', { timeout: 30_000 }, async () => {
  // Before the attack, the key's owner signs in from their browser and keeps its device cookie.
  const owner = await signIn('127.0.0.9', victim, victim.secretAccessKey);
  assert.equal(owner.status, 303);
  const device = cookieNamed(owner, 'partnerplane_console_device');
  assert.ok(device, 'a device cookie is set');
  assert.match(owner.cookies.find((cookie) => cookie.startsWith('partnerplane_console_device='))!, /; Path=\/console\/sign-in; HttpOnly; SameSite=Strict; Max-Age=2592000$/);

  // The attacker's address spends its failures on the key; the right secret is then refused unchecked.
  for (let attempt = 0; attempt < BURST; attempt++) assert.equal((await signIn('127.0.0.2', victim, `guess-${attempt}`)).status, 401);
  const throttled = await signIn('127.0.0.2', victim, victim.secretAccessKey);
  assert.equal(throttled.status, 429);
  assert.deepEqual(throttled.cookies, [], 'no session');
  const retryAfter = Number(throttled.retryAfter);
  assert.ok(retryAfter >= 1 && retryAfter <= REFILL_MS / 1000, `Retry-After ${throttled.retryAfter}`);
  assert.match(throttled.body, new RegExp(`Too many failed sign-ins\\. Try again in ${retryAfter} seconds\\.`));

  // The address is throttled for any key; the key for any unknown browser.
  assert.equal((await signIn('127.0.0.2', bystander, bystander.secretAccessKey)).status, 429);
  assert.equal((await signIn('127.0.0.3', victim, victim.secretAccessKey)).status, 429);
  assert.equal((await signIn('127.0.0.4', bystander, bystander.secretAccessKey)).status, 303, 'other keys from other addresses are untouched');

  // The owner's browser is not locked out, from any address.
  assert.equal((await signIn('127.0.0.3', victim, victim.secretAccessKey, device)).status, 303);
  // A device cookie is for its own key only.
  assert.equal((await signIn('127.0.0.2', bystander, bystander.secretAccessKey, device)).status, 429);

  // A lock lasts until a token comes back, whoever asks next.
  const wait = Number((await signIn('127.0.0.3', victim, victim.secretAccessKey)).retryAfter);
  await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  assert.equal((await signIn('127.0.0.3', victim, victim.secretAccessKey)).status, 303);
});
