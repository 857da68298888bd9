import { appArn, type PartnerAppType } from '../../domain/partnerApp.js';
import { CreatePartnerApp } from '../../operations/CreatePartnerApp.js';
import { CloudControlTokens } from '../clientTokens.js';
import { readOnlyGiven } from '../../protocol/cloudControlErrors.js';
import { checkHandlerPermissions, HandlerFailure, newRequest, runHandler, sageMakerInput, type CloudControlContext } from '../handlers.js';
import { progressEventOf } from '../progress.js';
import { createInputOf } from '../resourceModel.js';
import { assertType, checkModel, parseDesiredState } from '../resources.js';
import { READ_ONLY } from '../schema.js';
import { requestEvent } from './requestEvent.js';
import type { Input, Output } from './types.js';

/**
 * CreatePartnerApp with the desired state. The request waits for the app to leave Creating; a
 * handler failure (a name taken, the quota, SageMaker's own validation) is the request FAILED.
 */
export async function CreateResource(input: Input<'CreateResource'>, context: CloudControlContext): Promise<Output<'CreateResource'>> {
  assertType(input.TypeName, input.TypeVersionId);
  const parsed = parseDesiredState(input.DesiredState);
  const readOnly = [...READ_ONLY].filter((name) => typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, name));
  if (readOnly.length > 0) throw readOnlyGiven(readOnly);
  const desired = checkModel(parsed);

  const request = newRequest(context, 'CREATE');
  const { ClientToken, ...asked } = input;
  const tokens = CloudControlTokens.of(context, ClientToken, { operation: 'CreateResource', ...asked }, request.token);
  const prior = await tokens?.priorAnswer();
  if (prior) return requestEvent(context, prior.RequestToken);

  const token = await runHandler(context, request, tokens, async () => {
    checkHandlerPermissions(context, 'create', appArn(context.caller.region, context.caller.accountId, '*'));
    const version = desired.AppVersion;
    const newVersion = context.config.catalog.offers(desired.Type as PartnerAppType) ? context.config.catalog.initialVersion(desired.Type as PartnerAppType) : undefined;
    if (version !== undefined && newVersion !== undefined && version !== newVersion) {
      throw new HandlerFailure('InvalidRequest', `AppVersion ${String(version)} cannot be created: a new ${String(desired.Type)} app starts at version ${newVersion}; upgrade it with an update afterwards.`);
    }
    const create = sageMakerInput('CreatePartnerApp', createInputOf(desired));
    return CreatePartnerApp(create as never, {
      ...context,
      cloudControl: { clientTokens: tokens, resourceRequest: (arn) => ({ ...request, identifier: arn, waitsFor: 'Creating' }) },
    });
  });
  return { ProgressEvent: await progressEventOf((await context.store.getResourceRequest(token))!, context) };
}
