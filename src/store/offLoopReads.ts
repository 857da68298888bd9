/**
 * Reads that scan a whole table, made by a worker thread with a read-only connection of its own, so
 * that they do not stop the event loop: the counts a scrape of /metrics asks for (by status, by
 * backend phase) have no index to use, and took 27 and 15 ms with 100,000 apps, during which no
 * request was served. The worker is started at the first read, and keeps the process alive only
 * while a read is waiting for it.
 */
import type { Worker } from 'node:worker_threads';
import { startSqliteWorker } from './sqliteWorker.js';

const READING = `
const statements = new Map();
parentPort.on('message', ({ id, sql }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = guarded(() => db.prepare(sql))));
    parentPort.postMessage({ id, rows: guarded(() => statement.all()) });
  } catch (error) {
    parentPort.postMessage({ id, error: error.message });
  }
});
`;

type Answer = { id: number; rows: unknown[]; error?: undefined } | { id: number; error: string };

interface Waiting {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

export class OffLoopReads {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;

  constructor(private readonly file: string) {}

  /** The rows of `sql`, a statement without parameters, as the database holds them when it runs. */
  all<Row>(sql: string): Promise<Row[]> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Row[]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      worker.ref();
      worker.postMessage({ id, sql });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    // The reads waiting, all sent to this worker, are told; the next read starts another worker.
    const worker = startSqliteWorker(READING, { file: this.file, readonly: true }, "store's reading worker", (error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    });
    worker.on('message', (answer: Answer) => {
      const waiting = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) worker.unref();
      if (answer.error === undefined) waiting?.resolve(answer.rows);
      else waiting?.reject(new Error(answer.error));
    });
    this.worker = worker;
    return worker;
  }
}
