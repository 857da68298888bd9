import { checkSyncHandlerPermissions, type CloudControlContext } from '../handlers.js';
import { modelOf } from '../resourceModel.js';
import { arnOf, assertType, findResource } from '../resources.js';
import { TYPE_NAME } from '../schema.js';
import type { Input, Output } from './types.js';

/** The read handler: DescribePartnerApp and ListTags, as the resource model (a Deleted app is not found). */
export async function GetResource(input: Input<'GetResource'>, context: CloudControlContext): Promise<Output<'GetResource'>> {
  assertType(input.TypeName, input.TypeVersionId);
  checkSyncHandlerPermissions(context, 'read', arnOf(input.Identifier));
  const { app, tags } = await findResource(context, input.Identifier);
  return { TypeName: TYPE_NAME, ResourceDescription: { Identifier: app.arn, Properties: JSON.stringify(modelOf(app, tags, context.config.catalog)) } };
}
