/**
 * SqliteError: the one error type for every failure that is not a bug in the engine.
 *
 * Shape as better-sqlite3 12: `instanceof Error`, `name === 'SqliteError'`, `code` is the
 * (extended) result code name such as `SQLITE_CONSTRAINT_UNIQUE`, `message` is what
 * `sqlite3_errmsg` would say. Instances are extensible and `message` is writable (Knex rewrites it).
 */
export class SqliteError extends Error {
  code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}
Object.defineProperty(SqliteError.prototype, 'name', {
  value: 'SqliteError',
  writable: true,
  enumerable: false,
  configurable: true,
});

/** Result code names used by the engine (primary and extended), as SQLite spells them. */
export type SqliteCode =
  | 'SQLITE_ERROR'
  | 'SQLITE_INTERNAL'
  | 'SQLITE_PERM'
  | 'SQLITE_ABORT'
  | 'SQLITE_BUSY'
  | 'SQLITE_BUSY_SNAPSHOT'
  | 'SQLITE_LOCKED'
  | 'SQLITE_NOMEM'
  | 'SQLITE_READONLY'
  | 'SQLITE_INTERRUPT'
  | 'SQLITE_IOERR'
  | 'SQLITE_IOERR_WRITE'
  | 'SQLITE_IOERR_READ'
  | 'SQLITE_IOERR_FSYNC'
  | 'SQLITE_IOERR_SHORT_READ'
  | 'SQLITE_CORRUPT'
  | 'SQLITE_NOTFOUND'
  | 'SQLITE_FULL'
  | 'SQLITE_CANTOPEN'
  | 'SQLITE_PROTOCOL'
  | 'SQLITE_SCHEMA'
  | 'SQLITE_TOOBIG'
  | 'SQLITE_CONSTRAINT'
  | 'SQLITE_CONSTRAINT_CHECK'
  | 'SQLITE_CONSTRAINT_FOREIGNKEY'
  | 'SQLITE_CONSTRAINT_NOTNULL'
  | 'SQLITE_CONSTRAINT_PRIMARYKEY'
  | 'SQLITE_CONSTRAINT_UNIQUE'
  | 'SQLITE_CONSTRAINT_TRIGGER'
  | 'SQLITE_CONSTRAINT_ROWID'
  | 'SQLITE_CONSTRAINT_DATATYPE'
  | 'SQLITE_MISMATCH'
  | 'SQLITE_MISUSE'
  | 'SQLITE_RANGE'
  | 'SQLITE_NOTADB';

/** Shorthand used throughout the engine: `throw sqliteError('no such table: t')`. */
export function sqliteError(message: string, code: SqliteCode = 'SQLITE_ERROR'): SqliteError {
  return new SqliteError(message, code);
}

/** An invariant of our own code was broken: a bug, never bad input. */
export function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`heliosdb-lite internal error: ${what}`);
}

export function assertNever(x: never, what = 'unexpected value'): never {
  throw new Error(`heliosdb-lite internal error: ${what}: ${JSON.stringify(x)}`);
}
