import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { CreatePartnerAppCommand, DescribePartnerAppCommand, ListPartnerAppsCommand } from '@aws-sdk/client-sagemaker';
import { GroupCommit } from '../../src/store/groupCommit.js';
import { walFileOf, WalSync, type SyncableFile } from '../../src/store/walSync.js';
import { startTestServer, tempDir } from '../helpers/server.js';

const createInput = (name: string) => ({ Name: name, Type: 'lakera-guard' as const, ExecutionRoleArn: 'arn:aws:iam::123456789012:role/r', Tier: 'small', AuthType: 'IAM' as const });

test('concurrent creates are each answered as if alone, and all of them survive a restart', async () => {
  // Group commit is the SQLite store's: this test uses SQLite whichever store the suite runs on.
  const dataDir = tempDir();
  const sqlite = { dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'partnerplane.sqlite')}`, maxAppsPerAccount: 1000 };
  const first = await startTestServer(sqlite);
  const client = first.client();
  // Sent together, these land in the same turn of the event loop: one group, one commit.
  const sameName = await Promise.allSettled(Array.from({ length: 8 }, () => client.send(new CreatePartnerAppCommand(createInput('twin')))));
  const distinct = await Promise.all(Array.from({ length: 40 }, (_, index) => client.send(new CreatePartnerAppCommand(createInput(`app${index}`)))));
  assert.equal(sameName.filter((outcome) => outcome.status === 'fulfilled').length, 1, 'exactly one create of the same name wins');
  for (const outcome of sameName) {
    if (outcome.status === 'rejected') assert.equal((outcome.reason as Error).name, 'ConflictException');
  }
  await first.close();

  const second = await startTestServer(sqlite);
  try {
    const again = second.client();
    const listed = await again.send(new ListPartnerAppsCommand({ MaxResults: 100 }));
    assert.equal(listed.Summaries!.length, 41);
    for (const { Arn } of distinct) assert.ok((await again.send(new DescribePartnerAppCommand({ Arn }))).Name);
  } finally {
    await second.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a write that fails inside a group rolls back alone; the others commit', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'group.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE items (name TEXT PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO items (name) VALUES (?)');
  const group = new GroupCommit(db, new WalSync(walFileOf(file)));
  const runs: string[] = [];
  const write = (label: string, work: () => unknown) =>
    group.run(() => {
      runs.push(label);
      return work();
    });
  const insertAll = (...names: string[]) => () => names.map((name) => insert.run(name).changes);

  const allGood = await Promise.all([write('x', insertAll('x')), write('y', insertAll('y'))]);
  assert.deepEqual(allGood, [[1], [1]]);
  assert.deepEqual(runs.splice(0), ['x', 'y'], 'a group in which nothing throws runs each write once');

  const results = await Promise.allSettled([
    write('a', insertAll('a')),
    write('failing', () => {
      insert.run('half-done');
      throw new Error('refused');
    }),
    write('b c', insertAll('b', 'c')),
    write('a again', insertAll('a')),
  ]);
  assert.deepEqual(results[0], { status: 'fulfilled', value: [1] });
  assert.equal(results[1]!.status, 'rejected');
  assert.equal((results[1] as PromiseRejectedResult).reason.message, 'refused');
  assert.deepEqual(results[2], { status: 'fulfilled', value: [1, 1] });
  // A later write in the group sees the earlier ones: a second 'a' violates the key.
  assert.equal(results[3]!.status, 'rejected');
  assert.match((results[3] as PromiseRejectedResult).reason.message, /UNIQUE/);
  // The group ran without savepoints until 'failing' threw; then it was rolled back, and the
  // others ran again, each in a savepoint of its own.
  assert.deepEqual(runs, ['a', 'failing', 'a', 'b c', 'a again']);
  db.close();

  const reopened = new Database(file, { readonly: true });
  assert.deepEqual(reopened.prepare('SELECT name FROM items ORDER BY name').pluck().all(), ['a', 'b', 'c', 'x', 'y']);
  reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A file whose flushes are ended by the test, one by one. */
function controlledFile() {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const file: SyncableFile = {
    sync: () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
    close: async () => undefined,
  };
  return { file, pending };
}

const settledYet = async (promise: Promise<unknown>) => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
};

test('a flush asked for while another runs waits for the next one, which callers then share', async () => {
  const { file, pending } = controlledFile();
  const wal = new WalSync(file);
  const first = wal.flushed();
  const second = wal.flushed();
  const third = wal.flushed();
  assert.equal(pending.length, 1, 'one flush at a time');
  assert.equal(second, third, 'callers during a flush share the next one');
  pending[0]!.resolve();
  await first;
  assert.equal(await settledYet(second), false, 'the flush in flight may have begun before the second caller wrote');
  assert.equal(pending.length, 2);
  pending[1]!.resolve();
  await second;
});

test('a write is answered only once the WAL holding it is flushed, and fails if the flush fails', async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE items (name TEXT PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO items (name) VALUES (?)');
  const { file, pending } = controlledFile();
  const group = new GroupCommit(db, new WalSync(file));

  const written = group.run(() => insert.run('a').changes);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(db.prepare('SELECT count(*) FROM items').pluck().get(), 1, 'committed');
  assert.equal(await settledYet(written), false, 'but not answered before the flush');
  pending[0]!.resolve();
  assert.equal(await written, 1);

  const lost = group.run(() => insert.run('b').changes);
  await new Promise((resolve) => setImmediate(resolve));
  pending[1]!.reject(new Error('EIO: i/o error, fdatasync'));
  await assert.rejects(lost, /EIO/);
  await group.idle();
  db.close();
});

test('writes asked for during a hold wait for its end, then commit together', async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE items (name TEXT PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO items (name) VALUES (?)');
  const count = db.prepare('SELECT count(*) FROM items').pluck();
  const group = new GroupCommit(db, new WalSync({ sync: async () => undefined, close: async () => undefined }));
  let release!: () => void;
  group.hold(new Promise<void>((resolve) => (release = resolve)));
  const first = group.run(() => insert.run('a').changes);
  await new Promise((resolve) => setImmediate(resolve));
  const second = group.run(() => insert.run('b').changes);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(count.get(), 0, 'nothing is written while held');
  assert.equal(await settledYet(first), false);
  release();
  assert.deepEqual(await Promise.all([first, second]), [1, 1]);
  assert.equal(count.get(), 2);
  await group.idle();
  db.close();
});
