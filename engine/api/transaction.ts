/**
 * `db.transaction(fn)`, as better-sqlite3's lib/methods/transaction.js:
 *
 *   outside a transaction:  BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE] ; fn ; COMMIT
 *                           on throw: ROLLBACK (only if still in a transaction: SQLite may have
 *                           rolled back already, e.g. after a constraint error with ON CONFLICT ROLLBACK)
 *   inside a transaction:   SAVEPOINT `\t_bs3.\t` ; fn ; RELEASE `\t_bs3.\t`
 *                           on throw: ROLLBACK TO `\t_bs3.\t` ; RELEASE `\t_bs3.\t`
 *
 * A promise (thenable) returned by fn is refused with a TypeError after rolling back, since the
 * transaction would otherwise commit before the asynchronous work ran.
 */
import type { Statement } from './statement.js';

interface Controller {
  readonly begin: Statement;
  readonly commit: Statement;
  readonly rollback: Statement;
  readonly savepoint: Statement;
  readonly release: Statement;
  readonly rollbackTo: Statement;
}

export interface TransactionControllers {
  readonly default: Controller;
  readonly deferred: Controller;
  readonly immediate: Controller;
  readonly exclusive: Controller;
}

/** Prepares the shared control statements of a connection (cached by the Database). */
export function makeControllers(prepare: (sql: string) => Statement): TransactionControllers {
  const shared = {
    commit: prepare('COMMIT'),
    rollback: prepare('ROLLBACK'),
    savepoint: prepare('SAVEPOINT `\t_bs3.\t`'),
    release: prepare('RELEASE `\t_bs3.\t`'),
    rollbackTo: prepare('ROLLBACK TO `\t_bs3.\t`'),
  };
  return {
    default: { begin: prepare('BEGIN'), ...shared },
    deferred: { begin: prepare('BEGIN DEFERRED'), ...shared },
    immediate: { begin: prepare('BEGIN IMMEDIATE'), ...shared },
    exclusive: { begin: prepare('BEGIN EXCLUSIVE'), ...shared },
  };
}

export type TransactionFunction<F extends (...args: never[]) => unknown> = F & {
  readonly default: TransactionFunction<F>;
  readonly deferred: TransactionFunction<F>;
  readonly immediate: TransactionFunction<F>;
  readonly exclusive: TransactionFunction<F>;
  readonly database: object;
};

interface TransactionHost {
  readonly inTransaction: boolean;
}

export function makeTransaction<F extends (...args: never[]) => unknown>(
  db: TransactionHost,
  fn: F,
  controllers: TransactionControllers,
): TransactionFunction<F> {
  const properties: PropertyDescriptorMap = {
    default: { value: wrap(db, fn, controllers.default) },
    deferred: { value: wrap(db, fn, controllers.deferred) },
    immediate: { value: wrap(db, fn, controllers.immediate) },
    exclusive: { value: wrap(db, fn, controllers.exclusive) },
    database: { value: db, enumerable: true },
  };
  Object.defineProperties(properties.default.value, properties);
  Object.defineProperties(properties.deferred.value, properties);
  Object.defineProperties(properties.immediate.value, properties);
  Object.defineProperties(properties.exclusive.value, properties);
  return properties.default.value as TransactionFunction<F>;
}

function wrap(db: TransactionHost, fn: (...args: never[]) => unknown, c: Controller): (...args: unknown[]) => unknown {
  const { begin, commit, rollback, savepoint, release, rollbackTo } = c;
  return function sqliteTransaction(this: unknown, ...args: unknown[]): unknown {
    let before: Statement, after: Statement, undo: Statement;
    if (db.inTransaction) {
      before = savepoint;
      after = release;
      undo = rollbackTo;
    } else {
      before = begin;
      after = commit;
      undo = rollback;
    }
    before.run();
    try {
      const result = Reflect.apply(fn, this, args);
      if (result && typeof (result as { then?: unknown }).then === 'function') {
        throw new TypeError('Transaction function cannot return a promise');
      }
      after.run();
      return result;
    } catch (ex) {
      if (db.inTransaction) {
        undo.run();
        if (undo !== rollback) after.run();
      }
      throw ex;
    }
  };
}
