/**
 * The rules that span several fields of an app's settings or depend on its type and version, as
 * the Developer Guide and the API Reference state them, checked after the model's own constraints
 * (validation/) and worded as AWS words validation errors. Sources and choices: docs/behaviour.md.
 */
import { validationError } from '../../protocol/errors.js';
import type { ApplicationConfig, AppSettings, PartnerAppType } from '../partnerApp.js';

/** "The Comet and Fiddler Partner AI Apps require at least one root admin user." */
export const ROOT_ADMIN_REQUIRED: ReadonlySet<PartnerAppType> = new Set(['comet', 'fiddler']);

/** "Fiddler doesn't support updating admin users. Only Comet supports updates to root admin users." */
export const ROOT_ADMINS_UPDATABLE: ReadonlySet<PartnerAppType> = new Set(['comet']);

/** RoleGroupAssignments: "Currently supported by Fiddler version 1.3 and later with roles: ORG_MEMBER (default) and ORG_ADMIN." */
export const ROLE_GROUP_ASSIGNMENTS: Readonly<Partial<Record<PartnerAppType, { since: string; roles: readonly string[] }>>> = {
  fiddler: { since: '1.3', roles: ['ORG_MEMBER', 'ORG_ADMIN'] },
};

/**
 * Orders `major.minor` versions numerically (1.10 after 1.9). Read in place rather than split:
 * maintenance compares versions several times for every transition the reconciler ends.
 */
export function compareVersions(a: string, b: string): number {
  return versionPart(a, 0) - versionPart(b, 0) || versionPart(a, 1) - versionPart(b, 1);
}

/** The major (0) or minor (1) number of a version; a minor not given is 0. */
function versionPart(version: string, index: 0 | 1): number {
  const dot = version.indexOf('.');
  if (index === 0) return Number(dot < 0 ? version : version.slice(0, dot));
  if (dot < 0) return 0;
  const end = version.indexOf('.', dot + 1);
  return Number(version.slice(dot + 1, end < 0 ? undefined : end));
}

/** The app an Update is checked against: what it is now, and the version it will run. */
export interface RuledApp {
  type: PartnerAppType;
  version: string;
  settings: AppSettings;
}

/** The rules of a new app of this type and version. */
export function checkNewApp(type: PartnerAppType, version: string, settings: AppSettings): void {
  checkSettingsRules(settings);
  const config = settings.ApplicationConfig;
  if (ROOT_ADMIN_REQUIRED.has(type)) requireRootAdmin(type, config?.AdminUsers);
  if (config?.RoleGroupAssignments !== undefined) checkRoleGroupAssignments(type, version, config.RoleGroupAssignments);
}

/**
 * An Update's settings as they will be: the members it names replace the app's, the others stay.
 * ApplicationConfig is merged member by member, so an Update naming only Arguments keeps the root
 * admin users ("root admin users are persisted in SageMaker AI") and the group settings.
 */
export function updatedSettings(current: AppSettings, changes: Partial<AppSettings>): AppSettings {
  const merged = { ...current, ...changes };
  if (changes.ApplicationConfig !== undefined) merged.ApplicationConfig = mergedConfig(current.ApplicationConfig, changes.ApplicationConfig);
  return merged;
}

function mergedConfig(current: ApplicationConfig | undefined, update: ApplicationConfig): ApplicationConfig {
  const merged: ApplicationConfig = { ...current };
  for (const [member, value] of Object.entries(update) as [keyof ApplicationConfig, unknown][]) {
    if (value !== undefined) Object.assign(merged, { [member]: value });
  }
  return merged;
}

/**
 * The rules of an Update (`changes` as the request names them) of `app`, to run `version` once
 * done. Only what the Update names is judged, so that an app stored before a rule existed can
 * still change its tier.
 */
export function checkUpdate(app: RuledApp, changes: Partial<AppSettings>, version: string): void {
  if (app.settings.AuthType === 'IDC' && changes.AuthType === 'IAM') throw validationError('AuthType can be changed only from IAM to IDC.');
  const settings = updatedSettings(app.settings, changes);
  checkSettingsRules(settings);
  const adminUsers = changes.ApplicationConfig?.AdminUsers;
  if (adminUsers !== undefined && !sameList(adminUsers, app.settings.ApplicationConfig?.AdminUsers ?? [])) {
    if (!ROOT_ADMINS_UPDATABLE.has(app.type)) {
      throw validationError(`Partner apps of type ${app.type} do not support updating ApplicationConfig.AdminUsers; only ${[...ROOT_ADMINS_UPDATABLE].join(', ')} apps do.`);
    }
    if (ROOT_ADMIN_REQUIRED.has(app.type)) requireRootAdmin(app.type, adminUsers);
  }
  const assignments = changes.ApplicationConfig?.RoleGroupAssignments;
  if (assignments !== undefined) checkRoleGroupAssignments(app.type, version, assignments);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, index) => item === b[index]);

function requireRootAdmin(type: PartnerAppType, adminUsers: readonly string[] | undefined): void {
  if (!adminUsers?.length) {
    throw validationError(`Partner apps of type ${type} require at least one root admin user in ApplicationConfig.AdminUsers.`);
  }
}

function checkRoleGroupAssignments(type: PartnerAppType, version: string, assignments: NonNullable<ApplicationConfig['RoleGroupAssignments']>): void {
  if (assignments.length === 0) return;
  const support = ROLE_GROUP_ASSIGNMENTS[type];
  if (!support || compareVersions(version, support.since) < 0) {
    const supported = Object.entries(ROLE_GROUP_ASSIGNMENTS).map(([name, { since }]) => `${name} ${since} and later`);
    throw validationError(`ApplicationConfig.RoleGroupAssignments is supported only by partner apps of type ${supported.join(', ')}; this app is ${type} ${version}.`);
  }
  assignments.forEach(({ RoleName }, index) => {
    if (!support.roles.includes(RoleName)) {
      throw validationError(
        `1 validation error detected: Value '${RoleName}' at 'applicationConfig.roleGroupAssignments.${index + 1}.member.roleName' failed to satisfy constraint: Member must satisfy enum value set: [${support.roles.join(', ')}]`,
      );
    }
  });
}

const globToRegex = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\=,@-]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** Rules that span several fields of the settings (API Reference: CreatePartnerApp, PartnerAppConfig). */
function checkSettingsRules(settings: AppSettings): void {
  if (settings.AuthType === 'IDC' && !settings.IdcConfig) throw validationError('IdcConfig is required when AuthType is IDC.');
  if (settings.AuthType === 'IAM' && settings.IdcConfig) throw validationError('IdcConfig can only be given when AuthType is IDC.');
  const config = settings.ApplicationConfig;
  if (!config?.RoleGroupAssignments?.length) return;
  const assigned = (config.AssignedGroupPatterns ?? []).map(globToRegex);
  for (const assignment of config.RoleGroupAssignments) {
    for (const group of assignment.GroupPatterns) {
      if (!assigned.some((pattern) => pattern.test(group))) {
        throw validationError(`Group pattern ${group} of role ${assignment.RoleName} does not match any of ApplicationConfig.AssignedGroupPatterns.`);
      }
    }
  }
}
