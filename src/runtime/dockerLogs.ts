/**
 * A container's output, read through the Engine API. The engine keeps it as timestamped entries,
 * sent in frames (an 8-byte header, then one entry: its timestamp, a space, its text). A read gives
 * what was written so far (its end, `tailBytes` of it); to follow, a second read streams from the
 * last entry's time on, and drops the entries at or before it, so nothing is shown twice or lost.
 */
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { LogOptions } from './runtime.js';

export interface Entry {
  /** When the engine took the entry, in nanoseconds since the epoch. */
  at: bigint;
  text: Buffer;
}

const HEADER_BYTES = 8;
/** RFC 3339 with nine fixed digits of fraction, as the engine writes timestamps into its frames. */
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z $/;

function entry(frame: Buffer): Entry {
  const space = frame.indexOf(0x20);
  const match = space > 0 ? TIMESTAMP.exec(frame.subarray(0, space + 1).toString('latin1')) : null;
  if (!match) return { at: 0n, text: frame };
  const seconds = BigInt(Date.parse(`${match[1]}Z`) / 1000);
  return { at: seconds * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0')), text: frame.subarray(space + 1) };
}

/** The whole frames at the start of `buffer`, and what is left of an incomplete one. */
function splitFrames(buffer: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= buffer.length) {
    const end = offset + HEADER_BYTES + buffer.readUInt32BE(offset + 4);
    if (end > buffer.length) break;
    frames.push(buffer.subarray(offset + HEADER_BYTES, end));
    offset = end;
  }
  return { frames, rest: buffer.subarray(offset) };
}

async function* streamedEntries(stream: Readable): AsyncIterable<Entry> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    const { frames, rest } = splitFrames(Buffer.concat([pending, chunk as Buffer]));
    pending = rest;
    for (const frame of frames) yield entry(frame);
  }
}

const asSince = (at: bigint) => `${at / 1_000_000_000n}.${String(at % 1_000_000_000n).padStart(9, '0')}`;

const base = { stdout: true, stderr: true, timestamps: true } as const;

/** What a container (or a Swarm task, through the manager) wrote so far, entry by entry. */
export async function pastEntries(container: Docker.Container): Promise<Entry[]> {
  return splitFrames(await container.logs({ ...base, follow: false })).frames.map(entry);
}

/** The text of these entries, the end of it (`tailBytes`) when asked. */
export function shownText(entries: Entry[], tailBytes: number | undefined): Buffer {
  const written = Buffer.concat(entries.map((item) => item.text));
  return tailBytes === undefined ? written : written.subarray(Math.max(0, written.length - tailBytes));
}

/** What the container writes next, after the entry taken at `last`, until `signal` aborts. */
export async function* entriesAfter(container: Docker.Container, last: bigint, signal: AbortSignal | undefined): AsyncIterable<Buffer> {
  const stream = (await container.logs({ ...base, follow: true, since: asSince(last) as unknown as number })) as Readable;
  const stop = () => stream.destroy();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const item of streamedEntries(stream)) if (item.at > last) yield item.text;
  } catch (error) {
    // Destroyed by the abort: the end the caller asked for.
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    stream.destroy();
  }
}

export async function* containerLogs(container: Docker.Container, options: LogOptions): AsyncIterable<Buffer> {
  const past = await pastEntries(container);
  const shown = shownText(past, options.tailBytes);
  if (shown.length > 0) yield shown;
  if (!options.follow || options.signal?.aborted) return;
  yield* entriesAfter(container, past.at(-1)?.at ?? 0n, options.signal);
}
