/**
 * The one error type of the service. Anything thrown on a request's path that is not a
 * ServiceError becomes InternalFailure where the response is written (answerError in mounts.ts).
 */
export interface ServiceErrorOptions {
  /**
   * Modeled SageMaker errors carry the model's member `Message`; the errors raised by AWS's
   * request front end (validation, serialization, auth) use lower-case `message`, as AWS does.
   */
  modeled?: boolean;
  /** A heading for people, where the error is shown as a page (the gateway's). */
  title?: string;
  /** Headers the response carries (Retry-After, WWW-Authenticate, a cookie to clear). */
  headers?: Readonly<Record<string, string>>;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export class ServiceError extends Error {
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
    this.modeled = options.modeled ?? false;
    this.title = options.title;
    this.headers = options.headers ?? NO_HEADERS;
  }
}

export const validationError = (message: string) => new ServiceError('ValidationException', 400, message);
export const serializationError = (message: string) => new ServiceError('SerializationException', 400, message);
export const unknownOperation = (message: string) => new ServiceError('UnknownOperationException', 400, message);
export const resourceNotFound = (message: string) => new ServiceError('ResourceNotFound', 400, message, { modeled: true });
export const conflict = (message: string) => new ServiceError('ConflictException', 400, message, { modeled: true });
export const resourceLimitExceeded = (message: string) =>
  new ServiceError('ResourceLimitExceeded', 400, message, { modeled: true });
export const accessDenied = (message: string) => new ServiceError('AccessDeniedException', 400, message);
export const internalFailure = () =>
  new ServiceError('InternalFailure', 500, 'The request processing has failed because of an unknown error, exception or failure.');
