import type { CancelResourceRequestInput } from '@aws-sdk/client-cloudcontrol';
import type { OperationContext, Validated } from '../../operations/context.js';
import { cloudControlError } from '../errors.js';
import { outcomeOf } from '../progress.js';
import { ownedRequest, requestEvent } from './requestEvent.js';

const CANCELABLE = new Set(['PENDING', 'IN_PROGRESS']);

/**
 * Cloud Control stops following the request: it is CANCEL_IN_PROGRESS until the app's transition
 * ends, then CANCEL_COMPLETE. The transition itself runs on (nothing is rolled back).
 */
export async function CancelResourceRequest(input: Validated<CancelResourceRequestInput, 'RequestToken'>, context: OperationContext): Promise<object> {
  const request = await ownedRequest(context, input.RequestToken);
  const app = request.identifier === undefined ? undefined : await context.store.getApp(request.identifier);
  const { status } = outcomeOf(request, app);
  if (!CANCELABLE.has(status)) {
    throw cloudControlError('ConcurrentModificationException', `Resource operation request ${request.token} is ${status}: only requests that are PENDING or IN_PROGRESS can be canceled.`);
  }
  if (await context.store.cancelResourceRequest(request.token, context.clock.now())) context.audit?.stored();
  return requestEvent(context, request.token);
}
