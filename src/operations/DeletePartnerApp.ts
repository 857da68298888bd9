import type { DeletePartnerAppRequest } from '@aws-sdk/client-sagemaker';
import type { PartnerAppStatus } from '../domain/partnerApp.js';
import { ClientTokenScope, findOwnedApp, MAX_TAGS_PER_RESOURCE, transitionResult } from './common.js';
import { transitionDelayMs } from '../domain/lifecycle.js';
import type { OperationContext, Validated } from './context.js';

const DELETABLE_FROM: readonly PartnerAppStatus[] = ['Available', 'Failed', 'UpdateFailed'];

export async function DeletePartnerApp(input: Validated<DeletePartnerAppRequest, 'Arn'>, context: OperationContext): Promise<object> {
  const tokens = ClientTokenScope.of(context, 'DeletePartnerApp', input);
  const prior = await tokens?.priorAnswer();
  if (prior) return prior;

  const app = await findOwnedApp(context, input.Arn, { includeDeleted: false });
  const now = context.clock.now();
  const dueAt = now + transitionDelayMs(context.config, app.type, 'deleteDelayMs');
  const response = { Arn: app.arn };
  const outcome = await context.store.startTransition({
    arn: app.arn,
    from: DELETABLE_FROM,
    to: 'Deleting',
    dueAt,
    lastModifiedTime: now,
    failTransition: false,
    maxTags: MAX_TAGS_PER_RESOURCE,
    idempotency: tokens?.record(response),
    audit: context.audit?.record(app.arn),
  });
  if (outcome.outcome === 'done') {
    context.audit?.stored();
    context.scheduleTransition(dueAt);
  }
  return transitionResult(outcome, app.arn, 'deleted', tokens, response);
}
