import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

import { isConcurrencyAbort } from '../common/database-errors';
import { ApiException } from '../common/errors/api.exception';

/** Attempts of a transaction PostgreSQL aborted for a concurrent one, before the caller gets 409. */
export const TRANSACTION_ATTEMPTS = 5;

/** Per SQLite DataSource: the tail of the queue of transactions waiting to run. */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs `work` in one transaction. The engines differ here, and only here:
 *
 * - PostgreSQL: when the database aborts the transaction for a concurrent one (serialization failure,
 *   deadlock), it runs again, up to {@link TRANSACTION_ATTEMPTS} times with a short random pause, then
 *   answers 409 CONFLICT: never a 500 for a race. `work` must therefore only touch the database.
 * - SQLite: TypeORM runs every statement of the process on one connection, so two transactions that
 *   overlap in time would nest as savepoints of each other and commit or roll back each other's writes.
 *   They are queued and run one after another instead.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (dataSource.options.type !== 'postgres') {
    const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => dataSource.transaction(work));
    sqliteQueues.set(dataSource, run);
    return run;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      if (!isConcurrencyAbort(error)) throw error;
      if (attempt >= TRANSACTION_ATTEMPTS) {
        throw ApiException.conflict('A concurrent change got in the way; try again', {
          attempts: attempt,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

/**
 * Locks one row for the rest of the transaction (SELECT … FOR UPDATE), so transactions that change what
 * hangs off it run one after another instead of deadlocking. SQLite needs none: {@link inTransaction}
 * already runs its transactions one at a time. False when the row does not exist.
 */
export async function lockRow<Entity extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Entity>,
  id: string,
): Promise<boolean> {
  const repository = manager.getRepository(entity);
  if (manager.connection.options.type !== 'postgres') {
    return repository.existsBy({ id } as never);
  }
  const row = await repository
    .createQueryBuilder('row')
    .select('row.id')
    .where('row.id = :id', { id })
    .setLock('pessimistic_write')
    .getOne();
  return row !== null;
}
