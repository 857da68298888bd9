import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DescribePartnerAppCommand, UpdatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, createInput, describeApp, missingArn, rejectsWith, waitFor } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('serialization', () => {
  test('IncludeAvailableUpgrade sent as a string is a SerializationException', async () => {
    const response = await rawRequest(server.url, 'DescribePartnerApp', { body: { Arn: missingArn(), IncludeAvailableUpgrade: 'true' } });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'class java.lang.String can not be converted to an Boolean' });
  });
});

describe('validation', () => {
  test('an Arn that is not a partner-app ARN is a ValidationException, not a lookup', async () => {
    const arn = 'arn:aws:sagemaker:us-east-1:000000000000:notebook-instance/nb';
    await rejectsWith(server.client().send(new DescribePartnerAppCommand({ Arn: arn })), {
      name: 'ValidationException',
      message: `1 validation error detected: Value '${arn}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:partner-app\\/app-[A-Z0-9]{12}`,
    });
  });
});

describe('behaviour', () => {
  test('an ARN that names no app is ResourceNotFound', async () => {
    const client = accountClient(server);
    const arn = missingArn(client.account.accountId);
    await rejectsWith(client.send(new DescribePartnerAppCommand({ Arn: arn })), { name: 'ResourceNotFound', message: `Partner app ${arn} does not exist.` });
  });

  test("another account's app, or one in another region, is ResourceNotFound, worded as for an app that does not exist", async () => {
    const owner = server.newAccount();
    const { Arn } = await server.client({ credentials: owner }).send(new CreatePartnerAppCommand(createInput()));
    await rejectsWith(accountClient(server).send(new DescribePartnerAppCommand({ Arn })), { name: 'ResourceNotFound', message: `Partner app ${Arn} does not exist.` });
    await rejectsWith(server.client({ credentials: owner, region: 'eu-west-1' }).send(new DescribePartnerAppCommand({ Arn })), {
      name: 'ResourceNotFound',
      message: `Partner app ${Arn} does not exist.`,
    });
    // The same app in its own account and region is found.
    assert.equal((await describeApp(server.client({ credentials: owner }), Arn!)).Arn, Arn);
  });

  test('IncludeAvailableUpgrade shows the next version of the catalog and its release notes', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Type: 'comet' });
    const plain = await describeApp(client, Arn);
    assert.equal(plain.Version, '1.1');
    assert.equal(plain.AvailableUpgrade, undefined, 'only shown when asked for');
    assert.equal((await describeApp(client, Arn, false)).AvailableUpgrade, undefined);
    const withUpgrade = await describeApp(client, Arn, true);
    assert.deepEqual(withUpgrade.AvailableUpgrade, { Version: '1.2', ReleaseNotes: ['Model registry webhooks.', 'Faster artifact upload.'] });
    assert.deepEqual(withUpgrade.CurrentVersionEolDate, new Date('2027-05-31T00:00:00Z'));
  });

  test('Describe is read-only: asking twice gives the same answer', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client);
    const { $metadata: _first, ...first } = await describeApp(client, Arn, true);
    const { $metadata: _second, ...second } = await describeApp(client, Arn, true);
    assert.deepEqual(second, first);
  });

  test('once the app changes, both answers (with and without the upgrade) describe it as it is now', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Type: 'comet', Tier: 'small' });
    // Asked more than once each, so that an answer kept from before the change would be the one given.
    for (let round = 0; round < 2; round++) {
      assert.equal((await describeApp(client, Arn)).Tier, 'small');
      assert.equal((await describeApp(client, Arn, true)).AvailableUpgrade?.Version, '1.2');
    }
    await client.send(new UpdatePartnerAppCommand({ Arn, Tier: 'large', AppVersion: '1.2' }));
    assert.equal((await describeApp(client, Arn)).Status, 'Updating');
    assert.equal((await describeApp(client, Arn, true)).Status, 'Updating');
    await waitFor(client, Arn, 'Available');
    const plain = await describeApp(client, Arn);
    const withUpgrade = await describeApp(client, Arn, true);
    assert.deepEqual([plain.Tier, plain.Version, plain.AvailableUpgrade], ['large', '1.2', undefined]);
    assert.deepEqual([withUpgrade.Tier, withUpgrade.Version, withUpgrade.AvailableUpgrade], ['large', '1.2', { Version: '1.3', ReleaseNotes: ['Panels API.'] }]);
    assert.deepEqual(withUpgrade.CurrentVersionEolDate, new Date('2028-01-31T00:00:00Z'));
  });
});
