/** Apps built for tests that write to a store directly, without the API. */
import { appArn, newAppId, type PartnerApp } from '../../src/domain/partnerApp.js';

/** A new app (its own ARN) in `Creating`, as CreatePartnerApp would store it; any field may be given. */
export function storedApp(fields: Partial<Omit<PartnerApp, 'arn'>> = {}): PartnerApp {
  const accountId = fields.accountId ?? '123456789012';
  const region = fields.region ?? 'us-east-1';
  const now = Date.now();
  return {
    arn: appArn(region, accountId, newAppId()),
    accountId,
    region,
    name: 'app',
    type: 'comet',
    status: 'Creating',
    settings: { ExecutionRoleArn: `arn:aws:iam::${accountId}:role/r`, Tier: 'small', AuthType: 'IAM' },
    version: '1.0',
    creationTime: now,
    lastModifiedTime: now,
    failTransition: false,
    ...fields,
  };
}
