import type { DescribePartnerAppRequest } from '@aws-sdk/client-sagemaker';
import { availableUpgrade, versionInfo } from '../domain/versions.js';
import { epochSeconds } from '../protocol/serialize.js';
import { findOwnedApp } from './common.js';
import type { OperationContext, Validated } from './context.js';

export async function DescribePartnerApp(input: Validated<DescribePartnerAppRequest, 'Arn'>, context: OperationContext): Promise<object> {
  const app = await findOwnedApp(context, input.Arn, { includeDeleted: true });
  const { settings } = app;
  const eolTime = versionInfo(app.type, app.version)?.eolTime;
  const upgrade = input.IncludeAvailableUpgrade ? availableUpgrade(app.type, app.version) : undefined;
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
