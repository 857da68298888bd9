/** The Cloud Control operations typed as the SageMaker operations are: by the SDK and the model. */
import type {
  CancelResourceRequestInput,
  CancelResourceRequestOutput,
  CreateResourceInput,
  CreateResourceOutput,
  DeleteResourceInput,
  DeleteResourceOutput,
  GetResourceInput,
  GetResourceOutput,
  GetResourceRequestStatusInput,
  GetResourceRequestStatusOutput,
  ListResourceRequestsInput,
  ListResourceRequestsOutput,
  ListResourcesInput,
  ListResourcesOutput,
  UpdateResourceInput,
  UpdateResourceOutput,
} from '@aws-sdk/client-cloudcontrol';
import type { ModelInput, OnTheWire } from '../../operations/context.js';
import type { cloudControlModel } from '../../protocol/cloudControlShapes.js';
import type { CloudControlContext } from '../handlers.js';

/** Each operation's request and response types in the SDK, under the names the model gives them. */
interface SdkShapes {
  CreateResource: [CreateResourceInput, CreateResourceOutput];
  GetResource: [GetResourceInput, GetResourceOutput];
  ListResources: [ListResourcesInput, ListResourcesOutput];
  UpdateResource: [UpdateResourceInput, UpdateResourceOutput];
  DeleteResource: [DeleteResourceInput, DeleteResourceOutput];
  GetResourceRequestStatus: [GetResourceRequestStatusInput, GetResourceRequestStatusOutput];
  ListResourceRequests: [ListResourceRequestsInput, ListResourceRequestsOutput];
  CancelResourceRequest: [CancelResourceRequestInput, CancelResourceRequestOutput];
}

export type CloudControlOperationName = keyof typeof cloudControlModel.operations & keyof SdkShapes;

/** An operation's input once the model check has passed: the members the model requires are present. */
export type Input<Op extends CloudControlOperationName> = ModelInput<typeof cloudControlModel, Op, SdkShapes[Op][0]>;

/** An operation's answer: the SDK's response type, on the wire (AWS JSON 1.0: timestamps as epoch seconds). */
export type Output<Op extends CloudControlOperationName> = OnTheWire<SdkShapes[Op][1]>;

export type CloudControlOperation<Op extends CloudControlOperationName> = (input: Input<Op>, context: CloudControlContext) => Promise<Output<Op>>;

/** A request's ProgressEvent as it goes on the wire. */
export type WireProgressEvent = NonNullable<Output<'GetResourceRequestStatus'>['ProgressEvent']>;
