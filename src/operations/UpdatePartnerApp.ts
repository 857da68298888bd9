import type { AppSettings, PartnerAppStatus, Tag } from '../domain/partnerApp.js';
import { validationError } from '../protocol/errors.js';
import { checkUpdate, updatedSettings } from '../domain/rules/partners.js';
import { checkTagKeys } from '../domain/rules/tags.js';
import { checkTier, ClientTokenScope, findOwnedApp, MAX_TAGS_PER_RESOURCE } from './common.js';
import { transitionDelayMs } from '../domain/lifecycle.js';
import type { ClientTokens, Input, OperationContext, Output } from './context.js';
import { replayedIfRefused, writeTransition } from './write.js';

const UPDATABLE_FROM: readonly PartnerAppStatus[] = ['Available', 'UpdateFailed'];

export async function UpdatePartnerApp(input: Input<'UpdatePartnerApp'>, context: OperationContext): Promise<Output<'UpdatePartnerApp'>> {
  const tokens = ClientTokenScope.of(context, 'UpdatePartnerApp', input);
  return replayedIfRefused(tokens, () => update(input, context, tokens));
}

async function update(input: Input<'UpdatePartnerApp'>, context: OperationContext, tokens: ClientTokens<Output<'UpdatePartnerApp'>> | undefined): Promise<Output<'UpdatePartnerApp'>> {
  const app = await findOwnedApp(context, input.Arn, { includeDeleted: false });
  const changes: Partial<AppSettings> = {};
  for (const field of ['MaintenanceConfig', 'Tier', 'ApplicationConfig', 'IdcConfig', 'AuthType', 'EnableIamSessionBasedIdentity', 'EnableAutoMinorVersionUpgrade'] as const) {
    if (input[field] !== undefined) Object.assign(changes, { [field]: input[field] });
  }
  if (input.AppVersion !== undefined) {
    const upgrade = context.config.catalog.availableUpgrade(app.type, app.version);
    if (input.AppVersion !== upgrade?.version) {
      throw validationError(
        upgrade
          ? `AppVersion ${input.AppVersion} is not available for this app; the available upgrade from version ${app.version} is ${upgrade.version}.`
          : `AppVersion ${input.AppVersion} is not available for this app; version ${app.version} has no upgrade available.`,
      );
    }
  }

  if (changes.Tier !== undefined) checkTier(context.config.catalog, app.type, changes.Tier);
  checkUpdate(app, changes, input.AppVersion ?? app.version);
  checkTagKeys((input.Tags ?? []).map((tag) => tag.Key!));
  // The pending update carries the whole ApplicationConfig the app will have (members not named are kept).
  if (changes.ApplicationConfig) changes.ApplicationConfig = updatedSettings(app.settings, changes).ApplicationConfig;

  const now = context.clock.now();
  const dueAt = now + transitionDelayMs(context.config, app.type, 'updateDelayMs');
  const write = { app, dueAt, answer: { Arn: app.arn }, tokens, action: 'updated' };
  return writeTransition(context, write, (records) =>
    context.store.startTransition({
      arn: app.arn,
      from: UPDATABLE_FROM,
      to: 'Updating',
      dueAt,
      lastModifiedTime: now,
      pendingUpdate: { settings: changes, appVersion: input.AppVersion },
      failTransition: context.config.failUpdate?.test(app.name) ?? false,
      tags: input.Tags as Tag[] | undefined,
      removeTagKeys: context.cloudControl?.removeTagKeys,
      maxTags: MAX_TAGS_PER_RESOURCE,
      ...records,
    }),
  );
}
