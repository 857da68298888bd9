/** The WAL file's flush: opened when first flushed, and opened again after a failed attempt. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { walFileOf } from '../../src/store/walSync.js';
import { tempDir } from '../helpers/server.js';

test('a WAL file that could not be opened is opened at the next flush', async () => {
  const dir = tempDir();
  const database = path.join(dir, 'partnerplane.sqlite');
  const wal = walFileOf(database);
  await assert.rejects(wal.sync(), { code: 'ENOENT' });
  fs.writeFileSync(`${database}-wal`, 'frames');
  await wal.sync();
  await wal.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
