import { UpdatePartnerApp } from '../../operations/UpdatePartnerApp.js';
import { CloudControlTokens } from '../clientTokens.js';
import { concurrentOperation, createOnlyChanged, invalidPatch, readOnlyChanged } from '../../protocol/cloudControlErrors.js';
import { checkHandlerPermissions, HandlerFailure, newRequest, runHandler, sageMakerInput, type CloudControlContext } from '../handlers.js';
import { applyPatch, PatchError, type Json } from '../jsonPatch.js';
import { progressEventOf } from '../progress.js';
import { changedProperties, modelOf, updatePlanOf, type ResourceModel } from '../resourceModel.js';
import { assertType, checkModel, findResource } from '../resources.js';
import { CREATE_ONLY, READ_ONLY } from '../schema.js';
import { requestEvent } from './requestEvent.js';
import type { Input, Output } from './types.js';

/** The model the patch makes of the current one, or the error Cloud Control gives before any handler runs. */
function patchedModel(current: ResourceModel, patchDocument: string): ResourceModel {
  let patch: unknown;
  try {
    patch = JSON.parse(patchDocument);
  } catch (error) {
    throw invalidPatch(`not valid JSON: ${(error as Error).message}`);
  }
  let desired: Json;
  try {
    desired = applyPatch(current as Json, patch);
  } catch (error) {
    if (error instanceof PatchError) throw invalidPatch(error.message);
    throw error;
  }
  const readOnly = changedProperties(READ_ONLY, current, desired as ResourceModel);
  if (readOnly.length > 0) throw readOnlyChanged(readOnly);
  const createOnly = changedProperties(CREATE_ONLY, current, desired as ResourceModel);
  if (createOnly.length > 0) throw createOnlyChanged(createOnly);
  return checkModel(desired);
}

/**
 * The patch applied to the current model, then the update handler: one UpdatePartnerApp (the app
 * goes Updating, whatever changed) with the tags added and removed in the same transaction.
 */
export async function UpdateResource(input: Input<'UpdateResource'>, context: CloudControlContext): Promise<Output<'UpdateResource'>> {
  assertType(input.TypeName, input.TypeVersionId);
  const { app, tags } = await findResource(context, input.Identifier);
  const request = newRequest(context, 'UPDATE', app.arn);
  const { ClientToken, ...asked } = input;
  const tokens = CloudControlTokens.of(context, ClientToken, { operation: 'UpdateResource', ...asked }, request.token);
  const prior = await tokens?.priorAnswer();
  if (prior) return requestEvent(context, prior.RequestToken);
  const waiting = await context.store.waitingResourceRequest(app.arn);
  if (waiting !== undefined) throw concurrentOperation(app.arn, waiting);

  const current = modelOf(app, tags, context.config.catalog);
  const desired = patchedModel(current, input.PatchDocument);
  const token = await runHandler(context, request, tokens, async () => {
    checkHandlerPermissions(context, 'update', app.arn);
    const plan = updatePlanOf(app.arn, current, desired);
    if (plan.unremovable.length > 0) {
      throw new HandlerFailure('InvalidRequest', `${plan.unremovable.join(', ')} cannot be removed: UpdatePartnerApp keeps a setting it is not given.`);
    }
    const update = sageMakerInput('UpdatePartnerApp', { ...plan.input, Tags: plan.addTags.length > 0 ? plan.addTags : undefined });
    return UpdatePartnerApp(update as never, {
      ...context,
      cloudControl: { clientTokens: tokens, resourceRequest: () => ({ ...request, waitsFor: 'Updating' }), removeTagKeys: plan.removeTagKeys },
    });
  });
  return { ProgressEvent: await progressEventOf((await context.store.getResourceRequest(token))!, context) };
}
