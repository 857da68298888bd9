/**
 * A test suite of your own code against partnerplane, with Vitest:
 *   npx vitest run --root examples/vitest
 * The lifecycle delays are chosen here, to watch an app pass through Creating: long enough that
 * a busy machine (a CI run of many suites at once) still sees the first Describe before it ends.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreatePartnerAppCommand, DescribePartnerAppCommand, SageMakerClient, type PartnerAppStatus } from '@aws-sdk/client-sagemaker';
import { startPartnerplane, type PartnerplaneTestServer } from 'partnerplane/testing';

/** The code under test: waits for an app to leave its transition, reporting every status it saw. */
async function statusesUntilSettled(sagemaker: SageMakerClient, arn: string): Promise<PartnerAppStatus[]> {
  const seen: PartnerAppStatus[] = [];
  for (;;) {
    const { Status } = await sagemaker.send(new DescribePartnerAppCommand({ Arn: arn }));
    if (seen.at(-1) !== Status) seen.push(Status!);
    if (Status !== 'Creating' && Status !== 'Updating' && Status !== 'Deleting') return seen;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('an app on partnerplane', () => {
  let partnerplane: PartnerplaneTestServer;
  let sagemaker: SageMakerClient;

  beforeAll(async () => {
    partnerplane = await startPartnerplane({ createDelayMs: 2_000, region: 'eu-west-1' });
    sagemaker = new SageMakerClient(partnerplane.clientConfig);
  }, 30_000);
  beforeEach(() => partnerplane.reset());
  afterAll(async () => {
    sagemaker.destroy();
    await partnerplane.close();
  });

  it('is Creating, then Available', async () => {
    const { Arn } = await sagemaker.send(
      new CreatePartnerAppCommand({ Name: 'evals', Type: 'deepchecks-llm-evaluation', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/PartnerAppRole' }),
    );
    expect(Arn).toMatch(/^arn:aws:sagemaker:eu-west-1:000000000000:partner-app\/app-/);
    expect(await statusesUntilSettled(sagemaker, Arn!)).toEqual(['Creating', 'Available']);
  }, 30_000);

  it('is refused with AWS\'s validation message when its name is not one AWS accepts', async () => {
    const create = sagemaker.send(
      new CreatePartnerAppCommand({ Name: 'my app', Type: 'comet', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/PartnerAppRole' }),
    );
    await expect(create).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'my app' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]+",
    });
  });
});
