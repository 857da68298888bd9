import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppPresignedUrlCommand, DeletePartnerAppCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { verifyToken, type PresignedToken } from '../../src/domain/presignedUrl.js';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, missingArn, rejectsWith, waitFor } from './support.js';

let server: TestServer;
let gatewaySecret: string;
before(async () => {
  server = await startTestServer();
  // The server made its gateway secret at start; asking again returns that one.
  gatewaySecret = await server.server.store.sharedSecret('gateway', () => 'not the secret');
});
after(() => server.close());

const presign = (client: SageMakerClient, Arn: string, options: { ExpiresInSeconds?: number; SessionExpirationDurationInSeconds?: number } = {}) =>
  client.send(new CreatePartnerAppPresignedUrlCommand({ Arn, ...options }));

/** The URL's shape, and the claims of its token as the gateway will read them. */
function tokenOf(url: string, Arn: string): PresignedToken {
  const appId = Arn.split('/')[1]!;
  const parsed = new URL(url);
  assert.equal(`${parsed.origin}${parsed.pathname}`, `http://${appId.toLowerCase()}.localhost:${new URL(server.url).port}/`, "the app's own origin");
  const claims = verifyToken(gatewaySecret, parsed.searchParams.get('token') ?? '');
  assert.ok(claims, 'the token is signed with the gateway secret');
  return claims;
}

describe('serialization', () => {
  test('ExpiresInSeconds sent as a string is a SerializationException', async () => {
    const response = await rawRequest(server.url, 'CreatePartnerAppPresignedUrl', { body: { Arn: missingArn(), ExpiresInSeconds: '60' } });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'class java.lang.String can not be converted to an Integer' });
  });
});

describe('behaviour', () => {
  test('the URL opens the app through the gateway with a signed token; defaults are 300 s to sign in and a 43200 s session', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client);
    const before = Date.now();
    const { Url } = await presign(client, Arn);
    const after = Date.now();
    const claims = tokenOf(Url!, Arn);
    assert.equal(claims.arn, Arn);
    assert.ok(claims.expiresAt >= before + 300_000 && claims.expiresAt <= after + 300_000, `expiresAt ${claims.expiresAt}`);
    assert.equal(claims.sessionSeconds, 43_200);
  });

  test('ExpiresInSeconds and SessionExpirationDurationInSeconds given are honoured', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client);
    const before = Date.now();
    const { Url } = await presign(client, Arn, { ExpiresInSeconds: 5, SessionExpirationDurationInSeconds: 1800 });
    const claims = tokenOf(Url!, Arn);
    assert.ok(claims.expiresAt >= before + 5_000 && claims.expiresAt <= Date.now() + 5_000);
    assert.equal(claims.sessionSeconds, 1800);
  });

  test('the token names who asked for it, and every URL has a token of its own', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client);
    const first = tokenOf((await presign(client, Arn)).Url!, Arn);
    const second = tokenOf((await presign(client, Arn)).Url!, Arn);
    assert.notEqual(first.id, second.id);
    assert.match(first.principal, new RegExp(`^arn:aws:iam::${client.account.accountId}:`));
  });

  test("an unknown ARN, another account's app and a Deleted app are ResourceNotFound", async () => {
    const client = accountClient(server);
    const unknown = missingArn(client.account.accountId);
    await rejectsWith(presign(client, unknown), { name: 'ResourceNotFound', message: `Partner app ${unknown} does not exist.` });

    const theirs = await createAvailableApp(accountClient(server));
    await rejectsWith(presign(client, theirs), { name: 'ResourceNotFound', message: `Partner app ${theirs} does not exist.` });

    const Arn = await createAvailableApp(client);
    await client.send(new DeletePartnerAppCommand({ Arn }));
    await waitFor(client, Arn, 'Deleted');
    await rejectsWith(presign(client, Arn), { name: 'ResourceNotFound', message: `Partner app ${Arn} does not exist.` });
  });
});
