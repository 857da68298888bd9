/**
 * The errors of the Cloud Control API and of CloudFormation's DescribeType, named in one place
 * beside the SageMaker API's catalogue (errors.ts), in the same style: a factory per error, worded
 * as AWS words it where that is known (docs/infrastructure-as-code.md lists each and where its
 * wording came from). Whether one is modeled comes from the Cloud Control model, as for SageMaker's.
 */
import { cloudControlErrors, cloudFormationErrors } from './cloudControlShapes.js';
import { ServiceError } from './errors.js';

// ---- the Cloud Control API: the model's errors --------------------------------------------------

type CloudControlErrorCode = keyof typeof cloudControlErrors;

const cloudControlError = (code: CloudControlErrorCode, message: string) => new ServiceError(code, cloudControlErrors[code], message);

export const typeNotFound = (typeName: string) => cloudControlError('TypeNotFoundException', `The type '${typeName}' cannot be found.`);

export const requestTokenNotFound = (token: string) => cloudControlError('RequestTokenNotFoundException', `Request with token ${token} was not found`);

/** The message a resource handler gives for a resource that is not there (CloudFormation's handler framework). */
export const notFoundMessage = (typeName: string, identifier: string) => `Resource of type '${typeName}' with identifier '${identifier}' was not found.`;

/** How Cloud Control words the failure of a handler it runs while the caller waits (read, list). */
const handlerReturnedFailed = (typeName: string, detail: string, handlerErrorCode: string, requestToken: string) =>
  `${typeName} Handler returned status FAILED: ${detail} (HandlerErrorCode: ${handlerErrorCode}, RequestToken: ${requestToken})`;

export const resourceNotFound = (typeName: string, identifier: string, requestToken: string) =>
  cloudControlError('ResourceNotFoundException', handlerReturnedFailed(typeName, notFoundMessage(typeName, identifier), 'NotFound', requestToken));

/**
 * A read or list handler refused by the service it calls (the caller lacks one of its permissions):
 * the common AccessDeniedException, with the service's refusal inside, as AWS answers
 * (aws-cloudformation-resource-providers-cloudformation#113: "(AccessDeniedException) when calling
 * the ListResources operation: AWS::CloudFormation::HookVersion Handler returned status FAILED: …
 * (HandlerErrorCode: AccessDenied, RequestToken: …)").
 */
export const handlerAccessDenied = (typeName: string, detail: string, requestToken: string) =>
  new ServiceError('AccessDeniedException', 400, handlerReturnedFailed(typeName, detail, 'AccessDenied', requestToken));

const pointers = (names: readonly string[]) => `[${names.map((name) => `/properties/${name}`).join(', ')}]`;

export const createOnlyChanged = (names: readonly string[]) =>
  cloudControlError('NotUpdatableException', `Invalid patch update: createOnlyProperties ${pointers(names)} cannot be updated`);

export const clientTokenConflict = (token: string) =>
  cloudControlError('ClientTokenConflictException', `Client token ${token} has already been used in another resource request.`);

export const concurrentOperation = (identifier: string, requestToken: string) =>
  cloudControlError('ConcurrentOperationException', `Another resource operation (request ${requestToken}) is currently being performed on resource ${identifier}.`);

export const notCancelable = (requestToken: string, status: string) =>
  cloudControlError('ConcurrentModificationException', `Resource operation request ${requestToken} is ${status}: only requests that are PENDING or IN_PROGRESS can be canceled.`);

export const listTakesNoModel = (typeName: string) =>
  cloudControlError('InvalidRequestException', `${typeName} is listed without a resource model: its list handler takes no properties.`);

export const invalidNextToken = (operation: string) =>
  cloudControlError('InvalidRequestException', `The NextToken is not valid. Pass the NextToken value returned by the previous ${operation} call.`);

// ---- the Cloud Control API: the schema checks made before any handler runs (ValidationException) -

export const modelValidationFailed = (problems: readonly string[]) => new ServiceError('ValidationException', 400, `Model validation failed (${problems.join('\n')})`);

export const invalidPatch = (reason: string) => new ServiceError('ValidationException', 400, `Invalid patch document: ${reason}`);

export const readOnlyChanged = (names: readonly string[]) =>
  new ServiceError('ValidationException', 400, `Invalid patch update: readOnlyProperties ${pointers(names)} cannot be updated`);

export const readOnlyGiven = (names: readonly string[]) =>
  new ServiceError('ValidationException', 400, `Invalid create request: readOnlyProperties ${pointers(names)} cannot be specified`);

// ---- CloudFormation's DescribeType: the Query protocol ------------------------------------------

export const registryTypeNotFound = (name: string) =>
  new ServiceError(cloudFormationErrors.TypeNotFoundException.code, cloudFormationErrors.TypeNotFoundException.status, `The type '${name}' cannot be found.`);

export const registryError = (message: string) =>
  new ServiceError(cloudFormationErrors.CFNRegistryException.code, cloudFormationErrors.CFNRegistryException.status, message);

export const missingAction = () => new ServiceError('MissingAction', 400, 'Missing Action');

export const invalidAction = (action: string, version: string | undefined) =>
  new ServiceError('InvalidAction', 400, `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`);

/**
 * The Query services' names and statuses for the errors the JSON services' front end gives
 * (signature checks, IAM, validation).
 */
const QUERY_ERRORS: Readonly<Record<string, [code: string, status: number]>> = {
  MissingAuthenticationTokenException: ['MissingAuthenticationToken', 403],
  IncompleteSignatureException: ['IncompleteSignature', 400],
  InvalidSignatureException: ['SignatureDoesNotMatch', 403],
  UnrecognizedClientException: ['InvalidClientTokenId', 403],
  AccessDeniedException: ['AccessDenied', 403],
  ValidationException: ['ValidationError', 400],
};

/** An error as a Query service (CloudFormation) names it. */
export function asQueryError(error: ServiceError): ServiceError {
  const mapped = QUERY_ERRORS[error.code];
  return mapped ? new ServiceError(mapped[0], mapped[1], error.message, { headers: error.headers }) : error;
}
