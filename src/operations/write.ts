/**
 * How every write that starts a transition (Create, Update, Delete) ends, in one place so that a
 * new write cannot forget a step: its ClientToken's answer, its audit record and (a call made
 * through Cloud Control) its resource request go into the store's transaction with the change;
 * then a change made has its audit record counted as stored and its transition scheduled, a
 * ClientToken's first answer is replayed, and any other outcome becomes the AWS error that says why.
 */
import type { PartnerApp } from '../domain/partnerApp.js';
import { conflict, resourceLimitExceeded } from '../protocol/errors.js';
import type { ResourceRequest } from '../domain/resourceRequests.js';
import type { AuditRecord, IdempotencyRecord, WriteOutcome } from '../store/store.js';
import { appNotFound, tooManyTags } from './common.js';
import type { ClientTokens, OperationContext } from './context.js';

export interface TransitionWrite<Answer> {
  /** The app the write creates or changes. */
  app: Pick<PartnerApp, 'arn' | 'name'>;
  /** When the transition the write starts falls due. */
  dueAt: number;
  /** The answer when the write is made. */
  answer: Answer;
  tokens: ClientTokens<Answer> | undefined;
  /** What the write does to the app, as a refusal words it: 'updated', 'deleted'. */
  action: string;
}

/** What the store write carries besides the change itself. */
export interface WriteRecords {
  idempotency?: IdempotencyRecord;
  audit?: AuditRecord;
  /** The Cloud Control request that waits on this transition, when the call came through Cloud Control. */
  resourceRequest?: ResourceRequest;
}

/**
 * Runs a write's checks and store write, looking for its ClientToken's first answer only when they
 * refuse it: a retry whose checks pass is found by the store's transaction, which looks the token
 * up anyway, and one the checks refuse (the app has changed since the first answer) still gets the
 * first answer, or the conflict of a different request with the same token.
 */
export async function replayedIfRefused<Answer>(tokens: ClientTokens<Answer> | undefined, write: () => Promise<Answer>): Promise<Answer> {
  try {
    return await write();
  } catch (refusal) {
    const prior = await tokens?.priorAnswer();
    if (prior) return prior;
    throw refusal;
  }
}

export async function writeTransition<Answer>(
  context: OperationContext,
  write: TransitionWrite<Answer>,
  store: (records: WriteRecords) => Promise<WriteOutcome>,
): Promise<Answer> {
  const { app, tokens } = write;
  const outcome = await store({
    idempotency: tokens?.record(write.answer),
    audit: context.audit?.record(app.arn),
    resourceRequest: context.cloudControl?.resourceRequest(app.arn),
  });
  switch (outcome.outcome) {
    case 'done':
      context.audit?.stored();
      context.scheduleTransition(write.dueAt);
      return write.answer;
    case 'replay':
      return tokens!.replay(outcome.record);
    case 'not-found':
      throw appNotFound(app.arn);
    case 'wrong-state':
      throw conflict(`Partner app ${app.arn} is in status ${outcome.status} and cannot be ${write.action} now.`);
    case 'too-many-tags':
      throw tooManyTags(app.arn);
    case 'name-taken':
      throw conflict(`A partner app named ${app.name} already exists in account ${context.caller.accountId} and region ${context.caller.region}.`);
    case 'quota-exceeded':
      throw resourceLimitExceeded(
        `The account-level service limit 'Maximum number of partner apps' is ${context.config.maxAppsPerAccount} Apps, with current utilization of ${outcome.liveApps} Apps and a request delta of 1 Apps. Please use AWS Service Quotas to request an increase for this quota.`,
      );
  }
}
