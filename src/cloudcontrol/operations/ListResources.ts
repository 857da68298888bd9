import { appArn } from '../../domain/partnerApp.js';
import { MAX_TAGS_PER_RESOURCE } from '../../operations/common.js';
import { listTakesNoModel } from '../../protocol/cloudControlErrors.js';
import { checkSyncHandlerPermissions, type CloudControlContext } from '../handlers.js';
import { pageTokens } from '../pageToken.js';
import { modelOf } from '../resourceModel.js';
import { assertType } from '../resources.js';
import { TYPE_NAME } from '../schema.js';
import type { Input, Output } from './types.js';

/** MaxResults is "Reserved" in the API; it is honoured as the page size, 20 when absent (as ListResourceRequests). */
const DEFAULT_PAGE_SIZE = 20;

const tokens = pageTokens('ListResources');

/** The list handler: the caller's apps in the region that are not Deleted, newest first, each as its model. */
export async function ListResources(input: Input<'ListResources'>, context: CloudControlContext): Promise<Output<'ListResources'>> {
  assertType(input.TypeName, input.TypeVersionId);
  if (input.ResourceModel !== undefined && input.ResourceModel.trim() !== '{}') {
    throw listTakesNoModel(TYPE_NAME);
  }
  checkSyncHandlerPermissions(context, 'list', appArn(context.caller.region, context.caller.accountId, '*'));
  const { accountId, region } = context.caller;
  const limit = input.MaxResults ?? DEFAULT_PAGE_SIZE;
  const descriptions: object[] = [];
  let before = input.NextToken ? tokens.decode(input.NextToken) : undefined;
  // Deleted apps are skipped, so a page is read until it is full or the list ends.
  do {
    const page = await context.store.listApps(accountId, region, { before, limit: limit - descriptions.length });
    for (const summary of page.items) {
      const app = summary.status === 'Deleted' ? undefined : await context.store.getApp(summary.arn);
      const tags = app && (await context.store.listTags(app.arn, { limit: MAX_TAGS_PER_RESOURCE }));
      if (app && tags) descriptions.push({ Identifier: app.arn, Properties: JSON.stringify(modelOf(app, tags.items, context.config.catalog)) });
    }
    before = page.next;
  } while (before !== undefined && descriptions.length < limit);
  return { TypeName: TYPE_NAME, ResourceDescriptions: descriptions, NextToken: before === undefined ? undefined : tokens.encode(before) };
}
