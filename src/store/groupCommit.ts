/**
 * Group commit for SQLite: the writes asked for in one turn of the event loop run one after another
 * inside a single SQLite transaction and are answered together once its one commit is on disk
 * (WalSync: the flush runs off the event loop and is shared by the groups committed while another
 * flush runs), so a burst of writes costs one disk flush instead of one each, and no write is
 * answered before it is on disk.
 *
 * Each write keeps the semantics it would have alone: it sees every write queued before it, and if
 * it throws, only its own changes are undone and only its caller is told. The writes of a group run
 * first without savepoints, which would cost each write a copy of every page it first changes.
 * Should one throw, the group's transaction is rolled
 * back, that write's caller gets the error, and the others run again, each in a savepoint of its
 * own. So a write's work may run twice: it must have no effect outside the database that is unsafe
 * to repeat. Should SQLite abandon that second transaction (an I/O error, a full disk), the writes
 * already done in it are lost, so their callers get that error too, and the rest of the group goes
 * on in a new transaction.
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
  /** While set, groups wait for it before they begin (checkpointer.ts: the WAL started over). */
  private held: Promise<void> | undefined;
  /** Groups committed and waiting for their flush to disk. */
  private readonly syncing = new Set<Promise<void>>();
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly wal: WalSync,
  ) {
    this.statements = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT group_commit_write'),
      release: db.prepare('RELEASE group_commit_write'),
      rollbackTo: db.prepare('ROLLBACK TO group_commit_write'),
    };
  }

  /**
   * Runs `work` (statements, without a transaction of its own) inside the next group's transaction.
   * It may run twice (see above).
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.flushed ??= this.turnEnded().then(() => {
        this.flushed = undefined;
        this.flush();
      });
    });
  }

  /** The writes asked for until `until` settles wait for it, and are then committed together. */
  hold(until: Promise<void>): void {
    const held: Promise<void> = until.catch(() => undefined).then(() => {
      if (this.held === held) this.held = undefined;
    });
    this.held = held;
  }

  /** The rest of this turn of the event loop (the requests that arrived together), and any hold. */
  private async turnEnded(): Promise<void> {
    await new Promise((done) => setImmediate(done));
    while (this.held) await this.held;
  }

  /** Resolves once every write asked for so far is settled. */
  async idle(): Promise<void> {
    while (this.flushed || this.syncing.size > 0) await Promise.all([this.flushed, ...this.syncing]);
  }

  private flush(): void {
    const jobs = this.queue;
    this.queue = [];
    if (!this.begin(jobs)) return;
    const values: unknown[] = [];
    for (const job of jobs) {
      try {
        values.push(job.work());
      } catch (error) {
        if (this.db.inTransaction) this.statements.rollback.run();
        job.reject(error);
        this.runEachInSavepoint(jobs.filter((other) => other !== job));
        return;
      }
    }
    this.commit(jobs.map((job, index): Settled => ({ job, ok: true, value: values[index] })));
  }

  /** The slow way, after a write of the group threw: each write undone alone if it throws. */
  private runEachInSavepoint(jobs: Job[]): void {
    if (jobs.length === 0 || !this.begin(jobs)) return;
    let settled: Settled[] = [];
    for (const [index, job] of jobs.entries()) {
      const outcome = this.inSavepoint(job);
      if (outcome.ok || this.db.inTransaction) {
        settled.push(outcome);
        continue;
      }
      for (const done of settled) done.job.reject(done.ok ? outcome.error : done.error);
      job.reject(outcome.error);
      settled = [];
      if (!this.begin(jobs.slice(index + 1))) return;
    }
    this.commit(settled);
  }

  private inSavepoint(job: Job): Settled {
    let opened = false;
    try {
      this.statements.savepoint.run();
      opened = true;
      const value = job.work();
      this.statements.release.run();
      return { job, ok: true, value };
    } catch (error) {
      if (opened && this.db.inTransaction) {
        this.statements.rollbackTo.run();
        this.statements.release.run();
      }
      return { job, ok: false, error };
    }
  }

  /** Opens the group's transaction; if it cannot be, `jobs` are told why. */
  private begin(jobs: Job[]): boolean {
    try {
      this.statements.begin.run();
      return true;
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return false;
    }
  }

  private commit(settled: Settled[]): void {
    try {
      this.statements.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.statements.rollback.run();
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
