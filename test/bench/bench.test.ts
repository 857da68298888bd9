/**
 * `npm run bench` still runs end to end: a tiny round of each part (partnerplane against the bare
 * server, moto, the scale section; on PostgreSQL against pgbench) against the built server in
 * dist/. Figures are not judged here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');

const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const missingTools = ['wrk', 'moto_server'].filter((command) => !onPath(command));
const postgresUrl = /^postgres/.test(process.env.PARTNERPLANE_TEST_DATABASE_URL ?? '') ? process.env.PARTNERPLANE_TEST_DATABASE_URL : undefined;

// The SQLite bench brings its own server: once, in the SQLite run of the suite, is enough; its
// PostgreSQL part runs in the PostgreSQL run, on that run's database. The load generators and the
// yardstick are not npm packages: without them (.ci/run installs wrk) the part is skipped.
const skipSqlite =
  (postgresUrl && 'the SQLite bench does not use the suite store: it runs in the SQLite run') ||
  (missingTools.length > 0 && `${missingTools.join(' and ')} not installed (apt-get install -y wrk; moto_server from pip's moto[server]): skipping the bench smoke test`);
const skipPostgres =
  (!postgresUrl && 'the PostgreSQL bench runs in the PostgreSQL run') ||
  (!onPath('wrk') && 'wrk not installed (apt-get install -y wrk)') ||
  (!onPath('pgbench') && 'pgbench not installed (apt-get install -y postgresql-client)');

/** The cells of the report's table row that starts with `name`. */
function rowOf(report: string, name: string): string[] {
  const row = report.split('\n').find((line) => line.startsWith(`| ${name} `));
  assert.ok(row, `no ${name} row in:\n${report}`);
  return row.split('|').slice(1, -1).map((cell) => cell.trim());
}

function bench(...args: string[]): string {
  assert.ok(fs.existsSync(path.join(root, 'dist/cli.js')), 'dist/ is built (npm ci builds it; else npm run build)');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, `the bench failed:\n${run.stderr}`);
  return run.stdout;
}

test('the bench runs in its tiny mode and reports every part', { skip: skipSqlite }, () => {
  // The docker part on the test engine when there is one (CI), rather than an engine of its own.
  const docker = process.env.PARTNERPLANE_TEST_DOCKER_HOST ? [] : ['--skip-docker'];
  const report = bench('--ops', 'describe', '--scale-apps', '300', ...docker);
  for (const name of ['DescribePartnerApp (one app)', 'DescribePartnerApp (2,000 apps)']) {
    const cells = rowOf(report, name);
    assert.ok(Number(cells[1]) > 0 && Number(cells[5]) > 0, cells.join(' | '));
  }
  assert.match(rowOf(report, 'DescribePartnerApp (2,000 apps)')[10]!, /^DescribeModel \d+$/);
  assert.match(report, /- (met|MISSED): DescribePartnerApp \(one app\) at \d+% of the bare server \(budget ≥ 80%\)/);
  for (const regime of ['from a fresh start', 'every app read once before']) {
    const scaleRow = new RegExp(`\\| DescribePartnerApp, ${regime} +\\| \\d+ +\\| [\\d.]+ +\\| \\d+ +\\| \\d+ +\\| [\\d.]+ +\\| \\d+ +\\| \\d+% +\\|`);
    assert.match(report, scaleRow, `the scale table compares 100 with 300 apps, ${regime}`);
  }
  assert.match(report, /\| 300 +\| \d+ +\| \d+ +\|/, 'start-up time and RSS with 300 apps');
  assert.match(report, /Paging through all 300 apps, 100 a page: 3 pages/);
  if (docker.length === 0) {
    assert.match(report, /\| partnerplane: CreatePartnerApp → Available \(--app-runtime docker\) +\| \d+ +\|/);
    assert.match(report, /3 apps created at once: all Available after \d+ ms; after their deletion 0 container\(s\) left\./);
  }
});

test('the bench measures PostgreSQL against pgbench, with one replica and with three', { skip: skipPostgres }, () => {
  const report = bench('--store', 'postgres', '--ops', 'describe,create', '--database-url', postgresUrl!);
  const rows = report.split('\n').filter((line) => /^\| (DescribePartnerApp|CreatePartnerApp) /.test(line));
  assert.equal(rows.length, 4, `a row per operation and arrangement in:\n${report}`);
  for (const row of rows) {
    const cells = row.split('|').slice(1, -1).map((cell) => cell.trim());
    assert.match(cells[1]!, /^[13]$/);
    assert.ok(Number(cells[2]) > 0 && Number(cells[6]) > 0, row);
    assert.match(cells[8]!, /^\d+%$/);
  }
  assert.match(report, /- (met|MISSED): CreatePartnerApp on PostgreSQL at \d+% of pgbench with the same statements \(budget ≥ 50%\)/);
});
