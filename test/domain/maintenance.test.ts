/**
 * The maintenance rules as pure functions (docs/behaviour.md, Maintenance): weekly windows in UTC,
 * the default window, which upgrade is due when, and when an app is next looked at.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  catalogFingerprint,
  defaultWindow,
  dueUpgrade,
  formatWindowStart,
  MAINTENANCE_WINDOW_MS,
  nextMaintenanceAt,
  parseWindowStart,
  upgradeToStart,
  windowStartAt,
  type MaintainedVersion,
} from '../../src/domain/maintenance.js';
import type { AppSettings } from '../../src/domain/partnerApp.js';

const at = (iso: string) => Date.parse(iso);
const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;

test('a window start is Day:HH:MM in UTC, as the model writes it; anything else is no window', () => {
  for (const start of ['Sun:00:00', 'Tue:03:30', 'Sat:23:59']) assert.equal(formatWindowStart(parseWindowStart(start)!), start);
  assert.equal(parseWindowStart('Mon:00:00'), 24 * 60 * MINUTE, 'after Sunday 00:00');
  for (const start of [undefined, '', 'TUE:03:30', 'Tue:24:00', 'Tue:3:30', 'Tue:03:30 ']) assert.equal(parseWindowStart(start), undefined, String(start));
});

test('the window open at a time, or the next to open: a window lasts an hour', () => {
  const tuesday = parseWindowStart('Tue:03:30')!;
  // Sunday 2030-01-06 01:00 UTC: the next Tuesday's.
  assert.equal(windowStartAt(tuesday, at('2030-01-06T01:00:00Z')), at('2030-01-08T03:30:00Z'));
  assert.equal(windowStartAt(tuesday, at('2030-01-08T03:29:59.999Z')), at('2030-01-08T03:30:00Z'));
  assert.equal(windowStartAt(tuesday, at('2030-01-08T03:30:00Z')), at('2030-01-08T03:30:00Z'), 'open at its start');
  assert.equal(windowStartAt(tuesday, at('2030-01-08T04:29:59.999Z')), at('2030-01-08T03:30:00Z'), 'open for an hour');
  assert.equal(windowStartAt(tuesday, at('2030-01-08T04:30:00Z')), at('2030-01-15T03:30:00Z'), 'then a week later');
  assert.equal(MAINTENANCE_WINDOW_MS, 60 * MINUTE);
  // A window late on Saturday is open into Sunday.
  const saturday = parseWindowStart('Sat:23:30')!;
  assert.equal(windowStartAt(saturday, at('2030-01-06T00:10:00Z')), at('2030-01-05T23:30:00Z'));
  assert.equal(windowStartAt(saturday, at('1970-01-01T00:00:00Z')), at('1970-01-03T23:30:00Z'), 'the epoch is a Thursday');
});

test('an app without a window has one of its own, fixed by its ARN, early in a UTC day on the half hour', () => {
  const arns = Array.from({ length: 200 }, (_, i) => `arn:aws:sagemaker:us-east-1:111122223333:partner-app/app-${String(i).padStart(12, '0')}`);
  const windows = arns.map(defaultWindow);
  assert.deepEqual(arns.map(defaultWindow), windows, 'the same ARN, the same window');
  for (const window of windows) {
    const [, hours, minutes] = formatWindowStart(window).split(':').map(Number) as [number, number, number];
    assert.ok(hours < 8 && (minutes === 0 || minutes === 30), formatWindowStart(window));
  }
  assert.equal(new Set(windows.map((w) => formatWindowStart(w).slice(0, 3))).size, 7, 'every day of the week is used');
  assert.ok(new Set(windows).size > 50, 'apps are spread over many windows');
});

const NOW = at('2030-01-06T01:00:00Z');
const DAY = 24 * 60 * MINUTE;
const v = (version: string, eolTime: number): MaintainedVersion => ({ version, eolTime });
const settings = (auto: boolean | undefined, window?: string): AppSettings => ({
  ExecutionRoleArn: 'arn:aws:iam::111122223333:role/r',
  Tier: 'small',
  AuthType: 'IAM',
  EnableAutoMinorVersionUpgrade: auto,
  MaintenanceConfig: window === undefined ? undefined : { MaintenanceWindowStart: window },
});
const app = (version: string, auto: boolean | undefined, window?: string) => ({
  arn: 'arn:aws:sagemaker:us-east-1:111122223333:partner-app/app-AAAAAAAAAAAA',
  version,
  settings: settings(auto, window),
});

test('automatic minor upgrades go to the newest supported minor version of the major, never further or down', () => {
  const versions = [v('1.1', NOW + 100 * DAY), v('1.2', NOW + 200 * DAY), v('1.3', NOW + 300 * DAY), v('1.10', NOW + 400 * DAY), v('2.0', NOW + 500 * DAY), v('0.9', NOW + 500 * DAY)];
  assert.deepEqual(dueUpgrade(app('1.1', true), versions, NOW), { version: '1.10', reason: 'AutoMinorVersionUpgrade' }, '1.10 is newer than 1.3; 2.0 is another major');
  assert.equal(dueUpgrade(app('1.10', true), versions, NOW), undefined, 'the newest of its major');
  assert.equal(dueUpgrade(app('1.1', false), versions, NOW), undefined, 'off');
  assert.equal(dueUpgrade(app('1.1', undefined), versions, NOW), undefined, 'off by default');
  // A newer minor version already past its own end of life is no target.
  const withDead = [v('1.1', NOW + 100 * DAY), v('1.2', NOW + 200 * DAY), v('1.3', NOW - DAY)];
  assert.deepEqual(dueUpgrade(app('1.1', true), withDead, NOW), { version: '1.2', reason: 'AutoMinorVersionUpgrade' });
  assert.deepEqual(dueUpgrade(app('1.5', true), versions, NOW), { version: '1.10', reason: 'AutoMinorVersionUpgrade' }, 'a version the catalog does not know: the newer ones count');
  assert.equal(dueUpgrade(app('1.11', true), versions, NOW), undefined, 'never down');
});

test('a version past its end of life is upgraded whatever the setting: in its major if it can, else to the next major', () => {
  const versions = [v('1.1', NOW), v('1.2', NOW + DAY), v('2.0', NOW + 2 * DAY), v('2.1', NOW + 3 * DAY), v('3.0', NOW + 4 * DAY)];
  for (const auto of [true, false, undefined]) {
    assert.deepEqual(dueUpgrade(app('1.1', auto), versions, NOW), { version: '1.2', reason: 'EndOfLifeUpgrade' }, `auto ${auto}: end of life at the start of its day`);
    const before = auto ? { version: '1.2', reason: 'AutoMinorVersionUpgrade' } : undefined;
    assert.deepEqual(dueUpgrade(app('1.1', auto), versions, NOW - 1), before, `auto ${auto}: not yet past it`);
  }
  assert.deepEqual(dueUpgrade(app('1.2', false), versions, NOW + DAY), { version: '2.1', reason: 'EndOfLifeUpgrade' }, 'the newest of the next major');
  assert.deepEqual(dueUpgrade(app('2.1', false), versions, NOW + 3 * DAY), { version: '3.0', reason: 'EndOfLifeUpgrade' });
  assert.equal(dueUpgrade(app('3.0', false), versions, NOW + 4 * DAY), undefined, 'nowhere supported to go');
  assert.deepEqual(dueUpgrade(app('1.1', false), versions, NOW + 2 * DAY + 1), { version: '2.1', reason: 'EndOfLifeUpgrade' }, '1.2 and 2.0 past theirs too');
});

test('an app is next looked at in the window that opens once an upgrade is due, now or at its end of life', () => {
  const tuesday = 'Tue:03:30';
  const nextTuesday = at('2030-01-08T03:30:00Z');
  const versions = [v('1.1', at('2030-03-01T00:00:00Z')), v('1.2', at('2031-01-01T00:00:00Z'))];
  assert.equal(nextMaintenanceAt(app('1.1', true, tuesday), versions, NOW), nextTuesday, 'an automatic upgrade: the next window');
  // Without automatic upgrades: the window after 1.1's end of life (Friday 2030-03-01), Tuesday 2030-03-05.
  assert.equal(nextMaintenanceAt(app('1.1', false, tuesday), versions, NOW), at('2030-03-05T03:30:00Z'));
  assert.equal(nextMaintenanceAt(app('1.2', true, tuesday), versions, NOW), undefined, 'nothing newer, nowhere to go at its end of life');
  // A window already open when the version reaches its end of life is used from that moment.
  const openAtEol = [v('1.1', at('2030-01-08T03:45:00Z')), v('1.2', at('2031-01-01T00:00:00Z'))];
  assert.equal(nextMaintenanceAt(app('1.1', false, tuesday), openAtEol, NOW), at('2030-01-08T03:45:00Z'));
  assert.deepEqual(upgradeToStart(app('1.1', false, tuesday), openAtEol, at('2030-01-08T03:45:00Z')), { version: '1.2', reason: 'EndOfLifeUpgrade' });
  // Without a window of its own: its default window.
  const own = app('1.1', true);
  assert.equal(nextMaintenanceAt(own, versions, NOW), windowStartAt(defaultWindow(own.arn), NOW));
  assert.ok(nextMaintenanceAt(own, versions, NOW)! - NOW < WEEK);
});

test('an upgrade starts only inside a window', () => {
  const versions = [v('1.1', at('2031-01-01T00:00:00Z')), v('1.2', at('2032-01-01T00:00:00Z'))];
  const upgrade = { version: '1.2', reason: 'AutoMinorVersionUpgrade' };
  assert.equal(upgradeToStart(app('1.1', true, 'Tue:03:30'), versions, at('2030-01-08T03:29:00Z')), undefined);
  assert.deepEqual(upgradeToStart(app('1.1', true, 'Tue:03:30'), versions, at('2030-01-08T03:30:00Z')), upgrade);
  assert.deepEqual(upgradeToStart(app('1.1', true, 'Tue:03:30'), versions, at('2030-01-08T04:29:00Z')), upgrade);
  assert.equal(upgradeToStart(app('1.1', true, 'Tue:03:30'), versions, at('2030-01-08T04:30:00Z')), undefined, 'a reconciler an hour late waits a week');
});

test("a catalog's fingerprint changes with what maintenance depends on, not with the order it is listed in", () => {
  const a = { comet: [v('1.1', 1), v('1.2', 2)], fiddler: [v('1.3', 3)] };
  assert.equal(catalogFingerprint(a), catalogFingerprint({ fiddler: [v('1.3', 3)], comet: [v('1.2', 2), v('1.1', 1)] }));
  assert.notEqual(catalogFingerprint(a), catalogFingerprint({ ...a, comet: [v('1.1', 1), v('1.2', 2), v('1.3', 3)] }), 'a version released');
  assert.notEqual(catalogFingerprint(a), catalogFingerprint({ ...a, comet: [v('1.1', 5), v('1.2', 2)] }), 'an end of life moved');
  assert.match(catalogFingerprint(a), /^[0-9a-f]{64}$/);
});
