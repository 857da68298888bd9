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
function withIdcApplication(settings: AppSettings, app: PartnerApp): AppSettings {
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

export function advance(app: PartnerApp, now: number, lifecycle: LifecycleSettings): Advance {
  const finished = { ...app, lastModifiedTime: now, dueAt: undefined, failTransition: false, pendingUpdate: undefined };
  switch (app.status) {
    case 'Creating':
      if (app.failTransition) {
        return { kind: 'save', app: { ...finished, status: 'Failed', error: { code: 'ProvisioningFailed', reason: 'The partner app could not be provisioned (injected failure).' } } };
      }
      return settled({ ...finished, status: 'Available', settings: withIdcApplication(app.settings, app), baseUrl: lifecycle.gatewayBaseUrl(app), error: undefined }, now, lifecycle);
    case 'Updating':
      return updated(app, finished, now, lifecycle);
    case 'Deleting':
      return { kind: 'save', app: { ...finished, status: 'Deleted', dueAt: now + lifecycle.deletedRetentionMs } };
    case 'Deleted':
      return { kind: 'forget' };
    default:
      return maintain(app, now, lifecycle);
  }
}

function updated(app: PartnerApp, finished: PartnerApp, now: number, lifecycle: LifecycleSettings): Advance {
  if (app.failTransition) {
    return { kind: 'save', app: { ...finished, status: 'UpdateFailed', error: { code: 'UpdateFailed', reason: 'The update could not be applied; the app keeps its previous configuration (injected failure).' } } };
  }
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
}

/** An app that has just become Available is next due when maintenance has something to do for it. */
function settled(app: PartnerApp, now: number, lifecycle: LifecycleSettings): Advance {
  return { kind: 'save', app: { ...app, dueAt: nextMaintenanceAt(app, lifecycle.versions(app.type), now) } };
}

/**
 * A settled app whose time has come: maintenance starts an upgrade if one is due and a window is
 * open (through Updating, as UpdatePartnerApp with AppVersion would), else plans its next look. Only
 * an Available app is maintained; any other clears a stray due time rather than loop on it.
 */
function maintain(app: PartnerApp, now: number, lifecycle: LifecycleSettings): Advance {
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
