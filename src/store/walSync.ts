/**
 * Makes SQLite's write-ahead log durable off the event loop. The SQLite store commits with
 * synchronous=NORMAL, so a COMMIT writes its frames to the WAL (they survive the process being
 * killed) without waiting for the disk; before a write is answered, the group commit waits for an
 * fdatasync of the WAL, run on libuv's thread pool, that began after the write's COMMIT. While one
 * flush runs, the writes committed meanwhile share the next one, so a flush covers every commit
 * before it and the event loop keeps serving during it.
 *
 * A checkpoint, which copies WAL frames into the database file and may then reuse the WAL from its
 * start, syncs the WAL before copying and the database after (SQLite's own rule for NORMAL), so a
 * frame it moved is durable in the database file whatever the flush in flight then syncs.
 */
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** A file to flush to disk, opened when first flushed. */
export interface SyncableFile {
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** `<database>-wal`, flushed with fdatasync; its directory is synced once too, for the file's entry. */
export function walFileOf(databaseFile: string): SyncableFile {
  let handle: Promise<FileHandle> | undefined;
  const open = async () => {
    const wal = await fs.promises.open(`${databaseFile}-wal`, 'r');
    const directory = await fs.promises.open(path.dirname(databaseFile), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    return wal;
  };
  return {
    sync: async () => {
      // A file that could not be opened is tried again at the next flush rather than never.
      handle ??= open().catch((error: unknown) => {
        handle = undefined;
        throw error;
      });
      return (await handle).datasync();
    },
    close: async () => {
      if (handle) await (await handle).close();
      handle = undefined;
    },
  };
}

export class WalSync {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly file: SyncableFile) {}

  /** Resolves once everything written to the WAL before this call is on disk. */
  flushed(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    // The flush in flight may have begun before the caller's commit: the caller needs the next one.
    const queued = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    this.queued = queued;
    return queued;
  }

  /** Waits for the flushes asked for so far, then closes the file. */
  async close(): Promise<void> {
    for (let pending = this.queued ?? this.running; pending; pending = this.queued ?? this.running) await pending.catch(() => undefined);
    await this.file.close();
  }

  private start(): Promise<void> {
    const run: Promise<void> = this.file.sync().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}
