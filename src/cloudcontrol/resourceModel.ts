/**
 * An app as an AWS::SageMaker::PartnerApp resource model and back: what the read handler shows,
 * and which SageMaker request a desired model makes. Only the schema's properties appear; Arn,
 * BaseUrl and CurrentVersionEolDate are read-only, ClientToken is write-only (never shown).
 */
import type { ApplicationConfig, PartnerApp, Tag } from '../domain/partnerApp.js';
import type { Catalog } from '../catalog/catalog.js';
import { deepEqual, type Json } from './jsonPatch.js';

export type ResourceModel = Record<string, unknown>;

const withoutUndefined = (model: ResourceModel): ResourceModel => Object.fromEntries(Object.entries(model).filter(([, value]) => value !== undefined));

/** Java's Instant.toString() of a whole second, as CloudFormation handlers print dates. */
const isoInstant = (epochMs: number) => new Date(epochMs).toISOString().replace('.000Z', 'Z');

/** The schema's PartnerAppConfig has only these two members. */
function applicationConfigOf(config: ApplicationConfig | undefined): ResourceModel | undefined {
  if (!config) return undefined;
  return withoutUndefined({ AdminUsers: config.AdminUsers, Arguments: config.Arguments });
}

/** The resource model of an app and its tags, as GetResource and ListResources show it. */
export function modelOf(app: PartnerApp, tags: readonly Tag[], catalog: Catalog): ResourceModel {
  const { settings } = app;
  const eolTime = catalog.versionInfo(app.type, app.version)?.eolTime;
  return withoutUndefined({
    Arn: app.arn,
    Name: app.name,
    Type: app.type,
    ExecutionRoleArn: settings.ExecutionRoleArn,
    KmsKeyId: settings.KmsKeyId,
    Tier: settings.Tier,
    EnableIamSessionBasedIdentity: settings.EnableIamSessionBasedIdentity,
    EnableAutoMinorVersionUpgrade: settings.EnableAutoMinorVersionUpgrade ?? false,
    AppVersion: app.version,
    ApplicationConfig: applicationConfigOf(settings.ApplicationConfig),
    AuthType: settings.AuthType,
    BaseUrl: app.baseUrl,
    CurrentVersionEolDate: eolTime === undefined ? undefined : isoInstant(eolTime),
    MaintenanceConfig: settings.MaintenanceConfig,
    Tags: tags.length > 0 ? tags.map(({ Key, Value }) => ({ Key, Value })) : undefined,
  });
}

/** The members of CreatePartnerApp a desired state gives (the schema has already accepted it). */
export function createInputOf(model: ResourceModel): Record<string, unknown> {
  return withoutUndefined({
    Name: model.Name,
    Type: model.Type,
    ExecutionRoleArn: model.ExecutionRoleArn,
    KmsKeyId: model.KmsKeyId,
    Tier: model.Tier,
    EnableIamSessionBasedIdentity: model.EnableIamSessionBasedIdentity,
    EnableAutoMinorVersionUpgrade: model.EnableAutoMinorVersionUpgrade,
    ApplicationConfig: model.ApplicationConfig,
    AuthType: model.AuthType,
    MaintenanceConfig: model.MaintenanceConfig,
    Tags: model.Tags,
  });
}

const sameJson = (a: unknown, b: unknown) => (a === undefined || b === undefined ? a === b : deepEqual(a as Json, b as Json));

/** What an update asks of SageMaker: the UpdatePartnerApp members, and the tag changes. */
export interface UpdatePlan {
  input: Record<string, unknown>;
  addTags: Tag[];
  removeTagKeys: string[];
  /** Properties the model dropped that UpdatePartnerApp cannot unset. */
  unremovable: string[];
}

const tagMap = (tags: unknown) => new Map(((tags as Tag[] | undefined) ?? []).map((tag) => [tag.Key, tag.Value]));

/**
 * The update from the current model to the desired one. The handler sends every updatable
 * setting the model has (UpdatePartnerApp keeps what it is not given); a boolean the model drops
 * becomes false; AppVersion only when it changes (the upgrade to apply).
 */
export function updatePlanOf(arn: string, current: ResourceModel, desired: ResourceModel): UpdatePlan {
  const input: Record<string, unknown> = { Arn: arn };
  const unremovable: string[] = [];
  for (const name of ['Tier', 'MaintenanceConfig', 'ApplicationConfig'] as const) {
    if (desired[name] !== undefined) input[name] = desired[name];
    else if (current[name] !== undefined) unremovable.push(name);
  }
  for (const name of ['EnableIamSessionBasedIdentity', 'EnableAutoMinorVersionUpgrade'] as const) {
    if (desired[name] !== undefined || current[name] !== undefined) input[name] = desired[name] ?? false;
  }
  if (!sameJson(desired.AppVersion, current.AppVersion) && desired.AppVersion !== undefined) input.AppVersion = desired.AppVersion;
  const currentTags = tagMap(current.Tags);
  const desiredTags = tagMap(desired.Tags);
  return {
    input,
    addTags: [...desiredTags].filter(([key, value]) => currentTags.get(key) !== value).map(([Key, Value]) => ({ Key, Value })),
    removeTagKeys: [...currentTags.keys()].filter((key) => !desiredTags.has(key)),
    unremovable,
  };
}

/** The properties among `names` whose values differ between the two models. */
export const changedProperties = (names: Iterable<string>, before: ResourceModel, after: ResourceModel): string[] =>
  [...names].filter((name) => !sameJson(before[name], after[name]));
