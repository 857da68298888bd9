import { validationError } from '../protocol/errors.js';
import { model } from '../protocol/shapes.js';
import { taggedResourceNotFound } from '../domain/rules/tags.js';
import { assertOwnedArn, MAX_TAGS_PER_RESOURCE } from './common.js';
import type { Input, OperationContext, Output } from './context.js';

/** The token is the last key of the previous page, in base64url so it stays opaque. */
const encodeToken = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

// Only a key an app could have is a position to list from; anything else (a NUL byte, say) is
// not a token this server gave, and must not reach the database.
const { min: KEY_MIN, max: KEY_MAX, pattern: KEY_PATTERN } = model.shapes.TagKey;
const TAG_KEY = new RegExp(`^(?:${KEY_PATTERN})$`, 'u');
const isTagKey = (key: string) => [...key].length >= KEY_MIN && [...key].length <= KEY_MAX && TAG_KEY.test(key);

function decodeToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (!isTagKey(key) || encodeToken(key) !== token) {
    throw validationError('The NextToken is not valid. Pass the NextToken value returned by the previous ListTags call.');
  }
  return key;
}

export async function ListTags(input: Input<'ListTags'>, context: OperationContext): Promise<Output<'ListTags'>> {
  assertOwnedArn(context, input.ResourceArn);
  const page = await context.store.listTags(input.ResourceArn, {
    after: input.NextToken ? decodeToken(input.NextToken) : undefined,
    limit: input.MaxResults ?? MAX_TAGS_PER_RESOURCE,
  });
  if (!page) throw taggedResourceNotFound(input.ResourceArn);
  return { Tags: page.items, NextToken: page.next === undefined ? undefined : encodeToken(page.next) };
}
