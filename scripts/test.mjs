#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's own runner (TypeScript through tsx), files in parallel.
// Extra arguments are passed on (e.g. a file list or --test-name-pattern).
//
// The suite runs twice: on SQLite, then on PostgreSQL with PARTNERPLANE_TEST_DATABASE_URL set
// (default postgres://postgres@127.0.0.1:5432/test). When PostgreSQL cannot be reached its run is
// skipped, and said so, unless PARTNERPLANE_REQUIRE_POSTGRES=1 (CI) makes that a failure.
// PARTNERPLANE_TEST_STORES=sqlite (or postgres) runs one store only.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const args = process.argv.slice(2);
const explicitFiles = args.some((arg) => !arg.startsWith('-'));

const isPostgresUrl = (url) => /^postgres(ql)?:/.test(url ?? '');
const postgresUrl = isPostgresUrl(process.env.PARTNERPLANE_TEST_DATABASE_URL)
  ? process.env.PARTNERPLANE_TEST_DATABASE_URL
  : 'postgres://postgres@127.0.0.1:5432/test';
const stores = (process.env.PARTNERPLANE_TEST_STORES ?? 'sqlite,postgres').split(',').map((store) => store.trim());
const postgresRequired = process.env.PARTNERPLANE_REQUIRE_POSTGRES === '1';

/**
 * Suites about the clients rather than the store (the real CLIs, the browser, the pure SigV4
 * vectors) behave the same whatever the store: the PostgreSQL run leaves them to the SQLite run.
 * (The bench's suite runs in both: each run has its part.)
 */
const CLIENT_ONLY_SUITES = [
  'test/e2e/',
  'test/cli/',
  'test/docs/',
  'test/examples/',
  'test/container/',
  'test/console/console.browser.test.ts',
  'test/gateway/origins.browser.test.ts',
  'test/auth/vectors.test.ts',
  'test/cloudcontrol/clients.test.ts',
  'test/cloudcontrol/terraform.test.ts',
  'test/cloudcontrol/terraformSkip.test.ts',
  'test/cloudcontrol/jsonPatch.test.ts',
  'test/cloudcontrol/schema.test.ts',
  // The two-node swarm and the runtime on it behave the same whatever the store.
  'test/runtime/swarm.test.ts',
];

/**
 * The longest suites (minutes each in CI: image builds, Terraform, a swarm, every docs block) start
 * first, so the many short ones fill the other worker around them instead of one long suite
 * starting last and running on alone.
 */
const LONGEST_FIRST = ['test/container/', 'test/docs/', 'test/cloudcontrol/terraform.test.ts', 'test/runtime/swarm.test.ts'];
const longRank = (file) => {
  const rank = LONGEST_FIRST.findIndex((prefix) => file.startsWith(prefix));
  return rank === -1 ? LONGEST_FIRST.length : rank;
};

/**
 * Test files run at once: one more than the cores, since most of a file's time is spent waiting on
 * what it drives (servers, Docker engines, a swarm, Terraform, the CLIs) rather than computing.
 */
const CONCURRENCY = os.availableParallelism() + 1;

/**
 * What a run's TAP report (written beside the readable one) counts, and which tests failed or were
 * skipped and why, for the summary at the end.
 */
function readTap(file) {
  // No report at all when the runner could not start (a test file that does not exist, say).
  const tap = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  const leaf = (line) => /^\s*(?:not )?ok \d+ - /.test(line);
  const failed = tap.split('\n').filter((line) => leaf(line) && /^\s*not ok/.test(line)).map((line) => line.replace(/^\s*not ok \d+ - /, ''));
  const skipped = tap.split('\n').filter((line) => leaf(line) && / # SKIP/.test(line)).map((line) => line.replace(/^\s*ok \d+ - /, '').replace(/ # SKIP\s*/, ': '));
  return { tests: count('tests'), passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped'), failedNames: failed, skippedNames: skipped };
}

function runSuite(databaseUrl) {
  const env = { ...process.env, PARTNERPLANE_TEST_DATABASE_URL: databaseUrl ?? '' };
  const started = Date.now();
  // Listed afresh for each run: files may come and go while a long run goes on.
  const everyFile = explicitFiles ? [] : testFiles('test').sort().sort((a, b) => longRank(a) - longRank(b));
  const files = databaseUrl ? everyFile.filter((file) => !CLIENT_ONLY_SUITES.some((suite) => file.startsWith(suite))) : everyFile;
  const tapDir = mkdtempSync(path.join(os.tmpdir(), 'partnerplane-tap-'));
  const tapFile = path.join(tapDir, 'report.tap');
  const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`];
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${CONCURRENCY}`, ...reporters, ...args, ...files], { stdio: 'inherit', env });
  const counts = readTap(tapFile);
  rmSync(tapDir, { recursive: true, force: true });
  return { passed: result.status === 0, seconds: Math.round((Date.now() - started) / 1000), counts };
}

/** One run as a person reads it: the verdict, the counts, and what failed or was skipped. */
function describeRun(name, run) {
  const { counts } = run;
  const lines = [`${name}: ${run.passed ? 'passed' : 'FAILED'}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${run.seconds} s)`];
  for (const test of counts.failedNames) lines.push(`  failed: ${test}`);
  // Suites with a skipped test are named once per test; one line each is enough.
  for (const test of new Set(counts.skippedNames)) lines.push(`  skipped: ${test}`);
  return lines.join('\n');
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
async function postgresProblem() {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error.message || error.code || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const isRunning = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

/**
 * Drops the test schemas (test/helpers/postgres.ts names them pptest_<host>_<pid>_<random>) of
 * test processes of this host that died before dropping their own.
 */
async function dropAbandonedSchemas() {
  const prefix = `pptest_${createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8)}_`;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)", [prefix]);
    for (const { nspname } of rows) {
      const pid = Number(nspname.slice(prefix.length).split('_')[0]);
      if (Number.isSafeInteger(pid) && !isRunning(pid)) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    }
  } finally {
    await client.end();
  }
}

const summary = [];
const totals = [];
let failed = false;
if (stores.includes('sqlite')) {
  const run = runSuite(undefined);
  totals.push(run.counts);
  summary.push(describeRun('SQLite suite', run));
  failed ||= !run.passed;
}
if (stores.includes('postgres')) {
  const problem = await postgresProblem();
  const shownUrl = postgresUrl.replace(/\/\/[^@/]*@/, '//');
  if (problem === undefined) {
    await dropAbandonedSchemas();
    const run = runSuite(postgresUrl);
    totals.push(run.counts);
    summary.push(describeRun(`PostgreSQL suite (${shownUrl}; ${CLIENT_ONLY_SUITES.join(', ')} ran in the SQLite run only)`, run));
    failed ||= !run.passed;
  } else if (postgresRequired) {
    summary.push(`PostgreSQL suite: FAILED, PostgreSQL at ${shownUrl} is required but unreachable: ${problem}`);
    failed = true;
  } else {
    summary.push(`PostgreSQL suite: SKIPPED, PostgreSQL at ${shownUrl} is unreachable (${problem}); start it, or point PARTNERPLANE_TEST_DATABASE_URL at one, to run it`);
  }
}
const sum = (key) => totals.reduce((total, counts) => total + counts[key], 0);
console.log(`\n${summary.join('\n')}`);
// The closing line, in the form CI reads.
console.log(`${failed ? 'FAILED' : 'passed'}: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exit(failed ? 1 : 0);
