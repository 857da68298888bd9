/**
 * SQLite's WAL checkpoints, off the event loop. A checkpoint copies the WAL's pages into the
 * database file and flushes both; made by the connection that commits (SQLite's default, once the
 * WAL holds 1,000 pages), it stopped the event loop for the length of that I/O. Here a worker
 * thread with its own connection makes a PASSIVE
 * checkpoint (it never waits for, nor blocks, a reader or the writer) every
 * CHECKPOINT_INTERVAL_MS, and the store's connection makes none. Should the worker fail, the
 * store's connection checkpoints again as before, and the failure is reported.
 *
 * SQLite starts the WAL over from its beginning only when a write transaction begins with every
 * frame already copied. Under a steady stream of writes the worker never catches up at such a
 * moment, so the WAL grew without end (360 MB after a minute of the bench's updates), each frame
 * written past its end costing the file system a new block. So once the worker finds the WAL
 * longer than RESTART_FRAMES, the writes are held (`holdWrites`) while it copies the few frames
 * committed since its last checkpoint, and the first write after starts the WAL over.
 */
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { startSqliteWorker } from './sqliteWorker.js';

const CHECKPOINT_INTERVAL_MS = 200;
/** 16 MB of 4 KB pages: the WAL's length past which writes wait for it to be started over. */
const RESTART_FRAMES = 4096;
/** SQLite's own default, restored on the store's connection if the worker fails. */
const AUTOCHECKPOINT_PAGES = 1000;

// A failure ends the worker, which the constructor's `ended` hears of.
const CHECKPOINTING = `
const checkpoint = () => guarded(() => db.pragma('wal_checkpoint(PASSIVE)')[0]);
setInterval(() => {
  if (checkpoint().log >= workerData.restartFrames) parentPort.postMessage('wal-long');
}, workerData.intervalMs);
parentPort.on('message', () => {
  checkpoint();
  parentPort.postMessage('caught-up');
});
`;

export class Checkpointer {
  private readonly worker: Worker;
  private closing = false;
  /** Ends the hold on writes while the worker catches up. */
  private release: (() => void) | undefined;

  constructor(db: Database.Database, onFailure: (error: Error) => void, holdWrites: (until: Promise<void>) => void) {
    db.pragma('wal_autocheckpoint = 0');
    const data = { file: db.name, readonly: false, intervalMs: CHECKPOINT_INTERVAL_MS, restartFrames: RESTART_FRAMES };
    this.worker = startSqliteWorker(CHECKPOINTING, data, 'WAL checkpoint worker', (error) => {
      this.endHold();
      if (this.closing) return;
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      onFailure(error);
    });
    // A worker that keeps checkpointing must not keep the process alive on its own.
    this.worker.unref();
    this.worker.on('message', (message: 'wal-long' | 'caught-up') => {
      if (message === 'caught-up') return this.endHold();
      if (this.release || this.closing) return;
      holdWrites(new Promise((resolve) => (this.release = resolve)));
      this.worker.postMessage('catch-up');
    });
  }

  /** Stops the worker; the store's connection then checkpoints as it closes. */
  async close(): Promise<void> {
    this.closing = true;
    this.endHold();
    await this.worker.terminate();
  }

  private endHold(): void {
    this.release?.();
    this.release = undefined;
  }
}
