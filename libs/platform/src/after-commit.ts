import { DataSource, EntityManager } from 'typeorm';
import { currentUnitOfWork } from './unit-of-work';

/** What each open transaction begun by `transactionWithHooks` is to do once it commits. */
const pending = new WeakMap<EntityManager, (() => void)[]>();

/**
 * Runs `work` in a transaction of its own, then — only if it committed — what the work asked to
 * follow the commit (a relay nudge, say). A rolled-back transaction runs none of it.
 */
export async function transactionWithHooks<T>(dataSource: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  const hooks: (() => void)[] = [];
  const result = await dataSource.transaction(async (tx) => {
    pending.set(tx, hooks);
    try {
      return await work(tx);
    } finally {
      pending.delete(tx);
    }
  });
  for (const hook of hooks) hook();
  return result;
}

/**
 * Asks for `callback` once the transaction `tx` belongs to has committed: a command's (its unit of
 * work), or one begun by `transactionWithHooks` (consumers, timers). Before the commit the callback
 * would act on work nobody else can see yet.
 */
export function afterCommit(tx: EntityManager, callback: () => void): void {
  const unit = currentUnitOfWork();
  if (unit) return unit.afterCommit(callback);
  const hooks = pending.get(tx);
  if (hooks) hooks.push(callback);
  // a transaction nobody tracks has no commit to wait for that this code can see: act now
  else callback();
}
