import type { Tag } from '../domain/partnerApp.js';
import { checkTagKeys, taggedResourceNotFound } from '../domain/rules/tags.js';
import { assertOwnedArn, MAX_TAGS_PER_RESOURCE, tooManyTags } from './common.js';
import type { Input, OperationContext, Output } from './context.js';

/** Adds tags, overwriting the value of a key the resource already has. */
export async function AddTags(input: Input<'AddTags'>, context: OperationContext): Promise<Output<'AddTags'>> {
  assertOwnedArn(context, input.ResourceArn);
  checkTagKeys(input.Tags.map((tag) => tag.Key!));
  const outcome = await context.store.addTags(input.ResourceArn, input.Tags as Tag[], MAX_TAGS_PER_RESOURCE, context.audit?.record(input.ResourceArn));
  if (outcome === 'not-found') throw taggedResourceNotFound(input.ResourceArn);
  if (outcome === 'too-many') throw tooManyTags(input.ResourceArn);
  context.audit?.stored();
  return { Tags: input.Tags };
}
