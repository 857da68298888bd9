import type { PartnerApp } from '../domain/partnerApp.js';
import type { Catalog } from '../catalog/catalog.js';
import { epochSeconds, keepText } from '../protocol/serialize.js';
import { findOwnedApp } from './common.js';
import type { Input, OperationContext, Output } from './context.js';

type Answer = Output<'DescribePartnerApp'>;
type KeptTexts = Record<'plain' | 'withUpgrade', WeakMap<PartnerApp, string>>;

/**
 * The JSON text of the answers already given for apps the store hands out frozen (the same object
 * to every reader until the app changes), with and without the upgrade: the same app gives the
 * same answer, so its text is kept rather than serialised anew for every call. An entry lives as
 * long as its app object is held (by the SQLite store's AppCache), and its catalog: a version
 * released at runtime makes a new catalog, whose answers (AvailableUpgrade) are others. Only the
 * text is kept: building the answer again costs a tenth of serialising it, and the text is half of
 * what an app held costs.
 */
const textsByCatalog = new WeakMap<Catalog, KeptTexts>();

function keptTexts(catalog: Catalog): KeptTexts {
  let texts = textsByCatalog.get(catalog);
  if (!texts) textsByCatalog.set(catalog, (texts = { plain: new WeakMap(), withUpgrade: new WeakMap() }));
  return texts;
}

export async function DescribePartnerApp(input: Input<'DescribePartnerApp'>, context: OperationContext): Promise<Answer> {
  const app = await findOwnedApp(context, input.Arn, { includeDeleted: true });
  const withUpgrade = input.IncludeAvailableUpgrade === true;
  const catalog = context.config.catalog;
  const answer = answerFor(app, withUpgrade, catalog);
  if (!Object.isFrozen(app)) return answer;
  const texts = keptTexts(catalog)[withUpgrade ? 'withUpgrade' : 'plain'];
  let text = texts.get(app);
  if (text === undefined) texts.set(app, (text = JSON.stringify(answer)));
  return keepText(answer, text);
}

function answerFor(app: PartnerApp, withUpgrade: boolean, catalog: Catalog): Answer {
  const { settings } = app;
  const eolTime = catalog.versionInfo(app.type, app.version)?.eolTime;
  const upgrade = withUpgrade ? catalog.availableUpgrade(app.type, app.version) : undefined;
  return {
    Arn: app.arn,
    Name: app.name,
    Type: app.type,
    Status: app.status,
    CreationTime: epochSeconds(app.creationTime),
    LastModifiedTime: epochSeconds(app.lastModifiedTime),
    ExecutionRoleArn: settings.ExecutionRoleArn,
    KmsKeyId: settings.KmsKeyId,
    BaseUrl: app.baseUrl,
    MaintenanceConfig: settings.MaintenanceConfig,
    Tier: settings.Tier,
    Version: app.version,
    ApplicationConfig: settings.ApplicationConfig,
    AuthType: settings.AuthType,
    EnableIamSessionBasedIdentity: settings.EnableIamSessionBasedIdentity,
    Error: app.error && { Code: app.error.code, Reason: app.error.reason },
    EnableAutoMinorVersionUpgrade: settings.EnableAutoMinorVersionUpgrade ?? false,
    CurrentVersionEolDate: eolTime === undefined ? undefined : epochSeconds(eolTime),
    AvailableUpgrade: upgrade && { Version: upgrade.version, ReleaseNotes: upgrade.releaseNotes },
    IdcConfig: settings.IdcConfig,
  };
}
