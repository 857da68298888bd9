/**
 * Cloud Control's errors, worded as AWS words them where it is known (docs/infrastructure-as-code.md
 * lists each and where it came from). The modeled ones carry the model's member `Message`.
 */
import { ServiceError } from '../protocol/errors.js';
import { cloudControlErrors } from './model.js';

type ModeledError = keyof typeof cloudControlErrors;

export const cloudControlError = (code: ModeledError, message: string) => new ServiceError(code, cloudControlErrors[code], message, true);

export const typeNotFound = (typeName: string) => cloudControlError('TypeNotFoundException', `The type '${typeName}' cannot be found.`);

export const requestTokenNotFound = (token: string) => cloudControlError('RequestTokenNotFoundException', `Request with token ${token} was not found`);

/** The message a resource handler gives for a resource that is not there (CloudFormation's handler framework). */
export const notFoundMessage = (typeName: string, identifier: string) => `Resource of type '${typeName}' with identifier '${identifier}' was not found.`;

export const resourceNotFound = (typeName: string, identifier: string, requestToken: string) =>
  cloudControlError(
    'ResourceNotFoundException',
    `${typeName} Handler returned status FAILED: ${notFoundMessage(typeName, identifier)} (HandlerErrorCode: NotFound, RequestToken: ${requestToken})`,
  );

/** Cloud Control checks a desired state or patch against the type's schema before any handler runs. */
export const modelValidationFailed = (problems: readonly string[]) => new ServiceError('ValidationException', 400, `Model validation failed (${problems.join('\n')})`, true);

export const invalidPatch = (reason: string) => new ServiceError('ValidationException', 400, `Invalid patch document: ${reason}`, true);

const pointers = (names: readonly string[]) => `[${names.map((name) => `/properties/${name}`).join(', ')}]`;

export const readOnlyChanged = (names: readonly string[]) =>
  new ServiceError('ValidationException', 400, `Invalid patch update: readOnlyProperties ${pointers(names)} cannot be updated`, true);

export const readOnlyGiven = (names: readonly string[]) =>
  new ServiceError('ValidationException', 400, `Invalid create request: readOnlyProperties ${pointers(names)} cannot be specified`, true);

export const createOnlyChanged = (names: readonly string[]) =>
  cloudControlError('NotUpdatableException', `Invalid patch update: createOnlyProperties ${pointers(names)} cannot be updated`);

export const clientTokenConflict = (token: string) =>
  cloudControlError('ClientTokenConflictException', `Client token ${token} has already been used in another resource request.`);

export const concurrentOperation = (identifier: string, requestToken: string) =>
  cloudControlError(
    'ConcurrentOperationException',
    `Another resource operation (request ${requestToken}) is currently being performed on resource ${identifier}.`,
  );
