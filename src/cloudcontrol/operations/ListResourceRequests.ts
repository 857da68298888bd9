import type { OperationContext } from '../../operations/context.js';
import { pageTokens } from '../pageToken.js';
import { progressEventOf } from '../progress.js';
import type { Input, Output } from './types.js';

const DEFAULT_MAX_RESULTS = 20;
/** Requests read from the store at a time while looking for ones that pass the filter. */
const SCAN_BATCH = 100;

const tokens = pageTokens('ListResourceRequests');

/**
 * The caller's requests of the last seven days in the region, newest first. A status filter applies
 * to the status as it is now (derived from the app), so the store is scanned until the page is full.
 */
export async function ListResourceRequests(input: Input<'ListResourceRequests'>, context: OperationContext): Promise<Output<'ListResourceRequests'>> {
  const { Operations: operations, OperationStatuses: statuses } = input.ResourceRequestStatusFilter ?? {};
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const { accountId, region } = context.caller;
  const summaries: Record<string, unknown>[] = [];
  let before = input.NextToken ? tokens.decode(input.NextToken) : undefined;
  let last: number | undefined;
  scan: do {
    const page = await context.store.listResourceRequests(accountId, region, { before, limit: SCAN_BATCH });
    for (const request of page.items) {
      last = request.seq;
      if (operations?.length && !operations.includes(request.operation)) continue;
      const event = await progressEventOf(request, context);
      if (statuses?.length && !statuses.includes(event.OperationStatus as never)) continue;
      summaries.push(event);
      if (summaries.length === limit) {
        before = page.next !== undefined || request !== page.items[page.items.length - 1] ? last : undefined;
        break scan;
      }
    }
    before = page.next;
  } while (before !== undefined);
  return { ResourceRequestStatusSummaries: summaries, NextToken: before === undefined ? undefined : tokens.encode(before) };
}
