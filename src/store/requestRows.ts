/** Cloud Control request records as rows of resource_requests, shared by both stores. */
import type { PartnerAppStatus } from '../domain/partnerApp.js';
import type { HandlerErrorCode, OperationStatus, ResourceOperation, ResourceRequest } from '../domain/resourceRequests.js';

/** Every column but seq, in this order. */
export const REQUEST_COLUMNS =
  'token, account_id, region, type_name, operation, identifier, event_time, waits_for, ended_status, ended_reason, settled_status, error_code, status_message, cancelled_at';

export interface RequestRow {
  seq: number;
  token: string;
  account_id: string;
  region: string;
  type_name: string;
  operation: string;
  identifier: string | null;
  event_time: number;
  waits_for: string | null;
  ended_status: string | null;
  ended_reason: string | null;
  settled_status: string | null;
  error_code: string | null;
  status_message: string | null;
  cancelled_at: number | null;
}

const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

export function requestFromRow(row: RequestRow): ResourceRequest {
  return {
    seq: Number(row.seq),
    token: row.token,
    accountId: row.account_id,
    region: row.region,
    typeName: row.type_name,
    operation: row.operation as ResourceOperation,
    identifier: optional(row.identifier),
    eventTime: Number(row.event_time),
    waitsFor: optional(row.waits_for) as PartnerAppStatus | undefined,
    endedStatus: optional(row.ended_status) as PartnerAppStatus | undefined,
    endedReason: optional(row.ended_reason),
    settled:
      row.settled_status === null
        ? undefined
        : { status: row.settled_status as OperationStatus, errorCode: optional(row.error_code) as HandlerErrorCode | undefined, message: optional(row.status_message) },
    cancelledAt: row.cancelled_at === null ? undefined : Number(row.cancelled_at),
  };
}

/** Values in REQUEST_COLUMNS order. */
export function requestToRow(request: ResourceRequest): unknown[] {
  return [
    request.token,
    request.accountId,
    request.region,
    request.typeName,
    request.operation,
    request.identifier ?? null,
    request.eventTime,
    request.waitsFor ?? null,
    request.endedStatus ?? null,
    request.endedReason ?? null,
    request.settled?.status ?? null,
    request.settled?.errorCode ?? null,
    request.settled?.message ?? null,
    request.cancelledAt ?? null,
  ];
}
