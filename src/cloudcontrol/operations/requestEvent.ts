import type { OperationContext } from '../../operations/context.js';
import { requestTokenNotFound } from '../../protocol/cloudControlErrors.js';
import { progressEventOf } from '../progress.js';
import type { ResourceRequest } from '../../domain/resourceRequests.js';
import type { WireProgressEvent } from './types.js';

/** The caller's request with this token; another account's or region's is not found, like one that never was. */
export async function ownedRequest(context: OperationContext, token: string): Promise<ResourceRequest> {
  const request = await context.store.getResourceRequest(token);
  const { accountId, region } = context.caller;
  if (!request || request.accountId !== accountId || request.region !== region) throw requestTokenNotFound(token);
  return request;
}

/** `{ProgressEvent}` of the caller's request with this token. */
export async function requestEvent(context: OperationContext, token: string): Promise<{ ProgressEvent: WireProgressEvent }> {
  return { ProgressEvent: await progressEventOf(await ownedRequest(context, token), context) };
}
