/**
 * The one error type of the service. Anything thrown on the request path that is not a
 * ServiceError becomes InternalFailure where the response is written (protocol/respond.ts).
 */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    /**
     * Modeled SageMaker errors carry the model's member `Message`; the errors raised by AWS's
     * request front end (validation, serialization, auth) use lower-case `message`, as AWS does.
     */
    readonly modeled = false,
  ) {
    super(message);
    this.name = code;
  }
}

export const validationError = (message: string) => new ServiceError('ValidationException', 400, message);
export const serializationError = (message: string) => new ServiceError('SerializationException', 400, message);
export const unknownOperation = (message: string) => new ServiceError('UnknownOperationException', 400, message);
export const resourceNotFound = (message: string) => new ServiceError('ResourceNotFound', 400, message, true);
export const conflict = (message: string) => new ServiceError('ConflictException', 400, message, true);
export const resourceLimitExceeded = (message: string) =>
  new ServiceError('ResourceLimitExceeded', 400, message, true);
export const accessDenied = (message: string) => new ServiceError('AccessDeniedException', 400, message);
export const internalFailure = () =>
  new ServiceError('InternalFailure', 500, 'The request processing has failed because of an unknown error, exception or failure.');
