import { validationError } from '../protocol/errors.js';
import { deepFreeze } from '../domain/deepFreeze.js';
import { epochSeconds, keepText } from '../protocol/serialize.js';
import type { PartnerAppSummary } from '../domain/partnerApp.js';
import type { Page } from '../store/store.js';
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

type Answer = Output<'ListPartnerApps'>;

/**
 * The answers given for pages the store hands out frozen (the same page to every reader until an
 * app changes: the SQLite store's AppCache), with their text kept (serialize.ts); an entry lives as
 * long as its page is held.
 */
const keptAnswers = new WeakMap<object, Answer>();

export async function ListPartnerApps(input: Input<'ListPartnerApps'>, context: OperationContext): Promise<Answer> {
  const before = input.NextToken ? decodeToken(input.NextToken) : undefined;
  const { accountId, region } = context.caller;
  const page = await context.store.listApps(accountId, region, { before, limit: input.MaxResults ?? DEFAULT_MAX_RESULTS });
  if (!Object.isFrozen(page)) return answerFor(page);
  let answer = keptAnswers.get(page);
  if (answer === undefined) {
    answer = answerFor(page);
    keptAnswers.set(page, deepFreeze(keepText(answer, JSON.stringify(answer))));
  }
  return answer;
}

function answerFor(page: Page<PartnerAppSummary, number>): Answer {
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
