/**
 * The API pipeline, as one module with no HTTP server in it:
 *   route (which operation) → authenticate (SigV4) → deserialize (the body) → validate and invoke
 *   (invoke.ts) → serialize (the answer, or the error through answerError)
 * The wire protocol is a parameter, so that every front runs the same pipeline with its own: the
 * SageMaker API (AWS JSON 1.1), the Cloud Control API (AWS JSON 1.0) and CloudFormation's
 * DescribeType (the Query protocol, queryProtocol.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rawRequestOf, verifyRequest } from '../auth/sigv4.js';
import type { Credentials } from '../auth/credentials.js';
import type { AnonymousRefusals } from '../observability/anonymousRefusals.js';
import { errorCodeOf, newApiCall, type ApiCall, type RequestObserver } from '../observability/requests.js';
import { operationResolver, parseJsonBody } from '../protocol/awsJson.js';
import { ClientAbort, readBody } from '../protocol/body.js';
import { answerError, type ErrorRenderer, type ErrorReporting, type Mount } from '../protocol/mounts.js';
import { ServiceError } from '../protocol/errors.js';
import { jsonWriters, writeError, writeResult } from '../protocol/serialize.js';
import type { Invoke } from './invoke.js';

/** How a front reads its requests and writes its answers. */
export interface ApiProtocol {
  /** Names the front in logs (the mount's name). */
  readonly name: string;
  /** The service a request's SigV4 credential scope must name. */
  readonly signingName: string;
  /** Whether a request to the API's path is this front's; absent for the front that takes every other one. */
  accepts?(req: IncomingMessage): boolean;
  /**
   * Route: the operation the request's headers name, or undefined when its body names it (the
   * Query protocol's Action); throws the error to answer with (an unknown operation).
   */
  operationOf(req: IncomingMessage): string | undefined;
  /** Deserialize: the body as the operation's input; throws the error to answer with (a body that does not parse). */
  inputOf(body: Buffer): unknown;
  /** Route, for a protocol whose body names the operation: the operation the input names; throws for one it does not serve. */
  operationIn?(input: unknown): string;
  /** The protocol's own names for the errors every front shares (the Query protocol's), before they are written. */
  namesError?(error: ServiceError): ServiceError;
  /** Serialize: writes the answer; `written` is called once it is handed to the socket. */
  writeResult(res: ServerResponse, requestId: string, output: object, written?: () => void): void;
  /** Serialize: writes an error. */
  writeError: ErrorRenderer;
}

export interface AwsJsonOptions {
  /** AWS JSON 1.1 (default) or 1.0. */
  jsonVersion?: '1.0' | '1.1';
  /** The service in the credential scope (default: the target's service in lower case). */
  signingName?: string;
  /** The front's name in logs (default `api`). */
  name?: string;
  /** Only requests whose X-Amz-Target names this service (the front that takes every other POST / has no such claim). */
  claimsTarget?: boolean;
}

/** Whether the request's X-Amz-Target starts with `<service>.`, checked cheaply on its first letter before anything else. */
function targetOf(service: string): (req: IncomingMessage) => boolean {
  const prefix = `${service.toLowerCase()}.`;
  const first = prefix.charCodeAt(0);
  return (req) => {
    const target = req.headers['x-amz-target'];
    return typeof target === 'string' && (target.charCodeAt(0) | 0x20) === first && target.toLowerCase().startsWith(prefix);
  };
}

/** AWS JSON with `X-Amz-Target: <service>.<Operation>`, as the SageMaker API (1.1) and the Cloud Control API (1.0) speak it. */
export function awsJsonProtocol(service: string, operationNames: readonly string[], options: AwsJsonOptions = {}): ApiProtocol {
  const resolve = operationResolver(service, operationNames);
  const writers = options.jsonVersion === '1.0' ? jsonWriters('application/x-amz-json-1.0') : { writeResult, writeError };
  return {
    name: options.name ?? 'api',
    signingName: options.signingName ?? service.toLowerCase(),
    accepts: options.claimsTarget ? targetOf(service) : undefined,
    operationOf: (req) => resolve(req.headers['x-amz-target'] as string | undefined),
    inputOf: parseJsonBody,
    ...writers,
  };
}

export interface ApiOptions {
  protocol: ApiProtocol;
  credentials: Credentials;
  maxBodyBytes: number;
  invoke: Invoke;
  observer: RequestObserver;
  /** Counts the refusals of requests whose caller is not known (they are not audited one by one). */
  refusals: AnonymousRefusals;
  reporting: ErrorReporting;
}

/** An API front as a surface of the server: signed POSTs to `/` (of its protocol, when several share the path). */
export function apiMount(options: ApiOptions): Mount {
  const { protocol, credentials, maxBodyBytes, invoke, observer, refusals, reporting } = options;

  const signing = { service: protocol.signingName };

  /** The answer to a request, or the error to answer with. */
  async function answer(req: IncomingMessage, call: ApiCall): Promise<object> {
    let input: unknown;
    let operation: string;
    try {
      call.operation = protocol.operationOf(req);
      const body = await readBody(req, maxBodyBytes);
      call.caller = await verifyRequest(rawRequestOf(req, body), credentials, signing);
      input = call.input = protocol.inputOf(body);
      operation = call.operation ?? (call.operation = protocol.operationIn!(input));
    } catch (error) {
      // Refused before the operation ran: audited when a known caller asked for a change, counted
      // when nobody is known yet (anonymousRefusals.ts); a client gone mid-request asked for nothing.
      if (error instanceof ClientAbort) throw error;
      if (call.caller === undefined) refusals.refused(req.socket.remoteAddress, errorCodeOf(error));
      else await observer.audited(call, errorCodeOf(error));
      throw error;
    }
    return invoke(operation, input, call.caller, call.requestId);
  }

  return {
    name: protocol.name,
    methods: ['POST'],
    paths: new Set(['/']),
    accepts: protocol.accepts,
    handle(req, res, requestId) {
      const call = newApiCall(requestId);
      // Counted once written: an answer waits for the end of its turn of the event loop (serialize.ts).
      answer(req, call).then(
        (output) => protocol.writeResult(res, requestId, output, () => observer.answered(call, 200, undefined)),
        (error: unknown) =>
          answerError(res, requestId, protocol.namesError && error instanceof ServiceError ? protocol.namesError(error) : error, {
            ...reporting,
            surface: protocol.name,
            render: protocol.writeError,
            written: (given) => observer.answered(call, given.statusCode, given.code),
          }),
      );
    },
  };
}
