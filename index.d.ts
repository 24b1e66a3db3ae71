/// <reference types="node" />
// Types of heliosdb-lite's better-sqlite3 12 compatible API. Shaped like @types/better-sqlite3
// (`export =` a constructor plus a namespace of the same name) so that code typed against
// better-sqlite3 (drizzle-orm's `import { type Database, type Options, type RunResult } from
// 'better-sqlite3'`) type-checks unchanged against this package.

type VariableArgFunction = (...params: any[]) => unknown;
type ArgumentTypes<F extends VariableArgFunction> = F extends (...args: infer A) => unknown ? A : never;
type ElementOf<T> = T extends Array<infer E> ? E : T;

declare namespace HeliosDb {
  interface Statement<BindParameters extends unknown[], Result = unknown> {
    readonly database: Database;
    readonly source: string;
    readonly reader: boolean;
    readonly readonly: boolean;
    readonly busy: boolean;

    run(...params: BindParameters): Database.RunResult;
    get(...params: BindParameters): Result | undefined;
    all(...params: BindParameters): Result[];
    iterate(...params: BindParameters): IterableIterator<Result>;
    pluck(toggleState?: boolean): this;
    expand(toggleState?: boolean): this;
    raw(toggleState?: boolean): this;
    bind(...params: BindParameters): this;
    columns(): ColumnDefinition[];
    safeIntegers(toggleState?: boolean): this;
  }

  interface ColumnDefinition {
    name: string;
    column: string | null;
    table: string | null;
    database: string | null;
    type: string | null;
  }

  interface Transaction<F extends VariableArgFunction> {
    (...params: ArgumentTypes<F>): ReturnType<F>;
    default(...params: ArgumentTypes<F>): ReturnType<F>;
    deferred(...params: ArgumentTypes<F>): ReturnType<F>;
    immediate(...params: ArgumentTypes<F>): ReturnType<F>;
    exclusive(...params: ArgumentTypes<F>): ReturnType<F>;
    readonly database: Database;
  }

  interface VirtualTableOptions {
    rows: (...params: unknown[]) => Generator;
    columns: string[];
    parameters?: string[] | undefined;
    safeIntegers?: boolean | undefined;
    directOnly?: boolean | undefined;
  }

  type VirtualTableFactory = (
    this: { module: string; database: string; table: string },
    ...args: string[]
  ) => VirtualTableOptions;

  interface Database {
    readonly memory: boolean;
    readonly readonly: boolean;
    readonly name: string;
    readonly open: boolean;
    readonly inTransaction: boolean;

    prepare<BindParameters extends unknown[] | {} = unknown[], Result = unknown>(
      source: string,
    ): BindParameters extends unknown[] ? Statement<BindParameters, Result> : Statement<[BindParameters], Result>;
    transaction<F extends VariableArgFunction>(fn: F): Transaction<F>;
    exec(source: string): this;
    pragma(source: string, options?: Database.PragmaOptions): unknown;
    function(name: string, cb: (...params: any[]) => any): this;
    function(name: string, options: Database.RegistrationOptions, cb: (...params: any[]) => any): this;
    aggregate<T>(
      name: string,
      options: Database.RegistrationOptions & {
        start?: T | (() => T);
        step: (total: T, next: ElementOf<T>) => T | void;
        inverse?: ((total: T, dropped: T) => T) | undefined;
        result?: ((total: T) => unknown) | undefined;
      },
    ): this;
    /** Always throws SqliteError: heliosdb-lite cannot load native SQLite extensions. */
    loadExtension(path: string, entryPoint?: string): this;
    close(): this;
    defaultSafeIntegers(toggleState?: boolean): this;
    backup(destinationFile: string, options?: Database.BackupOptions): Promise<Database.BackupMetadata>;
    table(name: string, options: VirtualTableOptions | VirtualTableFactory): this;
    unsafeMode(unsafe?: boolean): this;
    serialize(options?: Database.SerializeOptions): Buffer;
    /**
     * heliosdb time travel: a read-only connection fixed at a past point (a committed transaction
     * number, or a timestamp). Requires `PRAGMA helios_retention` > 0.
     * @example const then = db.asOf(42); then.prepare('SELECT * FROM t').all(); then.close();
     */
    asOf(point: Database.AsOfPoint): Database;
    /**
     * heliosdb group commit: resolves once every transaction committed on this database file
     * (by any connection of the process) before the call is on stable storage. Use it with
     * `PRAGMA synchronous = NORMAL`: commits then return without fsync, and concurrent callers
     * share one fsync. Resolves at once at FULL/EXTRA and for memory databases; rejects with a
     * SqliteError (SQLITE_IOERR_FSYNC) if the fsync failed.
     * @example insert.run(x); await db.whenDurable(); reply('saved');
     */
    whenDurable(): Promise<void>;
  }

  interface DatabaseConstructor {
    new (filename?: string | Buffer, options?: Database.Options): Database;
    (filename?: string | Buffer, options?: Database.Options): Database;
    prototype: Database;
    SqliteError: SqliteErrorType;
  }
}

declare class SqliteErrorClass extends Error {
  name: string;
  message: string;
  /** The extended result code name, e.g. `SQLITE_CONSTRAINT_UNIQUE`. */
  code: string;
  constructor(message: string, code: string);
}

type SqliteErrorType = typeof SqliteErrorClass;

declare namespace Database {
  interface RunResult {
    changes: number;
    lastInsertRowid: number | bigint;
  }

  interface Options {
    readonly?: boolean | undefined;
    fileMustExist?: boolean | undefined;
    timeout?: number | undefined;
    verbose?: ((message?: unknown, ...additionalArgs: unknown[]) => void) | null | undefined;
    /** Accepted for compatibility and ignored. */
    nativeBinding?: string | object | null | undefined;
  }

  interface SerializeOptions {
    attached?: string;
  }

  /**
   * A point in a database's history for `db.asOf()`: a committed transaction number (number or
   * bigint), a timestamp (Date or UTC date/time text 'YYYY-MM-DD HH:MM:SS[.ffffff]'), or
   * `{ transaction }` / `{ timestamp }` (timestamp also as microseconds since 1970).
   */
  type AsOfPoint =
    | number
    | bigint
    | string
    | Date
    | { transaction: number | bigint }
    | { timestamp: string | number | bigint | Date };

  interface PragmaOptions {
    simple?: boolean | undefined;
  }

  interface RegistrationOptions {
    varargs?: boolean | undefined;
    deterministic?: boolean | undefined;
    safeIntegers?: boolean | undefined;
    directOnly?: boolean | undefined;
  }

  type AggregateOptions = Parameters<HeliosDb.Database['aggregate']>[1];

  interface BackupMetadata {
    totalPages: number;
    remainingPages: number;
  }
  interface BackupOptions {
    attached?: string;
    progress?: (info: BackupMetadata) => number | void;
  }

  type SqliteError = SqliteErrorClass;
  type Statement<BindParameters extends unknown[] | {} = unknown[], Result = unknown> = BindParameters extends unknown[]
    ? HeliosDb.Statement<BindParameters, Result>
    : HeliosDb.Statement<[BindParameters], Result>;
  type ColumnDefinition = HeliosDb.ColumnDefinition;
  type Transaction<T extends VariableArgFunction = VariableArgFunction> = HeliosDb.Transaction<T>;
  type VirtualTableOptions = HeliosDb.VirtualTableOptions;
  type Database = HeliosDb.Database;
}

declare const Database: HeliosDb.DatabaseConstructor;
export = Database;
