/**
 * `npm run bench` still runs end to end: a tiny round of each part (partnerplane against the bare
 * server, moto, the scale section) against the built server in dist/. Figures are not judged here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');

const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const missingTools = ['wrk', 'moto_server'].filter((command) => !onPath(command));

// The bench brings its own SQLite server: once, in the SQLite run of the suite, is enough. Its load
// generator and its yardstick are not npm packages: without them (.ci/run installs wrk) it is skipped.
const skip =
  (/^postgres/.test(process.env.PARTNERPLANE_TEST_DATABASE_URL ?? '') && 'the bench does not use the suite store: it runs in the SQLite run') ||
  (missingTools.length > 0 && `${missingTools.join(' and ')} not installed (apt-get install -y wrk; moto_server from pip's moto[server]): skipping the bench smoke test`);

test('the bench runs in its tiny mode and reports every part', { skip }, () => {
  assert.ok(fs.existsSync(path.join(root, 'dist/cli.js')), 'dist/ is built (npm ci builds it; else npm run build)');
  // The docker part on the test engine when there is one (CI), rather than an engine of its own.
  const docker = process.env.PARTNERPLANE_TEST_DOCKER_HOST ? [] : ['--skip-docker'];
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--ops', 'describe', '--scale-apps', '300', ...docker], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(run.status, 0, `the bench failed:\n${run.stderr}`);
  const report = run.stdout;
  const row = report.split('\n').find((line) => line.startsWith('| DescribePartnerApp '));
  assert.ok(row, `no DescribePartnerApp row in:\n${report}`);
  const cells = row.split('|').slice(1, -1).map((cell) => cell.trim());
  assert.ok(Number(cells[1]) > 0 && Number(cells[5]) > 0, row);
  assert.match(cells[10]!, /^DescribeModel \d+$/);
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
