/**
 * Cloud Control resource operation requests. A request that starts a transition of an app waits
 * for the app to leave that transitional status; the database records the status the app goes to
 * (a trigger on apps, migration 004), whatever moves it, so the request's status is derived from
 * the app's lifecycle when it is read, never from a timer. A request that fails before any
 * transition starts is stored settled.
 */
import type { PartnerAppStatus } from './partnerApp.js';

export type ResourceOperation = 'CREATE' | 'UPDATE' | 'DELETE';
export type OperationStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'CANCEL_IN_PROGRESS' | 'CANCEL_COMPLETE';
/** The handler error codes a failed request of this type reports (Cloud Control's HandlerErrorCode). */
export type HandlerErrorCode = 'AlreadyExists' | 'ResourceConflict' | 'ServiceLimitExceeded' | 'InvalidRequest' | 'NotFound' | 'AccessDenied' | 'NotStabilized';

/** AWS keeps resource operation requests for seven days. */
export const RESOURCE_REQUEST_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** A Cloud Control ClientToken is valid for 36 hours once used. */
export const CLOUD_CONTROL_TOKEN_TTL_MS = 36 * 3600 * 1000;
/** The idempotency records of Cloud Control ClientTokens are kept under this operation name (one per account and region for all operations). */
export const CLOUD_CONTROL_IDEMPOTENCY = 'CloudControl';

export interface ResourceRequest {
  /** The store's position of the request (absent until stored). */
  seq?: number;
  token: string;
  accountId: string;
  region: string;
  typeName: string;
  operation: ResourceOperation;
  /** The app's ARN, once known. */
  identifier?: string;
  /** When the request was made (epoch ms): its EventTime. */
  eventTime: number;
  /** The transitional status the request waits for the app to leave; absent for a request settled when it was made. */
  waitsFor?: PartnerAppStatus;
  /** The status the app left `waitsFor` for, and the reason it gave, as the database recorded them. */
  endedStatus?: PartnerAppStatus;
  endedReason?: string;
  /** A request settled when it was made: FAILED with the handler's error code and message. */
  settled?: { status: OperationStatus; errorCode?: HandlerErrorCode; message?: string };
  cancelledAt?: number;
}

/** The transition each operation starts. */
export const TRANSITION_OF: Readonly<Record<ResourceOperation, PartnerAppStatus>> = { CREATE: 'Creating', UPDATE: 'Updating', DELETE: 'Deleting' };
