/**
 * The API endpoint's fronts for infrastructure as code, each the API pipeline with its own protocol
 * and operations (src/cloudcontrol/), on the same credentials, store, metrics and audit log:
 *   the Cloud Control API      AWS JSON 1.0, X-Amz-Target CloudApiService.<Operation>, SigV4 for cloudcontrolapi
 *   CloudFormation's DescribeType  the Query protocol (a form naming its Action), SigV4 for cloudformation
 * IAM names the actions of both cloudformation:<Operation>.
 */
import type { Caller } from '../operations/context.js';
import type { CloudControlContext } from '../cloudcontrol/handlers.js';
import { arnPartition } from '../domain/rules/regions.js';
import { cloudControlOperations, cloudFormationOperations, IAM_PREFIX } from '../cloudcontrol/operations/index.js';
import { cloudControlModel, cloudFormationModel } from '../protocol/cloudControlShapes.js';
import type { Mount } from '../protocol/mounts.js';
import { createInvoker, type InvokerOptions, type OperationSet } from './invoke.js';
import { apiMount, awsJsonProtocol, type ApiOptions } from './pipeline.js';
import { queryProtocol } from './queryProtocol.js';

const CLOUD_CONTROL_NAMES = Object.keys(cloudControlOperations);
const CLOUDFORMATION_NAMES = Object.keys(cloudFormationOperations);

/** The operations of these fronts, for metrics. */
export const INFRASTRUCTURE_AS_CODE_OPERATIONS: readonly string[] = [...CLOUD_CONTROL_NAMES, ...CLOUDFORMATION_NAMES];

/** The IAM actions a credentials file may name for them. */
export const CLOUDFORMATION_ACTIONS: readonly string[] = INFRASTRUCTURE_AS_CODE_OPERATIONS.map((operation) => `${IAM_PREFIX}:${operation}`);

const action = (operation: string) => `${IAM_PREFIX}:${operation}`;
// IAM's refusal of a Cloud Control action names the account's resources in the region, as AWS's
// does (aws/aws-sdk#140: "…cloudformation:ListResources on resource: arn:aws:cloudformation:<region>:<account>:resource/*…").
const cloudControlResources = (_input: unknown, caller: Caller) => `arn:${arnPartition(caller.region)}:cloudformation:${caller.region}:${caller.accountId}:resource/*`;
// DescribeType's names none (no refusal of it has been seen to name one).
const noResource = () => undefined;

/** The Cloud Control operations run the SageMaker operations as the resource handlers, so they need the caller's permissions. */
const cloudControlSet: OperationSet<CloudControlContext> = {
  registry: cloudControlOperations,
  model: cloudControlModel,
  action,
  resourceOf: cloudControlResources,
  contextOf: (context, credentials) => ({ ...context, allows: (name) => credentials.get(context.caller.accessKeyId)?.allows(name) ?? false }),
};

const cloudFormationSet: OperationSet = {
  registry: cloudFormationOperations,
  model: cloudFormationModel,
  action,
  resourceOf: noResource,
  contextOf: (context) => context,
};

export type FrontOptions = Omit<ApiOptions, 'protocol' | 'invoke'>;

/** The two fronts as mounts, to be matched before the SageMaker API, which takes every other POST /. */
export function infrastructureAsCodeMounts(front: FrontOptions, invoker: InvokerOptions): Mount[] {
  const cloudControl = awsJsonProtocol('CloudApiService', CLOUD_CONTROL_NAMES, {
    jsonVersion: '1.0',
    signingName: 'cloudcontrolapi',
    name: 'cloudcontrol',
    claimsTarget: true,
  });
  const cloudFormation = queryProtocol({
    name: 'cloudformation',
    signingName: 'cloudformation',
    namespace: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
    version: '2010-05-15',
    action: 'DescribeType',
  });
  return [
    apiMount({ ...front, protocol: cloudControl, invoke: createInvoker(invoker, cloudControlSet) }),
    apiMount({ ...front, protocol: cloudFormation, invoke: createInvoker(invoker, cloudFormationSet) }),
  ];
}
