/**
 * The operations as one callable: invoke(operation, input, caller) runs the pipeline once the
 * caller is known (IAM authorization → validation against the model → the operation), for every
 * front that reaches operations: the API (pipeline.ts) and the console reach SageMaker's; the
 * Cloud Control and CloudFormation fronts (cloudFormation.ts) theirs, each an OperationSet.
 * A mutating call is answered only once its audit record is stored: with its change, in the same
 * transaction, or here when it changed nothing.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { PublicUrls } from '../publicUrls.js';
import { assertAllowed, requestedResource, type Credentials } from '../auth/credentials.js';
import { AUDITED_OPERATIONS } from '../observability/audit.js';
import { auditRecordOf, errorCodeOf, type RequestObserver } from '../observability/requests.js';
import type { CallAudit, Caller, OperationContext, OperationHandler } from '../operations/context.js';
import { operations } from '../operations/index.js';
import type { Store } from '../store/store.js';
import { compileValidators } from '../validation/check.js';
import type { Model } from '../protocol/model.js';
import { model } from '../protocol/shapes.js';

/** Runs an operation for a caller already authenticated; rejects with the error to answer with. */
export type Invoke = (operation: string, input: unknown, caller: Caller, requestId: string) => Promise<object>;

export interface InvokerOptions {
  store: Store;
  config: Config;
  logger: Logger;
  clock: Clock;
  urls: PublicUrls;
  credentials: Credentials;
  /** Signs presigned-URL tokens; shared by every replica. */
  gatewaySecret: string;
  observer: RequestObserver;
  /** Tells the reconciler a transition falls due at this time. */
  scheduleTransition(dueAt: number): void;
}

/** The registry's operations and the model's must be the same: an operation without a model has no validator. */
export function assertSameOperations(registry: readonly string[], modelled: readonly string[]): void {
  const onlyIn = (names: readonly string[], other: readonly string[]) => names.filter((name) => !other.includes(name));
  const unmodelled = onlyIn(registry, modelled);
  const unimplemented = onlyIn(modelled, registry);
  if (unmodelled.length > 0 || unimplemented.length > 0) {
    throw new Error(`the operation registry and the model name different operations: only in the registry [${unmodelled.join(', ')}], only in the model [${unimplemented.join(', ')}]`);
  }
}

/** The operations one front reaches: what invoke needs to authorize, check and run them. */
export interface OperationSet<Context extends OperationContext = OperationContext> {
  /** The operations by name, for a call whose input the model check has accepted. */
  registry: Readonly<Record<string, OperationHandler<Context>>>;
  model: Model;
  /** IAM's name for an operation's action. */
  action(operation: string): string;
  /** The resource an AccessDenied names, or undefined for an action on no particular resource. */
  resourceOf(body: unknown, caller: Caller): string | undefined;
  /** The context the operations get, from the one every operation gets (Cloud Control's adds the caller's permissions). */
  contextOf(context: OperationContext, credentials: Credentials): Context;
}

/** The SageMaker API's operations. */
export const sageMakerOperations: OperationSet = {
  registry: operations,
  model,
  action: (operation) => `sagemaker:${operation}`,
  resourceOf: requestedResource,
  contextOf: (context) => context,
};

export function createInvoker<Context extends OperationContext>(options: InvokerOptions, set: OperationSet<Context>): Invoke {
  assertSameOperations(Object.keys(set.registry), Object.keys(set.model.operations));
  const validators = compileValidators(set.model);
  const { observer, credentials } = options;

  async function execute(operation: string, body: unknown, caller: Caller, requestId: string, audit?: CallAudit): Promise<object> {
    assertAllowed(credentials, caller, set.action(operation), () => set.resourceOf(body, caller));
    const input = validators.get(operation)!(body);
    const { store, config, logger, clock, urls, gatewaySecret, scheduleTransition } = options;
    const context: OperationContext = { caller, store, config, logger, requestId, clock, urls, gatewaySecret, scheduleTransition, audit };
    return set.registry[operation]!(input as never, set.contextOf(context, credentials));
  }

  async function invokeAudited(operation: string, body: unknown, caller: Caller, requestId: string): Promise<object> {
    const call = { operation, caller, input: body, requestId };
    let storedWithChange = false;
    const audit: CallAudit = {
      record: (target) => auditRecordOf(call, undefined, target),
      stored: () => {
        storedWithChange = true;
      },
    };
    let output: object;
    try {
      output = await execute(operation, body, caller, requestId, audit);
    } catch (error) {
      await observer.audited(call, errorCodeOf(error));
      throw error;
    }
    if (!storedWithChange) await observer.audited(call, undefined, output);
    return output;
  }

  // A read goes straight to execute(): one promise fewer to settle on the hot path.
  return (operation, body, caller, requestId) =>
    AUDITED_OPERATIONS.has(operation) ? invokeAudited(operation, body, caller, requestId) : execute(operation, body, caller, requestId);
}
