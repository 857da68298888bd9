import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { PublicUrls } from '../publicUrls.js';
import type { AuditRecord, Store } from '../store/store.js';

/** Who is calling, as established by auth/ from a verified signature. */
export interface Caller {
  accountId: string;
  /** From the signature's credential scope. */
  region: string;
  accessKeyId: string;
  /** The IAM-style principal ARN of the caller. */
  principal: string;
  /** The IAM session name (an assumed role's session, else the user's name): the identity apps see with EnableIamSessionBasedIdentity. */
  sessionName: string;
}

/** Everything an operation may use. No HTTP: operations are plain functions of input and context. */
export interface OperationContext {
  caller: Caller;
  store: Store;
  config: Config;
  logger: Logger;
  requestId: string;
  /** The service's time: lifecycle times and expiries are read from it. */
  clock: Clock;
  /** Where this server and its apps are reached. */
  urls: PublicUrls;
  /** Signs presigned-URL tokens; shared by every replica. */
  gatewaySecret: string;
  /** Tells the local reconciler a transition falls due at this time. */
  scheduleTransition(dueAt: number): void;
  /** Present for a mutating call: its audit record goes into the transaction of the change it records. */
  audit?: CallAudit;
}

/**
 * A mutating call's success is audited in the same transaction as its change, so an answered
 * change always has its record and a record that cannot be stored fails the change. A call that
 * changes nothing (a ClientToken's answer replayed, an error) is audited afterwards by the server.
 */
export interface CallAudit {
  /** The record of this call's success, naming `target`, for the store write that makes the change. */
  record(target: string): AuditRecord;
  /** Says the store kept that record with the change (its outcome was 'done'). */
  stored(): void;
}

/**
 * An operation takes its own validated input type; the registry holds them all under this type,
 * which only the server calls, with input the model check has already accepted.
 */
export type OperationHandler = (input: never, context: OperationContext) => Promise<object>;

/**
 * An SDK request type once the model check has passed: the listed required members are present.
 * (The SDK types every member as possibly undefined.)
 */
export type Validated<T, Required extends keyof T> = T & { [K in Required]-?: NonNullable<T[K]> };
