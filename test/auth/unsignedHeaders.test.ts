/**
 * Every `x-amz-*` header a request carries must be covered by its signature: a header left out
 * could be changed by whoever relays the request (the target turning a Describe into a Delete).
 * The partner-app SDK's X-Amz-Partner-App-Authorization, the app's own credential, is the one
 * exception, and only at the gateway.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DescribePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { randomAccount, writeCredentialsFile, type TestAccount } from '../helpers/credentials.js';
import { rawRequest, sendRequest, signedRequest, startTestServer, tempDir, type RawResponse, type TestServer } from '../helpers/server.js';
import { createAvailableApp } from '../operations/support.js';

const NOT_SIGNED = 'There were headers present in the request which were not signed';

let server: TestServer;
let account: TestAccount;
let temporary: TestAccount;
before(async () => {
  account = randomAccount();
  temporary = { ...randomAccount(), sessionToken: 'FwoGZXIvYXdzEXAMPLE' };
  server = await startTestServer({ credentialsFile: writeCredentialsFile(tempDir(), [account, temporary]) });
});
after(() => server.close());

function assertNotSigned(response: RawResponse, names: string): void {
  assert.equal(response.status, 400, response.text);
  assert.equal(response.json.__type, 'InvalidSignatureException');
  assert.equal(response.headers['x-amzn-errortype'], 'InvalidSignatureException');
  assert.equal(response.json.message, `${NOT_SIGNED}: ${names}`);
}

describe('an x-amz-* header outside the signature', () => {
  test('X-Amz-Target: a Describe signed without its target cannot be replayed as a Delete', async () => {
    const client = server.client({ credentials: account });
    const Arn = await createAvailableApp(client);
    const request = await signedRequest(server.url, 'DescribePartnerApp', { body: { Arn }, credentials: account, signing: { unsigned: ['x-amz-target'] } });
    assert.match(request.headers.authorization!, /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,/);

    assertNotSigned(await sendRequest(server.url, request), 'x-amz-target');
    request.headers['x-amz-target'] = 'SageMaker.DeletePartnerApp';
    assertNotSigned(await sendRequest(server.url, request), 'x-amz-target');
    assert.equal((await client.send(new DescribePartnerAppCommand({ Arn }))).Status, 'Available', 'the app was not deleted');
  });

  test('the security token and the content hash, each named', async () => {
    const tokenUnsigned = await rawRequest(server.url, 'ListPartnerApps', {
      credentials: temporary,
      signing: { unsigned: ['x-amz-security-token'] },
    });
    assertNotSigned(tokenUnsigned, 'x-amz-security-token');

    const request = await signedRequest(server.url, 'ListPartnerApps', { credentials: account, signing: { unsigned: ['x-amz-target', 'x-amz-content-sha256'] } });
    request.headers['X-Amz-Extra'] = 'added after signing';
    assertNotSigned(await sendRequest(server.url, request), 'x-amz-content-sha256, x-amz-extra, x-amz-target');
  });

  test('a header of another prefix may stay unsigned, and signed requests pass', async () => {
    const request = await signedRequest(server.url, 'ListPartnerApps', { credentials: temporary });
    request.headers['x-amzn-trace-id'] = 'Root=1-5759e988-bd862e3fe1be46a994272793';
    request.headers['x-custom'] = 'not signed';
    const response = await sendRequest(server.url, request);
    assert.equal(response.status, 200, response.text);
  });

  test("at the gateway, the partner-app SDK's own X-Amz-Partner-App-Authorization may be added after signing, nothing else", async () => {
    const Arn = await createAvailableApp(server.client({ credentials: account }));
    const appId = Arn.slice(Arn.lastIndexOf('/') + 1);
    const sign = () =>
      signedRequest(server.url, 'SageMaker.CallPartnerAppApi', {
        method: 'GET',
        path: `/gateway/${appId}/api`,
        body: '',
        credentials: account,
        headers: { 'x-sagemaker-partner-app-server-arn': Arn, accept: 'application/json' },
      });
    const withAppCredential = await sign();
    withAppCredential.headers['X-Amz-Partner-App-Authorization'] = 'Bearer app-api-key';
    const admitted = await sendRequest(server.url, withAppCredential);
    assert.equal(admitted.status, 200, admitted.text);
    assert.equal(admitted.json.via, 'signed-request');

    const withOther = await sign();
    withOther.headers['X-Amz-Meta-Note'] = 'added after signing';
    assertNotSigned(await sendRequest(server.url, withOther), 'x-amz-meta-note');
  });
});
