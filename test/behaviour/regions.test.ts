/**
 * Regions are those of AWS's partitions, as the SDK's own partition data has them, and an ARN is
 * written in the partition of its region (docs/behaviour.md). Checked against the SDK's public
 * partition() function, and through the real server with the SDK signing for each region.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { partition } from '@aws-sdk/core/client';
import { CreatePartnerAppPresignedUrlCommand, ListPartnerAppsCommand } from '@aws-sdk/client-sagemaker';
import { partitionOf } from '../../src/domain/rules/regions.js';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, describeApp, IDC_INSTANCE_ARN, missingArn, rejectsWith } from '../operations/support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** A region of each partition the SDK knows, new ones included. */
const REGIONS = { 'us-east-1': 'aws', 'mx-central-1': 'aws', 'cn-north-1': 'aws-cn', 'us-gov-west-1': 'aws-us-gov', 'us-iso-east-1': 'aws-iso', 'eusc-de-east-1': 'aws-eusc' };

describe('the partition data', () => {
  test("every region is in the partition the SDK's partition() names", () => {
    for (const [region, expected] of Object.entries(REGIONS)) {
      assert.equal(partitionOf(region), expected, region);
      assert.equal(partition(region).name, expected, region);
    }
  });

  test('names no partition lists are not regions, nor are the global pseudo-regions', () => {
    for (const name of ['us-moon-1', 'aws-global', 'aws-cn-global', 'us-east-99', 'local']) assert.equal(partitionOf(name), undefined, name);
  });
});

describe('through the server', () => {
  test('a request signed for a region no partition has is refused as AWS refuses a wrong scope', async () => {
    for (const region of ['us-moon-1', 'aws-global']) {
      const response = await rawRequest(server.url, 'ListPartnerApps', { region });
      assert.equal(response.status, 400);
      assert.deepEqual(response.json, { __type: 'InvalidSignatureException', message: `Credential should be scoped to a valid region, not '${region}'.` });
    }
    await rejectsWith(server.client({ region: 'us-moon-1' }).send(new ListPartnerAppsCommand({})), {
      name: 'InvalidSignatureException',
      message: "Credential should be scoped to a valid region, not 'us-moon-1'.",
    });
  });

  for (const [region, partitionName] of Object.entries(REGIONS)) {
    test(`an app in ${region} has an ARN of partition ${partitionName}, and so has its Identity Center application`, async () => {
      const client = accountClient(server, region);
      const Arn = await createAvailableApp(client, { AuthType: 'IDC', IdcConfig: { InstanceArn: IDC_INSTANCE_ARN } });
      assert.match(Arn, new RegExp(`^arn:${partitionName}:sagemaker:${region}:${client.account.accountId}:partner-app/app-[A-Z0-9]{12}$`));
      const app = await describeApp(client, Arn);
      assert.match(app.IdcConfig!.ApplicationArn!, new RegExp(`^arn:${partitionName}:sso::${client.account.accountId}:application/ssoins-1234567890abcdef/apl-`));
      const { Url } = await client.send(new CreatePartnerAppPresignedUrlCommand({ Arn }));
      assert.ok(Url, 'the app opens');
    });
  }

  test("an ARN in another partition than its region's names no app", async () => {
    const client = accountClient(server, 'cn-north-1');
    const Arn = await createAvailableApp(client);
    const wrongPartition = Arn.replace(/^arn:aws-cn:/, 'arn:aws:');
    await rejectsWith(describeApp(client, wrongPartition), { name: 'ResourceNotFound', message: `Partner app ${wrongPartition} does not exist.` });
    const elsewhere = missingArn(client.account.accountId, 'cn-north-1').replace(/^arn:aws:/, 'arn:aws-cn:');
    await rejectsWith(describeApp(client, elsewhere), { name: 'ResourceNotFound', message: `Partner app ${elsewhere} does not exist.` });
  });
});
