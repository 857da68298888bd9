/**
 * Every error the service answers with, named in one place: the one error type, ServiceError, and
 * a factory for each error of each surface (the Cloud Control API's and CloudFormation's stand
 * beside it, in cloudControlErrors.ts). Anything thrown on a request's path that is not a
 * ServiceError becomes InternalFailure where the response is written (answerError, mounts.ts).
 */
import { cloudControlModel } from './cloudControlShapes.js';
import type { Model } from './model.js';
import { model } from './shapes.js';

const exceptionsOf = (serviceModel: Model) =>
  Object.entries(serviceModel.shapes)
    .filter(([, shape]) => 'exception' in shape && shape.exception)
    .map(([name]) => name);

/**
 * The errors the service models declare (structures marked `exception`: SageMaker's, and Cloud
 * Control's, whose names differ). They carry the model's member `Message`; the errors of AWS's
 * request front end (validation, serialization, auth) and of partnerplane's own surfaces use
 * lower-case `message`, as AWS does.
 */
const MODELED_ERRORS: ReadonlySet<string> = new Set([...exceptionsOf(model), ...exceptionsOf(cloudControlModel)]);

export interface ServiceErrorOptions {
  /** A heading for people, where the error is shown as a page (the gateway's). */
  title?: string;
  /** Headers the response carries (Retry-After, WWW-Authenticate, a cookie to clear). */
  headers?: Readonly<Record<string, string>>;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export class ServiceError extends Error {
  /** The model declares this error: its message goes in `Message`. */
  readonly modeled: boolean;
  readonly title: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    options: ServiceErrorOptions = {},
  ) {
    super(message);
    this.name = code;
    this.modeled = MODELED_ERRORS.has(code);
    this.title = options.title;
    this.headers = options.headers ?? NO_HEADERS;
  }
}

// ---- the API: AWS's request front end ---------------------------------------------------------

export const validationError = (message: string) => new ServiceError('ValidationException', 400, message);
export const serializationError = (message: string) => new ServiceError('SerializationException', 400, message);
export const unknownOperation = (message: string) => new ServiceError('UnknownOperationException', 400, message);
export const bodyTooLarge = (limit: number) =>
  new ServiceError('RequestEntityTooLargeException', 413, `Request body is larger than the limit of ${limit} bytes.`);
export const accessDenied = (message: string) => new ServiceError('AccessDeniedException', 400, message);
export const internalFailure = () =>
  new ServiceError('InternalFailure', 500, 'The request processing has failed because of an unknown error, exception or failure.');

// ---- the API: SigV4 ---------------------------------------------------------------------------

export const missingAuthenticationToken = () => new ServiceError('MissingAuthenticationTokenException', 400, 'Missing Authentication Token');
export const incompleteSignature = (message: string) => new ServiceError('IncompleteSignatureException', 400, message);
export const invalidSignature = (message: string) => new ServiceError('InvalidSignatureException', 400, message);
export const unrecognizedClient = () => new ServiceError('UnrecognizedClientException', 400, 'The security token included in the request is invalid.');

// ---- the API: the model's errors --------------------------------------------------------------

export const resourceNotFound = (message: string) => new ServiceError('ResourceNotFound', 400, message);
export const conflict = (message: string) => new ServiceError('ConflictException', 400, message);
export const resourceLimitExceeded = (message: string) => new ServiceError('ResourceLimitExceeded', 400, message);

// ---- the admin API ----------------------------------------------------------------------------

export const adminUnauthorized = () =>
  new ServiceError('UnauthorizedException', 401, 'The admin API needs an Authorization: Bearer <admin token> header.', {
    headers: { 'WWW-Authenticate': 'Bearer realm="partnerplane-admin"' },
  });
export const adminForbidden = () => new ServiceError('AccessDeniedException', 403, 'The admin token is not valid.');
export const adminNoRoute = (method: string, path: string) => new ServiceError('NotFoundException', 404, `No admin route for ${method} ${path}.`);
export const adminWrongMethod = (path: string, allowed: readonly string[]) =>
  new ServiceError('MethodNotAllowedException', 405, `${path} accepts ${allowed.join(', ')}.`);

// ---- the console ------------------------------------------------------------------------------

export const consoleNotSignedIn = () => new ServiceError('NotSignedIn', 401, 'The console session has ended; sign in again.');
export const consoleForbidden = (message: string) => new ServiceError('InvalidConsoleRequest', 403, message);
export const consoleNotFound = (path: string) => new ServiceError('NotFound', 404, `No console page at ${path}.`);
export const consoleBadRegion = () => new ServiceError('InvalidConsoleRequest', 400, 'The region parameter is not a region of any AWS partition, such as us-east-1.');

// ---- the app gateway: refusals shown as a page (the title) to browsers, as AWS JSON to signed requests

export const gatewayDenied = (title: string, message: string, headers?: Record<string, string>) =>
  new ServiceError('AccessDeniedException', 403, message, { title, headers });
export const gatewayNoSuchApp = (message: string) => new ServiceError('ResourceNotFound', 404, message, { title: 'No such app' });
export const gatewayNotAnAppRequest = (message: string) => new ServiceError('ValidationException', 400, message, { title: 'Not a partner app request' });
export const gatewayWrongApp = (message: string) => new ServiceError('ValidationException', 400, message, { title: 'Wrong app' });
export const gatewayAppNotFound = (arn: string) => new ServiceError('ResourceNotFound', 404, `Partner app ${arn} does not exist.`, { title: 'App not found' });
export const gatewayAppUnavailable = (title: string, message: string) =>
  new ServiceError('ServiceUnavailable', 503, message, { title, headers: { 'Retry-After': '5' } });
export const gatewayAppGone = (message: string) => new ServiceError('ResourceNotFound', 410, message, { title: 'App deleted' });
export const gatewayAppFailed = (title: string, message: string) => new ServiceError('ConflictException', 409, message, { title });
export const gatewayFailure = () =>
  new ServiceError('InternalFailure', 500, 'The gateway failed unexpectedly; the request id below is in the server log.', { title: 'Something went wrong' });
