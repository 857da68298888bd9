import { appArn, newAppId, type ApplicationConfig, type AppSettings, type AuthType, type IdcConfig, type PartnerApp, type PartnerAppType, type Tag } from '../domain/partnerApp.js';
import { checkNewApp } from '../domain/rules/partners.js';
import { checkTagKeys } from '../domain/rules/tags.js';
import { checkOffered, ClientTokenScope } from './common.js';
import { transitionDelayMs } from '../domain/lifecycle.js';
import type { Input, OperationContext, Output } from './context.js';
import { writeTransition } from './write.js';

export async function CreatePartnerApp(input: Input<'CreatePartnerApp'>, context: OperationContext): Promise<Output<'CreatePartnerApp'>> {
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
  const type = input.Type as PartnerAppType;
  const version = checkOffered(context.config.catalog, type, settings.Tier);
  checkNewApp(type, version, settings);
  const tags = (input.Tags ?? []) as Tag[];
  checkTagKeys(tags.map((tag) => tag.Key));

  // No lookup of the token here: createApp checks it first, in the same transaction as the insert.
  const tokens = ClientTokenScope.of(context, 'CreatePartnerApp', input);

  const { accountId, region } = context.caller;
  const now = context.clock.now();
  const app: PartnerApp = {
    arn: appArn(region, accountId, newAppId()),
    accountId,
    region,
    name: input.Name,
    type,
    status: 'Creating',
    settings,
    version,
    creationTime: now,
    lastModifiedTime: now,
    dueAt: now + transitionDelayMs(context.config, type, 'createDelayMs'),
    failTransition: context.config.failCreate?.test(input.Name) ?? false,
  };
  const { maxAppsPerAccount } = context.config;
  return writeTransition(context, { app, dueAt: app.dueAt!, answer: { Arn: app.arn }, tokens, action: 'created' }, (records) =>
    context.store.createApp({ app, tags, maxAppsPerAccount, ...records }),
  );
}
