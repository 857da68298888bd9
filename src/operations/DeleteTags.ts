import { checkTagKeys, taggedResourceNotFound } from '../domain/rules/tags.js';
import { assertOwnedArn } from './common.js';
import type { Input, OperationContext, Output } from './context.js';

/** Keys the resource does not have are ignored, as elsewhere in AWS. */
export async function DeleteTags(input: Input<'DeleteTags'>, context: OperationContext): Promise<Output<'DeleteTags'>> {
  assertOwnedArn(context, input.ResourceArn);
  checkTagKeys(input.TagKeys);
  const outcome = await context.store.deleteTags(input.ResourceArn, input.TagKeys, context.audit?.record(input.ResourceArn));
  if (outcome === 'not-found') throw taggedResourceNotFound(input.ResourceArn);
  context.audit?.stored();
  return {};
}
