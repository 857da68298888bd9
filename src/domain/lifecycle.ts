/**
 * The asynchronous lifecycle's rules. Requests only move an app into Creating, Updating or Deleting
 * and set when that transition is due; the reconciler (reconciler/) alone finishes transitions, from
 * the store, by the decisions made here, so the lifecycle survives restarts and several replicas can
 * share the work.
 *
 *   Creating ─▶ Available | Failed        Updating ─▶ Available | UpdateFailed
 *   Deleting ─▶ Deleted ─(retention)─▶ forgotten (ResourceNotFound)
 *   Available ─(an upgrade due, in a maintenance window: domain/maintenance.ts)─▶ Updating
 */
import { nextMaintenanceAt, upgradeToStart, type MaintainedVersion, type UpgradeReason } from './maintenance.js';
import { idcApplicationArn, type AppSettings, type PartnerApp, type PartnerAppType } from './partnerApp.js';

/** How long each transition takes, in milliseconds. */
export interface TransitionDelays {
  createDelayMs: number;
  updateDelayMs: number;
  deleteDelayMs: number;
}

/** The delays in force: the defaults, and per app type overrides. */
export interface LifecycleDelays extends TransitionDelays {
  typeDelays?: Partial<Record<string, Partial<TransitionDelays>>>;
}

/** How long an app of this type spends in the transition: its type's override, else the default. */
export const transitionDelayMs = (delays: LifecycleDelays, type: PartnerAppType, transition: keyof TransitionDelays): number =>
  delays.typeDelays?.[type]?.[transition] ?? delays[transition];

export interface LifecycleSettings {
  deletedRetentionMs: number;
  /** Where the gateway serves an app; BaseUrl is derived from it. */
  gatewayBaseUrl: (app: PartnerApp) => string;
  /** The versions of a type as the catalog has them now, for maintenance (domain/maintenance.ts). */
  versions: (type: PartnerAppType) => readonly MaintainedVersion[];
  /** How long an upgrade started by maintenance spends Updating: the type's update delay. */
  upgradeDelayMs: (type: PartnerAppType) => number;
}

/** An IDC app gets its Identity Center application when it is provisioned. */
export function withIdcApplication(settings: AppSettings, app: PartnerApp): AppSettings {
  if (settings.AuthType !== 'IDC' || !settings.IdcConfig || settings.IdcConfig.ApplicationArn) return settings;
  return { ...settings, IdcConfig: { ...settings.IdcConfig, ApplicationArn: idcApplicationArn(app.region, app.accountId, settings.IdcConfig.InstanceArn) } };
}

/** An upgrade maintenance started (the audit log records it, as it records an UpdatePartnerApp). */
export interface MaintenanceUpgrade {
  reason: UpgradeReason;
  fromVersion: string;
  toVersion: string;
}

/** What the reconciler decided for an app whose time has come. */
export type Advance = { kind: 'save'; app: PartnerApp; upgrade?: MaintenanceUpgrade } | { kind: 'forget' };

const INJECTED_FAILURE = {
  Creating: { code: 'ProvisioningFailed', reason: 'The partner app could not be provisioned (injected failure).' },
  Updating: { code: 'UpdateFailed', reason: 'The update could not be applied; the app keeps its previous configuration (injected failure).' },
} as const;

/** The app once its transition (Creating, Updating or Deleting) has ended well; an Available one is then due for its maintenance. */
export function succeeded(app: PartnerApp, now: number, lifecycle: LifecycleSettings): PartnerApp {
  const finished = { ...app, lastModifiedTime: now, dueAt: undefined, failTransition: false, pendingUpdate: undefined };
  switch (app.status) {
    case 'Creating':
      return settled({ ...finished, status: 'Available', settings: withIdcApplication(app.settings, app), baseUrl: lifecycle.gatewayBaseUrl(app), error: undefined }, now, lifecycle);
    case 'Updating':
      return settled(
        {
          ...finished,
          status: 'Available',
          settings: withIdcApplication({ ...app.settings, ...app.pendingUpdate?.settings }, app),
          version: app.pendingUpdate?.appVersion ?? app.version,
          baseUrl: app.baseUrl ?? lifecycle.gatewayBaseUrl(app),
          error: undefined,
        },
        now,
        lifecycle,
      );
    case 'Deleting':
      return { ...finished, status: 'Deleted', dueAt: now + lifecycle.deletedRetentionMs };
    default:
      return app;
  }
}

/** The app once its Creating or Updating has failed: Failed, or UpdateFailed keeping what it had. */
export function failed(app: PartnerApp, now: number, error: { code: string; reason: string }): PartnerApp {
  const finished = { ...app, lastModifiedTime: now, dueAt: undefined, failTransition: false, pendingUpdate: undefined, error };
  return { ...finished, status: app.status === 'Creating' ? 'Failed' : 'UpdateFailed' };
}

/** The failure armed for this transition, if one is (failure injection). */
export const injectedFailure = (app: PartnerApp) =>
  app.failTransition && (app.status === 'Creating' || app.status === 'Updating') ? INJECTED_FAILURE[app.status] : undefined;

/** The timer's decision (the builtin runtime, where nothing runs): the transition ends when it is due. */
export function advance(app: PartnerApp, now: number, lifecycle: LifecycleSettings): Advance {
  switch (app.status) {
    case 'Creating':
    case 'Updating': {
      const failure = injectedFailure(app);
      return { kind: 'save', app: failure ? failed(app, now, failure) : succeeded(app, now, lifecycle) };
    }
    case 'Deleting':
      return { kind: 'save', app: succeeded(app, now, lifecycle) };
    case 'Deleted':
      return { kind: 'forget' };
    default:
      return maintain(app, now, lifecycle);
  }
}

/** An app that has just become Available is next due when maintenance has something to do for it. */
function settled(app: PartnerApp, now: number, lifecycle: LifecycleSettings): PartnerApp {
  return { ...app, dueAt: nextMaintenanceAt(app, lifecycle.versions(app.type), now) };
}

/**
 * A settled app whose time has come: maintenance starts an upgrade if one is due and a window is
 * open (through Updating, as UpdatePartnerApp with AppVersion would), else plans its next look. Only
 * an Available app is maintained; any other clears a stray due time rather than loop on it.
 */
export function maintain(app: PartnerApp, now: number, lifecycle: LifecycleSettings): Advance {
  if (app.status !== 'Available') return { kind: 'save', app: { ...app, dueAt: undefined } };
  const versions = lifecycle.versions(app.type);
  const upgrade = upgradeToStart(app, versions, now);
  if (!upgrade) return { kind: 'save', app: { ...app, dueAt: nextMaintenanceAt(app, versions, now) } };
  return {
    kind: 'save',
    app: {
      ...app,
      status: 'Updating',
      lastModifiedTime: now,
      dueAt: now + lifecycle.upgradeDelayMs(app.type),
      pendingUpdate: { settings: {}, appVersion: upgrade.version },
    },
    upgrade: { reason: upgrade.reason, fromVersion: app.version, toVersion: upgrade.version },
  };
}
