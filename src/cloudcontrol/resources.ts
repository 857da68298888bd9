/** What every Cloud Control operation on AWS::SageMaker::PartnerApp checks first: the type, the identifier, the model. */
import { randomUUID } from 'node:crypto';
import type { PartnerApp, Tag } from '../domain/partnerApp.js';
import { findOwnedApp, MAX_TAGS_PER_RESOURCE } from '../operations/common.js';
import type { OperationContext } from '../operations/context.js';
import { ServiceError } from '../protocol/errors.js';
import { modelValidationFailed, resourceNotFound, typeNotFound } from '../protocol/cloudControlErrors.js';
import { schemaProblems } from './schemaValidation.js';
import { MODEL_SCHEMA, PRIMARY_IDENTIFIER, TYPE_NAME } from './schema.js';
import type { ResourceModel } from './resourceModel.js';

/** The version of the type DescribeType reports; a TypeVersionId must name it. */
export const TYPE_VERSION_ID = '00000001';

/** Other types answer as Cloud Control answers for a type the registry does not have. */
export function assertType(typeName: string, typeVersionId: string | undefined): void {
  if (typeName !== TYPE_NAME) throw typeNotFound(typeName);
  if (typeVersionId !== undefined && typeVersionId !== TYPE_VERSION_ID) throw typeNotFound(`${typeName}' version '${typeVersionId}`);
}

/** The primary identifier (Arn), given as the ARN itself or as JSON naming it: {"Arn": "…"}. */
export function arnOf(identifier: string): string {
  if (!identifier.trimStart().startsWith('{')) return identifier;
  try {
    const named = (JSON.parse(identifier) as Record<string, unknown>)[PRIMARY_IDENTIFIER];
    if (typeof named === 'string') return named;
  } catch {
    // not JSON: an identifier that names nothing
  }
  return identifier;
}

/** The caller's app that is not Deleted, with its tags, or ResourceNotFoundException. */
export async function findResource(context: OperationContext, identifier: string): Promise<{ app: PartnerApp; tags: Tag[] }> {
  const arn = arnOf(identifier);
  try {
    const app = await findOwnedApp(context, arn, { includeDeleted: false });
    const tags = await context.store.listTags(app.arn, { limit: MAX_TAGS_PER_RESOURCE });
    if (tags) return { app, tags: tags.items };
  } catch (error) {
    if (!(error instanceof ServiceError) || error.code !== 'ResourceNotFound') throw error;
  }
  throw resourceNotFound(TYPE_NAME, identifier, randomUUID());
}

/** A desired state or a patched model: a JSON object the type's schema accepts. */
export function checkModel(model: unknown): ResourceModel {
  const problems = schemaProblems(MODEL_SCHEMA, model);
  if (problems.length > 0) throw modelValidationFailed(problems);
  return model as ResourceModel;
}

/** The desired state as JSON; the schema is checked afterwards (checkModel). */
export function parseDesiredState(text: string): ResourceModel {
  try {
    return JSON.parse(text) as ResourceModel;
  } catch (error) {
    throw modelValidationFailed([`#: the desired state is not valid JSON: ${(error as Error).message}`]);
  }
}
