/**
 * Cloud Control's ClientToken: one namespace per account and region for every resource operation,
 * valid 36 hours. The same token with the same request gives that request's ProgressEvent again;
 * with another request it is a ClientTokenConflictException. Its idempotency record is stored in
 * the transaction of the change (or of the failed request's record), like the SageMaker API's.
 */
import { CLOUD_CONTROL_IDEMPOTENCY } from '../domain/resourceRequests.js';
import { requestHash } from '../operations/common.js';
import type { ClientTokens, OperationContext } from '../operations/context.js';
import type { IdempotencyRecord } from '../store/store.js';
import { clientTokenConflict } from '../protocol/cloudControlErrors.js';

/** What a replay answers: the token of the request made the first time. */
export interface PriorRequest {
  RequestToken: string;
}

export class CloudControlTokens implements ClientTokens<PriorRequest> {
  private constructor(
    private readonly context: OperationContext,
    private readonly token: string,
    private readonly hash: string,
    private readonly requestToken: string,
  ) {}

  /** `request` is everything the caller asked (the operation and its input, without the token). */
  static of(context: OperationContext, token: string | undefined, request: object, requestToken: string): CloudControlTokens | undefined {
    return token === undefined ? undefined : new CloudControlTokens(context, token, requestHash(request), requestToken);
  }

  private get key() {
    const { accountId, region } = this.context.caller;
    return { accountId, region, operation: CLOUD_CONTROL_IDEMPOTENCY, token: this.token };
  }

  async priorAnswer(): Promise<PriorRequest | undefined> {
    const record = await this.context.store.findIdempotency(this.key);
    return record && this.replay(record);
  }

  replay(record: IdempotencyRecord): PriorRequest {
    if (record.requestHash !== this.hash) throw clientTokenConflict(this.token);
    return JSON.parse(record.response) as PriorRequest;
  }

  record(): IdempotencyRecord {
    const response: PriorRequest = { RequestToken: this.requestToken };
    return { ...this.key, requestHash: this.hash, response: JSON.stringify(response), createdAt: this.context.clock.now() };
  }
}
