/**
 * The per-partner rules of the SageMaker Developer Guide and API Reference (docs/behaviour.md),
 * through the real server and SDK, each with its exact message: root admin users, who may update
 * them, RoleGroupAssignments by type and version, and what an Update naming part of
 * ApplicationConfig keeps.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, UpdatePartnerAppCommand, type SageMakerClient, type UpdatePartnerAppCommandInput } from '@aws-sdk/client-sagemaker';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createAvailableApp, createInput, describeApp, rejectsWith, ROOT_ADMIN, waitFor } from '../operations/support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const create = (client: SageMakerClient, overrides: Parameters<typeof createInput>[0]) => client.send(new CreatePartnerAppCommand(createInput(overrides)));
const update = (client: SageMakerClient, Arn: string, input: Omit<UpdatePartnerAppCommandInput, 'Arn'>) => client.send(new UpdatePartnerAppCommand({ Arn, ...input }));

async function updated(client: SageMakerClient, Arn: string, input: Omit<UpdatePartnerAppCommandInput, 'Arn'>) {
  await update(client, Arn, input);
  assert.equal(await waitFor(client, Arn, 'Available'), 'Available');
  return describeApp(client, Arn);
}

const RGA = [{ RoleName: 'ORG_ADMIN', GroupPatterns: ['ml-admins'] }];

describe('root admin users', () => {
  for (const Type of ['comet', 'fiddler'] as const) {
    test(`a ${Type} app needs at least one root admin user`, async () => {
      const client = accountClient(server);
      const message = `Partner apps of type ${Type} require at least one root admin user in ApplicationConfig.AdminUsers.`;
      await rejectsWith(create(client, { Type, ApplicationConfig: undefined }), { name: 'ValidationException', message });
      await rejectsWith(create(client, { Type, ApplicationConfig: { AdminUsers: [] } }), { name: 'ValidationException', message });
      await rejectsWith(create(client, { Type, ApplicationConfig: { Arguments: { workspace: 'ml' } } }), { name: 'ValidationException', message });
      const Arn = await createAvailableApp(client, { Type, ApplicationConfig: { AdminUsers: [ROOT_ADMIN] } });
      assert.deepEqual((await describeApp(client, Arn)).ApplicationConfig, { AdminUsers: [ROOT_ADMIN] });
    });
  }

  for (const Type of ['lakera-guard', 'deepchecks-llm-evaluation'] as const) {
    test(`a ${Type} app needs none`, async () => {
      const client = accountClient(server);
      const Arn = await createAvailableApp(client, { Type, ApplicationConfig: undefined });
      assert.equal((await describeApp(client, Arn)).ApplicationConfig, undefined);
    });
  }

  test('only a comet app may update its root admin users, and not to none', async () => {
    const client = accountClient(server);
    const comet = await createAvailableApp(client, { Type: 'comet', ApplicationConfig: { AdminUsers: ['ada'] } });
    assert.deepEqual((await updated(client, comet, { ApplicationConfig: { AdminUsers: ['grace', 'ada'] } })).ApplicationConfig, { AdminUsers: ['grace', 'ada'] });
    await rejectsWith(update(client, comet, { ApplicationConfig: { AdminUsers: [] } }), {
      name: 'ValidationException',
      message: 'Partner apps of type comet require at least one root admin user in ApplicationConfig.AdminUsers.',
    });

    for (const Type of ['fiddler', 'lakera-guard', 'deepchecks-llm-evaluation'] as const) {
      const Arn = await createAvailableApp(client, { Type, ApplicationConfig: { AdminUsers: ['ada'] } });
      await rejectsWith(update(client, Arn, { ApplicationConfig: { AdminUsers: ['grace'] } }), {
        name: 'ValidationException',
        message: `Partner apps of type ${Type} do not support updating ApplicationConfig.AdminUsers; only comet apps do.`,
      });
      const app = await describeApp(client, Arn);
      assert.equal(app.Status, 'Available', 'a refused update starts nothing');
      // The same list again is no update of them: a tool that sends the whole configuration each time still works.
      assert.deepEqual((await updated(client, Arn, { ApplicationConfig: { AdminUsers: ['ada'] }, Tier: 'medium' })).ApplicationConfig, { AdminUsers: ['ada'] });
    }
  });

  test('root admin users are kept by every Update that does not name them', async () => {
    const client = accountClient(server);
    const Arn = await createAvailableApp(client, { Type: 'fiddler', ApplicationConfig: { AdminUsers: ['ada'], Arguments: { a: '1' } } });
    assert.deepEqual((await updated(client, Arn, { Tier: 'large' })).ApplicationConfig, { AdminUsers: ['ada'], Arguments: { a: '1' } });
    assert.deepEqual((await updated(client, Arn, { ApplicationConfig: { Arguments: { b: '2' } } })).ApplicationConfig, { AdminUsers: ['ada'], Arguments: { b: '2' } });
    assert.deepEqual((await updated(client, Arn, { ApplicationConfig: {} })).ApplicationConfig, { AdminUsers: ['ada'], Arguments: { b: '2' } }, 'an empty ApplicationConfig changes nothing');
  });
});

describe('RoleGroupAssignments', () => {
  test('only fiddler from version 1.3 has them: on Create', async () => {
    const client = accountClient(server);
    for (const Type of ['comet', 'lakera-guard', 'deepchecks-llm-evaluation'] as const) {
      const version = { comet: '1.1', 'lakera-guard': '1.4', 'deepchecks-llm-evaluation': '1.0' }[Type];
      await rejectsWith(create(client, { Type, ApplicationConfig: { AdminUsers: [ROOT_ADMIN], AssignedGroupPatterns: ['ml-*'], RoleGroupAssignments: RGA } }), {
        name: 'ValidationException',
        message: `ApplicationConfig.RoleGroupAssignments is supported only by partner apps of type fiddler 1.3 and later; this app is ${Type} ${version}.`,
      });
    }
    const fiddler = await createAvailableApp(client, { Type: 'fiddler', ApplicationConfig: { AdminUsers: [ROOT_ADMIN], AssignedGroupPatterns: ['ml-*'], RoleGroupAssignments: RGA } });
    assert.equal((await describeApp(client, fiddler)).Version, '1.3');
    // An empty list assigns nothing, whatever the type.
    await createAvailableApp(client, { Type: 'comet', ApplicationConfig: { AdminUsers: [ROOT_ADMIN], RoleGroupAssignments: [] } });
  });

  test('only fiddler from version 1.3 has them: on Update', async () => {
    const client = accountClient(server);
    const comet = await createAvailableApp(client, { Type: 'comet', ApplicationConfig: { AdminUsers: [ROOT_ADMIN], AssignedGroupPatterns: ['ml-*'] } });
    await rejectsWith(update(client, comet, { ApplicationConfig: { RoleGroupAssignments: RGA } }), {
      name: 'ValidationException',
      message: 'ApplicationConfig.RoleGroupAssignments is supported only by partner apps of type fiddler 1.3 and later; this app is comet 1.1.',
    });
    const fiddler = await createAvailableApp(client, { Type: 'fiddler', ApplicationConfig: { AdminUsers: [ROOT_ADMIN], AssignedGroupPatterns: ['ml-*'] } });
    assert.deepEqual((await updated(client, fiddler, { ApplicationConfig: { RoleGroupAssignments: RGA } })).ApplicationConfig?.RoleGroupAssignments, RGA);
  });

  test("a role must be one of fiddler's: ORG_MEMBER or ORG_ADMIN", async () => {
    const client = accountClient(server);
    const config = { AdminUsers: [ROOT_ADMIN], AssignedGroupPatterns: ['ml-*'], RoleGroupAssignments: [...RGA, { RoleName: 'ORG_OWNER', GroupPatterns: ['ml-owners'] }] };
    await rejectsWith(create(client, { Type: 'fiddler', ApplicationConfig: config }), {
      name: 'ValidationException',
      message: "1 validation error detected: Value 'ORG_OWNER' at 'applicationConfig.roleGroupAssignments.2.member.roleName' failed to satisfy constraint: Member must satisfy enum value set: [ORG_MEMBER, ORG_ADMIN]",
    });
  });
});
