/**
 * The asynchronous lifecycle's rules. Requests only move an app into Creating, Updating or Deleting
 * and set when that transition is due; the reconciler (reconciler/) alone finishes transitions, from
 * the store, by the decisions made here, so the lifecycle survives restarts and several replicas can
 * share the work.
 *
 *   Creating ─▶ Available | Failed        Updating ─▶ Available | UpdateFailed
 *   Deleting ─▶ Deleted ─(retention)─▶ forgotten (ResourceNotFound)
 */
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
}

/** An IDC app gets its Identity Center application when it is provisioned. */
function withIdcApplication(settings: AppSettings, app: PartnerApp): AppSettings {
  if (settings.AuthType !== 'IDC' || !settings.IdcConfig || settings.IdcConfig.ApplicationArn) return settings;
  return { ...settings, IdcConfig: { ...settings.IdcConfig, ApplicationArn: idcApplicationArn(app.region, app.accountId, settings.IdcConfig.InstanceArn) } };
}

/** What the reconciler decided for an app whose time has come. */
export type Advance = { kind: 'save'; app: PartnerApp } | { kind: 'forget' };

export function advance(app: PartnerApp, now: number, lifecycle: LifecycleSettings): Advance {
  const finished = { ...app, lastModifiedTime: now, dueAt: undefined, failTransition: false, pendingUpdate: undefined };
  switch (app.status) {
    case 'Creating':
      if (app.failTransition) {
        return { kind: 'save', app: { ...finished, status: 'Failed', error: { code: 'ProvisioningFailed', reason: 'The partner app could not be provisioned (injected failure).' } } };
      }
      return {
        kind: 'save',
        app: { ...finished, status: 'Available', settings: withIdcApplication(app.settings, app), baseUrl: lifecycle.gatewayBaseUrl(app), error: undefined },
      };
    case 'Updating':
      if (app.failTransition) {
        return { kind: 'save', app: { ...finished, status: 'UpdateFailed', error: { code: 'UpdateFailed', reason: 'The update could not be applied; the app keeps its previous configuration (injected failure).' } } };
      }
      return {
        kind: 'save',
        app: {
          ...finished,
          status: 'Available',
          settings: withIdcApplication({ ...app.settings, ...app.pendingUpdate?.settings }, app),
          version: app.pendingUpdate?.appVersion ?? app.version,
          baseUrl: app.baseUrl ?? lifecycle.gatewayBaseUrl(app),
          error: undefined,
        },
      };
    case 'Deleting':
      return { kind: 'save', app: { ...finished, status: 'Deleted', dueAt: now + lifecycle.deletedRetentionMs } };
    case 'Deleted':
      return { kind: 'forget' };
    default:
      // A settled app has nothing due; clear a stray due time rather than loop on it.
      return { kind: 'save', app: { ...app, dueAt: undefined } };
  }
}
