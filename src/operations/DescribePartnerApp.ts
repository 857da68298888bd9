import { deepFreeze } from '../domain/deepFreeze.js';
import type { PartnerApp } from '../domain/partnerApp.js';
import type { Catalog } from '../catalog/catalog.js';
import { epochSeconds } from '../protocol/serialize.js';
import { findOwnedApp } from './common.js';
import type { Input, OperationContext, Output } from './context.js';

/**
 * The answers already given for apps the store hands out frozen (the same object to every reader
 * until the app changes), with and without the upgrade: the same app gives the same answer, which
 * is then frozen too, so that its serialised text is kept with it (serialize.ts), rather than built
 * and serialised anew for every call. An entry lives as long as its app object is held (by the
 * SQLite store's AppCache), and its catalog: a version released at runtime makes a new catalog,
 * whose answers (AvailableUpgrade) are others.
 */
type Answer = Output<'DescribePartnerApp'>;
type SharedAnswers = Record<'plain' | 'withUpgrade', WeakMap<PartnerApp, Answer>>;

const answersByCatalog = new WeakMap<Catalog, SharedAnswers>();

function sharedAnswers(catalog: Catalog): SharedAnswers {
  let answers = answersByCatalog.get(catalog);
  if (!answers) answersByCatalog.set(catalog, (answers = { plain: new WeakMap(), withUpgrade: new WeakMap() }));
  return answers;
}

export async function DescribePartnerApp(input: Input<'DescribePartnerApp'>, context: OperationContext): Promise<Answer> {
  const app = await findOwnedApp(context, input.Arn, { includeDeleted: true });
  const withUpgrade = input.IncludeAvailableUpgrade === true;
  const catalog = context.config.catalog;
  if (!Object.isFrozen(app)) return answerFor(app, withUpgrade, catalog);
  const answers = sharedAnswers(catalog)[withUpgrade ? 'withUpgrade' : 'plain'];
  let answer = answers.get(app);
  if (answer === undefined) answers.set(app, (answer = deepFreeze(answerFor(app, withUpgrade, catalog))));
  return answer;
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
