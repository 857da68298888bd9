/**
 * A backend's output in a file of bounded size. The backend writes to the file itself (opened for
 * appending, so it needs no pipe from partnerplane and lives on if partnerplane dies); when the file
 * grows past its bound it is copied to `<file>.1` and emptied, and the backend's next writes go to
 * its new end. So at most about twice the bound is kept, the newest part of the output.
 */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Per generation; a backend's output since the last rotation is at most this much larger while it is being written. */
export const LOG_MAX_BYTES = 8 * 1024 * 1024;
const FOLLOW_POLL_MS = 200;

/** Rotates the file when it has grown past `maxBytes`. */
export function boundLog(file: string, maxBytes = LOG_MAX_BYTES): void {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return;
  }
  if (size <= maxBytes) return;
  fs.copyFileSync(file, `${file}.1`);
  fs.truncateSync(file, 0);
}

const sizeOf = (file: string): number => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};

function readRange(file: string, start: number, end: number): Buffer {
  if (end <= start) return Buffer.alloc(0);
  const buffer = Buffer.alloc(end - start);
  const fd = fs.openSync(file, 'r');
  try {
    const read = fs.readSync(fd, buffer, 0, buffer.length, start);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/** What was written (the rotated part, then the file), at most the last `tailBytes` of it. */
function writtenSoFar(file: string, tailBytes: number): { chunks: Buffer[]; end: number } {
  const end = sizeOf(file);
  const fromFile = Math.min(end, tailBytes);
  const older = `${file}.1`;
  const olderSize = sizeOf(older);
  const fromOlder = Math.min(olderSize, tailBytes - fromFile);
  const chunks = [readRange(older, olderSize - fromOlder, olderSize), readRange(file, end - fromFile, end)].filter((chunk) => chunk.length > 0);
  return { chunks, end };
}

/** The output kept, then (following) what is written next, until the signal aborts. */
export async function* readLog(file: string, options: { follow: boolean; tailBytes?: number; signal?: AbortSignal }): AsyncGenerator<Buffer> {
  const { chunks, end } = writtenSoFar(file, options.tailBytes ?? Number.MAX_SAFE_INTEGER);
  yield* chunks;
  let position = end;
  while (options.follow && !options.signal?.aborted) {
    try {
      await sleep(FOLLOW_POLL_MS, undefined, { signal: options.signal });
    } catch {
      return;
    }
    const size = sizeOf(file);
    // Rotated meanwhile: the file starts again from nothing.
    if (size < position) position = 0;
    if (size > position) {
      yield readRange(file, position, size);
      position = size;
    }
  }
}
