import type { Session } from './database';

/**
 * BEGIN, `fn`, COMMIT; ROLLBACK when `fn` throws (the error is rethrown). With `rollback: true` the work is
 * always rolled back: a rehearsal that leaves nothing behind. With `own: false` the caller already holds a
 * transaction, and `fn` simply runs in it.
 */
export async function withTransaction<T>(session: Session, fn: () => Promise<T>, options: { rollback?: boolean; own?: boolean } = {}): Promise<T> {
  if (options.own === false) return fn();
  await session.exec('BEGIN');
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await session.exec('ROLLBACK').catch(() => {});
    throw err;
  }
  await session.exec(options.rollback ? 'ROLLBACK' : 'COMMIT');
  return result;
}
