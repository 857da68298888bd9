import { randomInt } from 'node:crypto';
import { arnPartition } from './rules/regions.js';

export const APP_TYPES = ['lakera-guard', 'comet', 'deepchecks-llm-evaluation', 'fiddler'] as const;
export type PartnerAppType = (typeof APP_TYPES)[number];

export const APP_STATUSES = ['Creating', 'Updating', 'Deleting', 'Available', 'Failed', 'UpdateFailed', 'Deleted'] as const;
export type PartnerAppStatus = (typeof APP_STATUSES)[number];
export type AuthType = 'IAM' | 'IDC';

export interface Tag {
  Key: string;
  Value: string;
}

export interface ApplicationConfig {
  AdminUsers?: string[];
  Arguments?: Record<string, string>;
  AssignedGroupPatterns?: string[];
  RoleGroupAssignments?: { RoleName: string; GroupPatterns: string[] }[];
}

export interface IdcConfig {
  InstanceArn: string;
  ApplicationArn?: string;
}

/** What a caller configures; echoed by Describe. Field names are the wire names. */
export interface AppSettings {
  ExecutionRoleArn: string;
  KmsKeyId?: string;
  MaintenanceConfig?: { MaintenanceWindowStart?: string };
  Tier: string;
  ApplicationConfig?: ApplicationConfig;
  AuthType: AuthType;
  IdcConfig?: IdcConfig;
  EnableIamSessionBasedIdentity?: boolean;
  EnableAutoMinorVersionUpgrade?: boolean;
}

/** An accepted UpdatePartnerApp, applied by the reconciler when the update completes. */
export interface PendingUpdate {
  settings: Partial<AppSettings>;
  appVersion?: string;
}

export interface PartnerApp {
  arn: string;
  accountId: string;
  region: string;
  name: string;
  type: PartnerAppType;
  status: PartnerAppStatus;
  settings: AppSettings;
  version: string;
  baseUrl?: string;
  error?: { code: string; reason: string };
  creationTime: number;
  lastModifiedTime: number;
  pendingUpdate?: PendingUpdate;
  /** When the reconciler next has work on this app (finish a transition, or forget a Deleted app). */
  dueAt?: number;
  /** The transition in progress ends in failure; on a settled app, its next Creating or Updating does (failure injection). */
  failTransition: boolean;
  /** What the reconciler last observed of the app's backend; absent until it first looks, and with the builtin runtime (nothing runs). */
  backend?: ObservedBackend;
}

/**
 * Where an app's backend is, as people read it: a start under way (`pulling image`, `creating`,
 * `starting`, `waiting for health`), `running` (healthy), `restarting` (it died; the next start
 * waits its back-off), `failed` (it will not be tried again), `stopping` (Deleting), `stopped`.
 */
export const BACKEND_PHASES = ['pulling image', 'creating', 'starting', 'waiting for health', 'running', 'restarting', 'failed', 'stopping', 'stopped'] as const;
export type BackendPhase = (typeof BACKEND_PHASES)[number];

/**
 * The observed state of an app's backend, written only by the reconciler: what the gateway routes
 * to, and what Describe's Error, the console and the metrics report. Generations: each create and
 * update the reconciler starts runs a new one beside the one serving.
 */
export interface ObservedBackend {
  /** The generation being started or watched: the newest the app asked for. */
  generation: number;
  /** The generation the gateway sends requests to, and where (host:port); absent until one is healthy. */
  serving?: { generation: number; address: string };
  phase: BackendPhase;
  /** Said of the phase: the progress of a start, why it failed, how a backend died. */
  detail?: string;
  /** When the phase began (epoch ms, the service's clock): start timeouts and start-to-healthy are measured from it. */
  since: number;
  /** How many times a dead backend of this app was started again. */
  restarts: number;
  /** Starts again that failed in a row (each doubles the back-off); 0 once it is healthy. */
  retries?: number;
  /** While `restarting`: when the next start may be made (epoch ms, the service's clock). */
  retryAt?: number;
  /** The lastModifiedTime of the Creating or Updating that `generation` was started for. */
  transition?: number;
}

export interface PartnerAppSummary {
  arn: string;
  name: string;
  type: PartnerAppType;
  status: PartnerAppStatus;
  creationTime: number;
}

export const TRANSITIONAL_STATUSES: readonly PartnerAppStatus[] = ['Creating', 'Updating', 'Deleting'];

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function newAppId(): string {
  let id = 'app-';
  for (let i = 0; i < 12; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** In the partition of its region: `arn:aws-cn:sagemaker:cn-north-1:…`. */
export const appArn = (region: string, accountId: string, appId: string) =>
  `arn:${arnPartition(region)}:sagemaker:${region}:${accountId}:partner-app/${appId}`;

const ARN_PARTS = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):(\d{12}):partner-app\/(app-[A-Z0-9]{12})$/;

export function parseAppArn(arn: string): { region: string; accountId: string; appId: string } | undefined {
  const match = ARN_PARTS.exec(arn);
  return match ? { region: match[1]!, accountId: match[2]!, appId: match[3]! } : undefined;
}

const RANDOM_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const randomChars = (length: number) => Array.from({ length }, () => RANDOM_ALPHANUMERIC[randomInt(RANDOM_ALPHANUMERIC.length)]).join('');

/** The Identity Center application SageMaker creates for an IDC app, in the partition of the app's region. */
export function idcApplicationArn(region: string, accountId: string, instanceArn: string): string {
  const instanceId = instanceArn.slice(instanceArn.lastIndexOf('/') + 1);
  return `arn:${arnPartition(region)}:sso::${accountId}:application/${instanceId}/apl-${randomChars(16)}`;
}
