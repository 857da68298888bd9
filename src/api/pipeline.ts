/**
 * The API pipeline, as one module with no HTTP server in it:
 *   route (which operation) → authenticate (SigV4) → deserialize (the body) → validate and invoke
 *   (invoke.ts) → serialize (the answer, or the error through answerError)
 * The wire protocol is a parameter, so that another front (another AWS protocol on the same
 * operations) can run the same pipeline with its own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rawRequestOf, verifyRequest } from '../auth/sigv4.js';
import type { Credentials } from '../auth/credentials.js';
import type { AnonymousRefusals } from '../observability/anonymousRefusals.js';
import { errorCodeOf, newApiCall, type ApiCall, type RequestObserver } from '../observability/requests.js';
import { operationResolver, parseJsonBody } from '../protocol/awsJson.js';
import { ClientAbort, readBody } from '../protocol/body.js';
import { answerError, type ErrorRenderer, type ErrorReporting, type Mount } from '../protocol/mounts.js';
import { writeError, writeResult } from '../protocol/serialize.js';
import type { Invoke } from './invoke.js';

/** How a front reads its requests and writes its answers. */
export interface ApiProtocol {
  /** Route: the operation the request names; throws the error to answer with (an unknown operation). */
  operationOf(req: IncomingMessage): string;
  /** Deserialize: the body as the operation's input; throws the error to answer with (a body that does not parse). */
  inputOf(body: Buffer): unknown;
  /** Serialize: writes the answer; `written` is called once it is handed to the socket. */
  writeResult(res: ServerResponse, requestId: string, output: object, written?: () => void): void;
  /** Serialize: writes an error. */
  writeError: ErrorRenderer;
}

/** AWS JSON 1.1 with `X-Amz-Target: <service>.<Operation>`, as the SageMaker API speaks it. */
export function awsJsonProtocol(service: string, operationNames: readonly string[]): ApiProtocol {
  const resolve = operationResolver(service, operationNames);
  return {
    operationOf: (req) => resolve(req.headers['x-amz-target'] as string | undefined),
    inputOf: parseJsonBody,
    writeResult,
    writeError,
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

/** The API as a surface of the server: signed POSTs to `/`. */
export function apiMount(options: ApiOptions): Mount {
  const { protocol, credentials, maxBodyBytes, invoke, observer, refusals, reporting } = options;

  /** The answer to a request, or the error to answer with. */
  async function answer(req: IncomingMessage, call: ApiCall): Promise<object> {
    let input: unknown;
    try {
      call.operation = protocol.operationOf(req);
      const body = await readBody(req, maxBodyBytes);
      call.caller = await verifyRequest(rawRequestOf(req, body), credentials);
      input = call.input = protocol.inputOf(body);
    } catch (error) {
      // Refused before the operation ran: audited when a known caller asked for a change, counted
      // when nobody is known yet (anonymousRefusals.ts); a client gone mid-request asked for nothing.
      if (error instanceof ClientAbort) throw error;
      if (call.caller === undefined) refusals.refused(req.socket.remoteAddress, errorCodeOf(error));
      else await observer.audited(call, errorCodeOf(error));
      throw error;
    }
    return invoke(call.operation, input, call.caller, call.requestId);
  }

  return {
    name: 'api',
    methods: ['POST'],
    paths: new Set(['/']),
    handle(req, res, requestId) {
      const call = newApiCall(requestId);
      // Counted once written: an answer waits for the end of its turn of the event loop (serialize.ts).
      answer(req, call).then(
        (output) => protocol.writeResult(res, requestId, output, () => observer.answered(call, 200, undefined)),
        (error: unknown) =>
          answerError(res, requestId, error, {
            ...reporting,
            surface: 'api',
            render: protocol.writeError,
            written: (given) => observer.answered(call, given.statusCode, given.code),
          }),
      );
    },
  };
}
