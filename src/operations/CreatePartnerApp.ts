import type { CreatePartnerAppRequest } from '@aws-sdk/client-sagemaker';
import { appArn, newAppId, type ApplicationConfig, type AppSettings, type AuthType, type IdcConfig, type PartnerApp, type PartnerAppType, type Tag } from '../domain/partnerApp.js';
import { initialVersion } from '../domain/versions.js';
import { conflict, resourceLimitExceeded } from '../protocol/errors.js';
import { checkSettingsRules, ClientTokenScope } from './common.js';
import { transitionDelayMs } from '../domain/lifecycle.js';
import type { OperationContext, Validated } from './context.js';

export async function CreatePartnerApp(input: Validated<CreatePartnerAppRequest, 'Name' | 'Type' | 'ExecutionRoleArn' | 'Tier' | 'AuthType'>, context: OperationContext): Promise<object> {
  const settings: AppSettings = {
    ExecutionRoleArn: input.ExecutionRoleArn,
    KmsKeyId: input.KmsKeyId,
    MaintenanceConfig: input.MaintenanceConfig,
    Tier: input.Tier,
    ApplicationConfig: input.ApplicationConfig as ApplicationConfig | undefined,
    AuthType: input.AuthType as AuthType,
    IdcConfig: input.IdcConfig as IdcConfig | undefined,
    EnableIamSessionBasedIdentity: input.EnableIamSessionBasedIdentity,
    EnableAutoMinorVersionUpgrade: input.EnableAutoMinorVersionUpgrade,
  };
  checkSettingsRules(settings);

  // No lookup of the token here: createApp checks it first, in the same transaction as the insert.
  const tokens = ClientTokenScope.of(context, 'CreatePartnerApp', input);

  const { accountId, region } = context.caller;
  const now = context.clock.now();
  const type = input.Type as PartnerAppType;
  const app: PartnerApp = {
    arn: appArn(region, accountId, newAppId()),
    accountId,
    region,
    name: input.Name,
    type,
    status: 'Creating',
    settings,
    version: initialVersion(type),
    creationTime: now,
    lastModifiedTime: now,
    dueAt: now + transitionDelayMs(context.config, type, 'createDelayMs'),
    failTransition: context.config.failCreate?.test(input.Name) ?? false,
  };
  const response = { Arn: app.arn };
  const outcome = await context.store.createApp({
    app,
    tags: (input.Tags ?? []) as Tag[],
    idempotency: tokens?.record(response),
    maxAppsPerAccount: context.config.maxAppsPerAccount,
    audit: context.audit?.record(app.arn),
  });
  switch (outcome.outcome) {
    case 'done':
      context.audit?.stored();
      context.scheduleTransition(app.dueAt!);
      return response;
    case 'replay':
      return tokens!.replay(outcome.record);
    case 'name-taken':
      throw conflict(`A partner app named ${input.Name} already exists in account ${accountId} and region ${region}.`);
    case 'quota-exceeded':
      throw resourceLimitExceeded(
        `The account-level service limit 'Maximum number of partner apps' is ${context.config.maxAppsPerAccount} Apps, with current utilization of ${outcome.liveApps} Apps and a request delta of 1 Apps. Please use AWS Service Quotas to request an increase for this quota.`,
      );
    default:
      throw new Error(`unexpected store outcome ${outcome.outcome}`);
  }
}
