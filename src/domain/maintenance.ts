/**
 * Maintenance windows and the upgrades made in them: automatic minor-version upgrades
 * (EnableAutoMinorVersionUpgrade) and upgrades off a version past its end of life. Pure decisions
 * of an app, the versions its type has (from whatever catalog: any list of {version, eolTime}) and
 * the time; the reconciler applies them through domain/lifecycle.ts. Every choice made where AWS
 * is silent is here, and in docs/behaviour.md with the sources of the rest.
 */
import { createHash, hash } from 'node:crypto';
import type { PartnerApp } from './partnerApp.js';
import { compareVersions } from './rules/partners.js';

/** A version of an app type, as maintenance needs it: a catalog entry of any source will do. */
export interface MaintainedVersion {
  version: string;
  /** The start (epoch ms) of its end-of-life day: from then on it is past its end of life. */
  eolTime: number;
}

/** Why an upgrade is made; also the audit log's operation for it. */
export type UpgradeReason = 'AutoMinorVersionUpgrade' | 'EndOfLifeUpgrade';

export interface DueUpgrade {
  version: string;
  reason: UpgradeReason;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const WEEK_MS = 7 * DAY_MS;

/** Choice: a window lasts an hour. An upgrade starts only inside one; a reconciler late by more waits a week. */
export const MAINTENANCE_WINDOW_MS = 60 * MINUTE_MS;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const WINDOW_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):([0-5]\d)$/;

/** A weekly window's start as milliseconds after Sunday 00:00 UTC. */
export type WeeklyWindow = number;

/** `Tue:03:30` (the model's WeeklyScheduleTimeFormat) as a weekly window; undefined for anything else, the empty string too. */
export function parseWindowStart(start: string | undefined): WeeklyWindow | undefined {
  const match = WINDOW_START.exec(start ?? '');
  if (!match) return undefined;
  const day = DAYS.indexOf(match[1] as (typeof DAYS)[number]);
  return day * DAY_MS + Number(match[2]) * 60 * MINUTE_MS + Number(match[3]) * MINUTE_MS;
}

/** A weekly window as the model writes one. */
export function formatWindowStart(window: WeeklyWindow): string {
  const minutes = Math.floor(window / MINUTE_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[Math.floor(minutes / 1440)]}:${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}`;
}

/**
 * Choice, for an app without MaintenanceWindowStart: a window of its own, fixed by its ARN, on any
 * day between 00:00 and 07:30 UTC on the half hour, so that apps without one are not all upgraded
 * at once (as AWS services that assign a default weekly window do).
 */
export function defaultWindow(arn: string): WeeklyWindow {
  // One-shot hash(): a createHash object was half of this, for every transition the reconciler ends.
  const value = hash('sha256', arn, 'buffer').readUInt32BE(0);
  return (value % 7) * DAY_MS + (Math.floor(value / 7) % 16) * 30 * MINUTE_MS;
}

/** The app's window: the one it was given, else its default. */
export const windowOf = (app: Pick<PartnerApp, 'arn' | 'settings'>): WeeklyWindow =>
  parseWindowStart(app.settings.MaintenanceConfig?.MaintenanceWindowStart) ?? defaultWindow(app.arn);

/** 1970-01-01 was a Thursday: the epoch is four days after a Sunday 00:00 UTC. */
const EPOCH_AFTER_SUNDAY_MS = 4 * DAY_MS;

/** The start of the window open at `time`, or of the next one to open after it. */
export function windowStartAt(window: WeeklyWindow, time: number): number {
  const intoWeek = (((time + EPOCH_AFTER_SUNDAY_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS;
  const lastStart = time - intoWeek + window - (window > intoWeek ? WEEK_MS : 0);
  return time < lastStart + MAINTENANCE_WINDOW_MS ? lastStart : lastStart + WEEK_MS;
}

const majorOf = (version: string) => version.split('.')[0];
const newestOf = (versions: readonly MaintainedVersion[]) => versions.reduce<MaintainedVersion | undefined>((newest, v) => (!newest || compareVersions(v.version, newest.version) > 0 ? v : newest), undefined);

/**
 * Where maintenance at `time` takes an app, if anywhere: with automatic minor upgrades, the newest
 * supported minor version of its major; on a version past its end of life, whatever its setting,
 * that too, else (choice) the newest supported version of the next major that has one. Never to a
 * version past its own end of life, never down.
 */
export function dueUpgrade(app: Pick<PartnerApp, 'version' | 'settings'>, versions: readonly MaintainedVersion[], time: number): DueUpgrade | undefined {
  const current = versions.find((v) => v.version === app.version);
  const newer = versions.filter((v) => v.eolTime > time && compareVersions(v.version, app.version) > 0);
  const sameMajor = newestOf(newer.filter((v) => majorOf(v.version) === majorOf(app.version)));
  if (current !== undefined && current.eolTime <= time) {
    const nextMajor = newer.reduce<string | undefined>((lowest, v) => (!lowest || compareVersions(v.version, `${lowest}.0`) < 0 ? majorOf(v.version) : lowest), undefined);
    const target = sameMajor ?? newestOf(newer.filter((v) => majorOf(v.version) === nextMajor));
    return target && { version: target.version, reason: 'EndOfLifeUpgrade' };
  }
  if (app.settings.EnableAutoMinorVersionUpgrade === true && sameMajor) return { version: sameMajor.version, reason: 'AutoMinorVersionUpgrade' };
  return undefined;
}

/**
 * When maintenance next has to look at a settled app: the window that opens (or is open) once an
 * upgrade is due, now or when its version reaches its end of life; undefined when neither will
 * happen with these versions (a catalog change plans again).
 */
export function nextMaintenanceAt(app: Pick<PartnerApp, 'arn' | 'version' | 'settings'>, versions: readonly MaintainedVersion[], now: number): number | undefined {
  const window = windowOf(app);
  if (dueUpgrade(app, versions, now)) return windowStartAt(window, now);
  const eolTime = versions.find((v) => v.version === app.version)?.eolTime;
  if (eolTime === undefined || eolTime <= now || !dueUpgrade(app, versions, eolTime)) return undefined;
  // A window already open when the version reaches its end of life is used from that moment.
  return Math.max(eolTime, windowStartAt(window, eolTime));
}

/** The upgrade to start now, if a window of the app is open and one is due. */
export function upgradeToStart(app: Pick<PartnerApp, 'arn' | 'version' | 'settings'>, versions: readonly MaintainedVersion[], now: number): DueUpgrade | undefined {
  return windowStartAt(windowOf(app), now) <= now ? dueUpgrade(app, versions, now) : undefined;
}

/**
 * What the versions of every type come to, for maintenance: two catalogs with the same fingerprint
 * plan every app the same, so a server started with another catalog knows to plan them all again.
 */
export function catalogFingerprint(versionsByType: Readonly<Record<string, readonly MaintainedVersion[]>>): string {
  const entries = Object.keys(versionsByType)
    .sort()
    .map((type) => [type, versionsByType[type]!.map(({ version, eolTime }) => [version, eolTime]).sort()]);
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}
