/**
 * What a runtime is asked to run for an app: its catalog entry (how the version runs, the tier's
 * resources) and the environment every backend gets, the table of docs/runtimes.md. A generation
 * started for an update runs what the app will be once the update is applied.
 */
import type { Catalog } from '../catalog/catalog.js';
import { parseAppArn, type AppSettings, type PartnerApp } from '../domain/partnerApp.js';
import { BackendFailure, type BackendSpec } from '../runtime/runtime.js';

/** The app as a generation runs it: its settings and version now, or as its pending update leaves them. */
export function configurationOf(app: PartnerApp, pending: boolean): { settings: AppSettings; version: string } {
  if (!pending || !app.pendingUpdate) return { settings: app.settings, version: app.version };
  return { settings: { ...app.settings, ...app.pendingUpdate.settings }, version: app.pendingUpdate.appVersion ?? app.version };
}

/** The variables partnerplane gives every backend (a runtime adds PORT and PARTNERPLANE_APP_DATA). */
export function backendEnv(app: PartnerApp, settings: AppSettings, version: string, generation: number, baseUrl: string): Record<string, string> {
  const env: Record<string, string> = {
    PARTNERPLANE_APP_ARN: app.arn,
    PARTNERPLANE_APP_NAME: app.name,
    PARTNERPLANE_APP_TYPE: app.type,
    PARTNERPLANE_APP_VERSION: version,
    PARTNERPLANE_APP_TIER: settings.Tier,
    PARTNERPLANE_APP_BASE_URL: baseUrl,
    PARTNERPLANE_APP_GENERATION: String(generation),
    PARTNERPLANE_ADMIN_USERS: JSON.stringify(settings.ApplicationConfig?.AdminUsers ?? []),
    PARTNERPLANE_APP_ARGUMENTS: JSON.stringify(settings.ApplicationConfig?.Arguments ?? {}),
    PARTNERPLANE_AUTH_TYPE: settings.AuthType,
  };
  if (settings.IdcConfig) {
    env.PARTNERPLANE_IDC_INSTANCE_ARN = settings.IdcConfig.InstanceArn;
    if (settings.IdcConfig.ApplicationArn) env.PARTNERPLANE_IDC_APPLICATION_ARN = settings.IdcConfig.ApplicationArn;
  }
  return env;
}

/**
 * The spec of one generation of the app's backend; a BackendFailure when the catalog no longer
 * says how to run its version (the file changed since the app was made).
 */
export function specOf(app: PartnerApp, catalog: Catalog, generation: number, pending: boolean, baseUrl: string): BackendSpec {
  const { settings, version } = configurationOf(app, pending);
  const run = catalog.versionInfo(app.type, version)?.run;
  if (!run) throw new BackendFailure('StartFailed', `The app catalog (${catalog.source}) does not say how to run version ${version} of ${app.type}.`);
  const appId = parseAppArn(app.arn)!.appId;
  return {
    arn: app.arn,
    appId,
    name: app.name,
    type: app.type,
    version,
    tier: settings.Tier,
    generation,
    ...(run.image !== undefined && { image: run.image }),
    ...(run.command !== undefined && { command: run.command }),
    port: run.port ?? 0,
    healthPath: run.healthPath,
    startTimeoutMs: run.startTimeoutMs,
    // The catalog's own variables cannot replace partnerplane's (parse.ts refuses their names).
    env: { ...run.env, ...backendEnv(app, settings, version, generation, baseUrl) },
    resources: catalog.resourcesOf(app.type, settings.Tier),
    dataName: `partnerplane-${appId}-data`,
  };
}
