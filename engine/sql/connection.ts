/**
 * Connection: one `Database` object's session with the engine (session-api.ts), owning its
 * transaction state, per-connection pragmas and user-defined functions.
 *
 * Transaction state machine (until MVCC replaces page-level transactions):
 *
 *   AUTOCOMMIT --BEGIN/SAVEPOINT--> EXPLICIT(no write txn) --first write / BEGIN IMMEDIATE--> EXPLICIT(write txn)
 *   AUTOCOMMIT --write statement--> (write txn for that statement) --end of statement--> AUTOCOMMIT (commit)
 *   EXPLICIT --COMMIT/END/RELEASE outermost--> AUTOCOMMIT (commit)        [commit()]
 *   EXPLICIT --ROLLBACK--> AUTOCOMMIT (rollback)                          [rollback()]
 *
 * Every write statement runs under a statement savepoint: an error undoes the statement only
 * (ABORT), keeps the transaction open, and in autocommit mode rolls back everything.
 * Readers in other connections never see uncommitted pages (storage copy-on-write).
 */
import { sqliteError, SqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import type { PageView, WriteTxn } from '../storage/api.js';
import type { Schema } from '../catalog/schema.js';
import { DualTxn, loadTxnSchema, TempDatabase } from './temp-database.js';
import type { Statement } from './ast.js';
import { parseStatement } from './parser/index.js';
import { Engine } from './engine.js';
import { FunctionRegistry, type FunctionContext, type AggregateFunctionDef, type ScalarFunctionDef, type TableValuedFunctionDef } from './functions/registry.js';
import type { FunctionLookup } from './compile/context.js';
import type { ExecHost } from './exec/runtime.js';
import type {
  AggregateImpl,
  CompiledStatement,
  FunctionFlags,
  ScalarImpl,
  Session,
  SessionOptions,
  TableFunctionImpl,
} from './session-api.js';
import { PreparedStatement } from './prepared.js';
import { collationFor } from './collations.js';

export interface SavepointEntry {
  readonly name: string;
  /** Storage savepoint token, or -1 if the write transaction had not started yet. */
  token: number;
}

export class ConnectionPragmas {
  foreignKeys = true;
  caseSensitiveLike = false;
  /** off by default (better-sqlite3 does not build with SQLITE_DEFAULT_RECURSIVE_TRIGGERS) */
  recursiveTriggers = false;
  deferForeignKeys = false;
  busyTimeout = 5000;
  readUncommitted = false;
  journalMode = 'wal';
}

export class Connection implements Session, ExecHost {
  readonly engine: Engine;
  open = true;
  readonly readonly: boolean;
  readonly memory: boolean;
  readonly filename: string;
  readonly pragmas = new ConnectionPragmas();

  changes = 0;
  totalChanges = 0;
  lastInsertRowid: number | bigint = 0;

  /** EXPLICIT state: BEGIN or SAVEPOINT outside a transaction. */
  explicit = false;
  /** The storage write transaction this connection holds (a DualTxn once it has a TEMP database). */
  wtx: WriteTxn | null = null;
  /** The TEMP database, created by the first CREATE TEMP ... (temp.ts). */
  temp: TempDatabase | null = null;
  savepoints: SavepointEntry[] = [];
  /** Savepoint taken when the write transaction started (savepoints created before map to it). */
  private baseToken = -1;
  /** Schema as seen inside this connection's write transaction after DDL. */
  private txnSchema: Schema | null = null;
  /** Deferred foreign key violations pending in the current transaction. */
  deferredViolations = 0;
  /** Immediate foreign key violations of the running statement, checked when it ends (SQLite's statement FK counter). */
  statementFkViolations = 0;
  /** Bumped on each schema change made by this connection and on reloads; prepared statements compare it. */
  schemaGeneration = 0;

  private readonly udfs = new FunctionRegistry();
  readonly functions: FunctionLookup;
  private statementTime = 0;
  readonly fctx: FunctionContext;
  private readonly parseCache = new Map<string, { stmt: Statement | null; end: number }>();

  constructor(filename: string, options: SessionOptions & { image?: Uint8Array }) {
    this.engine = Engine.open(filename, { readonly: options.readonly, fileMustExist: options.fileMustExist, image: options.image });
    this.readonly = options.readonly;
    this.memory = this.engine.memory;
    this.filename = this.memory ? '' : filename;
    this.pragmas.busyTimeout = options.timeout;
    const builtins = this.engine.functions;
    const udfs = this.udfs;
    this.functions = {
      scalar: (n, k) => udfs.scalar(n, k) ?? (udfs.aggregate(n, k) ? undefined : builtins.scalar(n, k)),
      aggregate: (n, k) => udfs.aggregate(n, k) ?? (udfs.scalar(n, k) ? undefined : builtins.aggregate(n, k)),
      tableValued: (n) => udfs.tableValued(n) ?? builtins.tableValued(n),
      known: (n) => udfs.known(n) || builtins.known(n),
      isUser: (n) => udfs.known(n) || udfs.tableValued(n) !== undefined,
      virtualTable: (table, module, args) => this.virtualTable(table, module, args),
      hasModule: (m) => this.modules.has(m.toLowerCase()),
    };
    const self = this;
    this.fctx = {
      now: () => (self.statementTime === 0 ? (self.statementTime = Date.now()) : self.statementTime),
      lastInsertRowid: () => self.lastInsertRowid,
      changes: () => self.changes,
      totalChanges: () => self.totalChanges,
      caseSensitiveLike: () => self.pragmas.caseSensitiveLike,
    };
    // Validate the file now: a corrupt header or schema fails at open, as in SQLite.
    try {
      this.schema();
    } catch (e) {
      this.engine.release();
      this.open = false;
      throw e;
    }
  }

  get inTransaction(): boolean {
    return this.open && (this.explicit || this.wtx !== null);
  }

  // ---- ExecHost ------------------------------------------------------------------------------

  view(): PageView {
    if (this.wtx) return this.wtx;
    const main = this.engine.storage.read();
    return this.temp ? this.temp.view(main) : main;
  }

  writeView(): PageView {
    return this.ensureWriteTxn();
  }

  /** The schema this connection sees now. */
  schema(): Schema {
    if (this.txnSchema) return this.txnSchema;
    const w = this.wtx;
    const main = this.engine.schemaOf(w instanceof DualTxn ? w.main : (w ?? this.engine.storage.read()));
    return this.temp ? this.temp.committedSchema(main) : main;
  }

  /** Called after DDL inside the write transaction. */
  schemaChanged(): void {
    this.txnSchema = loadTxnSchema(this.wtx!);
    this.schemaGeneration++;
  }

  /** Creates the TEMP database on first use (CREATE TEMP ...); an open write transaction then spans it too. */
  ensureTempDb(): TempDatabase {
    if (this.temp) return this.temp;
    const temp = new TempDatabase();
    this.temp = temp;
    if (this.wtx) {
      this.wtx = temp.beginWrite(this.wtx);
      if (this.txnSchema) this.txnSchema = loadTxnSchema(this.wtx);
    }
    this.schemaGeneration++;
    return temp;
  }

  // ---- transactions --------------------------------------------------------------------------

  ensureWriteTxn(): WriteTxn {
    if (this.wtx) return this.wtx;
    if (this.readonly) throw sqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
    const st = this.engine.storage;
    if (st.writeTxnOpen) throw sqliteError('database is locked', 'SQLITE_BUSY');
    this.wtx = this.temp ? this.temp.beginWrite(st.beginWrite()) : st.beginWrite();
    this.engine.writer = this;
    this.baseToken = this.wtx.savepoint();
    for (const sp of this.savepoints) if (sp.token < 0) sp.token = this.baseToken;
    return this.wtx;
  }

  begin(mode: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE' | null): void {
    if (this.explicit) throw sqliteError('cannot start a transaction within a transaction');
    if (mode === 'IMMEDIATE' || mode === 'EXCLUSIVE') this.ensureWriteTxn();
    this.explicit = true;
  }

  commit(): void {
    if (!this.explicit) throw sqliteError('cannot commit - no transaction is active');
    this.commitNow();
  }

  private commitNow(): void {
    if (this.wtx) {
      if (this.deferredViolations > 0) {
        throw sqliteError('FOREIGN KEY constraint failed', 'SQLITE_CONSTRAINT_FOREIGNKEY');
      }
      const w = this.wtx;
      this.wtx = null;
      this.engine.writer = null;
      const ddl = this.txnSchema !== null;
      this.txnSchema = null;
      try {
        w.commit();
      } finally {
        if (ddl) this.engine.invalidateSchema();
      }
    }
    this.explicit = false;
    this.savepoints = [];
    this.deferredViolations = 0;
    // PRAGMA defer_foreign_keys switches off at each COMMIT and ROLLBACK
    this.pragmas.deferForeignKeys = false;
  }

  rollback(): void {
    if (!this.explicit && !this.wtx) throw sqliteError('cannot rollback - no transaction is active');
    this.rollbackNow();
  }

  rollbackNow(): void {
    if (this.wtx) {
      const w = this.wtx;
      this.wtx = null;
      this.engine.writer = null;
      if (w.open) w.rollback();
    }
    if (this.txnSchema) {
      this.txnSchema = null;
      this.schemaGeneration++;
    }
    this.explicit = false;
    this.savepoints = [];
    this.deferredViolations = 0;
    // PRAGMA defer_foreign_keys switches off at each COMMIT and ROLLBACK
    this.pragmas.deferForeignKeys = false;
  }

  savepoint(name: string): void {
    if (!this.explicit && !this.wtx) {
      this.explicit = true;
      this.savepoints.push({ name, token: -1 });
      (this.savepoints[0] as { outermost?: boolean }).outermost = true;
      return;
    }
    this.savepoints.push({ name, token: this.wtx ? this.wtx.savepoint() : -1 });
  }

  private findSavepoint(name: string, verb: string): number {
    for (let i = this.savepoints.length - 1; i >= 0; i--) {
      if (this.savepoints[i].name.toLowerCase() === name.toLowerCase()) return i;
    }
    throw sqliteError(`no such savepoint: ${name}`);
    void verb;
  }

  release(name: string): void {
    const i = this.findSavepoint(name, 'RELEASE');
    const sp = this.savepoints[i];
    if (i === 0 && (sp as { outermost?: boolean }).outermost) {
      this.commitNow();
      return;
    }
    if (this.wtx && sp.token >= 0 && sp.token !== this.baseToken) this.wtx.release(sp.token);
    this.savepoints.length = i;
  }

  rollbackTo(name: string): void {
    const i = this.findSavepoint(name, 'ROLLBACK TO');
    const sp = this.savepoints[i];
    if (this.wtx && sp.token >= 0) {
      this.wtx.rollbackTo(sp.token);
      if (this.txnSchema) {
        this.txnSchema = loadTxnSchema(this.wtx);
        this.schemaGeneration++;
      }
    }
    this.savepoints.length = i + 1;
  }

  /**
   * Runs one write statement with statement-level atomicity. In autocommit mode the statement
   * is its own transaction.
   */
  runWrite<T>(fn: () => T): T {
    const autocommit = !this.explicit && this.wtx === null;
    const w = this.ensureWriteTxn();
    const token = w.savepoint();
    const deferredBefore = this.deferredViolations;
    this.statementFkViolations = 0;
    try {
      const r = fn();
      if (this.statementFkViolations > 0) {
        this.statementFkViolations = 0;
        throw sqliteError('FOREIGN KEY constraint failed', 'SQLITE_CONSTRAINT_FOREIGNKEY');
      }
      if (autocommit) {
        this.explicit = false;
        this.commitNow();
      } else {
        w.release(token);
      }
      return r;
    } catch (e) {
      const flags = e as { rollback?: boolean; fail?: boolean };
      if (flags.rollback) {
        // ON CONFLICT ROLLBACK / RAISE(ROLLBACK): the whole transaction goes
        this.rollbackNow();
      } else if (flags.fail && this.wtx) {
        // ON CONFLICT FAIL: changes the statement made before the failing row stay
        w.release(token);
        if (autocommit) this.commitNow();
      } else if (autocommit || !this.wtx) {
        this.rollbackNow();
      } else {
        w.rollbackTo(token);
        w.release(token);
        this.deferredViolations = deferredBefore;
        if (this.txnSchema) {
          this.txnSchema = loadTxnSchema(w);
          this.schemaGeneration++;
        }
      }
      throw e;
    }
  }

  /** Marks the start of a statement execution (fixes 'now' for the statement). */
  startStatement(): void {
    this.statementTime = 0;
  }

  // ---- Session ----------------------------------------------------------------------------------

  prepare(sql: string, start: number): { stmt: CompiledStatement | null; end: number } {
    this.checkOpen();
    const key = start === 0 ? sql : null;
    let parsed = key !== null ? this.parseCache.get(key) : undefined;
    if (!parsed) {
      parsed = parseStatement(sql, start);
      if (key !== null) {
        if (this.parseCache.size > 256) this.parseCache.clear();
        this.parseCache.set(key, parsed);
      }
    }
    if (!parsed.stmt) return { stmt: null, end: parsed.end };
    const text = sql.slice(parsed.stmt.start, parsed.end).replace(/;\s*$/, '');
    return { stmt: new PreparedStatement(this, parsed.stmt, sql, text), end: parsed.end };
  }

  private checkOpen(): void {
    if (!this.open) throw new TypeError('The database connection is not open');
  }

  close(): void {
    if (!this.open) return;
    if (this.wtx) this.rollbackNow();
    this.open = false;
    this.temp?.close();
    this.temp = null;
    this.engine.release();
  }

  createFunction(name: string, flags: FunctionFlags, impl: ScalarImpl): void {
    const def: ScalarFunctionDef = { name, nArgs: flags.nArgs, deterministic: flags.deterministic, impl: (args) => impl(args) };
    this.udfs.registerScalar(def);
    this.schemaGeneration++;
  }

  createAggregate(name: string, flags: FunctionFlags, impl: AggregateImpl): void {
    const def: AggregateFunctionDef = {
      name,
      nArgs: flags.nArgs,
      hasInverse: !!impl.inverse,
      create: () => {
        let state = impl.start();
        return {
          step: (args) => void (state = impl.step(state, args)),
          inverse: impl.inverse ? (args) => void (state = impl.inverse!(state, args)) : undefined,
          value: () => impl.result(state),
          final: () => impl.result(state),
        };
      },
    };
    this.udfs.registerAggregate(def);
    this.schemaGeneration++;
  }

  private readonly modules = new Map<string, (module: string, database: string, table: string, args: readonly string[]) => TableFunctionImpl>();
  private readonly vtabs = new Map<string, TableValuedFunctionDef>();

  /** `db.table(name, factory)`: a module for CREATE VIRTUAL TABLE ... USING name(args). */
  createModule(name: string, factory: (module: string, database: string, table: string, args: readonly string[]) => TableFunctionImpl): void {
    this.modules.set(name.toLowerCase(), factory);
    this.vtabs.clear();
    this.schemaGeneration++;
  }

  private virtualTable(table: string, module: string, args: readonly string[]): TableValuedFunctionDef {
    const key = table.toLowerCase();
    let def = this.vtabs.get(key);
    if (def) return def;
    const factory = this.modules.get(module.toLowerCase());
    if (!factory) throw sqliteError(`no such module: ${module}`);
    const impl = factory(module, 'main', table, args);
    def = { name: table, columns: impl.columns, hidden: impl.parameters, rows: (a) => impl.rows(a) };
    this.vtabs.set(key, def);
    return def;
  }

  createTableFunction(name: string, impl: TableFunctionImpl): void {
    const def: TableValuedFunctionDef = { name, columns: impl.columns, hidden: impl.parameters, rows: (args) => impl.rows(args) };
    this.udfs.registerTableValued(def);
    this.schemaGeneration++;
  }

  serialize(): Uint8Array {
    this.checkOpen();
    return this.engine.storage.serialize();
  }

  collation(name: string | null) {
    return collationFor(name);
  }
}

export type { SqlValue };
