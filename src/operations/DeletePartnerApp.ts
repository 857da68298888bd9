import type { PartnerAppStatus } from '../domain/partnerApp.js';
import { ClientTokenScope, findOwnedApp, MAX_TAGS_PER_RESOURCE } from './common.js';
import { transitionDelayMs } from '../domain/lifecycle.js';
import type { Input, OperationContext, Output } from './context.js';
import { replayedIfRefused, writeTransition } from './write.js';

const DELETABLE_FROM: readonly PartnerAppStatus[] = ['Available', 'Failed', 'UpdateFailed'];

export async function DeletePartnerApp(input: Input<'DeletePartnerApp'>, context: OperationContext): Promise<Output<'DeletePartnerApp'>> {
  const tokens = ClientTokenScope.of(context, 'DeletePartnerApp', input);
  return replayedIfRefused(tokens, async () => {
    const app = await findOwnedApp(context, input.Arn, { includeDeleted: false });
    const now = context.clock.now();
    const dueAt = now + transitionDelayMs(context.config, app.type, 'deleteDelayMs');
    const write = { app, dueAt, answer: { Arn: app.arn }, tokens, action: 'deleted' };
    return writeTransition(context, write, (records) =>
      context.store.startTransition({ arn: app.arn, from: DELETABLE_FROM, to: 'Deleting', dueAt, lastModifiedTime: now, failTransition: false, maxTags: MAX_TAGS_PER_RESOURCE, ...records }),
    );
  });
}
