/**
 * CloudFormation's DescribeType for the one type served: what Terraform's aws_cloudcontrolapi_resource
 * reads before it plans. Other types answer as CloudFormation answers for a type it does not have.
 * (Its front: the Query protocol, api/queryProtocol.ts.)
 */
import { arnPartition } from '../../domain/rules/regions.js';
import type { OperationContext } from '../../operations/context.js';
import { registryError, registryTypeNotFound } from '../../protocol/cloudControlErrors.js';
import { TYPE_VERSION_ID } from '../resources.js';
import { partnerAppSchema, SCHEMA_TEXT, TYPE_NAME } from '../schema.js';

/** The day the served schema was published (its registry refresh): the type's LastUpdated. */
const SCHEMA_PUBLISHED = '2026-01-27T00:00:00.000Z';

/** DescribeType's parameters, as the model check leaves them (every member is a string). */
export interface DescribeTypeInput {
  Type?: string;
  TypeName?: string;
  Arn?: string;
  VersionId?: string;
}

const typeArn = (region: string) => `arn:${arnPartition(region)}:cloudformation:${region}::type/resource/${TYPE_NAME.replace(/::/g, '-')}`;

/** Which type the parameters name: by Type and TypeName, or by Arn (with a version, only the one there is). */
function assertServedType(input: DescribeTypeInput, region: string): void {
  const { Type, TypeName, Arn, VersionId } = input;
  if (Arn === undefined && (Type === undefined || TypeName === undefined)) throw registryError('Either Arn, or TypeName and Type, must be specified.');
  if (Arn !== undefined && (Type !== undefined || TypeName !== undefined)) throw registryError('Specify either Arn, or TypeName and Type, not both.');
  const named = Arn ?? TypeName!;
  if (Arn !== undefined ? Arn !== typeArn(region) && Arn !== `${typeArn(region)}/${TYPE_VERSION_ID}` : Type !== 'RESOURCE' || TypeName !== TYPE_NAME) throw registryTypeNotFound(named);
  if (VersionId !== undefined && VersionId !== TYPE_VERSION_ID) throw registryTypeNotFound(named);
}

/** The type's members, in the order CloudFormation writes them. */
export async function DescribeType(input: DescribeTypeInput, context: OperationContext): Promise<Record<string, string | boolean>> {
  const { region } = context.caller;
  assertServedType(input, region);
  return {
    Arn: typeArn(region),
    Type: 'RESOURCE',
    TypeName: TYPE_NAME,
    DefaultVersionId: TYPE_VERSION_ID,
    IsDefaultVersion: true,
    Description: partnerAppSchema.description,
    Schema: SCHEMA_TEXT,
    ProvisioningType: 'FULLY_MUTABLE',
    DeprecatedStatus: 'LIVE',
    Visibility: 'PUBLIC',
    LastUpdated: SCHEMA_PUBLISHED,
  };
}
