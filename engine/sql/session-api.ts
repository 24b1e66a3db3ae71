/**
 * The contract between the better-sqlite3 API layer (engine/api/) and the SQL engine: one
 * `Session` per `Database` object (a connection), compiled statements, and row cursors.
 *
 * Values crossing this boundary are engine values (common/value.ts). The API layer converts
 * JavaScript arguments to SqlValues (numbers bind as REAL, BigInt as INTEGER, Buffers as BLOB)
 * and SqlValues back to JavaScript (INTEGER to number or BigInt per safeIntegers, BLOB to Buffer).
 */
import type { SqlValue } from '../common/value.js';

/** One result column as `stmt.columns()` reports it. */
export interface ColumnDescriptor {
  readonly name: string;
  /** Origin column name, or null for an expression. */
  readonly column: string | null;
  readonly table: string | null;
  readonly database: string | null;
  /** Declared type of the origin column, or null. */
  readonly type: string | null;
}

/**
 * A row cursor over one execution of a compiled statement. `step()` runs the statement until the
 * next row (or completion, returning null). For statements without result rows, the first `step()`
 * performs the whole statement. A cursor that threw, returned null or was closed is finished.
 */
export interface RowCursor {
  step(): SqlValue[] | null;
  /** Stops the execution early (finishes the statement as sqlite3_reset would). Idempotent. */
  close(): void;
}

export interface CompiledStatement {
  /** The text of this one statement, as given to prepare (from its first token to its end). */
  readonly source: string;
  /** True when the statement returns result columns (SELECT, PRAGMA with rows, ... RETURNING). */
  readonly reader: boolean;
  /** True when executing it cannot write the database (sqlite3_stmt_readonly). */
  readonly readonly: boolean;
  /** Number of parameter slots (the largest slot number). */
  readonly parameterCount: number;
  /** For each slot 1..parameterCount (at index slot-1): its spelling (`':a'`, `'@a'`, `'$a'`, `'?3'`) or null for `?`. */
  readonly parameterNames: readonly (string | null)[];
  /** Result columns (empty for non-readers). Reflects the current schema (re-planned if needed). */
  columns(): ColumnDescriptor[];
  /** Starts an execution with one value per slot (missing slots are NULL). */
  open(params: readonly SqlValue[]): RowCursor;
}

/** A user-defined scalar function. `args` are engine values; the return value must be one. */
export type ScalarImpl = (args: readonly SqlValue[]) => SqlValue;

export interface AggregateImpl {
  /** Creates the per-group accumulator state. */
  start(): unknown;
  /** Returns the new state. */
  step(state: unknown, args: readonly SqlValue[]): unknown;
  /** Present for functions usable as window aggregates with a moving frame. */
  inverse?: (state: unknown, args: readonly SqlValue[]) => unknown;
  result(state: unknown): SqlValue;
}

export interface TableFunctionImpl {
  /** Output column names. */
  readonly columns: readonly string[];
  /** Names of the hidden parameter columns (the function's arguments). */
  readonly parameters: readonly string[];
  /** Yields result rows (each of columns.length values) for the given arguments. */
  rows(args: readonly SqlValue[]): Iterable<readonly SqlValue[]>;
}

export interface FunctionFlags {
  /** -1 = any number of arguments */
  readonly nArgs: number;
  readonly deterministic: boolean;
  readonly directOnly: boolean;
}

export interface SessionOptions {
  readonly readonly: boolean;
  readonly fileMustExist: boolean;
  /** busy_timeout in milliseconds */
  readonly timeout: number;
  /**
   * When present, open a private in-memory database initialised from this SQLite image (the
   * `new Database(buffer)` form, sqlite3_deserialize); `path` is then ':memory:'.
   */
  readonly image?: Uint8Array;
}

/** A point in the database's history: a committed transaction number, or a timestamp (text or µs since 1970). */
export type AsOfPoint = { readonly kind: 'transaction'; readonly value: number } | { readonly kind: 'timestamp'; readonly value: SqlValue };

export interface Session {
  /**
   * Compiles the first statement of `sql` starting at character offset `start`. Returns the
   * statement (null when only whitespace, comments and semicolons remain) and the offset just
   * past it (past its terminating `;` if any). Throws SqliteError for syntax and binding errors
   * ("near \"selec\": syntax error", "no such table: x").
   */
  prepare(sql: string, start: number): { stmt: CompiledStatement | null; end: number };
  readonly inTransaction: boolean;
  /** Rows changed by the most recently completed INSERT, UPDATE or DELETE (sqlite3_changes64). */
  readonly changes: number;
  /** Total rows changed since the connection opened (sqlite3_total_changes64). */
  readonly totalChanges: number;
  readonly lastInsertRowid: number | bigint;
  readonly readonly: boolean;
  readonly memory: boolean;
  readonly open: boolean;
  close(): void;
  /** heliosdb group commit: resolves once every transaction committed on the database before the call is durable. */
  whenDurable?(): Promise<void>;
  createFunction(name: string, flags: FunctionFlags, impl: ScalarImpl): void;
  createAggregate(name: string, flags: FunctionFlags, impl: AggregateImpl): void;
  createTableFunction(name: string, impl: TableFunctionImpl): void;
  /** sqlite3_serialize of the main database: a SQLite-format image. */
  serialize(): Uint8Array;
  /** The database file as SQLite would name it ('' for temporary/in-memory). */
  readonly filename: string;
  /**
   * heliosdb time travel: a read-only session on the same database fixed at `point`. Optional
   * so that other Session implementations (test fakes) need not provide it.
   */
  asOf?(point: AsOfPoint): Session;
  /**
   * heliosdb MVCC: an `iterate()` cursor is about to open. Until the matching `releaseRead()` the
   * connection's read transaction stays open, so the iterator reads one snapshot while other
   * connections commit. Optional (test fakes need not provide them).
   */
  holdRead?(): void;
  releaseRead?(): void;
}
