import { DeletePartnerApp } from '../../operations/DeletePartnerApp.js';
import { CloudControlTokens } from '../clientTokens.js';
import { concurrentOperation } from '../../protocol/cloudControlErrors.js';
import { checkHandlerPermissions, newRequest, runHandler, type CloudControlContext } from '../handlers.js';
import { progressEventOf } from '../progress.js';
import { arnOf, assertType } from '../resources.js';
import { requestEvent } from './requestEvent.js';
import type { Input, Output } from './types.js';

/** DeletePartnerApp; the request waits for the app to leave Deleting. An app that is not there is the request FAILED with NotFound. */
export async function DeleteResource(input: Input<'DeleteResource'>, context: CloudControlContext): Promise<Output<'DeleteResource'>> {
  assertType(input.TypeName, input.TypeVersionId);
  const arn = arnOf(input.Identifier);
  const request = newRequest(context, 'DELETE', arn);
  const { ClientToken, ...asked } = input;
  const tokens = CloudControlTokens.of(context, ClientToken, { operation: 'DeleteResource', ...asked }, request.token);
  const prior = await tokens?.priorAnswer();
  if (prior) return requestEvent(context, prior.RequestToken);
  const waiting = await context.store.waitingResourceRequest(arn);
  if (waiting !== undefined) throw concurrentOperation(arn, waiting);

  const token = await runHandler(context, request, tokens, async () => {
    checkHandlerPermissions(context, 'delete', arn);
    return DeletePartnerApp({ Arn: arn }, { ...context, cloudControl: { clientTokens: tokens, resourceRequest: () => ({ ...request, waitsFor: 'Deleting' }) } });
  });
  return { ProgressEvent: await progressEventOf((await context.store.getResourceRequest(token))!, context) };
}
