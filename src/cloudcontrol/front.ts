/**
 * The Cloud Control API on the API endpoint (POST /): AWS JSON 1.0, X-Amz-Target
 * CloudApiService.<Operation>, SigV4 for the signing name `cloudcontrolapi`, IAM actions
 * `cloudformation:<Operation>`, then the operations of ./operations on the same store as the
 * SageMaker API; the same credentials, metrics and audit log, and every error written in one place.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertAllowed, type Credentials } from '../auth/credentials.js';
import { rawRequestOf, verifyRequest } from '../auth/sigv4.js';
import type { Config } from '../config.js';
import { auditRecordOf, errorCodeOf, newApiCall, type ApiCall, type RequestObserver } from '../observability/requests.js';
import type { CallAudit, Caller, OperationContext } from '../operations/context.js';
import { operationResolver, parseJsonBody } from '../protocol/awsJson.js';
import { ClientAbort, readBody } from '../protocol/body.js';
import { writeError, writeJson } from '../protocol/serialize.js';
import { compileValidators } from '../validation/check.js';
import { answerFailure, type FailureHooks } from './failures.js';
import type { CloudControlContext } from './handlers.js';
import { cloudControlModel } from './model.js';
import { CLOUD_CONTROL_WRITES, cloudControlAction, cloudControlOperations } from './operations/index.js';

export const CLOUD_CONTROL_SIGNING_NAME = 'cloudcontrolapi';
const TARGET_PREFIX = 'CloudApiService';
const CONTENT_TYPE = { 'Content-Type': 'application/x-amz-json-1.0' };

/** Whether a request's X-Amz-Target is Cloud Control's (checked cheaply: SageMaker's start with an S). */
export const isCloudControlTarget = (target: string | string[] | undefined): boolean =>
  typeof target === 'string' && (target.charCodeAt(0) | 0x20) === 0x63 && target.toLowerCase().startsWith('cloudapiservice.');

export interface CloudControlFrontOptions extends FailureHooks {
  credentials: Credentials;
  config: Config;
  observer: RequestObserver;
  /** The SageMaker operations' context for a caller (the Cloud Control operations run them). */
  operationContext(caller: Caller, requestId: string, audit?: CallAudit): OperationContext;
}

export const CLOUD_CONTROL_OPERATION_NAMES = Object.keys(cloudControlOperations);

export function createCloudControlFront(options: CloudControlFrontOptions): (req: IncomingMessage, res: ServerResponse, requestId: string) => void {
  const { credentials, config, observer } = options;
  const resolveOperation = operationResolver(TARGET_PREFIX, CLOUD_CONTROL_OPERATION_NAMES);
  const validators = compileValidators(cloudControlModel);

  function execute(operation: string, body: unknown, caller: Caller, requestId: string, audit?: CallAudit): Promise<object> {
    assertAllowed(credentials, caller, cloudControlAction(operation), () => undefined);
    const input = validators.get(operation)!(body);
    const context: CloudControlContext = {
      ...options.operationContext(caller, requestId, audit),
      allows: (action) => credentials.get(caller.accessKeyId)?.allows(action) ?? false,
    };
    return cloudControlOperations[operation]!(input as never, context);
  }

  /** A write is answered once its audit record is stored: with its change, or here. */
  async function invoke(call: ApiCall & { operation: string; caller: Caller }): Promise<object> {
    if (!CLOUD_CONTROL_WRITES.has(call.operation)) return execute(call.operation, call.input, call.caller, call.requestId);
    let storedWithChange = false;
    const audit: CallAudit = { record: (target) => auditRecordOf(call, undefined, target), stored: () => (storedWithChange = true) };
    let output: object;
    try {
      output = await execute(call.operation, call.input, call.caller, call.requestId, audit);
    } catch (error) {
      await observer.audited(call, errorCodeOf(error));
      throw error;
    }
    if (!storedWithChange) await observer.audited(call, undefined, output);
    return output;
  }

  async function handle(req: IncomingMessage, call: ApiCall): Promise<object> {
    try {
      call.operation = resolveOperation(req.headers['x-amz-target'] as string);
      const body = await readBody(req, config.maxBodyBytes);
      call.caller = await verifyRequest(rawRequestOf(req, body), credentials, { service: CLOUD_CONTROL_SIGNING_NAME });
      call.input = parseJsonBody(body);
    } catch (error) {
      // As the SageMaker API's: a known caller's refusal is audited, an unknown one's counted.
      if (error instanceof ClientAbort) throw error;
      if (call.caller === undefined) options.refused(req.socket.remoteAddress, errorCodeOf(error));
      else await observer.audited(call, errorCodeOf(error));
      throw error;
    }
    return invoke(call as ApiCall & { operation: string; caller: Caller });
  }

  return (req, res, requestId) => {
    const call = newApiCall(requestId);
    handle(req, call).then(
      (output) => writeJson(res, requestId, 200, JSON.stringify(output), CONTENT_TYPE, () => observer.answered(call, 200, undefined)),
      (error: unknown) =>
        answerFailure(res, requestId, error, options, (given, headers) =>
          writeError(res, requestId, given, { ...CONTENT_TYPE, ...headers }, () => observer.answered(call, given.statusCode, given.code)),
        ),
    );
  };
}
