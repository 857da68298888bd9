/**
 * Requests signed the partner-app SDK way (boto3's SigV4Auth, see partnerSdk.ts) reaching the app
 * through the gateway, the identity the app is told, and every way such a request is refused.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DescribePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { startTestServer, tempDir, type Credentials, type TestServer } from '../helpers/server.js';
import { createAvailableApp, createInput, missingArn, uniqueName, waitFor } from '../operations/support.js';
import { get, openPresignedUrl, pageField, presign } from './support.js';
import { partnerAppRequest, partnerAppRequests, type PartnerAppRequest, type PartnerAppResponse } from './partnerSdk.js';

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';

/** Temporary credentials of an assumed-role session: principal and session name differ. */
const ALICE: Credentials = { accessKeyId: 'ASIAALICE', secretAccessKey: 'alice-secret', sessionToken: 'alice-session-token' };
const ALICE_PRINCIPAL = `arn:aws:sts::${ACCOUNT}:assumed-role/DataScientist/alice`;
/** Long-term keys of an IAM user of the same account. */
const BOB: Credentials = { accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret' };
const BOB_PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/bob`;
/** Keys of the same account that may look but not call apps. */
const VIEWER: Credentials = { accessKeyId: 'AKIAVIEWER', secretAccessKey: 'viewer-secret' };
const CAROL: Credentials = { accessKeyId: 'AKIACAROL', secretAccessKey: 'carol-secret' };

let dir: string;
let server: TestServer;
let backend: { url: string; requests: { url: string; headers: http.IncomingHttpHeaders; body: string }[]; server: http.Server };

before(async () => {
  dir = tempDir('partnerplane-gateway-');
  const credentialsFile = path.join(dir, 'credentials.json');
  fs.writeFileSync(
    credentialsFile,
    JSON.stringify({
      accessKeys: [
        { ...ALICE, accountId: ACCOUNT, principal: ALICE_PRINCIPAL },
        { ...BOB, accountId: ACCOUNT, principal: 'bob' },
        { ...VIEWER, accountId: ACCOUNT, allowedActions: ['sagemaker:Describe*', 'sagemaker:List*'] },
        { ...CAROL, accountId: OTHER_ACCOUNT },
      ],
    }),
  );
  const requests: typeof backend.requests = [];
  const upstream = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ url: req.url!, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  backend = { url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, requests, server: upstream };
  server = await startTestServer({ credentialsFile, failCreate: /^broken/, appUpstreams: { fiddler: new URL(backend.url) } });
});
after(async () => {
  await server.close();
  await new Promise((resolve) => backend.server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function availableApp(credentials: Credentials, overrides: Parameters<typeof createInput>[0] = {}) {
  const client = server.client({ credentials });
  const arn = await createAvailableApp(client, overrides);
  const { BaseUrl, Name, Version } = await client.send(new DescribePartnerAppCommand({ Arn: arn }));
  return { arn, baseUrl: BaseUrl!, name: Name!, version: Version!, client };
}

describe('a request signed the partner-app SDK way', () => {
  test('reaches the built-in app, which knows the app and the caller', async () => {
    const app = await availableApp(BOB, { Tier: 'large' });
    const response = await partnerAppRequest({ url: `${app.baseUrl}/api/v1/whoami?project=a+b`, arn: app.arn, credentials: BOB, headers: { Accept: 'application/json' } });
    assert.equal(response.status, 200, response.body);
    assert.deepEqual(response.json, { name: app.name, type: 'comet', tier: 'large', version: app.version, arn: app.arn, identity: 'bob', via: 'signed-request' });
  });

  test('with EnableIamSessionBasedIdentity the app is told the IAM session name', async () => {
    const app = await availableApp(ALICE, { EnableIamSessionBasedIdentity: true });
    const [alice, bob] = await partnerAppRequests(
      [ALICE, BOB].map((credentials) => ({ url: `${app.baseUrl}/`, arn: app.arn, credentials, headers: { Accept: 'application/json' } })),
    );
    assert.equal(alice!.json?.identity, 'alice', alice!.body);
    assert.equal(bob!.json?.identity, 'bob', bob!.body);
    // A browser session started by Alice's presigned URL is her session too.
    const session = await openPresignedUrl(await presign(app.client, app.arn));
    const page = await get(session.landing, { cookie: session.cookie });
    assert.equal(pageField(await page.text(), 'signed-in-as'), 'alice');
  });

  test('reaches a real upstream with the caller identity and the app its own Authorization back', async () => {
    const app = await availableApp(BOB, { Type: 'fiddler' });
    const body = JSON.stringify({ query: 'drift', window: '7d' });
    const response = await partnerAppRequest({
      url: `${app.baseUrl}/v2/models/m1/drift?from=2024-01-01`,
      arn: app.arn,
      credentials: BOB,
      method: 'POST',
      headers: { Authorization: 'Bearer fiddler-app-key', 'Content-Type': 'application/json', 'X-Partnerplane-User': 'forged' },
      body,
    });
    assert.equal(response.status, 200, response.body);
    const seen = backend.requests.at(-1)!;
    assert.equal(seen.url, '/v2/models/m1/drift?from=2024-01-01');
    assert.equal(seen.body, body);
    assert.equal(seen.headers.authorization, 'Bearer fiddler-app-key', "the app's own Authorization is restored");
    assert.equal(seen.headers['x-partnerplane-user'], 'bob');
    assert.equal(seen.headers['x-partnerplane-principal'], BOB_PRINCIPAL);
    assert.equal(seen.headers['x-partnerplane-app-arn'], app.arn);
    assert.equal(seen.headers['x-partnerplane-via'], 'signed-request');
    assert.equal(seen.headers['x-sagemaker-partner-app-server-arn'], app.arn);
    for (const header of ['x-amz-partner-app-authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'x-amz-target']) {
      assert.equal(seen.headers[header], undefined, `${header} stays with the gateway`);
    }
  });

  test("reaches the app at /gateway/<app-id>/ on the API endpoint too, for a client that cannot resolve the app's host", async () => {
    const app = await availableApp(BOB, { Type: 'fiddler' });
    const appId = app.arn.slice(app.arn.lastIndexOf('/') + 1);
    const response = await partnerAppRequest({ url: `${server.url}/gateway/${appId}/v2/models?limit=1`, arn: app.arn, credentials: BOB, headers: { Authorization: 'Bearer fiddler-app-key' } });
    assert.equal(response.status, 200, response.body);
    const seen = backend.requests.at(-1)!;
    assert.equal(seen.url, '/v2/models?limit=1', "the app's own path");
    assert.equal(seen.headers.authorization, 'Bearer fiddler-app-key');
    assert.equal(seen.headers['x-partnerplane-via'], 'signed-request');
    assert.equal(seen.headers['x-forwarded-host'], new URL(server.url).host, 'where the client called');
    assert.equal(seen.headers['x-forwarded-prefix'], `/gateway/${appId}`);
  });

  test('a session token reaches neither the app nor anyone else', async () => {
    const app = await availableApp(ALICE, { Type: 'fiddler', EnableIamSessionBasedIdentity: true });
    const response = await partnerAppRequest({ url: `${app.baseUrl}/`, arn: app.arn, credentials: ALICE });
    assert.equal(response.status, 200, response.body);
    assert.ok(!JSON.stringify(backend.requests.at(-1)!.headers).includes(ALICE.sessionToken!));
  });
});

describe('a signed request that is refused', () => {
  let app: Awaited<ReturnType<typeof availableApp>>;
  before(async () => {
    app = await availableApp(BOB);
  });

  const expectError = (response: PartnerAppResponse, status: number, code: string, message: RegExp | undefined, label: string) => {
    assert.equal(response.status, status, `${label}: ${response.body}`);
    assert.equal(response.json?.__type, code, `${label}: ${response.body}`);
    assert.equal(response.headers['x-amzn-ErrorType'], code, label);
    if (message) assert.match(response.json.message ?? response.json.Message, message, label);
  };
  const appUrl = (arn: string) => `${server.url}/gateway/${arn.slice(arn.lastIndexOf('/') + 1)}/`;

  test("gets AWS's answer for each way the caller can be wrong", async () => {
    const cases: [string, PartnerAppRequest, number, string, RegExp?][] = [
      ['wrong secret', { url: app.baseUrl, arn: app.arn, credentials: { ...BOB, secretAccessKey: 'not-bobs' } }, 400, 'InvalidSignatureException', /signature we calculated does not match/],
      ['unknown key', { url: app.baseUrl, arn: app.arn, credentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' } }, 400, 'UnrecognizedClientException'],
      ['temporary credentials without their token', { url: app.baseUrl, arn: app.arn, credentials: { ...ALICE, sessionToken: undefined } }, 400, 'UnrecognizedClientException'],
      ['key not allowed CallPartnerAppApi', { url: app.baseUrl, arn: app.arn, credentials: VIEWER }, 400, 'AccessDeniedException', /perform: sagemaker:CallPartnerAppApi .* no identity-based policy/],
      // Another account is refused alike whether or not the app exists, so it learns nothing.
      ["another account's app", { url: app.baseUrl, arn: app.arn, credentials: CAROL }, 400, 'AccessDeniedException', /perform: sagemaker:CallPartnerAppApi .* no resource-based policy/],
      ["another account's missing app", { url: appUrl(missingArn(ACCOUNT)), arn: missingArn(ACCOUNT), credentials: CAROL }, 400, 'AccessDeniedException', /no resource-based policy/],
    ];
    const responses = await partnerAppRequests(cases.map(([, request]) => request));
    cases.forEach(([label, , status, code, message], index) => expectError(responses[index]!, status, code, message, label));
  });

  test('says what is wrong with the app it names', async () => {
    const client = server.client({ credentials: BOB });
    const [other, { Arn: broken }] = await Promise.all([
      availableApp(BOB),
      client.send(new CreatePartnerAppCommand(createInput({ Name: uniqueName('broken') }))),
    ]);
    await waitFor(client, broken!, 'Failed');
    const cases: [string, PartnerAppRequest, number, string, RegExp][] = [
      ['another app than the URL serves', { url: app.baseUrl, arn: other.arn, credentials: BOB }, 400, 'ValidationException', /does not name app/],
      ['an app that does not exist', { url: appUrl(missingArn(ACCOUNT)), arn: missingArn(ACCOUNT), credentials: BOB }, 404, 'ResourceNotFound', /does not exist/],
      ['an app that failed to start', { url: appUrl(broken!), arn: broken!, credentials: BOB }, 409, 'ConflictException', /status Failed/],
    ];
    const responses = await partnerAppRequests(cases.map(([, request]) => request));
    cases.forEach(([label, , status, code, message], index) => expectError(responses[index]!, status, code, message, label));
  });
});
