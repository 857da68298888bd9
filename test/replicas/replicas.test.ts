/**
 * Three replicas (separate server processes, each with its own reconciler) on one PostgreSQL
 * schema, sent concurrent conflicting requests. Every race must be settled by the database.
 *
 * To see that each transition is applied once, by one replica, a trigger installed by the test
 * logs every change to an app row, with the application_name of the replica that made it, in the
 * same transaction: a rolled-back attempt leaves nothing, and a transition applied twice shows up
 * as a second change from the same status.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  CreatePartnerAppCommand,
  DeletePartnerAppCommand,
  ListPartnerAppsCommand,
  UpdatePartnerAppCommand,
  type PartnerAppSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { createTestSchema, holdAppUpdates, testPostgresUrl, withApplicationName, type TestSchema } from '../helpers/postgres.js';
import { lifecycleFlags, startServerProcess, type ServerProcess } from '../helpers/serverProcess.js';
import { createInput, describeApp, waitFor } from '../operations/support.js';

const postgresUrl = testPostgresUrl();
const skip = postgresUrl ? false : 'replicas share a PostgreSQL database: this runs in the PostgreSQL run of the suite';

const REPLICAS = 3;
const ROUNDS = 8;
/** Where each status may go; anything else in the log is a transition applied twice or out of turn. */
const NEXT: Record<string, readonly string[]> = {
  created: ['Creating'],
  Creating: ['Available', 'Failed'],
  Available: ['Updating', 'Deleting'],
  Updating: ['Available', 'UpdateFailed'],
  UpdateFailed: ['Updating', 'Deleting'],
  Failed: ['Deleting'],
  Deleting: ['Deleted'],
  Deleted: ['forgotten'],
};

let schema: TestSchema;
let replicas: ServerProcess[] = [];
let clients: SageMakerClient[] = [];

before(async () => {
  if (!postgresUrl) return;
  schema = await createTestSchema(postgresUrl);
  // All three start at once, so they also race to migrate the empty schema.
  const flags = ['--max-apps-per-account', '100000', ...lifecycleFlags({ deletedRetentionMs: 200 })];
  replicas = await Promise.all(
    Array.from({ length: REPLICAS }, (_, index) => startServerProcess(['--database-url', withApplicationName(schema.url, `replica-${index}`), ...flags])),
  );
  clients = replicas.map((replica) => replica.client());
  await schema.query(`
    CREATE TABLE transition_log (seq BIGSERIAL PRIMARY KEY, arn TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL, replica TEXT NOT NULL);
    CREATE FUNCTION log_transition() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO ${schema.name}.transition_log (arn, from_status, to_status, replica) VALUES (NEW.arn, 'created', NEW.status, current_setting('application_name'));
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO ${schema.name}.transition_log (arn, from_status, to_status, replica) VALUES (NEW.arn, OLD.status, NEW.status, current_setting('application_name'));
        ELSE
          INSERT INTO ${schema.name}.transition_log (arn, from_status, to_status, replica) VALUES (OLD.arn, OLD.status, 'forgotten', current_setting('application_name'));
        END IF;
        RETURN NULL;
      END
    $$;
    CREATE TRIGGER apps_transition_log AFTER INSERT OR UPDATE OR DELETE ON apps FOR EACH ROW EXECUTE FUNCTION log_transition();
  `);
});

after(async () => {
  if (!postgresUrl) return;
  await Promise.all(replicas.map((replica) => replica.kill()));
  await schema.drop();
});

/** Each replica's client in turn. */
const replicaClient = (index: number) => clients[index % clients.length]!;

async function appsNamed(name: string): Promise<PartnerAppSummary[]> {
  const found: PartnerAppSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients[0]!.send(new ListPartnerAppsCommand({ MaxResults: 100, NextToken }));
    found.push(...(page.Summaries ?? []).filter((app) => app.Name === name));
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}

/** The error name of each rejected outcome, or 'ok'. */
const outcomes = (settled: PromiseSettledResult<unknown>[]) => settled.map((result) => (result.status === 'fulfilled' ? 'ok' : (result.reason as Error).name));

/** Waits until Describe gives one of `statuses`, counting an app already forgotten as 'forgotten'. */
async function waitForEnd(arn: string, statuses: string[]): Promise<string> {
  try {
    return await waitFor(clients[0]!, arn, ...statuses);
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFound') return 'forgotten';
    throw error;
  }
}

/** Every app's logged changes form one path through NEXT: nothing applied twice, nothing skipped. */
async function assertEachTransitionOnce(): Promise<void> {
  const { rows } = await schema.query<{ arn: string; from_status: string; to_status: string; replica: string }>(
    'SELECT arn, from_status, to_status, replica FROM transition_log ORDER BY seq',
  );
  const current = new Map<string, string>();
  for (const row of rows) {
    const from = current.get(row.arn) ?? 'created';
    assert.equal(row.from_status, from, `${row.arn}: ${row.replica} changed it from ${row.from_status}, but it was ${from}`);
    assert.ok(NEXT[from]?.includes(row.to_status), `${row.arn}: ${row.replica} moved it ${from} → ${row.to_status}`);
    current.set(row.arn, row.to_status);
  }
  // The quota counter moved once per app that stopped being live.
  const usage = await schema.query<{ live_apps: number; counted: string }>(
    "SELECT u.live_apps, (SELECT count(*) FROM apps a WHERE a.account_id = u.account_id AND a.status <> 'Deleted') AS counted FROM account_usage u",
  );
  for (const row of usage.rows) assert.equal(row.live_apps, Number(row.counted), 'quota usage drifted from the apps');
}

test('the same ClientToken sent to three replicas at once creates one app', { skip }, async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const input = createInput({ ClientToken: randomUUID() });
    const answers = await Promise.all(clients.map((client) => client.send(new CreatePartnerAppCommand(input))));
    const arns = new Set(answers.map((answer) => answer.Arn));
    assert.equal(arns.size, 1, `three answers name ${[...arns].join(', ')}`);
    assert.deepEqual((await appsNamed(input.Name!)).map((app) => app.Arn), [...arns]);
  }
  await assertEachTransitionOnce();
});

test('the same ClientToken sent to three replicas at once starts one update; the others answer as it did', { skip }, async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const { Arn } = await replicaClient(round).send(new CreatePartnerAppCommand(createInput()));
    await waitFor(clients[0]!, Arn!, 'Available');
    const input = { Arn, Tier: 'medium', ClientToken: randomUUID() };
    const answers = await Promise.all(clients.map((client) => client.send(new UpdatePartnerAppCommand(input))));
    assert.deepEqual(new Set(answers.map((answer) => answer.Arn)), new Set([Arn]));
    assert.equal(await waitFor(clients[0]!, Arn!, 'Available'), 'Available');
    assert.equal((await describeApp(clients[1]!, Arn!)).Tier, 'medium');
    const started = await schema.query("SELECT count(*) AS updates FROM transition_log WHERE arn = $1 AND to_status = 'Updating'", [Arn]);
    assert.equal(Number(started.rows[0].updates), 1, 'one update started');
  }
  await assertEachTransitionOnce();
});

test('the same Name sent to three replicas at once creates one app; the others get ConflictException', { skip }, async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const input = createInput();
    const settled = await Promise.allSettled(clients.map((client) => client.send(new CreatePartnerAppCommand(input))));
    assert.deepEqual(outcomes(settled).sort(), ['ConflictException', 'ConflictException', 'ok']);
    const winner = settled.find((result) => result.status === 'fulfilled') as PromiseFulfilledResult<{ Arn?: string }>;
    assert.deepEqual((await appsNamed(input.Name!)).map((app) => app.Arn), [winner.value.Arn]);
  }
  await assertEachTransitionOnce();
});

test('Update and Delete racing on one app across replicas: one wins, the others conflict, the end state is the winner’s', { skip }, async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const { Arn } = await replicaClient(round).send(new CreatePartnerAppCommand(createInput()));
    await waitFor(clients[0]!, Arn!, 'Available');
    const requests = [
      () => clients[0]!.send(new UpdatePartnerAppCommand({ Arn, Tier: 'medium' })),
      () => clients[1]!.send(new DeletePartnerAppCommand({ Arn })),
      () => clients[2]!.send(new UpdatePartnerAppCommand({ Arn, Tier: 'large' })),
    ];
    const settled = await Promise.allSettled(requests.map((request) => request()));
    const results = outcomes(settled);
    assert.deepEqual([...results].sort(), ['ConflictException', 'ConflictException', 'ok'], `outcomes ${results.join(', ')}`);
    const winner = results.indexOf('ok');
    if (winner === 1) {
      assert.ok(['Deleted', 'forgotten'].includes(await waitForEnd(Arn!, ['Deleted'])));
    } else {
      assert.equal(await waitFor(clients[0]!, Arn!, 'Available'), 'Available');
      assert.equal((await describeApp(clients[1]!, Arn!)).Tier, winner === 0 ? 'medium' : 'large');
    }
  }
  await assertEachTransitionOnce();
});

test('each transition of many apps is applied once, by one replica', { skip }, async () => {
  const created = await Promise.all(
    Array.from({ length: 30 }, (_, index) => replicaClient(index).send(new CreatePartnerAppCommand(createInput()))),
  );
  const arns = created.map((answer) => answer.Arn!);
  for (const arn of arns) await waitFor(clients[0]!, arn, 'Available');
  await Promise.all(
    arns.map((Arn, index) =>
      index % 2 === 0
        ? replicaClient(index).send(new UpdatePartnerAppCommand({ Arn, Tier: 'medium' }))
        : replicaClient(index).send(new DeletePartnerAppCommand({ Arn })),
    ),
  );
  for (const [index, arn] of arns.entries()) {
    if (index % 2 === 0) assert.equal(await waitFor(clients[0]!, arn, 'Available'), 'Available');
    else assert.ok(['Deleted', 'forgotten'].includes(await waitForEnd(arn, ['Deleted'])));
  }
  const { rows } = await schema.query<{ replica: string }>(
    "SELECT DISTINCT replica FROM transition_log WHERE arn = ANY($1) AND from_status IN ('Creating', 'Updating', 'Deleting')",
    [arns],
  );
  assert.ok(rows.every((row) => row.replica.startsWith('replica-')), 'a transition was finished outside the replicas');
  await assertEachTransitionOnce();
});

test('a replica killed while holding claimed work: another replica finishes it', { skip }, async () => {
  // Every replica's UPDATE of an app now waits inside its transaction, so the replica that claims
  // the new apps' transitions stops holding them; it is killed, then the hold is lifted.
  const hold = await holdAppUpdates(schema, 'replica-');
  try {
    const created = await Promise.all(Array.from({ length: 5 }, () => clients[0]!.send(new CreatePartnerAppCommand(createInput()))));
    const arns = created.map((answer) => answer.Arn!);

    const victim = Number((await hold.waiter()).slice('replica-'.length));
    await replicas[victim]!.kill();
    await hold.release();

    const survivor = clients[(victim + 1) % REPLICAS]!;
    for (const arn of arns) assert.equal(await waitFor(survivor, arn, 'Available'), 'Available');
    const { rows } = await schema.query<{ arn: string; replica: string }>(
      "SELECT arn, replica FROM transition_log WHERE arn = ANY($1) AND from_status = 'Creating'",
      [arns],
    );
    assert.equal(rows.length, arns.length, 'each app left Creating once');
    for (const row of rows) assert.notEqual(row.replica, `replica-${victim}`, `${row.arn} was finished by the killed replica`);
    await assertEachTransitionOnce();
  } finally {
    await hold.end();
  }
});
