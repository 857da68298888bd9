/**
 * An --app-catalog file: what it may say, what it is read as, and every mistake refused with the
 * entry it is in named. Then a server with a catalog: the types, versions and tiers it offers are
 * what CreatePartnerApp, UpdatePartnerApp and DescribePartnerApp go by.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, UpdatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { CatalogError, parseCatalog, type RunNeed } from '../../src/catalog/parse.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createInput, describeApp, rejectsWith, waitFor } from '../operations/support.js';

const CATALOG = {
  tiers: { small: { cpus: 0.5, memoryMiB: 256 }, large: { cpus: 2, memoryMiB: 2048, replicas: 2 } },
  types: {
    comet: {
      current: '2.0',
      command: ['node', 'server.js'],
      healthPath: '/healthz',
      env: { LOG_LEVEL: 'info', MODE: 'type' },
      versions: [
        { version: '2.0', eolDate: '2030-01-31', releaseNotes: ['First.'], env: { MODE: 'version' } },
        { version: '2.1', eolDate: '2031-01-31', releaseNotes: ['Second.'], image: 'comet:2.1', port: 8080, startTimeoutSeconds: 5 },
      ],
    },
    fiddler: {
      tiers: { solo: {} },
      versions: [{ version: '1.3', eolDate: '2030-06-30', command: ['fiddler'] }],
    },
  },
};

const parse = (value: unknown, need: RunNeed = undefined) => parseCatalog(JSON.stringify(value), 'test.json', need);

function refused(value: unknown, message: string, need: RunNeed = undefined): void {
  assert.throws(() => parse(value, need), (error: unknown) => {
    assert.ok(error instanceof CatalogError);
    assert.equal(error.message, message);
    return true;
  });
}

describe('an app catalog file', () => {
  test('is read with its types in the model order, versions in upgrade order, runs merged over their type', () => {
    const catalog = parse(CATALOG, 'command');
    assert.deepEqual(catalog.offered(), ['comet', 'fiddler']);
    assert.equal(catalog.initialVersion('comet'), '2.0');
    assert.equal(catalog.initialVersion('fiddler'), '1.3', 'current defaults to the first version');
    assert.equal(catalog.availableUpgrade('comet', '2.0')?.version, '2.1');
    assert.equal(catalog.availableUpgrade('comet', '2.1'), undefined);
    assert.equal(catalog.versionInfo('comet', '2.1')?.eolTime, Date.parse('2031-01-31T00:00:00Z'));
    assert.deepEqual(catalog.versionInfo('comet', '2.0')?.run, {
      command: ['node', 'server.js'],
      healthPath: '/healthz',
      startTimeoutMs: 60_000,
      env: { LOG_LEVEL: 'info', MODE: 'version' },
    });
    assert.deepEqual(catalog.versionInfo('comet', '2.1')?.run, {
      image: 'comet:2.1',
      command: ['node', 'server.js'],
      port: 8080,
      healthPath: '/healthz',
      startTimeoutMs: 5_000,
      env: { LOG_LEVEL: 'info', MODE: 'type' },
    });
    assert.deepEqual(catalog.tiersOf('comet'), ['small', 'large']);
    assert.deepEqual(catalog.resourcesOf('comet', 'large'), { cpus: 2, memoryMiB: 2048, replicas: 2 });
    assert.deepEqual(catalog.tiersOf('fiddler'), ['solo'], "a type's own tiers replace the shared ones");
    assert.equal(catalog.offers('lakera-guard'), false);
  });

  test('without tiers accepts any tier, and without a way to run is for the builtin runtime only', () => {
    const catalog = parse({ types: { comet: { versions: [{ version: '1.0', eolDate: '2030-01-01' }] } } });
    assert.equal(catalog.tiersOf('comet'), undefined);
    assert.deepEqual(catalog.resourcesOf('comet', 'anything'), {});
    assert.equal(catalog.versionInfo('comet', '1.0')?.run, undefined);
    refused({ types: { comet: { versions: [{ version: '1.0', eolDate: '2030-01-01' }] } } }, 'types.comet.versions[0] (1.0): says no image, which this runtime needs to run it (give it here or on its type)', 'image');
  });

  test('is refused naming the entry of each mistake', () => {
    const comet = (version: object) => ({ types: { comet: { versions: [{ version: '1.0', eolDate: '2030-01-01', ...version }] } } });
    refused([], 'the catalog: must be a JSON object');
    refused({ types: {} }, 'types: must offer at least one of lakera-guard, comet, deepchecks-llm-evaluation, fiddler');
    refused({ types: { jupyter: {} } }, 'types: unknown field jupyter (allowed: lakera-guard, comet, deepchecks-llm-evaluation, fiddler)');
    refused({ types: { comet: { versions: [] } } }, 'types.comet.versions: must be an array of at least one version');
    refused(comet({ version: 'one' }), 'types.comet.versions[0].version: must be a string matching /^\\d+\\.\\d+$/, got "one"');
    refused(comet({ eolDate: '2030-02-30' }), 'types.comet.versions[0] (1.0).eolDate: 2030-02-30 is not a date');
    refused(comet({ image: 'x' }), 'types.comet.versions[0] (1.0): an image needs the port its server listens on (port)');
    refused(comet({ command: 'node server.js' }), 'types.comet.versions[0] (1.0).command: must be an array of 1 to 256 strings');
    refused(comet({ command: ['x'], port: 70000 }), 'types.comet.versions[0] (1.0).port: must be a whole number from 1 to 65535, got 70000');
    refused(comet({ command: ['x'], healthPath: 'health' }), 'types.comet.versions[0] (1.0).healthPath: must be a string matching /^\\/\\S*$/, got "health"');
    refused(comet({ command: ['x'], env: { PORT: '1' } }), 'types.comet.versions[0] (1.0).env.PORT: is set by partnerplane and cannot be replaced');
    refused(comet({ command: ['x'], env: { A: 1 } }), 'types.comet.versions[0] (1.0).env.A: must be a string');
    refused(comet({ comand: ['x'] }), 'types.comet.versions[0]: unknown field comand (allowed: version, eolDate, releaseNotes, image, command, port, healthPath, startTimeoutSeconds, env)');
    refused({ types: { comet: { current: '9.9', versions: [{ version: '1.0', eolDate: '2030-01-01' }] } } }, 'types.comet.current: 9.9 is not one of its versions (1.0)');
    refused({ types: { comet: { versions: [{ version: '1.0', eolDate: '2030-01-01' }, { version: '1.0', eolDate: '2031-01-01' }] } } }, 'types.comet.versions[1]: version 1.0 is listed twice');
    refused({ ...comet({}), tiers: { small: { cpus: 0 } } }, 'tiers.small.cpus: must be a number from 0.01 to 1024, got 0');
    refused({ ...comet({}), tiers: { small: { memory: 1 } } }, 'tiers.small: unknown field memory (allowed: cpus, memoryMiB, replicas)');
    refused({ ...comet({}), tiers: {} }, 'tiers: must name at least one tier');
    assert.throws(() => parseCatalog('{"types":', 'test.json', undefined), (error: unknown) => error instanceof CatalogError && error.message.startsWith('not valid JSON: '));
  });
});

test("docs/runtimes.md's example is a catalog every runtime can run", () => {
  const doc = fs.readFileSync(new URL('../../docs/runtimes.md', import.meta.url), 'utf8');
  const example = /```json\n([^]*?)```/.exec(doc)![1]!;
  for (const need of ['image', 'command'] as const) {
    const catalog = parseCatalog(example, 'docs/runtimes.md', need);
    assert.deepEqual(catalog.versionInfo('comet', '1.2')?.run?.env, { GREETING: 'hello from 1.2' });
  }
});

describe('a server with an app catalog', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ catalog: parse(CATALOG) });
  });
  after(() => server.close());

  test('refuses a type it does not offer and a tier it does not list, naming what it offers', async () => {
    const client = accountClient(server);
    await rejectsWith(client.send(new CreatePartnerAppCommand(createInput({ Type: 'lakera-guard' }))), {
      name: 'ValidationException',
      message: 'Partner apps of type lakera-guard are not offered here; the types offered are comet, fiddler.',
    });
    await rejectsWith(client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'medium' }))), {
      name: 'ValidationException',
      message: 'Tier medium is not offered for partner apps of type comet; the allowed tiers are small, large.',
    });
  });

  test('creates at the current version, describes the catalog entry, and refuses an update to an unlisted tier', async () => {
    const client = accountClient(server);
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small' })));
    await waitFor(client, Arn!, 'Available');
    const app = await describeApp(client, Arn!, true);
    assert.equal(app.Version, '2.0');
    assert.deepEqual(app.CurrentVersionEolDate, new Date('2030-01-31T00:00:00Z'));
    assert.deepEqual(app.AvailableUpgrade, { Version: '2.1', ReleaseNotes: ['Second.'] });
    await rejectsWith(client.send(new UpdatePartnerAppCommand({ Arn, Tier: 'solo' })), {
      name: 'ValidationException',
      message: 'Tier solo is not offered for partner apps of type comet; the allowed tiers are small, large.',
    });
    await client.send(new UpdatePartnerAppCommand({ Arn, Tier: 'large', AppVersion: '2.1' }));
    await waitFor(client, Arn!, 'Available');
    assert.equal((await describeApp(client, Arn!)).Tier, 'large');
  });
});
