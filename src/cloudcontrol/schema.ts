/**
 * The one resource type served: AWS::SageMaker::PartnerApp, from its CloudFormation registry
 * schema (partnerAppSchema.json: the schema DescribeType answers in us-east-1, refreshed
 * 2026-01-27, the newest published; test/cloudcontrol/schema.test.ts holds it against
 * @aws-cdk/aws-service-spec). Its property lists, given as /properties/<Name> pointers, are read
 * here once as property names.
 */
import schemaDocument from './partnerAppSchema.json' with { type: 'json' };
import type { JsonSchema } from './schemaValidation.js';

export const TYPE_NAME = 'AWS::SageMaker::PartnerApp';

interface ResourceSchema extends JsonSchema {
  typeName: string;
  description: string;
  createOnlyProperties: string[];
  readOnlyProperties: string[];
  writeOnlyProperties: string[];
  primaryIdentifier: string[];
  handlers: Record<'create' | 'read' | 'update' | 'delete' | 'list', { permissions: string[] }>;
  tagging: { tagProperty: string };
}

export const partnerAppSchema = schemaDocument as ResourceSchema;

/** The schema as DescribeType's Schema member gives it: the registered document's text. */
export const SCHEMA_TEXT = `${JSON.stringify(partnerAppSchema, null, 2)}\n`;

const propertyName = (pointer: string) => pointer.replace(/^\/properties\//, '');
const names = (pointers: readonly string[]) => new Set(pointers.map(propertyName));

export const CREATE_ONLY = names(partnerAppSchema.createOnlyProperties);
export const READ_ONLY = names(partnerAppSchema.readOnlyProperties);
export const WRITE_ONLY = names(partnerAppSchema.writeOnlyProperties);
export const TAG_PROPERTY = propertyName(partnerAppSchema.tagging.tagProperty);
export const PRIMARY_IDENTIFIER = propertyName(partnerAppSchema.primaryIdentifier[0]!);

/** The schema a desired state is checked against: the document, which must be a JSON object. */
export const MODEL_SCHEMA: JsonSchema = { ...partnerAppSchema, type: 'object' };

export type HandlerName = keyof ResourceSchema['handlers'];

/**
 * The SageMaker actions a handler performs with the caller's credentials, from the schema's
 * `handlers` section. (Its iam:PassRole and kms:* permissions name services partnerplane does not
 * serve.)
 */
export const handlerActions = (handler: HandlerName): readonly string[] =>
  partnerAppSchema.handlers[handler].permissions.filter((permission) => permission.startsWith('sagemaker:'));
