/**
 * Maintenance windows and automatic minor-version upgrades (docs/behaviour.md, Maintenance), over a
 * simulated week: the service's clock is moved an hour at a time through the admin API, and every
 * app is described after each hour. Apps with and without automatic upgrades, with and without a
 * window, on supported and end-of-life versions end on the versions the rules say, each upgrade
 * seen as Updating (from its window's start) then Available, and in the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreatePartnerAppCommand, UpdatePartnerAppCommand, type CreatePartnerAppCommandInput } from '@aws-sdk/client-sagemaker';
import { TestClock } from '../../src/clock.js';
import { defaultWindow, windowStartAt } from '../../src/domain/maintenance.js';
import { reconciled } from '../helpers/reconciled.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createInput, describeApp } from '../operations/support.js';

const ADMIN_TOKEN = 'maintenance-admin-token';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string) => Date.parse(iso);

// Comet 1.1 reaches its end of life on Monday 2027-05-31 (00:00 UTC); deepchecks 1.0 already has.
const START = at('2027-05-30T12:00:00Z');
const END = at('2027-06-07T12:00:00Z');
const CREATE_DELAY_MS = MINUTE;
const UPGRADE_MS = 90 * MINUTE;

let server: TestServer;
let client: ReturnType<typeof accountClient>;
const clock = new TestClock(START);

before(async () => {
  server = await startTestServer(
    { adminToken: ADMIN_TOKEN, createDelayMs: CREATE_DELAY_MS, updateDelayMs: UPGRADE_MS, reconcileIntervalMs: HOUR },
    { clock },
  );
  client = accountClient(server);
});
after(() => server.close());

interface Case {
  name: string;
  input: Partial<CreatePartnerAppCommandInput>;
  /** The version it ends the week on; an upgrade, when there is one, and when its window opens. */
  ends: string;
  upgrade?: { reason: 'AutoMinorVersionUpgrade' | 'EndOfLifeUpgrade'; startsAt: (arn: string) => number };
}

const window = (MaintenanceWindowStart: string) => ({ MaintenanceConfig: { MaintenanceWindowStart } });
const admins = { ApplicationConfig: { AdminUsers: ['ada'] } };
const availableAt = START + CREATE_DELAY_MS;
const cometEol = at('2027-05-31T00:00:00Z');

const CASES: Case[] = [
  {
    name: 'automatic, with a window: the newest minor version in its next window',
    input: { Type: 'lakera-guard', EnableAutoMinorVersionUpgrade: true, ...window('Tue:03:30') },
    ends: '1.5',
    upgrade: { reason: 'AutoMinorVersionUpgrade', startsAt: () => at('2027-06-01T03:30:00Z') },
  },
  { name: 'not automatic, with a window, supported: stays', input: { Type: 'lakera-guard', ...window('Tue:03:30') }, ends: '1.4' },
  {
    name: 'automatic, without a window: in its default window',
    input: { Type: 'lakera-guard', EnableAutoMinorVersionUpgrade: true },
    ends: '1.5',
    upgrade: { reason: 'AutoMinorVersionUpgrade', startsAt: (arn) => windowStartAt(defaultWindow(arn), availableAt) },
  },
  { name: 'not automatic, without a window, supported: stays', input: { Type: 'lakera-guard', EnableAutoMinorVersionUpgrade: false }, ends: '1.4' },
  {
    name: 'automatic, skipping minor versions: comet 1.1 to 1.3 before 1.1 reaches its end of life',
    input: { Type: 'comet', EnableAutoMinorVersionUpgrade: true, ...window('Sun:18:00') },
    ends: '1.3',
    upgrade: { reason: 'AutoMinorVersionUpgrade', startsAt: () => at('2027-05-30T18:00:00Z') },
  },
  {
    name: 'not automatic, reaching its end of life: the first window after it',
    input: { Type: 'comet', ...window('Wed:02:00') },
    ends: '1.3',
    upgrade: { reason: 'EndOfLifeUpgrade', startsAt: () => at('2027-06-02T02:00:00Z') },
  },
  {
    name: 'not automatic, without a window, reaching its end of life: the first default window after it',
    input: { Type: 'comet' },
    ends: '1.3',
    upgrade: { reason: 'EndOfLifeUpgrade', startsAt: (arn) => Math.max(cometEol, windowStartAt(defaultWindow(arn), cometEol)) },
  },
  {
    name: 'not automatic, created on a version already past its end of life: its next window',
    input: { Type: 'deepchecks-llm-evaluation', ApplicationConfig: undefined, ...window('Mon:09:00') },
    ends: '1.1',
    upgrade: { reason: 'EndOfLifeUpgrade', startsAt: () => at('2027-05-31T09:00:00Z') },
  },
  {
    name: 'automatic, fiddler, late in the week',
    input: { Type: 'fiddler', EnableAutoMinorVersionUpgrade: true, ...admins, ...window('Thu:12:00') },
    ends: '1.4',
    upgrade: { reason: 'AutoMinorVersionUpgrade', startsAt: () => at('2027-06-03T12:00:00Z') },
  },
];

/** What Describe said of an app, each time it changed. */
interface Seen {
  time: number;
  status: string;
  version: string;
  lastModified: number;
}

async function moveClock(advanceMs: number): Promise<void> {
  const response = await fetch(`${server.url}/admin/clock`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ advanceMs }) });
  assert.equal(response.status, 200, await response.text());
}

/**
 * Moves the clock to `until`, a step at a time, doing what `during` says at each step, and keeps
 * what Describe said of each app whenever its status, version or last modification changed.
 */
async function simulate(arns: string[], until: number, step: number, during: (time: number) => Promise<void> = async () => {}): Promise<Map<string, Seen[]>> {
  const seen = new Map<string, Seen[]>(arns.map((arn) => [arn, []]));
  for (let time = clock.now(); time <= until; time += step) {
    if (time > clock.now()) await moveClock(time - clock.now());
    await reconciled(server.server.store, clock);
    await during(time);
    for (const arn of arns) {
      const app = await describeApp(client, arn);
      const history = seen.get(arn)!;
      const now = { time, status: app.Status!, version: app.Version!, lastModified: app.LastModifiedTime!.getTime() };
      const last = history.at(-1);
      if (!last || last.status !== now.status || last.version !== now.version || last.lastModified !== now.lastModified) history.push(now);
    }
  }
  return seen;
}

const maintenanceRecords = async () =>
  (await server.server.store.listAudit({ accountId: client.account.accountId, limit: 1000 })).filter((record) => record.principal === 'maintenance');

test('a simulated week of maintenance windows', async () => {
  const arns = await Promise.all(CASES.map(async ({ input }) => (await client.send(new CreatePartnerAppCommand(createInput(input)))).Arn!));
  const seen = await simulate(arns, END, HOUR);

  const audit = await maintenanceRecords();
  CASES.forEach(({ name, ends, upgrade }, index) => {
    const arn = arns[index]!;
    const history = seen.get(arn)!.map(({ status, version }) => `${status} ${version}`);
    const [created] = seen.get(arn)!;
    const first = `${created!.status === 'Creating' ? 'Creating' : 'Available'} ${created!.version}`;
    const records = audit.filter((record) => record.target === arn);
    if (!upgrade) {
      assert.deepEqual(history.slice(-1), [`Available ${ends}`], name);
      assert.ok(!history.some((entry) => entry.startsWith('Updating')), `${name}: never Updating`);
      assert.deepEqual(records, [], `${name}: nothing audited`);
      return;
    }
    // Available on its first version, then Updating (still on it), then Available on the new one.
    const from = first.split(' ')[1]!;
    assert.deepEqual(history.filter((entry) => !entry.startsWith('Creating')), [`Available ${from}`, `Updating ${from}`, `Available ${ends}`], name);
    const updating = seen.get(arn)!.find((entry) => entry.status === 'Updating')!;
    assert.equal(new Date(updating.lastModified).toISOString(), new Date(upgrade.startsAt(arn)).toISOString(), `${name}: Updating from its window's start`);
    assert.deepEqual(
      records.map(({ operation, outcome, accountId }) => ({ operation, outcome, accountId })),
      [{ operation: upgrade.reason, outcome: 'success', accountId: client.account.accountId }],
      `${name}: one audit record`,
    );
  });
});

test('an Update that turns automatic upgrades on or moves the window plans again; a busy app is upgraded when it is done; a failed upgrade stays failed', async () => {
  // From Monday 2027-06-07 12:00, where the week above ended, to Thursday 06:00, half an hour at a time.
  const monday = clock.now();
  const create = async (input: Partial<CreatePartnerAppCommandInput>) => (await client.send(new CreatePartnerAppCommand(createInput({ Type: 'lakera-guard', ...input })))).Arn!;
  const [turnedOn, moved, busy, failing] = await Promise.all([
    create(window('Tue:03:30')),
    create({ EnableAutoMinorVersionUpgrade: true, ...window('Tue:03:30') }),
    create({ EnableAutoMinorVersionUpgrade: true, ...window('Tue:03:30') }),
    create({ EnableAutoMinorVersionUpgrade: true, ...window('Tue:03:30') }),
  ]);
  const seen = await simulate([turnedOn, moved, busy, failing], at('2027-06-10T06:00:00Z'), 30 * MINUTE, async (time) => {
    if (time === monday + 30 * MINUTE) {
      // Its next transition fails: the upgrade maintenance starts.
      const armed = await fetch(`${server.url}/admin/failures`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ arn: failing }) });
      assert.equal(armed.status, 200);
    }
    if (time === monday + HOUR) {
      await client.send(new UpdatePartnerAppCommand({ Arn: turnedOn, EnableAutoMinorVersionUpgrade: true }));
      await client.send(new UpdatePartnerAppCommand({ Arn: moved, MaintenanceConfig: { MaintenanceWindowStart: 'Thu:03:30' } }));
    }
    // Busy with an Update of its own when its window opens, until 04:00: upgraded then, the window still open.
    if (time === at('2027-06-08T02:30:00Z')) await client.send(new UpdatePartnerAppCommand({ Arn: busy, Tier: 'large' }));
  });
  const steps = (arn: string) => seen.get(arn)!.filter((entry) => entry.status !== 'Creating').map(({ status, version, lastModified }) => `${status} ${version} ${new Date(lastModified).toISOString().slice(5, 16)}`);
  assert.deepEqual(steps(turnedOn), ['Available 1.4 06-07T12:01', 'Updating 1.4 06-07T13:00', 'Available 1.4 06-07T14:30', 'Updating 1.4 06-08T03:30', 'Available 1.5 06-08T05:00']);
  assert.deepEqual(steps(moved), ['Available 1.4 06-07T12:01', 'Updating 1.4 06-07T13:00', 'Available 1.4 06-07T14:30', 'Updating 1.4 06-10T03:30', 'Available 1.5 06-10T05:00']);
  assert.deepEqual(steps(busy), ['Available 1.4 06-07T12:01', 'Updating 1.4 06-08T02:30', 'Updating 1.4 06-08T04:00', 'Available 1.5 06-08T05:30']);
  // A failed upgrade leaves the app on its version, UpdateFailed, and is not tried again.
  assert.deepEqual(steps(failing), ['Available 1.4 06-07T12:01', 'Updating 1.4 06-08T03:30', 'UpdateFailed 1.4 06-08T05:00']);
  const operations = (await maintenanceRecords()).filter((record) => [turnedOn, moved, busy, failing].includes(record.target!));
  assert.deepEqual(operations.map((record) => record.operation), Array(4).fill('AutoMinorVersionUpgrade'), 'each upgrade started is audited once, the failed one too');
});

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

test('releasing a version: AvailableUpgrade offers it, and the windows upgrade to it', async () => {
  // From Thursday 2027-06-10 06:00, where the test above ended.
  const create = async (input: Partial<CreatePartnerAppCommandInput>) => (await client.send(new CreatePartnerAppCommand(createInput({ Type: 'lakera-guard', ...input })))).Arn!;
  const [automatic, manual] = await Promise.all([create({ EnableAutoMinorVersionUpgrade: true, ...window('Fri:03:00') }), create(window('Fri:03:00'))]);
  await simulate([automatic, manual], clock.now() + HOUR, HOUR);
  await client.send(new UpdatePartnerAppCommand({ Arn: manual, AppVersion: '1.5' }));
  await simulate([manual], clock.now() + 2 * HOUR, HOUR);
  assert.equal((await describeApp(client, manual, true)).AvailableUpgrade, undefined, '1.5 is the newest');

  const release = { type: 'lakera-guard', version: '1.6', eolDate: '2029-06-30', releaseNotes: ['Multilingual detectors.'] };
  assert.deepEqual(await admin('POST', '/admin/versions', release), { status: 200, json: { released: { type: 'lakera-guard', version: '1.6', eolDate: '2029-06-30', releaseNotes: ['Multilingual detectors.'] } } });
  const manualApp = await describeApp(client, manual, true);
  assert.deepEqual([manualApp.Version, manualApp.AvailableUpgrade], ['1.5', { Version: '1.6', ReleaseNotes: ['Multilingual detectors.'] }]);
  assert.deepEqual((await describeApp(client, automatic, true)).AvailableUpgrade, { Version: '1.5', ReleaseNotes: ['Custom policy sets.', 'Lower detection latency.'] }, 'the next version, one step');
  const listed = (await admin('GET', '/admin/versions')).json.types['lakera-guard'];
  assert.deepEqual(listed.versions.map((v: { version: string }) => v.version), ['1.4', '1.5', '1.6']);

  // The automatic app goes straight to 1.6 in its window, Friday 03:00; the other stays on 1.5.
  const seen = await simulate([automatic, manual], at('2027-06-11T06:00:00Z'), HOUR);
  const steps = seen.get(automatic)!.map(({ status, version, lastModified }) => `${status} ${version} ${new Date(lastModified).toISOString().slice(5, 16)}`);
  assert.deepEqual(steps.slice(-2), ['Updating 1.4 06-11T03:00', 'Available 1.6 06-11T04:30']);
  assert.equal((await describeApp(client, manual)).Version, '1.5');

  for (const [body, message] of [
    [release, 'the release: lakera-guard 1.6 is in the catalog already'],
    [{ ...release, type: 'jupyter' }, 'the release: type must be one of the types offered (lakera-guard, comet, deepchecks-llm-evaluation, fiddler), got "jupyter"'],
    [{ ...release, version: '1.7', eolDate: '2029-02-30' }, 'the release (1.7).eolDate: 2029-02-30 is not a date'],
    [{ ...release, version: 'latest' }, 'the release.version: must be a string matching /^\\d+\\.\\d+$/, got "latest"'],
  ] as const) {
    assert.deepEqual(await admin('POST', '/admin/versions', body), { status: 400, json: { __type: 'ValidationException', message } }, message);
  }
  const audited = (await server.server.store.listAudit({ limit: 1000 })).filter((record) => record.operation === 'AdminReleaseVersion');
  assert.deepEqual(audited.map(({ target, outcome }) => [target, outcome]).reverse(), [
    ['lakera-guard 1.6', 'success'],
    ['lakera-guard 1.6', 'ValidationException'],
    ['jupyter 1.6', 'ValidationException'],
    ['lakera-guard 1.7', 'ValidationException'],
    ['lakera-guard latest', 'ValidationException'],
  ]);
});
