/** The Cloud Control API's operations (X-Amz-Target CloudApiService.<Operation>), each on AWS::SageMaker::PartnerApp. */
import type { CloudControlContext } from '../handlers.js';
import { CancelResourceRequest } from './CancelResourceRequest.js';
import { CreateResource } from './CreateResource.js';
import { DeleteResource } from './DeleteResource.js';
import { GetResource } from './GetResource.js';
import { GetResourceRequestStatus } from './GetResourceRequestStatus.js';
import { ListResourceRequests } from './ListResourceRequests.js';
import { ListResources } from './ListResources.js';
import { UpdateResource } from './UpdateResource.js';

export type CloudControlHandler = (input: never, context: CloudControlContext) => Promise<object>;

export const cloudControlOperations: Readonly<Record<string, CloudControlHandler>> = {
  CreateResource,
  GetResource,
  ListResources,
  UpdateResource,
  DeleteResource,
  GetResourceRequestStatus,
  ListResourceRequests,
  CancelResourceRequest,
};

/** The operations that change something, audited as the SageMaker API's writes are. */
export const CLOUD_CONTROL_WRITES: ReadonlySet<string> = new Set(['CreateResource', 'UpdateResource', 'DeleteResource', 'CancelResourceRequest']);

/** IAM names Cloud Control's actions under the cloudformation prefix. */
export const cloudControlAction = (operation: string) => `cloudformation:${operation}`;
