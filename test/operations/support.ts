/**
 * What the operation, validation, protocol and end-to-end tests share: valid inputs to start from,
 * a fresh account per test (so tests on one server never see each other's apps or quota), and
 * checks of the errors the real SDK raises.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CreatePartnerAppCommand,
  DescribePartnerAppCommand,
  type CreatePartnerAppCommandInput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { TestAccount } from '../helpers/credentials.js';
import { waitForStatus, type TestServer } from '../helpers/server.js';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/PartnerAppRole';
export const IDC_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
export const APP_ARN_PATTERN = /^arn:aws:sagemaker:([a-z0-9-]+):(\d{12}):partner-app\/app-[A-Z0-9]{12}$/;

/** A name no other test uses; Names are letters and digits only. */
export const uniqueName = (prefix = 'app') => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/** The root admin user Comet and Fiddler apps must have (docs/behaviour.md). */
export const ROOT_ADMIN = 'admin@example.com';

/** A minimal valid CreatePartnerApp request: a comet app with its root admin user. */
export function createInput(overrides: Partial<CreatePartnerAppCommandInput> = {}): CreatePartnerAppCommandInput {
  return { Name: uniqueName(), Type: 'comet', ExecutionRoleArn: ROLE_ARN, Tier: 'small', AuthType: 'IAM', ApplicationConfig: { AdminUsers: [ROOT_ADMIN] }, ...overrides };
}

/** An SDK client of an account of its own (from the test server's credentials file), in `region`. */
export function accountClient(server: TestServer, region = 'us-east-1'): SageMakerClient & { account: TestAccount } {
  const account = server.newAccount();
  return Object.assign(server.client({ credentials: account, region }), { account });
}

/** An ARN of the caller's shape that names no app. */
export const missingArn = (accountId = '000000000000', region = 'us-east-1') =>
  `arn:aws:sagemaker:${region}:${accountId}:partner-app/app-${'Z'.repeat(12)}`;

export async function describeApp(client: SageMakerClient, Arn: string, IncludeAvailableUpgrade?: boolean) {
  return client.send(new DescribePartnerAppCommand({ Arn, IncludeAvailableUpgrade }));
}

export function waitFor(client: SageMakerClient, Arn: string, ...statuses: string[]): Promise<string> {
  return waitForStatus(() => describeApp(client, Arn), statuses);
}

/** Creates an app and waits until it is Available. */
export async function createAvailableApp(client: SageMakerClient, overrides: Partial<CreatePartnerAppCommandInput> = {}): Promise<string> {
  const { Arn } = await client.send(new CreatePartnerAppCommand(createInput(overrides)));
  assert.equal(await waitFor(client, Arn!, 'Available'), 'Available');
  return Arn!;
}

export interface ExpectedError {
  name: string;
  /** The exact message, or a pattern it must match. */
  message?: string | RegExp;
  status?: number;
}

/** Awaits `promise`, which must reject with the SDK's error of this name (and message). */
export async function rejectsWith(promise: Promise<unknown>, expected: ExpectedError): Promise<Error> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  assert.ok(error instanceof Error, `expected ${expected.name}, but the call succeeded`);
  const sdkError = error as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
  assert.equal(sdkError.name, expected.name, `expected ${expected.name}, got ${sdkError.name}: ${sdkError.message}`);
  if (typeof expected.message === 'string') assert.equal(sdkError.message, expected.message);
  else if (expected.message) assert.match(sdkError.message, expected.message);
  assert.equal(sdkError.$metadata?.httpStatusCode, expected.status ?? 400);
  assert.ok(sdkError.$metadata?.requestId, 'every error carries a request id');
  return sdkError;
}

/** One ValidationException message, as AWS words it. */
export function validationMessage(...problems: string[]): string {
  return `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`;
}
