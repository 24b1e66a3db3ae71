/**
 * Database: better-sqlite3 12's connection object (lib/database.js + src/objects/database.cpp)
 * over an engine Session.
 *
 * Shape, as ORMs and tests observe it: callable with or without `new`; own enumerable,
 * non-configurable getters `name`, `open`, `inTransaction`, `readonly`, `memory` (nothing else is
 * enumerable: internal state is in ES private fields); instances are extensible and have no
 * `then`; methods on the prototype.
 *
 * @example
 *   const Database = require('heliosdb-lite');
 *   const db = new Database('app.db', { timeout: 5000 });
 *   db.prepare('CREATE TABLE IF NOT EXISTS t (a)').run();
 *   const insertMany = db.transaction((rows) => { for (const r of rows) insert.run(r); });
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { SqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import { backup, type BackupMetadata } from './backup.js';
import {
  requireIdle,
  requireNoIteratorsUnlessUnsafe,
  requireNotBusy,
  requireOpen,
  type Connection,
} from './connection.js';
import { openSession } from './open-session.js';
import type { AsOfPoint, Session } from '../sql/session-api.js';
import { runPragma } from './pragma.js';
import { expandSql, onlyCommentsRemain } from './sql-text.js';
import { Statement } from './statement.js';
import { makeControllers, makeTransaction, type TransactionControllers, type TransactionFunction } from './transaction.js';
import { defineAggregate, defineFunction, defineTable } from './udf.js';

export interface Options {
  readonly?: boolean;
  fileMustExist?: boolean;
  timeout?: number;
  verbose?: ((message?: unknown, ...additionalArgs: unknown[]) => void) | null;
  /** Accepted for compatibility with better-sqlite3 and ignored: there is no native addon. */
  nativeBinding?: string | object | null;
}

function getBooleanOption(options: object, key: string): boolean {
  let value: unknown = false;
  if (key in options && typeof (value = (options as Record<string, unknown>)[key]) !== 'boolean') {
    throw new TypeError(`Expected the "${key}" option to be a boolean`);
  }
  return value as boolean;
}

function requireBooleanArgument(args: IArguments, position: string): boolean {
  if (args.length === 0) return true;
  const v: unknown = args[0];
  if (typeof v !== 'boolean') throw new TypeError(`Expected ${position} argument to be a boolean`);
  return v;
}

/** IS_SKIPPED in better-sqlite3: what `exec()` steps over before each statement. */
function skipSpaces(sql: string, i: number): number {
  for (let c; i < sql.length && ((c = sql.charCodeAt(i)) === 32 || c === 59 || (c >= 9 && c <= 13)); i++);
  return i;
}

const EMPTY_PARAMS: readonly SqlValue[] = [];

/** Internal constructor option: wrap an existing session (db.asOf()) instead of opening one. */
const SNAPSHOT_SESSION = Symbol('heliosdb.snapshotSession');

/** What `db.asOf()` accepts. */
export type AsOfArgument =
  | number
  | bigint
  | string
  | Date
  | { readonly transaction: number | bigint }
  | { readonly timestamp: string | number | bigint | Date };

function asOfPoint(p: unknown): AsOfPoint {
  const ts = (v: unknown): SqlValue => {
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) throw new TypeError('Expected a valid Date');
      return v.toISOString();
    }
    if (typeof v === 'string' || typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return Math.floor(v);
    throw new TypeError('Expected a timestamp: a Date, a date/time string or microseconds since 1970');
  };
  const txn = (v: unknown): number => {
    if (typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    throw new TypeError('Expected a transaction number (a non-negative integer)');
  };
  if (typeof p === 'number' || typeof p === 'bigint') return { kind: 'transaction', value: txn(p) };
  if (typeof p === 'string' || p instanceof Date) return { kind: 'timestamp', value: ts(p) };
  if (p !== null && typeof p === 'object') {
    if ('transaction' in p) return { kind: 'transaction', value: txn((p as { transaction: unknown }).transaction) };
    if ('timestamp' in p) return { kind: 'timestamp', value: ts((p as { timestamp: unknown }).timestamp) };
  }
  throw new TypeError('Expected a transaction number, a Date, a date/time string, { transaction } or { timestamp }');
}

export class DatabaseImpl {
  #conn: Connection;
  #name: string;
  #readonly: boolean;
  #memory: boolean;
  #controllers: TransactionControllers | null = null;

  constructor(filenameGiven?: unknown, options?: unknown) {
    let buffer: Buffer | undefined;
    if (Buffer.isBuffer(filenameGiven)) {
      buffer = filenameGiven;
      filenameGiven = ':memory:';
    }
    if (filenameGiven == null) filenameGiven = '';
    if (options == null) options = {};
    if (typeof filenameGiven !== 'string') throw new TypeError('Expected first argument to be a string');
    if (typeof options !== 'object') throw new TypeError('Expected second argument to be an options object');
    const opts = options as Record<string | symbol, unknown>;
    if ('readOnly' in opts) throw new TypeError('Misspelled option "readOnly" should be "readonly"');
    if ('memory' in opts) throw new TypeError('Option "memory" was removed in v7.0.0 (use ":memory:" filename instead)');

    const filename = filenameGiven.trim();
    const anonymous = filename === '' || filename === ':memory:';
    const readonly = getBooleanOption(opts, 'readonly');
    const fileMustExist = getBooleanOption(opts, 'fileMustExist');
    const timeout = 'timeout' in opts ? opts.timeout : 5000;
    const verbose = 'verbose' in opts ? opts.verbose : null;
    const nativeBinding = 'nativeBinding' in opts ? opts.nativeBinding : null;

    const snapshot = opts[SNAPSHOT_SESSION] as Session | undefined;
    if (readonly && anonymous && !buffer && !snapshot) throw new TypeError('In-memory/temporary databases cannot be readonly');
    if (!Number.isInteger(timeout) || (timeout as number) < 0) throw new TypeError('Expected the "timeout" option to be a positive integer');
    if ((timeout as number) > 0x7fffffff) throw new RangeError('Option "timeout" cannot be greater than 2147483647');
    if (verbose != null && typeof verbose !== 'function') throw new TypeError('Expected the "verbose" option to be a function');
    if (nativeBinding != null && typeof nativeBinding !== 'string' && typeof nativeBinding !== 'object') {
      throw new TypeError('Expected the "nativeBinding" option to be a string or addon object');
    }
    if (!anonymous && !filename.startsWith('file:') && !fs.existsSync(path.dirname(filename))) {
      throw new TypeError('Cannot open database because the directory does not exist');
    }

    const session = snapshot ?? openSession(filename, {
      readonly,
      fileMustExist,
      timeout: timeout as number,
      ...(buffer ? { image: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) } : {}),
    });
    this.#conn = {
      session,
      open: true,
      busy: false,
      iterators: 0,
      unsafe: false,
      safeIntegers: false,
      verbose: (verbose as ((sql: string) => void) | null) ?? null,
    };
    this.#name = filenameGiven;
    this.#readonly = readonly;
    this.#memory = anonymous;
    Object.defineProperties(this, DatabaseImpl.#getters);
  }

  static #getters: PropertyDescriptorMap = {
    name: {
      get: function name(this: DatabaseImpl): string {
        return this.#name;
      },
      enumerable: true,
    },
    open: {
      get: function open(this: DatabaseImpl): boolean {
        return this.#conn.open;
      },
      enumerable: true,
    },
    inTransaction: {
      get: function inTransaction(this: DatabaseImpl): boolean {
        const c = this.#conn;
        return c.open && c.session.inTransaction;
      },
      enumerable: true,
    },
    readonly: {
      get: function readonly(this: DatabaseImpl): boolean {
        return this.#readonly;
      },
      enumerable: true,
    },
    memory: {
      get: function memory(this: DatabaseImpl): boolean {
        return this.#memory;
      },
      enumerable: true,
    },
  };

  declare readonly name: string;
  declare readonly open: boolean;
  declare readonly inTransaction: boolean;
  declare readonly readonly: boolean;
  declare readonly memory: boolean;

  #prepare(sql: unknown, pragmaMode: boolean): Statement {
    if (typeof sql !== 'string') throw new TypeError('Expected first argument to be a string');
    const conn = this.#conn;
    requireOpen(conn);
    requireNotBusy(conn);
    if (pragmaMode) requireNoIteratorsUnlessUnsafe(conn);
    const { stmt, end } = conn.session.prepare(sql, 0);
    if (stmt === null) throw new RangeError('The supplied SQL string contains no statements');
    if (!onlyCommentsRemain(sql, end)) throw new RangeError('The supplied SQL string contains more than one statement');
    return Statement.create(conn, stmt, this, sql, sql.slice(0, end), pragmaMode);
  }

  /** Compiles one SQL statement. @example db.prepare('SELECT * FROM t WHERE id = ?').get(1) */
  prepare(sql: string): Statement {
    return this.#prepare(sql, false);
  }

  /** Runs every statement of `sql` (no parameters); throws at the first failing one. */
  exec(sql: string): this {
    if (typeof sql !== 'string') throw new TypeError('Expected first argument to be a string');
    const conn = this.#conn;
    requireOpen(conn);
    requireNotBusy(conn);
    requireNoIteratorsUnlessUnsafe(conn);
    const session = conn.session;
    conn.busy = true;
    try {
      let pos = 0;
      for (;;) {
        pos = skipSpaces(sql, pos);
        const { stmt, end } = session.prepare(sql, pos);
        if (stmt === null) break;
        if (conn.verbose !== null) conn.verbose(expandSql(sql.slice(pos, end), stmt.parameterNames, EMPTY_PARAMS));
        const cursor = stmt.open(EMPTY_PARAMS);
        try {
          while (cursor.step() !== null);
        } finally {
          cursor.close();
        }
        pos = end;
      }
    } finally {
      conn.busy = false;
    }
    return this;
  }

  /**
   * Wraps `fn` in BEGIN/COMMIT (or a savepoint when nested).
   * @example const add = db.transaction((a, b) => { ins.run(a); ins.run(b); }); add.immediate(1, 2);
   */
  transaction<F extends (...args: never[]) => unknown>(fn: F): TransactionFunction<F> {
    if (typeof fn !== 'function') throw new TypeError('Expected first argument to be a function');
    const controllers = this.#controllers ?? (this.#controllers = makeControllers((sql) => this.#prepare(sql, false)));
    return makeTransaction(this, fn, controllers);
  }

  /** Runs `PRAGMA <source>`. @example db.pragma('journal_mode = WAL'); db.pragma('user_version', { simple: true }) */
  pragma(source: string, options?: { simple?: boolean }): unknown {
    return runPragma((sql) => this.#prepare(sql, true), source, options);
  }

  /** Copies the database to `destination` asynchronously. */
  backup(destination: string, options?: { attached?: string; progress?: (info: BackupMetadata) => number | void }): Promise<BackupMetadata> {
    return backup(this.#conn, destination, options);
  }

  /** The database as a SQLite image (`new Database(buffer)` opens a copy). */
  serialize(options?: { attached?: string }): Buffer {
    if (options == null) options = {};
    if (typeof options !== 'object') throw new TypeError('Expected first argument to be an options object');
    const attachedName = 'attached' in options ? options.attached : 'main';
    if (typeof attachedName !== 'string') throw new TypeError('Expected the "attached" option to be a string');
    if (!attachedName) throw new TypeError('The "attached" option cannot be an empty string');
    requireIdle(this.#conn);
    if (attachedName !== 'main') throw new SqliteError(`unknown database ${attachedName}`, 'SQLITE_ERROR');
    const image = this.#conn.session.serialize();
    return Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  }

  /**
   * heliosdb time travel: a read-only connection on the same database that reads every table as
   * it was at a past point: a committed transaction number (number or bigint, or
   * `{ transaction }`), or a timestamp (a Date, a UTC date/time string, or `{ timestamp }` with
   * either or microseconds since 1970). Needs history (`PRAGMA helios_retention`); a point in the
   * future or before the retention window throws SqliteError. Close it when done.
   * @example const then = db.asOf(42); then.prepare('SELECT * FROM t').all(); then.close();
   */
  asOf(point: AsOfArgument): DatabaseImpl {
    const p = asOfPoint(point);
    requireOpen(this.#conn);
    requireNotBusy(this.#conn);
    const s = this.#conn.session;
    if (!s.asOf) throw new SqliteError('time travel is not available on this connection', 'SQLITE_ERROR');
    const child = s.asOf(p);
    return new DatabaseImpl(this.#name, { readonly: true, [SNAPSHOT_SESSION]: child });
  }

  /**
   * heliosdb group commit: resolves once every transaction committed on this database file (by
   * any connection of the process) before the call is on stable storage (the log fsynced, or
   * checkpointed into a synced main file). With `PRAGMA synchronous = NORMAL`, commits return
   * without fsync and concurrent callers share one: at most one fsync is in flight, and commits
   * arriving meanwhile share the next. Resolves at once when nothing is waiting for the disk
   * (always at FULL/EXTRA, and for memory databases). At OFF it still fsyncs: the call is an
   * explicit request. Rejects with a SqliteError (SQLITE_IOERR_FSYNC) when the fsync failed
   * (the database stays usable), and if the database is closed before its commits were made
   * durable; on a closed connection with a TypeError.
   * @example db.pragma('synchronous = NORMAL'); insert.run(x); await db.whenDurable(); reply('saved');
   */
  whenDurable(): Promise<void> {
    if (!this.#conn.open) return Promise.reject(new TypeError('The database connection is not open'));
    return this.#conn.session.whenDurable?.() ?? Promise.resolve();
  }

  /** Registers a scalar SQL function. @example db.function('add2', (a, b) => a + b) */
  function(name: string, options: unknown, fn?: unknown): this {
    defineFunction(this.#conn, name, options, fn);
    return this;
  }

  /** Registers an aggregate (and window) function. */
  aggregate(name: string, options: unknown): this {
    defineAggregate(this.#conn, name, options);
    return this;
  }

  /** Registers a table-valued function (definition object) or a virtual table module (factory). */
  table(name: string, factory: unknown): this {
    defineTable(this.#conn, name, factory);
    return this;
  }

  /** Not supported: this engine has no native extension mechanism. Always throws SqliteError. */
  loadExtension(file: string, entryPoint?: string): this {
    if (typeof file !== 'string') throw new TypeError('Expected first argument to be a string');
    if (arguments.length > 1 && typeof entryPoint !== 'string') throw new TypeError('Expected second argument to be a string');
    requireIdle(this.#conn);
    throw new SqliteError(`${file}: loading extensions is not supported by heliosdb-lite`, 'SQLITE_ERROR');
  }

  /** Closes the connection; idempotent. */
  close(): this {
    const conn = this.#conn;
    if (conn.open) {
      requireNotBusy(conn);
      if (conn.iterators !== 0) throw new TypeError('This database connection is busy executing a query');
      conn.open = false;
      conn.session.close();
    }
    return this;
  }

  /** Default safe-integers flag for statements prepared afterwards. */
  defaultSafeIntegers(toggle?: boolean): this {
    this.#conn.safeIntegers = requireBooleanArgument(arguments, 'first');
    void toggle;
    return this;
  }

  /** Allows writes while iterators are open. */
  unsafeMode(toggle?: boolean): this {
    this.#conn.unsafe = requireBooleanArgument(arguments, 'first');
    void toggle;
    return this;
  }

  [inspect.custom](): object {
    return Object.assign(new DatabaseInspection(), this);
  }
}

// Named through a property so that the name survives bundlers that rename clashing bindings.
const DatabaseInspection = { Database: function (): void {} }.Database as unknown as new () => object;

export type Database = DatabaseImpl;

export interface DatabaseConstructor {
  new (filename?: string | Buffer, options?: Options): Database;
  (filename?: string | Buffer, options?: Options): Database;
  readonly prototype: Database;
}

/** The exported constructor: callable without `new`, subclassable. */
export const Database = {
  Database: function (this: unknown, filename?: string | Buffer, options?: Options): Database {
    return Reflect.construct(DatabaseImpl, [filename, options], new.target ?? Database) as Database;
  },
}.Database as unknown as DatabaseConstructor;

Object.defineProperty(Database, 'prototype', { value: DatabaseImpl.prototype, writable: false });
Object.defineProperty(DatabaseImpl.prototype, 'constructor', { value: Database, writable: true, configurable: true });
