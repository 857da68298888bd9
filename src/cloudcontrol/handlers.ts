/**
 * What runs behind Cloud Control for AWS::SageMaker::PartnerApp: the CloudFormation resource
 * handlers, here the SageMaker operations themselves, run with the caller's credentials. A handler
 * that fails (the caller lacks one of the handler's permissions, SageMaker refuses the request)
 * does not fail the API call: its request is stored FAILED with the handler error code, as Cloud
 * Control reports a handler's failure in the request's ProgressEvent.
 */
import { randomUUID } from 'node:crypto';
import type { HandlerErrorCode, ResourceOperation, ResourceRequest } from '../domain/resourceRequests.js';
import type { OperationContext } from '../operations/context.js';
import { handlerAccessDenied } from '../protocol/cloudControlErrors.js';
import { accessDenied, ServiceError } from '../protocol/errors.js';
import { compileValidators } from '../validation/check.js';
import { model as sageMakerModel } from '../protocol/shapes.js';
import type { CloudControlTokens } from './clientTokens.js';
import { handlerActions, TYPE_NAME, type HandlerName } from './schema.js';

/** What a Cloud Control operation may use: the SageMaker operation context, and the caller's IAM actions. */
export interface CloudControlContext extends OperationContext {
  allows(action: string): boolean;
}

/** A handler's failure: the code Cloud Control reports (HandlerErrorCode) and the handler's message. */
export class HandlerFailure extends Error {
  constructor(
    readonly errorCode: HandlerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const sageMakerValidators = compileValidators(sageMakerModel);

export function newRequest(context: OperationContext, operation: ResourceOperation, identifier?: string): ResourceRequest {
  const { accountId, region } = context.caller;
  return { token: randomUUID(), accountId, region, typeName: TYPE_NAME, operation, identifier, eventTime: context.clock.now() };
}

/** A SageMaker error as a handler's message quotes it. */
const sageMakerDetail = (error: ServiceError, requestId: string) => `${error.message} (Service: SageMaker, Status Code: ${error.statusCode}, Request ID: ${requestId})`;

/** AccessDenied, worded as SageMaker words it, for the first of the handler's permissions the caller lacks. */
export function checkHandlerPermissions(context: CloudControlContext, handler: HandlerName, resource: string): void {
  const denied = handlerActions(handler).find((action) => !context.allows(action));
  if (denied === undefined) return;
  throw accessDenied(
    `User: ${context.caller.principal} is not authorized to perform: ${denied} on resource: ${resource} because no identity-based policy allows the ${denied} action`,
  );
}

/**
 * The same check for the read and list handlers, which run while the caller waits: no request
 * record to fail, so the refusal is the call's AccessDeniedException, in Cloud Control's words.
 */
export function checkSyncHandlerPermissions(context: CloudControlContext, handler: 'read' | 'list', resource: string): void {
  try {
    checkHandlerPermissions(context, handler, resource);
  } catch (error) {
    throw handlerAccessDenied(TYPE_NAME, sageMakerDetail(error as ServiceError, context.requestId), randomUUID());
  }
}

/** The SageMaker request as SageMaker's own model checks it (a Cloud Control schema is looser in places). */
export function sageMakerInput(operation: string, input: Record<string, unknown>): Record<string, unknown> {
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  return sageMakerValidators.get(operation)!(given);
}

/** The handler error code of a SageMaker error (`create`: a name conflict means the resource already exists). */
function handlerErrorCode(error: ServiceError, operation: ResourceOperation): HandlerErrorCode | undefined {
  switch (error.code) {
    case 'ConflictException':
      return operation === 'CREATE' ? 'AlreadyExists' : 'ResourceConflict';
    case 'ResourceLimitExceeded':
      return 'ServiceLimitExceeded';
    case 'ValidationException':
    case 'SerializationException':
      return 'InvalidRequest';
    case 'ResourceNotFound':
      return 'NotFound';
    case 'AccessDeniedException':
      return 'AccessDenied';
    default:
      return undefined;
  }
}

/** The StatusMessage of a failed handler, in CloudFormation's wording. */
function handlerMessage(request: ResourceRequest, errorCode: HandlerErrorCode, error: Error, requestId: string): string {
  const detail = error instanceof ServiceError ? sageMakerDetail(error, requestId) : error.message;
  return `Resource handler returned message: "${detail}" (RequestToken: ${request.token}, HandlerErrorCode: ${errorCode})`;
}

/**
 * Runs the handler; if it fails as a handler fails, stores the request FAILED (with the
 * ClientToken's record). Returns the token of the request to show: this one, or, when the
 * ClientToken turns out to have been used meanwhile, the first one.
 */
export async function runHandler(context: CloudControlContext, request: ResourceRequest, tokens: CloudControlTokens | undefined, handler: () => Promise<object>): Promise<string> {
  let failure: HandlerFailure;
  try {
    const answer = (await handler()) as { RequestToken?: string };
    return answer.RequestToken ?? request.token;
  } catch (error) {
    const code = error instanceof HandlerFailure ? error.errorCode : error instanceof ServiceError ? handlerErrorCode(error, request.operation) : undefined;
    if (code === undefined) throw error;
    failure = new HandlerFailure(code, handlerMessage(request, code, error as Error, context.requestId));
  }
  const failed: ResourceRequest = { ...request, settled: { status: 'FAILED', errorCode: failure.errorCode, message: failure.message } };
  const outcome = await context.store.putResourceRequest(failed, tokens?.record());
  if (outcome.outcome === 'replay') return tokens!.replay(outcome.record).RequestToken;
  return request.token;
}
