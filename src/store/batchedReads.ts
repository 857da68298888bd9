/**
 * Reads asked for in the same turn of the event loop, made together: the keys of one turn go to
 * one `read` of all of them, and each caller gets its own value. The PostgreSQL store reads apps so
 * (one statement for the apps every Describe of the turn asks for): a one-row query cost the
 * server six to seven times the driver's work of a row read with others (docs/performance.md).
 * A read asked for after a write was answered is made after it, so it sees that write.
 */
interface Waiter<V> {
  resolve: (value: V | undefined) => void;
  reject: (error: unknown) => void;
}

/** Keys in one statement at most; a busier turn is read in several. */
const MAX_KEYS = 500;

export class BatchedReads<K, V> {
  private pending: Map<K, Waiter<V>[]> | undefined;

  constructor(private readonly read: (keys: K[]) => Promise<Map<K, V>>) {}

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending === undefined) {
        this.pending = new Map();
        setImmediate(() => this.flush());
      }
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
    });
  }

  private flush(): void {
    const batch = [...this.pending!];
    this.pending = undefined;
    for (let start = 0; start < batch.length; start += MAX_KEYS) {
      const part = batch.slice(start, start + MAX_KEYS);
      this.read(part.map(([key]) => key)).then(
        (found) => {
          for (const [key, waiters] of part) for (const waiter of waiters) waiter.resolve(found.get(key));
        },
        (error: unknown) => {
          for (const [, waiters] of part) for (const waiter of waiters) waiter.reject(error);
        },
      );
    }
  }
}
