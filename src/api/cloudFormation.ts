/**
 * The API endpoint's fronts for infrastructure as code, each the API pipeline with its own protocol
 * and operations (src/cloudcontrol/), on the same credentials, store, metrics and audit log:
 *   the Cloud Control API      AWS JSON 1.0, X-Amz-Target CloudApiService.<Operation>, SigV4 for cloudcontrolapi
 *   CloudFormation's DescribeType  the Query protocol (a form naming its Action), SigV4 for cloudformation
 * IAM names the actions of both cloudformation:<Operation>.
 *
 * The operations (src/cloudcontrol/operations/, with the resource schema and its validation) are
 * loaded with the first call to either front, not at start-up (docs/performance.md); the operations'
 * names come from the models, which createInvoker holds to the registries once they are loaded.
 */
import type { Caller, OperationContext } from '../operations/context.js';
import type { CloudControlContext } from '../cloudcontrol/handlers.js';
import { arnPartition } from '../domain/rules/regions.js';
import { cloudControlModel, cloudFormationModel } from '../protocol/cloudControlShapes.js';
import type { Mount } from '../protocol/mounts.js';
import { createInvoker, type Invoke, type InvokerOptions, type OperationSet } from './invoke.js';
import { apiMount, awsJsonProtocol, type ApiOptions } from './pipeline.js';
import { queryProtocol } from './queryProtocol.js';

const IAM_PREFIX = 'cloudformation';
const CLOUD_CONTROL_NAMES = Object.keys(cloudControlModel.operations);
const CLOUDFORMATION_NAMES = Object.keys(cloudFormationModel.operations);

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
async function cloudControlSet(): Promise<OperationSet<CloudControlContext>> {
  const { cloudControlOperations } = await import('../cloudcontrol/operations/index.js');
  return {
    registry: cloudControlOperations,
    model: cloudControlModel,
    action,
    resourceOf: cloudControlResources,
    contextOf: (context, credentials) => ({ ...context, allows: (name) => credentials.get(context.caller.accessKeyId)?.allows(name) ?? false }),
  };
}

async function cloudFormationSet(): Promise<OperationSet> {
  const { cloudFormationOperations } = await import('../cloudcontrol/operations/index.js');
  return { registry: cloudFormationOperations, model: cloudFormationModel, action, resourceOf: noResource, contextOf: (context) => context };
}

/** An invoker made, with its operations loaded, at its first call. */
function invokerAtFirstCall<Context extends OperationContext>(options: InvokerOptions, load: () => Promise<OperationSet<Context>>): Invoke {
  let invoker: Promise<Invoke> | undefined;
  return async (operation, input, caller, requestId) => {
    invoker ??= load().then((set) => createInvoker(options, set));
    return (await invoker)(operation, input, caller, requestId);
  };
}

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
    apiMount({ ...front, protocol: cloudControl, invoke: invokerAtFirstCall(invoker, cloudControlSet) }),
    apiMount({ ...front, protocol: cloudFormation, invoke: invokerAtFirstCall(invoker, cloudFormationSet) }),
  ];
}
