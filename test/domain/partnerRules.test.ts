/**
 * The per-partner rules that depend on an app's version (docs/behaviour.md, Partner app types),
 * which the built-in catalog cannot show through the server: it has no fiddler version before 1.3.
 * The rules are pure, so they are checked here with the versions a catalog could hold.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppSettings } from '../../src/domain/partnerApp.js';
import { checkNewApp, checkUpdate } from '../../src/domain/rules/partners.js';
import { ServiceError } from '../../src/protocol/errors.js';

const RGA = [{ RoleName: 'ORG_ADMIN', GroupPatterns: ['ml-admins'] }];
const settings = (config: AppSettings['ApplicationConfig']): AppSettings => ({ ExecutionRoleArn: 'arn:aws:iam::111122223333:role/r', Tier: 'small', AuthType: 'IAM', ApplicationConfig: config });

function refused(check: () => void, message: string): void {
  assert.throws(check, (error: unknown) => error instanceof ServiceError && error.code === 'ValidationException' && error.message === message);
}

test('RoleGroupAssignments: fiddler from 1.3 (1.10 counts as later than 1.3), on Create', () => {
  const config = settings({ AdminUsers: ['ada'], AssignedGroupPatterns: ['ml-*'], RoleGroupAssignments: RGA });
  for (const version of ['1.2', '0.9']) {
    refused(() => checkNewApp('fiddler', version, config), `ApplicationConfig.RoleGroupAssignments is supported only by partner apps of type fiddler 1.3 and later; this app is fiddler ${version}.`);
  }
  for (const version of ['1.3', '1.10', '2.0']) assert.doesNotThrow(() => checkNewApp('fiddler', version, config), version);
});

test('RoleGroupAssignments on Update are judged against the version the app will run: the AppVersion it names, else its own', () => {
  const app = { type: 'fiddler' as const, version: '1.2', settings: settings({ AdminUsers: ['ada'], AssignedGroupPatterns: ['ml-*'] }) };
  const changes = { ApplicationConfig: { RoleGroupAssignments: RGA } };
  refused(() => checkUpdate(app, changes, '1.2'), 'ApplicationConfig.RoleGroupAssignments is supported only by partner apps of type fiddler 1.3 and later; this app is fiddler 1.2.');
  assert.doesNotThrow(() => checkUpdate(app, changes, '1.3'), 'with AppVersion 1.3 in the same Update');
  // An app stored with assignments before an upgrade: an Update that does not name them is not judged by them.
  assert.doesNotThrow(() => checkUpdate({ ...app, settings: settings({ AdminUsers: ['ada'], AssignedGroupPatterns: ['ml-*'], RoleGroupAssignments: RGA }) }, { Tier: 'large' }, '1.2'));
});
