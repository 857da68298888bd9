/**
 * A test suite of your own code against partnerplane, with node's test runner:
 *   node --import tsx --test examples/node-test/partnerApps.test.ts
 * Each test starts from no apps (reset), and apps settle at once (the default delays are 0).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { CreatePartnerAppCommand, DescribePartnerAppCommand, ListPartnerAppsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { startPartnerplane, type PartnerplaneTestServer } from 'partnerplane/testing';

/** The code under test: creates the team's app unless one of that name is live, and returns its ARN. */
async function ensureTeamApp(sagemaker: SageMakerClient, team: string): Promise<string> {
  const { Summaries = [] } = await sagemaker.send(new ListPartnerAppsCommand({}));
  const live = Summaries.find((app) => app.Name === team && app.Status !== 'Deleted');
  if (live?.Arn) return live.Arn;
  const { Arn } = await sagemaker.send(
    new CreatePartnerAppCommand({ Name: team, Type: 'lakera-guard', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/PartnerAppRole' }),
  );
  return Arn!;
}

let partnerplane: PartnerplaneTestServer;
let sagemaker: SageMakerClient;

before(async () => {
  partnerplane = await startPartnerplane();
  sagemaker = new SageMakerClient(partnerplane.clientConfig);
});
afterEach(() => partnerplane.reset());
after(async () => {
  sagemaker.destroy();
  await partnerplane.close();
});

test('creates the app once, however often it is asked', async () => {
  const first = await ensureTeamApp(sagemaker, 'vision');
  const second = await ensureTeamApp(sagemaker, 'vision');
  assert.equal(second, first);
  const { Summaries } = await sagemaker.send(new ListPartnerAppsCommand({}));
  assert.deepEqual(Summaries?.map((app) => app.Name), ['vision']);
});

test('the app it creates becomes Available', async () => {
  const arn = await ensureTeamApp(sagemaker, 'speech');
  let status: string | undefined;
  for (let tries = 0; tries < 50 && status !== 'Available'; tries++) {
    ({ Status: status } = await sagemaker.send(new DescribePartnerAppCommand({ Arn: arn })));
    if (status !== 'Available') await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(status, 'Available');
});

test('starts from no apps: reset() forgot the other tests\' apps', async () => {
  const { Summaries } = await sagemaker.send(new ListPartnerAppsCommand({}));
  assert.deepEqual(Summaries, []);
});
