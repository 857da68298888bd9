/** The calls the bench makes of partnerplane, on whichever store: the same inputs for SQLite and PostgreSQL. */
import { randomUUID } from 'node:crypto';
import type { Call } from './rounds.js';
import { EXECUTION_ROLE, seededArn } from './seed.js';

/** The calls, given how many apps were seeded (seededArn(0 … seededApps - 1)). */
export function partnerplaneCalls(seededApps: number) {
  const tag = Date.now().toString(36);
  return {
    describeOne: { operation: 'DescribePartnerApp', input: () => ({ Arn: seededArn(0) }) },
    describeSpread: { operation: 'DescribePartnerApp', input: (n) => ({ Arn: seededArn(n % seededApps) }) },
    list: { operation: 'ListPartnerApps', input: () => ({ MaxResults: 100 }) },
    // Each app is updated again only after every other seeded app: by then it is Available again.
    update: { operation: 'UpdatePartnerApp', input: (n) => ({ Arn: seededArn(n % seededApps), Tier: 'small', ClientToken: randomUUID() }) },
    create: {
      operation: 'CreatePartnerApp',
      input: (n) => ({ Name: `bench${tag}n${n}`, Type: 'lakera-guard', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: EXECUTION_ROLE, ClientToken: randomUUID() }),
    },
  } satisfies Record<string, Call>;
}
