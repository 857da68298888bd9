/**
 * The identity a person has inside a partner app (docs/behaviour.md, from the Developer Guide's
 * "Manage user authorization and authentication"), through the real gateway: presigned URLs from
 * the SDK and requests signed the partner-app SDK way. The callers come from a credentials file
 * whose entries carry principals and STS session tags.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppPresignedUrlCommand, DescribePartnerAppCommand, UpdatePartnerAppCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { startTestServer, tempDir, type Credentials, type TestServer } from '../helpers/server.js';
import { get, openPresignedUrl, pageField, presign } from '../gateway/support.js';
import { partnerAppRequest } from '../gateway/partnerSdk.js';
import { createAvailableApp, rejectsWith, waitFor } from '../operations/support.js';

const ACCOUNT = '333333333333';
const key = (name: string): Credentials => ({ accessKeyId: `AKIA${name.toUpperCase()}`, secretAccessKey: `${name}-secret` });
/** An assumed-role session tagged SageMakerPartnerAppUser. */
const ALICE = { ...key('alice'), sessionToken: 'alice-token' };
/** An assumed-role session without the tag. */
const CAROL = { ...key('carol'), sessionToken: 'carol-token' };
const CAROL_PRINCIPAL = `arn:aws:sts::${ACCOUNT}:assumed-role/DataScientist/carol`;
/** An IAM user. */
const BOB = key('bob');
/** The account's root user. */
const ROOT = key('root');

let dir: string;
let server: TestServer;
before(async () => {
  dir = tempDir('partnerplane-identity-');
  const credentialsFile = path.join(dir, 'credentials.json');
  const entries = [
    { ...ALICE, accountId: ACCOUNT, principal: `arn:aws:sts::${ACCOUNT}:assumed-role/DataScientist/alice`, sessionTags: { SageMakerPartnerAppUser: 'alice@example.com', team: 'ml' } },
    { ...CAROL, accountId: ACCOUNT, principal: CAROL_PRINCIPAL },
    { ...BOB, accountId: ACCOUNT, principal: 'bob' },
    { ...ROOT, accountId: ACCOUNT, principal: `arn:aws:iam::${ACCOUNT}:root` },
  ];
  fs.writeFileSync(credentialsFile, JSON.stringify({ accessKeys: entries }));
  server = await startTestServer({ credentialsFile });
});
after(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An app of BOB's making, with or without EnableIamSessionBasedIdentity; its BaseUrl for signed requests. */
async function app(EnableIamSessionBasedIdentity: boolean) {
  const client = server.client({ credentials: BOB });
  const Arn = await createAvailableApp(client, { EnableIamSessionBasedIdentity });
  const { BaseUrl } = await client.send(new DescribePartnerAppCommand({ Arn }));
  return { arn: Arn, baseUrl: BaseUrl!, client };
}

/** What the built-in app is told, through a presigned URL opened in a browser and through a signed request. */
async function identityInApp(target: { arn: string; baseUrl: string }, credentials: Credentials) {
  const session = await openPresignedUrl(await presign(server.client({ credentials }), target.arn));
  const page = await get(session.landing, { cookie: session.cookie });
  const signed = await partnerAppRequest({ url: `${target.baseUrl}/`, arn: target.arn, credentials, headers: { Accept: 'application/json' } });
  assert.equal(signed.status, 200, signed.body);
  return { browser: pageField(await page.text(), 'signed-in-as'), sdk: signed.json?.identity };
}

const noIdentity = (arn: string) =>
  `No user identity can be propagated to partner app ${arn} for ${CAROL_PRINCIPAL}: the session has no SageMakerPartnerAppUser session tag, and the app does not have EnableIamSessionBasedIdentity set. Tag the session with SageMakerPartnerAppUser, or set EnableIamSessionBasedIdentity on the app.`;

describe('the identity an app is told', () => {
  for (const flag of [false, true]) {
    test(`the SageMakerPartnerAppUser session tag, whatever EnableIamSessionBasedIdentity (${flag})`, async () => {
      assert.deepEqual(await identityInApp(await app(flag), ALICE), { browser: 'alice@example.com', sdk: 'alice@example.com' });
    });

    test(`an IAM user's user name, whatever EnableIamSessionBasedIdentity (${flag})`, async () => {
      assert.deepEqual(await identityInApp(await app(flag), BOB), { browser: 'bob', sdk: 'bob' });
    });
  }

  test('an untagged STS session: its session name with EnableIamSessionBasedIdentity', async () => {
    assert.deepEqual(await identityInApp(await app(true), CAROL), { browser: 'carol', sdk: 'carol' });
  });
});

describe('no identity, no launch', () => {
  test('an untagged STS session cannot launch an app without EnableIamSessionBasedIdentity, by presigned URL or SDK', async () => {
    const target = await app(false);
    const carol = server.client({ credentials: CAROL });
    await rejectsWith(carol.send(new CreatePartnerAppPresignedUrlCommand({ Arn: target.arn })), { name: 'ValidationException', message: noIdentity(target.arn) });
    const signed = await partnerAppRequest({ url: `${target.baseUrl}/`, arn: target.arn, credentials: CAROL });
    assert.equal(signed.status, 400);
    assert.deepEqual(signed.json, { __type: 'ValidationException', message: noIdentity(target.arn) });
  });

  test('a root user has no identity to propagate, even with EnableIamSessionBasedIdentity', async () => {
    const target = await app(true);
    await rejectsWith(server.client({ credentials: ROOT }).send(new CreatePartnerAppPresignedUrlCommand({ Arn: target.arn })), {
      name: 'ValidationException',
      message: `No user identity can be propagated to partner app ${target.arn} for arn:aws:iam::${ACCOUNT}:root: a root user has no IAM user name, session name or SageMakerPartnerAppUser session tag. Launch the app as an IAM user or from a tagged role session.`,
    });
  });

  test('turning EnableIamSessionBasedIdentity off stops a URL issued before, and a session started before', async () => {
    const target = await app(true);
    const carol = server.client({ credentials: CAROL });
    const unopened = await presign(carol, target.arn);
    const session = await openPresignedUrl(await presign(carol, target.arn));
    await turnOff(target.client, target.arn);
    for (const response of [await get(unopened), await get(session.landing, { cookie: session.cookie })]) {
      assert.equal(response.status, 400);
      assert.ok((await response.text()).includes(noIdentity(target.arn).replace(/&/g, '&amp;')));
    }
  });
});

async function turnOff(client: SageMakerClient, Arn: string): Promise<void> {
  await client.send(new UpdatePartnerAppCommand({ Arn, EnableIamSessionBasedIdentity: false }));
  assert.equal(await waitFor(client, Arn, 'Available'), 'Available');
}
