import type {
  AddTagsInput,
  AddTagsOutput,
  CreatePartnerAppPresignedUrlRequest,
  CreatePartnerAppPresignedUrlResponse,
  CreatePartnerAppRequest,
  CreatePartnerAppResponse,
  DeletePartnerAppRequest,
  DeletePartnerAppResponse,
  DeleteTagsInput,
  DeleteTagsOutput,
  DescribePartnerAppRequest,
  DescribePartnerAppResponse,
  ListPartnerAppsRequest,
  ListPartnerAppsResponse,
  ListTagsInput,
  ListTagsOutput,
  UpdatePartnerAppRequest,
  UpdatePartnerAppResponse,
} from '@aws-sdk/client-sagemaker';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Model } from '../protocol/model.js';
import type { model } from '../protocol/shapes.js';
import type { PublicUrls } from '../publicUrls.js';
import type { ResourceRequest } from '../domain/resourceRequests.js';
import type { AuditRecord, IdempotencyRecord, Store } from '../store/store.js';

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
  /** The value of the caller's SageMakerPartnerAppUser session tag: the identity apps see, when present. */
  partnerAppUser?: string;
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
  /**
   * A call made through Cloud Control: its ClientToken stands in for the operation's own, its
   * request record (for the app's ARN) goes into the transaction of the change, and an update may
   * remove tags in it too (UpdatePartnerApp itself only adds them).
   */
  cloudControl?: { clientTokens?: ClientTokens<object>; resourceRequest(arn: string): ResourceRequest; removeTagKeys?: string[] };
}

/** How a write remembers its ClientToken: the first answer is given again for the same request. */
export interface ClientTokens<Answer> {
  /** The first answer if this token was used before. */
  priorAnswer(): Promise<Answer | undefined>;
  /** The first answer, or the error for a different request with the same token. */
  replay(record: IdempotencyRecord): Answer;
  record(response: Answer): IdempotencyRecord;
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

/** Each operation's request and response types in the SDK, under the names the model gives them. */
interface SdkShapes {
  CreatePartnerApp: [CreatePartnerAppRequest, CreatePartnerAppResponse];
  DescribePartnerApp: [DescribePartnerAppRequest, DescribePartnerAppResponse];
  ListPartnerApps: [ListPartnerAppsRequest, ListPartnerAppsResponse];
  UpdatePartnerApp: [UpdatePartnerAppRequest, UpdatePartnerAppResponse];
  DeletePartnerApp: [DeletePartnerAppRequest, DeletePartnerAppResponse];
  CreatePartnerAppPresignedUrl: [CreatePartnerAppPresignedUrlRequest, CreatePartnerAppPresignedUrlResponse];
  AddTags: [AddTagsInput, AddTagsOutput];
  ListTags: [ListTagsInput, ListTagsOutput];
  DeleteTags: [DeleteTagsInput, DeleteTagsOutput];
}

type ModelOperations = typeof model.operations;
export type OperationName = keyof ModelOperations & keyof SdkShapes;

/** The members a service model requires of an operation's input. */
type RequiredMembers<M extends Model, Op extends keyof M['operations']> = M['shapes'][M['operations'][Op]['input']] extends { readonly required: readonly (infer Member)[] }
  ? Member
  : never;

/** An SDK type as AWS JSON carries it: timestamps as epoch seconds. */
export type OnTheWire<T> = T extends Date ? number : T extends readonly (infer Item)[] ? OnTheWire<Item>[] : T extends object ? { [K in keyof T]: OnTheWire<T[K]> } : T;

/**
 * An operation's input once the model check has passed: the SDK's request type with the members
 * the model requires present (the SDK types every member as possibly undefined). For any service
 * model (the Cloud Control API's types its operations with it too).
 */
export type ModelInput<M extends Model, Op extends keyof M['operations'], Request> = Request & { [K in RequiredMembers<M, Op> & keyof Request]-?: NonNullable<Request[K]> };

/** A SageMaker operation's input once the model check has passed. */
export type Input<Op extends OperationName> = ModelInput<typeof model, Op, SdkShapes[Op][0]>;

/** An operation's answer: the SDK's response type, on the wire. */
export type Output<Op extends OperationName> = OnTheWire<SdkShapes[Op][1]>;

export type Operation<Op extends OperationName> = (input: Input<Op>, context: OperationContext) => Promise<Output<Op>>;

/**
 * The registry holds every operation under this type, which only api/invoke.ts calls, with input
 * the model check has already accepted.
 */
export type OperationHandler<Context extends OperationContext = OperationContext> = (input: never, context: Context) => Promise<object>;
