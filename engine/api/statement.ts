/**
 * Statement and StatementIterator: better-sqlite3's prepared statement object
 * (src/objects/statement.cpp, statement-iterator.cpp) over a CompiledStatement.
 *
 * Locking rules (checked in this order, with better-sqlite3's messages):
 *  - `get/all/iterate` need a statement that returns data;
 *  - the connection must be open and not `busy` (a statement of it is stepping: user functions
 *    cannot re-enter the connection);
 *  - the statement must not be locked by an open iterator of its own;
 *  - `run` (a possible mutation) also needs no open iterators on the connection, unless
 *    `unsafeMode` is on.
 *
 * Internal state lives in one plain object behind an ES private field, so that `Object.keys(stmt)`
 * shows exactly better-sqlite3's own properties: busy, reader, readonly, source, database.
 */
import type { CompiledStatement, ColumnDescriptor, RowCursor } from '../sql/session-api.js';
import type { SqlValue } from '../common/value.js';
import { bindParameters, converter, makeBindMap, type BindMap } from './binding.js';
import {
  MAX_ITERATORS,
  requireNoIteratorsUnlessUnsafe,
  requireNotBusy,
  requireOpen,
  type Connection,
} from './connection.js';
import { EXPAND, FLAT, PLUCK, RAW, RowShape, type RowBuilder, type RowMode } from './rows.js';
import { expandSql } from './sql-text.js';
import { vectorRowBuilder } from '../vector/results.js'; // vector: Float32Array results

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** What a statement and its iterators share. */
interface StatementState {
  readonly conn: Connection;
  readonly compiled: CompiledStatement;
  /** Text logged by `verbose` (the statement's own text). */
  readonly logSource: string;
  readonly returnsData: boolean;
  bindMap: BindMap | null;
  bound: readonly SqlValue[] | null;
  /** An iterator of this statement is open. */
  locked: boolean;
  safeIntegers: boolean;
  mode: RowMode;
  readonly shape: RowShape;
}

const CONSTRUCT = Symbol('Statement.construct');

function requireBoolean(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError('Expected first argument to be a boolean');
  return v;
}

function requireNotLocked(s: StatementState): void {
  if (s.locked) throw new TypeError('This statement is busy executing a query');
}

function log(s: StatementState, params: readonly SqlValue[]): void {
  const verbose = s.conn.verbose;
  if (verbose !== null) verbose(expandSql(s.logSource, s.compiled.parameterNames, params));
}

function rowBuilder(s: StatementState, mode: RowMode): RowBuilder {
  // vector: VECTOR(n) result columns come back as Float32Array (engine/vector/results.ts)
  return vectorRowBuilder(s.shape.builder(mode, s.compiled), s.compiled);
}

export class Statement {
  #s: StatementState;
  declare readonly reader: boolean;
  declare readonly readonly: boolean;
  declare readonly source: string;
  declare readonly database: object;
  declare readonly busy: boolean;

  /** @internal Statements are created by `db.prepare()`. */
  constructor(
    token: symbol,
    conn: Connection,
    compiled: CompiledStatement,
    database: object,
    source: string,
    logSource: string,
    pragmaMode: boolean,
  ) {
    if (token !== CONSTRUCT) throw new TypeError('Statements can only be constructed by the db.prepare() method');
    const returnsData = compiled.reader || pragmaMode;
    this.#s = {
      conn,
      compiled,
      logSource,
      returnsData,
      bindMap: null,
      bound: null,
      locked: false,
      safeIntegers: conn.safeIntegers,
      mode: FLAT,
      shape: new RowShape(),
    };
    Object.defineProperties(this, {
      busy: Statement.#busyDescriptor,
      reader: { value: returnsData, enumerable: true },
      readonly: { value: compiled.readonly, enumerable: true },
      source: { value: source, enumerable: true },
      database: { value: database, enumerable: true },
    });
  }

  static #busyDescriptor: PropertyDescriptor = {
    get(this: Statement): boolean {
      const s = this.#s;
      return s.conn.open && s.locked;
    },
    enumerable: true,
    configurable: true,
  };

  /** @internal */
  static create(
    conn: Connection,
    compiled: CompiledStatement,
    database: object,
    source: string,
    logSource: string,
    pragmaMode: boolean,
  ): Statement {
    return new Statement(CONSTRUCT, conn, compiled, database, source, logSource, pragmaMode);
  }

  /** Checks shared by run/get/all/iterate (STATEMENT_START_LOGIC) and binding. */
  static #start(s: StatementState, args: unknown[], requireData: boolean, mutates: boolean): readonly SqlValue[] {
    if (requireData && !s.returnsData) throw new TypeError('This statement does not return data. Use run() instead');
    const conn = s.conn;
    requireOpen(conn);
    requireNotBusy(conn);
    requireNotLocked(s);
    if (mutates) requireNoIteratorsUnlessUnsafe(conn);
    if (s.bound === null) {
      const map = s.bindMap ?? (s.bindMap = makeBindMap(s.compiled.parameterNames, s.compiled.parameterCount));
      return bindParameters(map, args);
    }
    if (args.length > 0) throw new TypeError('This statement already has bound parameters');
    return s.bound;
  }

  /**
   * Executes the statement (one step for statements returning rows) and reports the changes.
   * @example db.prepare('INSERT INTO t VALUES (?)').run(1) // { changes: 1, lastInsertRowid: 1 }
   */
  run(...args: unknown[]): RunResult {
    const s = this.#s;
    const params = Statement.#start(s, args, false, true);
    const conn = s.conn;
    const session = conn.session;
    conn.busy = true;
    try {
      if (conn.verbose !== null) log(s, params);
      const before = session.totalChanges;
      const cursor = s.compiled.open(params);
      try {
        cursor.step();
      } finally {
        cursor.close();
      }
      const changes = session.totalChanges === before ? 0 : session.changes;
      const id = session.lastInsertRowid;
      return { changes, lastInsertRowid: s.safeIntegers ? BigInt(id) : Number(id) };
    } finally {
      conn.busy = false;
    }
  }

  /** Returns the first row, or undefined. @example db.prepare('SELECT 1 AS x').get() // { x: 1 } */
  get(...args: unknown[]): unknown {
    const s = this.#s;
    const params = Statement.#start(s, args, true, false);
    const conn = s.conn;
    conn.busy = true;
    try {
      if (conn.verbose !== null) log(s, params);
      const cursor = s.compiled.open(params);
      let row: SqlValue[] | null;
      try {
        row = cursor.step();
      } finally {
        cursor.close();
      }
      if (row === null) return undefined;
      return rowBuilder(s, s.mode)(row, converter(s.safeIntegers));
    } finally {
      conn.busy = false;
    }
  }

  /** Returns all rows. @example db.prepare('SELECT x FROM t').pluck().all() // [1, 2] */
  all(...args: unknown[]): unknown[] {
    const s = this.#s;
    const params = Statement.#start(s, args, true, false);
    const conn = s.conn;
    conn.busy = true;
    try {
      if (conn.verbose !== null) log(s, params);
      const cursor = s.compiled.open(params);
      const out: unknown[] = [];
      try {
        const build = rowBuilder(s, s.mode);
        const toJs = converter(s.safeIntegers);
        let row: SqlValue[] | null;
        while ((row = cursor.step()) !== null) out.push(build(row, toJs));
      } finally {
        cursor.close();
      }
      return out;
    } finally {
      conn.busy = false;
    }
  }

  /** Returns an iterator over the rows; the connection refuses mutations while it is open. */
  iterate(...args: unknown[]): StatementIterator {
    const s = this.#s;
    if (!s.returnsData) throw new TypeError('This statement does not return data. Use run() instead');
    const conn = s.conn;
    requireOpen(conn);
    requireNotBusy(conn);
    requireNotLocked(s);
    if (conn.iterators === MAX_ITERATORS) throw new RangeError('Too many active database iterators');
    const params = Statement.#start(s, args, true, false);
    return StatementIterator.create(this, s, params);
  }

  /** Binds parameters permanently (once). */
  bind(...args: unknown[]): this {
    const s = this.#s;
    if (s.bound !== null) throw new TypeError('The bind() method can only be invoked once per statement object');
    requireOpen(s.conn);
    requireNotBusy(s.conn);
    requireNotLocked(s);
    const map = s.bindMap ?? (s.bindMap = makeBindMap(s.compiled.parameterNames, s.compiled.parameterCount));
    s.bound = bindParameters(map, args);
    return this;
  }

  pluck(toggle?: boolean): this {
    return this.#setMode('pluck', PLUCK, arguments.length === 0 ? true : requireBoolean(toggle));
  }

  expand(toggle?: boolean): this {
    return this.#setMode('expand', EXPAND, arguments.length === 0 ? true : requireBoolean(toggle));
  }

  raw(toggle?: boolean): this {
    return this.#setMode('raw', RAW, arguments.length === 0 ? true : requireBoolean(toggle));
  }

  #setMode(method: string, mode: RowMode, use: boolean): this {
    const s = this.#s;
    if (!s.returnsData) throw new TypeError(`The ${method}() method is only for statements that return data`);
    requireNotBusy(s.conn);
    requireNotLocked(s);
    s.mode = use ? mode : s.mode === mode ? FLAT : s.mode;
    return this;
  }

  /** Return INTEGERs as BigInt (and lastInsertRowid) for this statement. */
  safeIntegers(toggle?: boolean): this {
    const s = this.#s;
    requireNotBusy(s.conn);
    requireNotLocked(s);
    s.safeIntegers = arguments.length === 0 ? true : requireBoolean(toggle);
    return this;
  }

  /** Describes the result columns. */
  columns(): ColumnDescriptor[] {
    const s = this.#s;
    if (!s.returnsData) throw new TypeError('The columns() method is only for statements that return data');
    requireOpen(s.conn);
    requireNotBusy(s.conn);
    return s.compiled.columns().map((c) => ({
      name: c.name,
      column: c.column,
      table: c.table,
      database: c.database,
      type: c.type,
    }));
  }
}

interface IteratorResultRecord {
  value: unknown;
  done: boolean;
}

/** The object `iterate()` returns: `next()`, `return()`, `[Symbol.iterator]()`. */
export class StatementIterator {
  #s: StatementState;
  #params: readonly SqlValue[];
  #cursor: RowCursor | null = null;
  #alive = true;
  /** Whether this iterator holds the connection's read transaction (Session.holdRead). */
  #holding = false;
  #logged: boolean;
  #build: RowBuilder | null = null;
  readonly #mode: RowMode;
  readonly #toJs: (v: SqlValue) => unknown;
  declare readonly statement: Statement;

  private constructor(token: symbol, stmt: Statement, s: StatementState, params: readonly SqlValue[]) {
    if (token !== CONSTRUCT) throw new TypeError('Disabled constructor');
    this.#s = s;
    this.#params = params;
    this.#logged = s.conn.verbose === null;
    this.#mode = s.mode;
    this.#toJs = converter(s.safeIntegers);
    s.locked = true;
    s.conn.iterators += 1;
    Object.defineProperty(this, 'statement', { value: stmt, enumerable: true });
  }

  /** @internal */
  static create(stmt: Statement, s: StatementState, params: readonly SqlValue[]): StatementIterator {
    return new StatementIterator(CONSTRUCT, stmt, s, params);
  }

  next(): IteratorResultRecord {
    const s = this.#s;
    requireNotBusy(s.conn);
    if (!this.#alive) return { value: undefined, done: true };
    const conn = s.conn;
    let row: SqlValue[] | null;
    conn.busy = true;
    try {
      if (!this.#logged) {
        this.#logged = true;
        log(s, this.#params);
      }
      let cursor = this.#cursor;
      if (cursor === null) {
        // MVCC: the iterator reads one snapshot while other connections commit (released in #cleanup)
        const session = conn.session;
        if (!this.#holding && session.holdRead) {
          session.holdRead();
          this.#holding = true;
        }
        cursor = this.#cursor = s.compiled.open(this.#params);
        this.#build = rowBuilder(s, this.#mode);
      }
      row = cursor.step();
    } catch (e) {
      conn.busy = false;
      this.#cleanup();
      throw e;
    }
    conn.busy = false;
    if (row === null) {
      this.#cleanup();
      return { value: undefined, done: true };
    }
    return { value: (this.#build as RowBuilder)(row, this.#toJs), done: false };
  }

  return(): IteratorResultRecord {
    requireNotBusy(this.#s.conn);
    if (this.#alive) this.#cleanup();
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): this {
    return this;
  }

  #cleanup(): void {
    this.#alive = false;
    const s = this.#s;
    s.locked = false;
    s.conn.iterators -= 1;
    const cursor = this.#cursor;
    this.#cursor = null;
    try {
      if (cursor !== null) cursor.close();
    } finally {
      if (this.#holding) {
        this.#holding = false;
        s.conn.session.releaseRead?.();
      }
    }
  }
}
