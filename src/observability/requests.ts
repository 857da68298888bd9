/**
 * What the operations surface records of each API call: a metric sample, a debug log line and,
 * for mutating calls, an audit record. The server fills in an ApiCall as the pipeline learns who
 * is calling and what they asked, and hands it here when the answer is known.
 */
import { performance } from 'node:perf_hooks';
import type { Caller } from '../operations/context.js';
import { ServiceError } from '../protocol/errors.js';
import type { AuditRecord } from '../store/store.js';
import { AUDIT_SUCCESS, AUDITED_OPERATIONS, type AuditLog } from './audit.js';
import type { Logger } from '../logger.js';
import { SUCCESS_CODE, type Metrics } from './metrics.js';

export interface ApiCall {
  readonly requestId: string;
  /** performance.now() when the request arrived. */
  readonly startedAt: number;
  operation?: string;
  /** Set once the caller is established (absent when the request was refused before that). */
  caller?: Caller;
  /** The request body as parsed: the audit record's target comes from it. */
  input?: unknown;
}

export const newApiCall = (requestId: string): ApiCall => ({ requestId, startedAt: performance.now() });

/** The code the caller is given for this error (anything unexpected becomes InternalFailure). */
export const errorCodeOf = (error: unknown): string => (error instanceof ServiceError ? error.code : 'InternalFailure');

/** The audit record of a call: `code` is the error code returned, undefined for success. */
export function auditRecordOf(call: Pick<ApiCall, 'caller' | 'requestId'> & { operation: string }, code: string | undefined, target: string | undefined): AuditRecord {
  const { caller } = call;
  return {
    time: Date.now(),
    accountId: caller?.accountId,
    accessKeyId: caller?.accessKeyId,
    principal: caller?.principal,
    operation: call.operation,
    target,
    requestId: call.requestId,
    outcome: code ?? AUDIT_SUCCESS,
  };
}

const stringMember = (value: unknown, member: string): string | undefined => {
  const found = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[member] : undefined;
  return typeof found === 'string' ? found : undefined;
};

export class RequestObserver {
  constructor(
    private readonly metrics: Metrics,
    private readonly audit: AuditLog,
    private readonly logger: Logger,
  ) {}

  /**
   * For a mutating call whose change did not store its audit record (it was refused, or replayed
   * a ClientToken's answer), stores the record and resolves once it is stored; undefined for any
   * other call. `code` is the error code returned, if any.
   */
  audited(call: Pick<ApiCall, 'operation' | 'caller' | 'input' | 'requestId'>, code: string | undefined, output?: unknown): Promise<void> | undefined {
    const { operation } = call;
    if (operation === undefined || !AUDITED_OPERATIONS.has(operation)) return undefined;
    // Update, Delete and the tag operations name their app (Cloud Control's its Identifier or
    // request); a Create's ARN is in its answer (Cloud Control's in its ProgressEvent).
    const target =
      stringMember(call.input, 'Arn') ??
      stringMember(call.input, 'ResourceArn') ??
      stringMember(call.input, 'Identifier') ??
      stringMember(call.input, 'RequestToken') ??
      stringMember(output, 'Arn') ??
      stringMember((output as { ProgressEvent?: unknown } | undefined)?.ProgressEvent, 'Identifier');
    return this.audit.append(auditRecordOf({ ...call, operation }, code, target));
  }

  /** Counts the answered call and logs it at debug level. */
  answered(call: ApiCall, statusCode: number, code: string | undefined): void {
    const seconds = (performance.now() - call.startedAt) / 1000;
    this.metrics.request(call.operation, code ?? SUCCESS_CODE, seconds);
    if (this.logger.isLevelEnabled('debug')) {
      this.logger.debug(
        {
          requestId: call.requestId,
          operation: call.operation,
          status: statusCode,
          code,
          durationMs: Math.round(seconds * 1e6) / 1e3,
          accountId: call.caller?.accountId,
          accessKeyId: call.caller?.accessKeyId,
        },
        'request',
      );
    }
  }
}
