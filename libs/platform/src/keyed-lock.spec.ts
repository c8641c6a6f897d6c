import { DatabaseBusyError } from './database-errors';
import { KeyedLock } from './keyed-lock';

describe('KeyedLock', () => {
  it('serialises holders of one key in arrival order', async () => {
    const lock = new KeyedLock({ maxWaiting: 10, maxWaitMs: 5000 });
    const order: string[] = [];
    const first = await lock.acquire('c-1');
    const second = lock.acquire('c-1').then((release) => {
      order.push('second');
      return release;
    });
    const third = lock.acquire('c-1').then((release) => {
      order.push('third');
      release();
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    first();
    (await second)();
    await third;
    expect(order).toEqual(['second', 'third']);
    expect(lock.size).toBe(0);
  });

  it('lets different keys through at once', async () => {
    const lock = new KeyedLock({ maxWaiting: 1, maxWaitMs: 5000 });
    const a = await lock.acquire('c-a');
    const b = await lock.acquire('c-b');
    expect(lock.size).toBe(2);
    a();
    b();
    expect(lock.size).toBe(0);
  });

  it('refuses at once when the queue for a key is full', async () => {
    const lock = new KeyedLock({ maxWaiting: 1, maxWaitMs: 5000 });
    const held = await lock.acquire('c-1');
    const waiting = lock.acquire('c-1');
    await expect(lock.acquire('c-1')).rejects.toBeInstanceOf(DatabaseBusyError);
    held();
    (await waiting)();
    expect(lock.size).toBe(0);
  });

  it('refuses a waiter whose wait is too long, and the queue goes on without it', async () => {
    jest.useFakeTimers();
    try {
      const lock = new KeyedLock({ maxWaiting: 5, maxWaitMs: 100 });
      const held = await lock.acquire('c-1');
      const late = lock.acquire('c-1');
      jest.advanceTimersByTime(101);
      await expect(late).rejects.toBeInstanceOf(DatabaseBusyError);
      const next = lock.acquire('c-1');
      held();
      (await next)();
      expect(lock.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('ignores a second release', async () => {
    const lock = new KeyedLock({ maxWaiting: 5, maxWaitMs: 5000 });
    const first = await lock.acquire('c-1');
    const second = lock.acquire('c-1');
    first();
    const release = await second;
    first();
    expect(lock.size).toBe(1);
    release();
    expect(lock.size).toBe(0);
  });
});
