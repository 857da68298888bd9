/**
 * Runs every fenced block of README.md and docs/**\/*.md against a fresh server per file, as a
 * reader would paste them. The convention (info strings, needs=, setup, skip=) is in
 * docs/contributing.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { SETTINGS } from '../../src/config.js';
import { tempDir } from '../helpers/server.js';
import { fencedBlocks, type Block } from './markdown.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNNERS: Record<string, { extension: string; command: (file: string) => string[] }> = {
  sh: { extension: 'sh', command: (file) => ['bash', '-euo', 'pipefail', file] },
  python: { extension: 'py', command: (file) => ['python3', file] },
  js: { extension: 'mjs', command: (file) => [process.execPath, file] },
};
const LANGUAGES: Record<string, keyof typeof RUNNERS | 'not run'> = {
  sh: 'sh', bash: 'sh', shell: 'sh', python: 'python', js: 'js', mjs: 'js',
  text: 'not run', json: 'not run', yaml: 'not run', ini: 'not run', output: 'not run', hcl: 'not run',
};
const BLOCK_TIMEOUT_MS = 90_000;
const provided = new Set((process.env.PARTNERPLANE_DOCS_NEEDS ?? '').split(',').map((need) => need.trim()).filter(Boolean));

function markdownFiles(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.md'));
  return ['README.md', ...docs.sort().map((file) => path.join('docs', file))];
}

/** Why a block is not run here, or undefined when it is. */
function whyNotRun(block: Block): string | undefined {
  if (block.attributes.setup !== undefined) return 'a set-up command (npm ci / npm start / npm test): CI runs these on a fresh clone, and this test starts its server as npm start does';
  if (block.attributes.skip !== undefined) return block.attributes.skip;
  const missing = (block.attributes.needs ?? '').split(',').filter((need) => need && !provided.has(need));
  if (missing.length > 0) return `needs ${missing.join(', ')}, which this run does not provide (PARTNERPLANE_DOCS_NEEDS lists what a CI suite provides)`;
  return undefined;
}

interface DocsServer {
  port: number;
  dataDir: string;
  adminToken: string;
  stop(): Promise<void>;
}

/** A fresh server started as `npm start` starts it; its address is read from what it prints. */
async function startDocsServer(): Promise<DocsServer> {
  const dataDir = path.join(tempDir('partnerplane-docs-'), 'data');
  const adminToken = randomBytes(16).toString('hex');
  const child = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    cwd: ROOT,
    env: {
      ...readerEnv(),
      PARTNERPLANE_PORT: '0',
      PARTNERPLANE_DATA_DIR: dataDir,
      PARTNERPLANE_ADMIN_TOKEN: adminToken,
      PARTNERPLANE_CREATE_DELAY_MS: '1000',
      PARTNERPLANE_UPDATE_DELAY_MS: '1000',
      PARTNERPLANE_DELETE_DELAY_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the docs server printed no API address within 20 s: ${output}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const api = /API:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (api) {
        clearTimeout(timer);
        resolve(Number(api[1]));
      }
    });
    void exited.then(() => reject(new Error(`the docs server exited: ${output}`)));
  });
  return {
    port,
    dataDir,
    adminToken,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

/** The environment of a new terminal: no AWS settings of the machine's, no partnerplane settings. */
function readerEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('PARTNERPLANE_')));
  return { ...env, AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials' };
}

function runBlock(block: Block, server: DocsServer, scratch: string): Promise<{ status: number | null; output: string }> {
  const runner = RUNNERS[LANGUAGES[block.language] as keyof typeof RUNNERS]!;
  const source = block.text.replaceAll('127.0.0.1:4577', `127.0.0.1:${server.port}`).replaceAll('localhost:4577', `localhost:${server.port}`);
  const file = path.join(scratch, `${path.basename(block.file, '.md')}-line${block.line}.${runner.extension}`);
  fs.writeFileSync(file, source);
  const [command, ...args] = runner.command(file);
  return new Promise((resolve) => {
    const child = spawn(command!, args, {
      cwd: ROOT,
      // A block's `$(mktemp)` files go beside the server's data, and are removed with it.
      env: { ...readerEnv(), PARTNERPLANE_DATA_DIR: server.dataDir, PARTNERPLANE_ADMIN_TOKEN: server.adminToken, TMPDIR: path.dirname(server.dataDir) },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: BLOCK_TIMEOUT_MS,
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (status) => resolve({ status, output }));
  });
}

const files = markdownFiles();

describe('every block of the README and docs says what it is', () => {
  for (const file of files) {
    it(file, () => {
      for (const block of fencedBlocks(fs.readFileSync(path.join(ROOT, file), 'utf8'), file)) {
        assert.ok(block.language in LANGUAGES, `${file}:${block.line}: the block's info string '${block.info}' names no language this test knows (docs/contributing.md)`);
      }
    });
  }
});

describe('docs/settings.md lists every setting', () => {
  it('with its flag, environment variable and default', () => {
    const table = fs.readFileSync(path.join(ROOT, 'docs/settings.md'), 'utf8');
    for (const def of SETTINGS) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${def.flag}\` |`));
      assert.ok(row, `docs/settings.md has no row for ${def.flag}`);
      assert.match(row, new RegExp(`\\| \`${def.env}\` \\| ${def.defaultText === undefined ? '—' : `\`${def.defaultText}\``} \\|`));
    }
  });
});

before(() => {
  // The blocks run the built CLI (npx partnerplane, node dist/cli.js): build it if a source is newer.
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(build.status, 0, 'building dist/ failed');
});

for (const file of files) {
  const blocks = fencedBlocks(fs.readFileSync(path.join(ROOT, file), 'utf8'), file).filter((block) => LANGUAGES[block.language] !== 'not run' && block.language in LANGUAGES);
  if (blocks.length === 0) continue;
  describe(`the commands of ${file}`, () => {
    let server: DocsServer | undefined;
    let scratch: string;
    const runnable = blocks.filter((block) => whyNotRun(block) === undefined);
    before(async () => {
      scratch = path.join(ROOT, 'test-output', 'docs');
      fs.mkdirSync(scratch, { recursive: true });
      if (runnable.length > 0) server = await startDocsServer();
    });
    after(async () => server?.stop());
    for (const block of blocks) {
      const reason = whyNotRun(block);
      it(`${file}:${block.line} (${block.language})`, { skip: reason ?? false }, async () => {
        const { status, output } = await runBlock(block, server!, scratch);
        assert.equal(status, 0, `${file}:${block.line} exited with ${status}:\n${block.text}\n--- output ---\n${output}`);
      });
    }
  });
}
