/**
 * The built-in catalog is data; these tests hold it to the service model (what Describe may send)
 * and walk every type's upgrade path through a real server.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreatePartnerAppCommand, UpdatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { APP_TYPES } from '../../src/domain/partnerApp.js';
import { builtInCatalog } from '../../src/catalog/builtin.js';

const versionCatalog = builtInCatalog.types;
import { startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createInput, describeApp, waitFor } from '../operations/support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test('every type of the model has a catalog whose entries Describe can send as the model says', () => {
  assert.deepEqual(Object.keys(versionCatalog).sort(), [...APP_TYPES].sort());
  for (const [type, { current, versions }] of Object.entries(versionCatalog)) {
    assert.ok(versions.some((entry) => entry.version === current), `${type}: current ${current} is in the catalog`);
    let previous: { version: string; eol: number } | undefined;
    for (const { version, eolDate, eolTime, releaseNotes } of versions) {
      assert.match(version, /^\d+\.\d+$/, `${type} ${version}: MajorMinorVersion`);
      assert.match(eolDate, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(new Date(eolTime).toISOString(), `${eolDate}T00:00:00.000Z`, `${type} ${version}: ${eolDate} is a real date, and eolTime its start`);
      assert.ok(releaseNotes.length >= 1 && releaseNotes.length <= 10, `${type} ${version}: one to ten release notes`);
      for (const note of releaseNotes) assert.ok(note.length >= 1 && note.length <= 1024);
      if (previous) {
        const [major, minor] = version.split('.').map(Number);
        const [prevMajor, prevMinor] = previous.version.split('.').map(Number);
        assert.ok(major! > prevMajor! || (major === prevMajor && minor! > prevMinor!), `${type}: ${version} follows ${previous.version}`);
        assert.ok(eolTime > previous.eol, `${type}: ${version} lives longer than ${previous.version}`);
      }
      previous = { version, eol: eolTime };
    }
  }
});

test("every type's app starts at the current version and upgrades one step at a time to the newest", async () => {
  const client = accountClient(server);
  await Promise.all(
    APP_TYPES.map(async (type) => {
      const { current, versions } = versionCatalog[type]!;
      const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Type: type })));
      await waitFor(client, Arn!, 'Available');
      for (let index = versions.findIndex((entry) => entry.version === current); ; index++) {
        const app = await describeApp(client, Arn!, true);
        const { version, eolDate } = versions[index]!;
        assert.equal(app.Version, version);
        assert.deepEqual(app.CurrentVersionEolDate, new Date(`${eolDate}T00:00:00Z`));
        const next = versions[index + 1];
        if (!next) {
          assert.equal(app.AvailableUpgrade, undefined, `${type} ${version} is the newest`);
          break;
        }
        assert.deepEqual(app.AvailableUpgrade, { Version: next.version, ReleaseNotes: next.releaseNotes });
        await client.send(new UpdatePartnerAppCommand({ Arn, AppVersion: next.version }));
        await waitFor(client, Arn!, 'Available');
      }
    }),
  );
});
