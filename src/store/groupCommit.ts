/**
 * Group commit for SQLite: the write transactions asked for in one turn of the event loop run one
 * after another inside a single SQLite transaction and are answered together once its one commit is
 * on disk (WalSync: the flush runs off the event loop and is shared by the groups committed while
 * another flush runs), so a burst of writes costs one disk flush instead of one each, and no write is
 * answered before it is on disk.
 *
 * Each write keeps the semantics it would have alone. Its work is a better-sqlite3 transaction
 * function, which nested in the group's transaction becomes a savepoint: it sees every write queued
 * before it, and if it throws, only its own changes are rolled back and only its caller is told.
 * Should SQLite abandon the whole transaction (an I/O error, a full disk), the writes already done
 * in it are lost, so their callers get that error too, and the rest of the group goes on in a new
 * transaction.
 */
import type Database from 'better-sqlite3';
import type { WalSync } from './walSync.js';

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { job: Job; ok: true; value: unknown } | { job: Job; ok: false; error: unknown };

export class GroupCommit {
  private queue: Job[] = [];
  private flushed: Promise<void> | undefined;
  /** Groups committed and waiting for their flush to disk. */
  private readonly syncing = new Set<Promise<void>>();

  constructor(
    private readonly db: Database.Database,
    private readonly wal: WalSync,
  ) {}

  /** Runs `work` (a transaction, e.g. `() => db.transaction(fn).immediate()`) in the next group. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // Wait for the rest of this turn of the event loop: the requests that arrived together.
      this.flushed ??= new Promise<void>((done) => setImmediate(() => {
        this.flushed = undefined;
        this.flush();
        done();
      }));
    });
  }

  /** Resolves once every write asked for so far is settled. */
  async idle(): Promise<void> {
    while (this.flushed || this.syncing.size > 0) await Promise.all([this.flushed, ...this.syncing]);
  }

  private flush(): void {
    const jobs = this.queue;
    this.queue = [];
    if (jobs.length === 1) {
      // Alone, the work is its own transaction, committed as usual.
      const [job] = jobs;
      try {
        this.answerWhenDurable([{ job: job!, ok: true, value: job!.work() }]);
      } catch (error) {
        job!.reject(error);
      }
      return;
    }
    let settled: Settled[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    for (const job of jobs) {
      try {
        settled.push({ job, ok: true, value: job.work() });
      } catch (error) {
        if (this.db.inTransaction) {
          settled.push({ job, ok: false, error });
          continue;
        }
        for (const done of settled) done.job.reject(done.ok ? error : done.error);
        job.reject(error);
        settled = [];
        try {
          this.db.exec('BEGIN IMMEDIATE');
        } catch (beginError) {
          for (const rest of jobs.slice(jobs.indexOf(job) + 1)) rest.reject(beginError);
          return;
        }
      }
    }
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const { job } of settled) job.reject(error);
      return;
    }
    this.answerWhenDurable(settled);
  }

  /** Answers the writes of a committed group once the WAL holding them is on disk. */
  private answerWhenDurable(settled: Settled[]): void {
    const answered = this.wal.flushed().then(
      () => {
        for (const done of settled) {
          if (done.ok) done.job.resolve(done.value);
          else done.job.reject(done.error);
        }
      },
      (error: unknown) => {
        for (const { job } of settled) job.reject(error);
      },
    );
    this.syncing.add(answered);
    void answered.finally(() => this.syncing.delete(answered));
  }
}
