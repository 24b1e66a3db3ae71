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
 * A write statement runs under a statement savepoint (an error undoes the statement only, ABORT,
 * and keeps the transaction open; in autocommit mode it rolls back everything), except one for
 * which SQLite opens no statement journal (statement-journal.ts): an error then keeps the rows
 * it wrote, as in SQLite, and its changes cost no undo entries unless a SAVEPOINT is open.
 * Readers in other connections never see uncommitted pages (storage copy-on-write).
 *
 * MVCC, increment 1 (docs/internals/mvcc.md): when history is on, the write transaction carries
 * a change capture from ensureWriteTxn() on; commitNow() stamps it (txn, ts) and writes the
 * history in the same storage transaction (time-travel/commit.ts). A db.asOf() connection is a
 * read-only Connection sharing the Engine with `fixedPoint` set: it reads every application
 * table as of that point.
 *
 * MVCC, increment 2 (docs/internals/mvcc.md "Connections"): while several connections share the
 * Engine, a read transaction reads from a snapshot (ReadSnapshot: "current state minus changes
 * after S" from the Engine's VersionLog). A read transaction is an explicit transaction from its
 * first read, or an open iterate() (holdRead/releaseRead), until it ends:
 *
 *   NO READ ──first read in BEGIN / iterate() opens──▶ READING(S) ──COMMIT/ROLLBACK, last iterator done──▶ NO READ
 *                                                      │ first write: S stale (another connection committed
 *                                                      │ after S) → SQLITE_BUSY_SNAPSHOT; else WRITING (wtx)
 *
 * MVCC step B (PRAGMA helios_concurrent_writes, on by default, docs/internals/mvcc.md): with
 * several connections, an explicit transaction's first read or write opens a *concurrent*
 * storage write transaction (private pages over the committed state at S, plus a ReadSnapshot
 * registering S so other committers log their changes); `concurrentTxn` is then true. COMMIT
 * publishes the pages when nothing committed since S, else validates and replays
 * (prepareConcurrentCommit; PRAGMA helios_conflict; foreign keys row by row, fk-replay.ts):
 *
 *   EXPLICIT ──first read/write──▶ CONCURRENT(S) ──COMMIT──▶ nothing written ─────────────▶ AUTOCOMMIT (no stamp)
 *                                                   ├── no commit since S ──publish pages──▶ AUTOCOMMIT
 *                                                   ├── validate fails ─▶ rollback, SQLITE_BUSY_SNAPSHOT
 *                                                   └── validate ok ─▶ exclusive txn: replay write set ─▶ stamp, publish
 *
 * BEGIN IMMEDIATE/EXCLUSIVE also take the engine's exclusive slot (`engine.immediate`) until the
 * transaction ends: another IMMEDIATE/EXCLUSIVE, autocommit writes and other connections'
 * COMMITs get SQLITE_BUSY meanwhile, so the holder's COMMIT never conflicts.
 *
 * With one connection there is nothing to snapshot: a read transaction reads the latest state
 * directly and counts in `engine.rawReaders`; another connection opened meanwhile cannot commit
 * (SQLITE_BUSY) until it ends, so the reader never sees a change it should not.
 * Autocommit get/all/run read the latest state: nothing can commit while they run.
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
import type { ChangeCapture } from '../mvcc/capture.js';
import { ConnectionTimeTravel, registerCompileConnection, rejectAsOfInDefinition } from './time-travel/as-of.js';
import { attachCapture, recordCommit } from './time-travel/commit.js';
import { timeTravelFunctions } from './time-travel/functions.js';
import { historyRoots } from './time-travel/tracked.js';
import { txnAt } from '../mvcc/history.js';
import type { AsOfPoint } from './session-api.js';
import { ReadSnapshot } from '../mvcc/read-snapshot.js';
import type { LoggedCommit } from '../mvcc/version-log.js';
import { logChanges } from '../mvcc/capture.js';
import { redefinedRoots, snapshotTrees } from './time-travel/tracked.js';
import { applyWriteSet, collectWriteSet, indexAddedSince, lastWriterFixups, validateWriteSet } from '../mvcc/concurrent-commit.js';
import { foreignKeyConflict } from './time-travel/fk-replay.js';
import { concurrentSchemaInfo } from './time-travel/concurrent.js';
import { vectorCommitted } from '../vector/state.js'; // vector: commit hook

const NO_ROOTS: ReadonlySet<number> = new Set();

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

  /** Time travel: live AS OF references of this connection's plans, and the routing view. */
  readonly tt = new ConnectionTimeTravel();
  /** For a db.asOf() connection: the point (commit ts, µs) every table is read at; else null. */
  readonly fixedPoint: number | null;
  /** For a db.asOf() connection: the last transaction at or before fixedPoint. */
  private readonly fixedTxn: number;
  /** History capture of the open write transaction (null when history is off). */
  private capture: ChangeCapture | null = null;
  /** Set by PRAGMA helios_retention: reload the MVCC settings after this transaction commits. */
  mvccReload = false;

  /** The read transaction's snapshot (several connections), or null. */
  private snapshot: ReadSnapshot | null = null;
  /** The committed schema at the snapshot. */
  private snapshotSchema: Schema | null = null;
  /** The transaction number at the snapshot (helios_txn()). */
  private snapshotTxn = 0;
  /** The snapshot may still write while no other connection committed after this ts (its own commits advance it). */
  private snapshotSafeUntil = 0;
  /** A read transaction reading the latest state directly (counted in engine.rawReaders). */
  private rawRead = false;
  /** Open iterators holding the read transaction. */
  private readHolds = 0;
  /** Whether `wtx` is a concurrent storage transaction (PRAGMA helios_concurrent_writes, MVCC step B). */
  private concurrentTxn = false;
  /** user_version and application_id when the concurrent transaction began (replayed when changed). */
  private baseUserVersion = 0;
  private baseApplicationId = 0;

  constructor(filename: string, options: SessionOptions & { image?: Uint8Array; shared?: Engine; fixedPoint?: { ts: number; txn: number } }) {
    this.engine = options.shared
      ? options.shared.retain()
      : Engine.open(filename, { readonly: options.readonly, fileMustExist: options.fileMustExist, image: options.image });
    this.fixedPoint = options.fixedPoint?.ts ?? null;
    this.fixedTxn = options.fixedPoint?.txn ?? 0;
    this.readonly = options.readonly;
    this.memory = this.engine.memory;
    this.filename = this.memory ? '' : filename;
    this.pragmas.busyTimeout = options.timeout;
    const builtins = this.engine.functions;
    const udfs = this.udfs;
    const tt = timeTravelFunctions(this);
    this.functions = {
      scalar: (n, k) => udfs.scalar(n, k) ?? (udfs.aggregate(n, k) ? undefined : (builtins.scalar(n, k) ?? tt.scalar(n, k))),
      aggregate: (n, k) => udfs.aggregate(n, k) ?? (udfs.scalar(n, k) ? undefined : builtins.aggregate(n, k)),
      tableValued: (n) => udfs.tableValued(n) ?? builtins.tableValued(n) ?? tt.tableValued(n),
      known: (n) => udfs.known(n) || builtins.known(n) || tt.known(n),
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
    registerCompileConnection(this.functions, this);
    if (this.fixedPoint === null) this.engine.sessions++;
    // Validate the file now: a corrupt header or schema fails at open, as in SQLite.
    try {
      this.schema();
      const view = this.engine.storage.read();
      this.engine.mvcc.load(view, this.engine.schemaOf(view));
      if (this.fixedPoint !== null) this.engine.mvcc.pin(this.fixedPoint);
    } catch (e) {
      if (this.fixedPoint === null) this.engine.sessions--;
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
    let v: PageView;
    if (this.wtx) v = this.wtx;
    else if (this.explicit && this.snapshot === null && !this.rawRead && this.readHolds === 0 && this.canBeginConcurrent()) {
      // MVCC step B: an explicit transaction's snapshot is its concurrent write transaction
      v = this.ensureWriteTxn();
    } else {
      let main: PageView = this.engine.storage.read();
      if (this.explicit && this.snapshot === null && !this.rawRead) this.beginRead();
      if (this.snapshot !== null) main = this.snapshot.view(main);
      v = this.temp ? this.temp.view(main) : main;
    }
    // plans with AS OF tables (or the filtered sqlite_schema) name routed roots (time-travel/routing.ts)
    return this.tt.routing ? this.tt.wrap(v) : v;
  }

  writeView(): PageView {
    return this.ensureWriteTxn();
  }

  /** The schema this connection sees now. */
  schema(): Schema {
    if (this.txnSchema) return this.txnSchema;
    const w = this.wtx;
    const main =
      w === null && this.snapshotSchema !== null ? this.snapshotSchema : this.engine.schemaOf(w instanceof DualTxn ? w.main : (w ?? this.engine.storage.read()));
    return this.temp ? this.temp.committedSchema(main) : main;
  }

  // ---- read transactions (MVCC increment 2) -----------------------------------------------------

  /** Starts the read transaction: a snapshot when other connections share the engine. */
  private beginRead(): void {
    if (this.fixedPoint !== null) return;
    const e = this.engine;
    if (e.concurrent) {
      this.takeSnapshot();
    } else {
      this.rawRead = true;
      e.rawReaders++;
    }
  }

  private takeSnapshot(): void {
    const e = this.engine;
    const schema = e.committed();
    const mv = e.mvcc;
    this.snapshot = new ReadSnapshot(e.versions, mv.lastTs, snapshotTrees(schema));
    this.snapshotSchema = schema;
    this.snapshotTxn = mv.lastTxn;
    this.snapshotSafeUntil = mv.lastTs;
  }

  /**
   * Whether an explicit transaction of this connection runs as a concurrent write transaction
   * now (PRAGMA helios_concurrent_writes on, several connections, no TEMP database) and can
   * start one without waiting (no exclusive writer, no unsnapshotted reader of another connection).
   */
  private canBeginConcurrent(): boolean {
    const e = this.engine;
    return (
      e.concurrentWrites &&
      e.concurrent &&
      this.temp === null &&
      this.fixedPoint === null &&
      !this.readonly &&
      !e.storage.writeTxnOpen &&
      e.rawReaders <= (this.rawRead ? 1 : 0)
    );
  }

  private endRead(): void {
    if (this.snapshot !== null) {
      this.snapshot.close();
      this.snapshot = null;
      if (this.snapshotSchema !== null && this.snapshotSchema !== this.engine.committed()) this.schemaGeneration++;
      this.snapshotSchema = null;
    }
    if (this.rawRead) {
      this.rawRead = false;
      this.engine.rawReaders--;
    }
  }

  /** Open iterators of this connection (VACUUM refuses while any is open). */ // vacuum
  get readHoldCount(): number {
    return this.readHolds;
  }

  /** An iterator opens: it reads one snapshot until releaseRead() (Session.holdRead). */
  holdRead(): void {
    if (this.readHolds++ === 0 && this.wtx === null && this.snapshot === null && !this.rawRead) this.beginRead();
  }

  /** An iterator finished. The read transaction ends with the last one, outside BEGIN ... COMMIT. */
  releaseRead(): void {
    if (this.readHolds === 0) return;
    if (--this.readHolds === 0 && !this.explicit && this.wtx === null) this.endRead();
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
    const e = this.engine;
    const st = e.storage;
    if (this.snapshot !== null && e.mvcc.lastTs > this.snapshotSafeUntil) {
      // SQLite WAL: a read transaction cannot become a write transaction on an old snapshot
      throw sqliteError(
        'database is locked: another connection committed after this transaction read its snapshot, so it cannot write; roll back and retry the transaction',
        'SQLITE_BUSY_SNAPSHOT',
      );
    }
    if (st.writeTxnOpen || e.rawReaders > (this.rawRead ? 1 : 0)) throw sqliteError('database is locked', 'SQLITE_BUSY');
    const concurrent = this.explicit && this.canBeginConcurrent();
    // another connection's BEGIN IMMEDIATE/EXCLUSIVE: only concurrent transactions may write beside it
    if (!concurrent && this.slotTaken()) throw sqliteError('database is locked', 'SQLITE_BUSY');
    if (concurrent) {
      // MVCC step B: a private write set over snapshot S, validated and published at COMMIT
      if (this.snapshot === null) this.takeSnapshot();
      const w = st.beginConcurrent();
      this.wtx = w;
      this.concurrentTxn = true;
      this.baseUserVersion = w.header.userVersion;
      this.baseApplicationId = w.header.applicationId;
    } else {
      const main = st.beginWrite();
      // alone on the engine, nothing else can read: overwrites may change committed pages in place
      if (e.alone) main.writeInPlace?.(true);
      this.wtx = this.temp ? this.temp.beginWrite(main) : main;
      e.writer = this;
    }
    // history capture starts before the first savepoint, so savepoint rollbacks truncate it;
    // with several connections it also feeds the VersionLog of their snapshots
    this.capture = attachCapture(e.mvcc, this.wtx, this.schema(), e.concurrent);
    // Savepoints named before the write transaction began map to one taken now. Without any, no
    // savepoint is open between statements, so statements without a journal log no undo
    // entries (txn.ts invariant 2): ROLLBACK discards the dirty set whole.
    this.baseToken = this.savepoints.length !== 0 ? this.wtx.savepoint() : -1;
    for (const sp of this.savepoints) if (sp.token < 0) sp.token = this.baseToken;
    return this.wtx;
  }

  begin(mode: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE' | null): void {
    if (this.explicit) throw sqliteError('cannot start a transaction within a transaction');
    if (mode === 'IMMEDIATE' || mode === 'EXCLUSIVE') {
      // the exclusive slot (one IMMEDIATE/EXCLUSIVE transaction at a time, as SQLite's write
      // lock); with concurrent writes on, the snapshot (and concurrent write transaction) starts here
      const e = this.engine;
      if (e.immediate !== null && e.immediate !== this) throw sqliteError('database is locked', 'SQLITE_BUSY');
      this.explicit = true;
      try {
        this.ensureWriteTxn();
      } catch (err) {
        this.explicit = false;
        throw err;
      }
      if (this.fixedPoint === null) e.immediate = this;
      return;
    }
    this.explicit = true;
  }

  /** Gives up the exclusive slot of BEGIN IMMEDIATE/EXCLUSIVE (the transaction ended). */
  private releaseSlot(): void {
    if (this.engine.immediate === this) this.engine.immediate = null;
  }

  /** Whether another connection holds the exclusive slot (BEGIN IMMEDIATE/EXCLUSIVE). */
  private slotTaken(): boolean {
    const h = this.engine.immediate;
    return h !== null && h !== this;
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
      if (this.concurrentTxn) this.prepareConcurrentCommit();
    }
    if (this.wtx) {
      const w = this.wtx;
      const mv = this.engine.mvcc;
      const after = this.txnSchema;
      const capture = this.capture;
      this.capture = null;
      // stamp (txn, ts) and write the history into the same storage transaction (time-travel/commit.ts)
      let stamp: { txn: number; ts: number };
      let logged: LoggedCommit | null = null;
      try {
        stamp = recordCommit(mv, w, capture, () => this.engine.committed(), after);
        logged = this.logEntry(capture, stamp.ts, after);
      } catch (e) {
        this.capture = capture;
        throw e;
      }
      this.wtx = null;
      this.concurrentTxn = false;
      this.engine.writer = null;
      this.releaseSlot();
      const ddl = this.txnSchema !== null;
      this.txnSchema = null;
      try {
        w.commit();
      } catch (e) {
        mv.clock.lastTxn = stamp.txn - 1;
        this.mvccReload = false;
        throw e;
      } finally {
        if (ddl) this.engine.invalidateSchema();
      }
      if (logged !== null) this.engine.versions.append(logged);
      if (this.snapshot !== null && mv.lastTs <= this.snapshotSafeUntil) this.snapshotSafeUntil = stamp.ts;
      mv.lastTxn = stamp.txn;
      mv.lastTs = stamp.ts;
      if (this.mvccReload) {
        this.mvccReload = false;
        const view = this.engine.storage.read();
        mv.load(view, this.engine.schemaOf(view), true);
      }
      vectorCommitted(this.engine); // vector: committed rows reach the HNSW indexes now (engine/vector/state.ts; never throws)
    }
    this.explicit = false;
    this.releaseSlot();
    this.savepoints = [];
    this.deferredViolations = 0;
    // PRAGMA defer_foreign_keys switches off at each COMMIT and ROLLBACK
    this.pragmas.deferForeignKeys = false;
    if (this.readHolds === 0) this.endRead();
  }

  /**
   * MVCC step B, COMMIT of a concurrent write transaction (engine/mvcc/concurrent-commit.ts).
   * Nothing committed since it began: its pages are published as they are (commitNow goes on).
   * Otherwise its write set is validated against the commits after S and replayed into an
   * exclusive transaction that replaces `wtx` (commitNow then stamps and publishes that one); a
   * conflict rolls the transaction back and throws SQLITE_BUSY_SNAPSHOT. An exclusive writer
   * still open (a connection with a TEMP database) makes COMMIT fail with SQLITE_BUSY, the
   * transaction staying open.
   */
  private prepareConcurrentCommit(): void {
    const e = this.engine;
    const st = e.storage;
    if (st.writeTxnOpen || this.slotTaken()) throw sqliteError('database is locked', 'SQLITE_BUSY');
    const w = this.wtx!;
    const cap = this.capture;
    const headerChanged = w.header.userVersion !== this.baseUserVersion || w.header.applicationId !== this.baseApplicationId;
    if (cap !== null && cap.length === 0 && !cap.untracked && this.txnSchema === null && !headerChanged && !this.mvccReload) {
      // nothing written (or all of it rolled back to a savepoint): no commit stamp, nothing to publish
      this.wtx = null;
      this.concurrentTxn = false;
      this.capture = null;
      w.rollback();
      return;
    }
    if (!w.behind) return;
    const fk = this.pragmas.foreignKeys;
    const latest = e.committed();
    const ws = cap !== null && this.txnSchema === null ? collectWriteSet(cap, w, fk ? concurrentSchemaInfo(latest).fkParents : null) : null;
    if (ws === null) this.concurrentConflict('it changed the schema (or a table created since it began) while another connection committed');
    const info = concurrentSchemaInfo(this.schema());
    const s = this.snapshot!.ts;
    const policy = e.conflictPolicy;
    const why = validateWriteSet(ws, e.versions, s, info, policy);
    if (why !== null) this.concurrentConflict(`another connection committed a change to ${why} after it began`);
    const now = concurrentSchemaInfo(latest);
    if (indexAddedSince(ws, info, now)) this.concurrentConflict('another connection created an index on a table it wrote after it began');
    // last-writer-wins: index entries of its rows that later commits changed go back to their state at S
    const fixups = policy === 'last_writer_wins' ? lastWriterFixups(ws, e.versions, s, now) : null;
    const userVersion = w.header.userVersion;
    const applicationId = w.header.applicationId;
    w.rollback();
    this.concurrentTxn = false;
    this.wtx = null;
    this.capture = null;
    const nw = st.beginWrite();
    this.wtx = nw;
    e.writer = this;
    this.capture = attachCapture(e.mvcc, nw, e.committed(), true);
    let clash: string | null;
    try {
      clash = applyWriteSet(ws, nw, now, fixups);
      // foreign keys: on the replayed state, for the keys this transaction touched (time-travel/fk-replay.ts)
      if (clash === null && fk) clash = foreignKeyConflict(ws, nw, latest);
      if (userVersion !== this.baseUserVersion) nw.header.userVersion = userVersion;
      if (applicationId !== this.baseApplicationId) nw.header.applicationId = applicationId;
    } catch (err) {
      this.rollbackNow();
      throw err;
    }
    if (clash !== null) this.concurrentConflict(`another connection committed a change to ${clash} after it began`);
  }

  private concurrentConflict(why: string): never {
    this.rollbackNow();
    throw sqliteError(
      `database is locked: could not serialize this transaction: ${why}; the transaction was rolled back, retry it`,
      'SQLITE_BUSY_SNAPSHOT',
    );
  }

  /**
   * What the VersionLog must learn about this commit, when other connections hold snapshots:
   * every changed entry's previous version, and the trees DDL redefined. Without a capture
   * (the transaction began while this was the only connection) the changes are unknown.
   */
  private logEntry(capture: ChangeCapture | null, ts: number, after: Schema | null): LoggedCommit | null {
    const log = this.engine.versions;
    if (!log.needed(this.snapshot !== null ? 1 : 0)) return null;
    if (capture === null || capture.logTrees === null) return { ts, trees: new Map(), invalid: 'all' };
    const invalid = after !== null ? redefinedRoots(this.engine.committed(), after) : NO_ROOTS;
    return { ts, trees: logChanges(capture), invalid };
  }

  rollback(): void {
    if (!this.explicit && !this.wtx) throw sqliteError('cannot rollback - no transaction is active');
    this.rollbackNow();
  }

  rollbackNow(): void {
    this.releaseSlot();
    this.capture = null;
    this.mvccReload = false;
    this.concurrentTxn = false;
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
    if (this.readHolds === 0) this.endRead();
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

  /** Group commit (engine/storage/group-commit.ts) for the database file of this connection. */
  whenDurable(): Promise<void> {
    return this.engine.storage.whenDurable();
  }

  /**
   * Runs one write statement with statement-level atomicity. In autocommit mode the statement
   * is its own transaction. A plan with `journal` false (statement-journal.ts: SQLite opens no
   * statement journal for it) runs without a statement savepoint: an error keeps the rows it
   * wrote before, as in SQLite, and, with no savepoint open, its changes log no undo entries.
   */
  runWrite<T>(plan: { run(): T; readonly journal?: boolean }): T {
    const autocommit = !this.explicit && this.wtx === null;
    const w = this.ensureWriteTxn();
    // autocommit: an error rolls the whole transaction back, so no statement savepoint either
    const token = plan.journal === false || autocommit ? -1 : w.savepoint();
    const deferredBefore = this.deferredViolations;
    this.statementFkViolations = 0;
    try {
      const r = plan.run();
      if (this.statementFkViolations > 0) {
        this.statementFkViolations = 0;
        throw sqliteError('FOREIGN KEY constraint failed', 'SQLITE_CONSTRAINT_FOREIGNKEY');
      }
      if (autocommit) {
        this.explicit = false;
        this.commitNow();
      } else if (token > 0) {
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
        if (token > 0) w.release(token);
        if (autocommit) this.commitNow();
      } else if (autocommit || !this.wtx) {
        this.rollbackNow();
      } else if (token < 0) {
        // no statement journal (explicit transaction): the rows written before the error stay
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
    rejectAsOfInDefinition(parsed.stmt);
    const text = sql.slice(parsed.stmt.start, parsed.end).replace(/;\s*$/, '');
    return { stmt: new PreparedStatement(this, parsed.stmt, sql, text), end: parsed.end };
  }

  private checkOpen(): void {
    if (!this.open) throw new TypeError('The database connection is not open');
  }

  close(): void {
    if (!this.open) return;
    if (this.wtx) this.rollbackNow();
    this.readHolds = 0;
    this.endRead();
    this.open = false;
    if (this.fixedPoint !== null) this.engine.mvcc.unpin(this.fixedPoint);
    else this.engine.sessions--;
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

  /** The point this connection reads: the last commit, or a db.asOf() connection's fixed point. */
  readPoint(): { txn: number; ts: number } {
    if (this.fixedPoint !== null) return { txn: this.fixedTxn, ts: this.fixedPoint };
    if (this.snapshot !== null && (this.wtx === null || this.concurrentTxn)) return { txn: this.snapshotTxn, ts: this.snapshot.ts };
    const mv = this.engine.mvcc;
    return { txn: mv.lastTxn, ts: mv.lastTs };
  }

  /**
   * A read-only connection to the same database fixed at `point` (db.asOf()): every application
   * table reads as it was then. Throws SqliteError when the point is not readable.
   */
  asOf(point: AsOfPoint): Connection {
    this.checkOpen();
    const view = this.engine.storage.read();
    const schema = this.engine.schemaOf(view);
    const mv = this.engine.mvcc;
    const ts = mv.resolve(view, schema, point.kind === 'transaction' ? 'Transaction' : 'Timestamp', point.value);
    const roots = historyRoots(schema);
    const txn = point.kind === 'transaction' ? Number(point.value) : roots ? txnAt(view, roots, ts) : 0;
    return new Connection(this.filename, {
      readonly: true,
      fileMustExist: true,
      timeout: this.pragmas.busyTimeout,
      shared: this.engine,
      fixedPoint: { ts, txn },
    });
  }

  collation(name: string | null) {
    return collationFor(name);
  }
}

export type { SqlValue };
