/** Rules shared by several operations: finding the caller's app, idempotency, tag limits. */
import { hash } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import { parseAppArn, type PartnerApp, type PartnerAppType } from '../domain/partnerApp.js';
import { taggedResourceNotFound } from '../domain/rules/tags.js';
import { conflict, resourceNotFound, validationError } from '../protocol/errors.js';
import type { IdempotencyRecord } from '../store/store.js';
import type { ClientTokens, OperationContext, OperationName, Output } from './context.js';

export const MAX_TAGS_PER_RESOURCE = 50;

/** The version a new app of this type starts at, once the catalog is found to offer the type and the tier. */
export function checkOffered(catalog: Catalog, type: PartnerAppType, tier: string): string {
  if (!catalog.offers(type)) throw validationError(`Partner apps of type ${type} are not offered here; the types offered are ${catalog.offered().join(', ')}.`);
  checkTier(catalog, type, tier);
  return catalog.initialVersion(type);
}

/** A tier the catalog lists for the type (any tier when it lists none). */
export function checkTier(catalog: Catalog, type: PartnerAppType, tier: string): void {
  const tiers = catalog.tiersOf(type);
  if (tiers && !tiers.includes(tier)) throw validationError(`Tier ${tier} is not offered for partner apps of type ${type}; the allowed tiers are ${tiers.join(', ')}.`);
}

export const appNotFound = (arn: string) => resourceNotFound(`Partner app ${arn} does not exist.`);

/**
 * The caller's app, or ResourceNotFound. An ARN of another account or region is treated exactly
 * like an ARN that names nothing, so no caller can learn that someone else's app exists.
 */
export async function findOwnedApp(context: OperationContext, arn: string, options: { includeDeleted: boolean }): Promise<PartnerApp> {
  const parts = parseAppArn(arn);
  const { accountId, region } = context.caller;
  if (!parts || parts.accountId !== accountId || parts.region !== region) throw appNotFound(arn);
  const app = await context.store.getApp(arn);
  if (!app || (!options.includeDeleted && app.status === 'Deleted')) throw appNotFound(arn);
  return app;
}

/**
 * For the generic tagging operations, whose ARN may name any SageMaker resource: only the
 * caller's own partner apps exist here.
 */
export function assertOwnedArn(context: OperationContext, arn: string): void {
  const parts = parseAppArn(arn);
  if (!parts || parts.accountId !== context.caller.accountId || parts.region !== context.caller.region) throw taggedResourceNotFound(arn);
}

/** The hash a ClientToken's record keeps of its request (canonical, so key order does not matter). */
export const requestHash = (request: unknown) => hash('sha256', canonical(request), 'base64url');

/** Canonical JSON (sorted keys) so two equal requests hash the same however they were written. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * ClientToken handling for Create, Update and Delete: the same token with the same request returns
 * the first answer and changes nothing; with a different request it is a ConflictException.
 * Only successful requests are remembered, so a failed one may be retried with its token.
 */
export class ClientTokenScope<Answer> implements ClientTokens<Answer> {
  private constructor(
    private readonly context: OperationContext,
    private readonly operation: string,
    private readonly token: string,
    private readonly requestHash: string,
  ) {}

  /** A call made through Cloud Control uses Cloud Control's ClientToken instead (its replay is read by the Cloud Control handler). */
  static of<Op extends OperationName>(context: OperationContext, operation: Op, input: { ClientToken?: string }): ClientTokens<Output<Op>> | undefined {
    if (context.cloudControl) return context.cloudControl.clientTokens as ClientTokens<Output<Op>> | undefined;
    const { ClientToken: token, ...request } = input;
    if (token === undefined) return undefined;
    return new ClientTokenScope<Output<Op>>(context, operation, token, requestHash(request));
  }

  private get key() {
    const { accountId, region } = this.context.caller;
    return { accountId, region, operation: this.operation, token: this.token };
  }

  /** The first answer if this token was used before. */
  async priorAnswer(): Promise<Answer | undefined> {
    const record = await this.context.store.findIdempotency(this.key);
    return record && this.replay(record);
  }

  replay(record: IdempotencyRecord): Answer {
    if (record.requestHash !== this.requestHash) {
      throw conflict(`ClientToken ${this.token} was already used for a different ${this.operation} request.`);
    }
    return JSON.parse(record.response) as Answer;
  }

  record(response: Answer): IdempotencyRecord {
    // Added to the fresh key object rather than spread into another, which costs several times as much.
    return Object.assign(this.key, { requestHash: this.requestHash, response: JSON.stringify(response), createdAt: this.context.clock.now() });
  }
}

export const tooManyTags = (arn: string) =>
  validationError(`Resource ${arn} would have more than ${MAX_TAGS_PER_RESOURCE} tags; remove some with DeleteTags first.`);
