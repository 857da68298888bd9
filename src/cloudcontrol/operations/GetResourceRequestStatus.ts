import type { GetResourceRequestStatusInput } from '@aws-sdk/client-cloudcontrol';
import type { OperationContext, Validated } from '../../operations/context.js';
import { requestEvent } from './requestEvent.js';

export function GetResourceRequestStatus(input: Validated<GetResourceRequestStatusInput, 'RequestToken'>, context: OperationContext): Promise<object> {
  return requestEvent(context, input.RequestToken);
}
