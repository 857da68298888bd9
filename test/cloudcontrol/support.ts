/** Cloud Control clients and the desired states the Cloud Control tests share. */
import { CloudControlClient, GetResourceRequestStatusCommand, type ProgressEvent } from '@aws-sdk/client-cloudcontrol';
import type { TestAccount } from '../helpers/credentials.js';
import type { TestServer } from '../helpers/server.js';
import { ROLE_ARN, ROOT_ADMIN, uniqueName } from '../operations/support.js';

export const TYPE_NAME = 'AWS::SageMaker::PartnerApp';

export function cloudControlClient(server: TestServer, credentials: TestAccount | { accessKeyId: string; secretAccessKey: string } = server.newAccount(), region = 'us-east-1') {
  return new CloudControlClient({ endpoint: server.url, region, credentials, maxAttempts: 1 });
}

/** A comet app's desired state (comet needs a root admin user). */
export function desiredState(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ Name: uniqueName('cc'), Type: 'comet', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: ROLE_ARN, ApplicationConfig: { AdminUsers: [ROOT_ADMIN] }, ...overrides });
}

/** Polls the request until it is no longer IN_PROGRESS (or CANCEL_IN_PROGRESS). */
export async function settled(client: CloudControlClient, RequestToken: string, timeoutMs = 10_000): Promise<ProgressEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { ProgressEvent: event } = await client.send(new GetResourceRequestStatusCommand({ RequestToken }));
    if (!event!.OperationStatus!.endsWith('IN_PROGRESS')) return event!;
    if (Date.now() > deadline) throw new Error(`request ${RequestToken} stayed ${event!.OperationStatus}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
