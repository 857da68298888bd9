/**
 * The service's time. Everything the lifecycle depends on (when a transition falls due, when a
 * ClientToken or a presigned URL expires, when the reconciler wakes) reads one Clock, so a test, and
 * later the admin API, can move time instead of waiting for it. Production always runs on the wall
 * clock. Signatures (SigV4), console sessions, logs and the audit log keep wall time: they are
 * about the real world, not the service's simulated one.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `callback` once, when this clock reaches `time` (epoch ms); at once (next turn) if it has. */
  at(time: number, callback: () => void): Timer;
}

/** node's timers take at most this many milliseconds; a longer wait is made of several. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const wallClock: Clock = {
  now: () => Date.now(),
  at(time, callback) {
    let timeout: NodeJS.Timeout;
    const arm = () => {
      const wait = time - Date.now();
      timeout = wait > MAX_TIMEOUT_MS ? setTimeout(arm, MAX_TIMEOUT_MS) : setTimeout(callback, Math.max(0, wait));
    };
    arm();
    return { cancel: () => clearTimeout(timeout) };
  },
};

/** A clock that tests, and the admin API of a server started with --movable-clock, can move forward. */
export interface MovableClock extends Clock {
  /** Moves the clock `ms` forward, running the timers that fall due on the way, in the order of their times. */
  advance(ms: number): void;
}

export const isMovable = (clock: Clock): clock is MovableClock => typeof (clock as Partial<MovableClock>).advance === 'function';

/**
 * Wall time plus an offset that only grows: time flows as usual, and advance() jumps it forward,
 * running the timers it passes (a week of maintenance windows in a moment, against a real server).
 */
export class OffsetClock implements MovableClock {
  private offsetMs = 0;
  private readonly pending = new Map<PendingTimer, Timer>();

  now(): number {
    return Date.now() + this.offsetMs;
  }

  at(time: number, callback: () => void): Timer {
    const timer: PendingTimer = { time, callback };
    this.arm(timer);
    return { cancel: () => this.disarm(timer) };
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock moves forward only, not by ${ms} ms`);
    this.offsetMs += ms;
    const due = [...this.pending.keys()].sort((a, b) => a.time - b.time);
    // Each re-armed on the moved clock: those now due run on the next turn, in the order of their times.
    for (const timer of due) {
      this.disarm(timer);
      this.arm(timer);
    }
  }

  private arm(timer: PendingTimer): void {
    const wall = wallClock.at(timer.time - this.offsetMs, () => {
      this.pending.delete(timer);
      timer.callback();
    });
    this.pending.set(timer, wall);
  }

  private disarm(timer: PendingTimer): void {
    this.pending.get(timer)?.cancel();
    this.pending.delete(timer);
  }
}

interface PendingTimer {
  time: number;
  callback: () => void;
}

/** A clock that stands still until advance() moves it. */
export class TestClock implements MovableClock {
  private time: number;
  private readonly pending = new Set<PendingTimer>();

  constructor(start: number = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  at(time: number, callback: () => void): Timer {
    const timer: PendingTimer = { time, callback };
    this.pending.add(timer);
    if (time <= this.time) setImmediate(() => this.fire(timer));
    return { cancel: () => this.pending.delete(timer) };
  }

  /**
   * Moves the clock `ms` forward. The timers falling due on the way run in the order of their times,
   * each with the clock at its own time; work they start asynchronously finds the clock wherever it
   * is by then.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock moves forward only, not by ${ms} ms`);
    const target = this.time + ms;
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.time = Math.max(this.time, next.time);
      this.fire(next);
    }
    this.time = target;
  }

  /** When the earliest timer set is due: a test knows from it that the reconciler has armed itself before it moves the clock on. */
  nextTimerAt(): number | undefined {
    return this.nextDue(Infinity)?.time;
  }

  private nextDue(by: number): PendingTimer | undefined {
    let next: PendingTimer | undefined;
    for (const timer of this.pending) if (timer.time <= by && (!next || timer.time < next.time)) next = timer;
    return next;
  }

  private fire(timer: PendingTimer): void {
    if (this.pending.delete(timer)) timer.callback();
  }
}
