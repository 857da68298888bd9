/**
 * How the Cloud Control and DescribeType fronts answer a failure, as the SageMaker API's pipeline
 * does (server.ts): a client gone mid-request gets nothing, anything unexpected is logged and
 * answered InternalFailure, and a refusal waits for the rest of the body to be read and thrown away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { ClientAbort, writeRefusal } from '../protocol/body.js';
import { internalFailure, ServiceError } from '../protocol/errors.js';

export interface FailureHooks {
  logger: Logger;
  /** A client gone before its request was complete (logged and counted by the server). */
  clientAborted(req: IncomingMessage, requestId: string): void;
  /** A request refused before its caller was known (counted, not audited one by one). */
  refused(address: string | undefined, code: string): void;
}

/** `write` answers the error the caller is given, with the headers the refusal needs. */
export function answerFailure(res: ServerResponse, requestId: string, error: unknown, hooks: FailureHooks, write: (given: ServiceError, headers: Record<string, string>) => void): void {
  if (error instanceof ClientAbort) return hooks.clientAborted(res.req, requestId);
  if (!(error instanceof ServiceError)) hooks.logger.error({ err: error, requestId }, 'request failed unexpectedly');
  const given = error instanceof ServiceError ? error : internalFailure();
  writeRefusal(res.req, (headers) => write(given, headers ?? {}));
}
