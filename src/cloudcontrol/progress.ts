/**
 * A request's ProgressEvent, derived when it is read: from the request record, and, while the
 * request waits on a transition, from the app's status. IN_PROGRESS while the app is still in the
 * status the request moved it into; SUCCESS with the resource model once it has left it for a
 * settled status; FAILED (NotStabilized, with the app's reason) when it ended Failed or
 * UpdateFailed. A canceled request is CANCEL_IN_PROGRESS until the transition ends, then
 * CANCEL_COMPLETE: the app's transition itself is not stopped.
 */
import type { PartnerApp, PartnerAppStatus } from '../domain/partnerApp.js';
import type { HandlerErrorCode, OperationStatus, ResourceRequest } from '../domain/resourceRequests.js';
import { MAX_TAGS_PER_RESOURCE } from '../operations/common.js';
import type { OperationContext } from '../operations/context.js';
import { epochSeconds } from '../protocol/serialize.js';
import { notFoundMessage } from '../protocol/cloudControlErrors.js';
import { modelOf } from './resourceModel.js';
import type { WireProgressEvent } from './operations/types.js';

interface Outcome {
  status: OperationStatus;
  errorCode?: HandlerErrorCode;
  message?: string;
}

const FAILED_ENDS: ReadonlySet<PartnerAppStatus> = new Set(['Failed', 'UpdateFailed']);

/** Where a transition ended: recorded by the database, else read off the app (absent: the app is gone). */
function endOf(request: ResourceRequest, app: PartnerApp | undefined): PartnerAppStatus | 'gone' | undefined {
  if (request.endedStatus) return request.endedStatus;
  if (!app) return 'gone';
  return app.status === request.waitsFor ? undefined : app.status;
}

export function outcomeOf(request: ResourceRequest, app: PartnerApp | undefined): Outcome {
  if (request.settled) return request.settled;
  const end = endOf(request, app);
  if (request.cancelledAt !== undefined) return { status: end === undefined ? 'CANCEL_IN_PROGRESS' : 'CANCEL_COMPLETE' };
  if (end === undefined) return { status: 'IN_PROGRESS' };
  if (end === 'gone') {
    return request.operation === 'DELETE'
      ? { status: 'SUCCESS' }
      : { status: 'FAILED', errorCode: 'NotFound', message: notFoundMessage(request.typeName, request.identifier ?? '') };
  }
  if (FAILED_ENDS.has(end)) {
    const reason = request.endedReason ?? (app?.status === end ? app.error?.reason : undefined);
    return { status: 'FAILED', errorCode: 'NotStabilized', message: `Partner app ${request.identifier} ended ${end}${reason ? `: ${reason}` : '.'}` };
  }
  return { status: 'SUCCESS' };
}

/** The resource's model as it is now, for a successful create or update (absent once the app is gone). */
async function currentModel(app: PartnerApp | undefined, context: OperationContext): Promise<string | undefined> {
  if (!app || app.status === 'Deleted') return undefined;
  const tags = await context.store.listTags(app.arn, { limit: MAX_TAGS_PER_RESOURCE });
  return tags && JSON.stringify(modelOf(app, tags.items, context.config.catalog));
}

export async function progressEventOf(request: ResourceRequest, context: OperationContext): Promise<WireProgressEvent> {
  const app = request.identifier === undefined || request.settled ? undefined : await context.store.getApp(request.identifier);
  const outcome = outcomeOf(request, app);
  const withModel = outcome.status === 'SUCCESS' && request.operation !== 'DELETE';
  return {
    TypeName: request.typeName,
    Identifier: request.identifier,
    RequestToken: request.token,
    Operation: request.operation,
    OperationStatus: outcome.status,
    EventTime: epochSeconds(request.eventTime),
    ResourceModel: withModel ? await currentModel(app, context) : undefined,
    StatusMessage: outcome.message,
    ErrorCode: outcome.errorCode,
  };
}
