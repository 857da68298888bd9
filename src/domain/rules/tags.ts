/**
 * What SageMaker does with tags beyond the model's constraints: keys with the reserved `aws:`
 * prefix, and the tagging operations on an ARN that names no partner app of the caller's.
 * Sources and choices: docs/behaviour.md.
 */
import { validationError } from '../../protocol/errors.js';

/** "aws:, AWS:, or any upper or lowercase combination" is reserved for AWS (AWS tagging rules). */
const RESERVED_PREFIX = /^aws:/i;

/** SageMaker's own words for it (DeleteTags of a CloudFormation-made endpoint's aws:cloudformation:stack-name). */
const reservedKey = (key: string) => validationError(`System prefix 'aws:' reserved for AWS usage in tag key: ${key}`);

/** Tag keys a caller may set or delete: none with the reserved prefix. */
export function checkTagKeys(keys: Iterable<string>): void {
  for (const key of keys) if (RESERVED_PREFIX.test(key)) throw reservedKey(key);
}

/**
 * AddTags, ListTags and DeleteTags model no error, and SageMaker answers a ValidationException for
 * a resource that does not exist (or no longer does): so here for any ARN that is not one of the
 * caller's partner apps, whatever SageMaker resource type it names.
 */
export const taggedResourceNotFound = (arn: string) => validationError(`Resource ${arn} does not exist.`);
