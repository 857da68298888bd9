import { validationError } from '../protocol/errors.js';
import { epochSeconds } from '../protocol/serialize.js';
import type { Input, OperationContext, Output } from './context.js';

const DEFAULT_MAX_RESULTS = 10;

/** The token is opaque to callers; it carries the position after the last app returned. */
const encodeToken = (before: number) => Buffer.from(JSON.stringify({ before })).toString('base64url');

function decodeToken(token: string): number {
  try {
    const { before } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { before?: unknown };
    if (typeof before === 'number' && Number.isSafeInteger(before) && before > 0) return before;
  } catch {
    // fall through to the error below
  }
  throw validationError('The NextToken is not valid. Pass the NextToken value returned by the previous ListPartnerApps call.');
}

export async function ListPartnerApps(input: Input<'ListPartnerApps'>, context: OperationContext): Promise<Output<'ListPartnerApps'>> {
  const before = input.NextToken ? decodeToken(input.NextToken) : undefined;
  const { accountId, region } = context.caller;
  const page = await context.store.listApps(accountId, region, { before, limit: input.MaxResults ?? DEFAULT_MAX_RESULTS });
  return {
    Summaries: page.items.map((app) => ({
      Arn: app.arn,
      Name: app.name,
      Type: app.type,
      Status: app.status,
      CreationTime: epochSeconds(app.creationTime),
    })),
    NextToken: page.next === undefined ? undefined : encodeToken(page.next),
  };
}
