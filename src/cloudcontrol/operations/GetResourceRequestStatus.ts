import type { OperationContext } from '../../operations/context.js';
import { requestEvent } from './requestEvent.js';
import type { Input, Output } from './types.js';

export function GetResourceRequestStatus(input: Input<'GetResourceRequestStatus'>, context: OperationContext): Promise<Output<'GetResourceRequestStatus'>> {
  return requestEvent(context, input.RequestToken);
}
