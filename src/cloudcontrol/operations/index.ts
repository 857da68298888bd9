/**
 * The Cloud Control API's operations (X-Amz-Target CloudApiService.<Operation>), each on
 * AWS::SageMaker::PartnerApp, and CloudFormation's DescribeType; IAM names the actions of both
 * under the cloudformation prefix (api/cloudFormation.ts).
 */
import type { CloudControlContext } from '../handlers.js';
import { CancelResourceRequest } from './CancelResourceRequest.js';
import { CreateResource } from './CreateResource.js';
import { DeleteResource } from './DeleteResource.js';
import { DescribeType } from './DescribeType.js';
import { GetResource } from './GetResource.js';
import { GetResourceRequestStatus } from './GetResourceRequestStatus.js';
import { ListResourceRequests } from './ListResourceRequests.js';
import { ListResources } from './ListResources.js';
import { UpdateResource } from './UpdateResource.js';
import type { CloudControlOperation, CloudControlOperationName } from './types.js';

export const cloudControlOperations: { readonly [Op in CloudControlOperationName]: CloudControlOperation<Op> } = {
  CreateResource,
  GetResource,
  ListResources,
  UpdateResource,
  DeleteResource,
  GetResourceRequestStatus,
  ListResourceRequests,
  CancelResourceRequest,
};

export const cloudFormationOperations = { DescribeType } as const;

export type { CloudControlContext };
