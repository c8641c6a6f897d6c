import { DatabaseBusyError } from './database-errors';

export interface KeyedLockOptions {
  /** Callers allowed to wait for one key; one more is refused at once. */
  readonly maxWaiting: number;
  /** How long a caller waits for its turn before it is refused. */
  readonly maxWaitMs: number;
}

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Serialises work per key inside one process, so that requests racing on the same client wait here,
 * holding nothing, instead of each holding a pooled database connection while it waits for the
 * client's advisory lock. The advisory lock still decides between instances; this queue only keeps
 * one instance from spending its whole pool on one client. Bounded: a queue that is full, or a wait
 * that is too long, is refused with DatabaseBusyError (503 DATABASE_BUSY, retry later).
 */
export class KeyedLock {
  private readonly queues = new Map<string, Waiter[]>();
  private readonly held = new Set<string>();

  constructor(private readonly options: KeyedLockOptions) {}

  /** Resolves with a release function once the key is ours. Release exactly once. */
  acquire(key: string): Promise<() => void> {
    if (!this.held.has(key)) {
      this.held.add(key);
      return Promise.resolve(this.releaser(key));
    }
    const queue = this.queues.get(key) ?? [];
    if (queue.length >= this.options.maxWaiting) {
      return Promise.reject(new DatabaseBusyError(`Too many requests are waiting for the same record (${queue.length}); retry shortly.`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(this.releaser(key));
        },
        timer: setTimeout(() => {
          const current = this.queues.get(key);
          const at = current?.indexOf(waiter) ?? -1;
          if (current && at >= 0) current.splice(at, 1);
          if (current && current.length === 0) this.queues.delete(key);
          reject(new DatabaseBusyError(`Waited ${this.options.maxWaitMs} ms for another request on the same record; retry shortly.`));
        }, this.options.maxWaitMs),
      };
      queue.push(waiter);
      this.queues.set(key, queue);
    });
  }

  /** Keys held right now. */
  get size(): number {
    return this.held.size;
  }

  private releaser(key: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.queues.get(key);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.queues.delete(key);
      // the key passes straight to the next waiter: nobody can slip in between
      if (next) next.grant();
      else this.held.delete(key);
    };
  }
}
