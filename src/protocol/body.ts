/**
 * Request bodies, for every route that reads one: read whole up to a limit; a client that goes
 * away before its body is complete is a ClientAbort, not a failure of the server; and the rest of a
 * body refused before it was all read is read and thrown away, up to a bound, before the refusal
 * is written (writeRefusal).
 */
import type { IncomingMessage } from 'node:http';
import { bodyTooLarge } from './errors.js';

/** How much of a refused body is read and thrown away before the connection is closed instead. */
export const DISCARD_LIMIT_BYTES = 8 * 1024 * 1024;

const CLOSE = Object.freeze({ Connection: 'close' });

/** The client closed its connection before its request was complete: nobody is left to answer. */
export class ClientAbort extends Error {
  constructor() {
    super('the client closed the connection before its request was complete');
    this.name = 'ClientAbort';
  }
}

/**
 * Listens to the body until `onData` returns true (stop, the rest unread) or it ends; settles
 * once with `done(complete)`: complete is false when the client went away first (node emits
 * 'error' on an aborted request that has a listener for it).
 */
function consume(req: IncomingMessage, onData: (chunk: Buffer) => boolean, done: (complete: boolean) => void): void {
  // Settles once: an abort after the end (before the answer is out) changes nothing.
  let settled = false;
  const finish = (complete: boolean) => {
    if (settled) return;
    settled = true;
    done(complete);
  };
  req.on('data', (chunk: Buffer) => {
    if (settled || !onData(chunk)) return;
    req.pause();
    finish(true);
  });
  req.on('end', () => finish(true));
  req.on('error', () => finish(false));
}

/** Reads the whole body, refusing (without reading on) a body larger than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (req.destroyed) return Promise.reject(new ClientAbort());
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(bodyTooLarge(limit));
  // Written out rather than through consume(): this runs for every request, and two closures fewer count.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    // Node emits 'error' on a request whose client went away before its end; after the end it changes nothing.
    req.on('error', () => reject(new ClientAbort()));
  });
}

/**
 * Writes the refusal of a request whose body may not have been read, once the rest of the body
 * has been read and thrown away: a server that closes the connection under a client still sending
 * (boto3, urllib) leaves it a broken pipe instead of the answer. Past DISCARD_LIMIT_BYTES the
 * answer goes out and the connection is closed; a body declared larger is not read at all.
 */
export function writeRefusal(req: IncomingMessage, write: (headers?: Record<string, string>) => void): void {
  if (req.complete) return write();
  if (req.destroyed || Number(req.headers['content-length']) > DISCARD_LIMIT_BYTES) return write(CLOSE);
  let discarded = 0;
  consume(
    req,
    (chunk) => (discarded += chunk.length) > DISCARD_LIMIT_BYTES,
    (complete) => write(complete && discarded <= DISCARD_LIMIT_BYTES ? undefined : CLOSE),
  );
  req.resume();
}
