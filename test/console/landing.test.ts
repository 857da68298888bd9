/** What a person finds at the server's address: GET / leads to the console, whose sign-in page names the local key when it is the one accepted. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomAccount, writeCredentialsFile } from '../helpers/credentials.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const LOCAL_KEY_HINT = 'This server runs without a credentials file: sign in with access key <code>test</code> and secret <code>test</code>.';

describe('without a credentials file', () => {
  let server: TestServer;
  before(async () => {
    // Given as undefined, not left out: the helper otherwise brings a credentials file of its own.
    server = await startTestServer({ credentialsFile: undefined });
  });
  after(() => server.close());

  test('GET / and HEAD / redirect to the console', async () => {
    for (const method of ['GET', 'HEAD']) {
      const response = await fetch(`${server.url}/`, { method, redirect: 'manual' });
      assert.equal(response.status, 302, method);
      assert.equal(response.headers.get('location'), '/console', method);
    }
  });

  test('the sign-in page says the local key test/test works', async () => {
    const page = await (await fetch(`${server.url}/`)).text();
    assert.ok(page.includes(LOCAL_KEY_HINT), page);
  });

  test('POST / is still the API', async () => {
    const response = await fetch(`${server.url}/`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('x-amzn-errortype')?.split(':')[0], 'UnknownOperationException');
  });
});

describe('with a credentials file', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ credentialsFile: writeCredentialsFile(tempDir(), [randomAccount()]) });
  });
  after(() => server.close());

  test('the sign-in page does not offer test/test', async () => {
    const page = await (await fetch(`${server.url}/console`)).text();
    assert.match(page, /Sign in with an access key/);
    assert.ok(!page.includes('<code>test</code>'), page);
  });
});
