import type { OperationContext } from '../../operations/context.js';
import { notCancelable } from '../../protocol/cloudControlErrors.js';
import { outcomeOf } from '../progress.js';
import { ownedRequest, requestEvent } from './requestEvent.js';
import type { Input, Output } from './types.js';

const CANCELABLE = new Set(['PENDING', 'IN_PROGRESS']);

/**
 * Cloud Control stops following the request: it is CANCEL_IN_PROGRESS until the app's transition
 * ends, then CANCEL_COMPLETE. The transition itself runs on (nothing is rolled back).
 */
export async function CancelResourceRequest(input: Input<'CancelResourceRequest'>, context: OperationContext): Promise<Output<'CancelResourceRequest'>> {
  const request = await ownedRequest(context, input.RequestToken);
  const app = request.identifier === undefined ? undefined : await context.store.getApp(request.identifier);
  const { status } = outcomeOf(request, app);
  if (!CANCELABLE.has(status)) {
    throw notCancelable(request.token, status);
  }
  // The call's audit record goes in with the cancel; a request canceled already is audited after the call.
  if (await context.store.cancelResourceRequest(request.token, context.clock.now(), context.audit?.record(request.token))) context.audit?.stored();
  return requestEvent(context, request.token);
}
