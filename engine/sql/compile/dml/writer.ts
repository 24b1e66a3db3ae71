/**
 * TableWriter: the row-level write path shared by INSERT, UPDATE, DELETE, REPLACE, upserts,
 * foreign-key actions and triggers. It owns constraint enforcement in SQLite's order
 * (NOT NULL, CHECK, PRIMARY KEY / rowid, UNIQUE indexes, then foreign keys), conflict
 * resolution (ABORT, FAIL, IGNORE, REPLACE, ROLLBACK), index maintenance, AUTOINCREMENT
 * bookkeeping and the connection's change counters.
 *
 * Rows are handled as `vals`: one value per table column in declaration order (the rowid-alias
 * column holds the rowid). `toRecord` turns them into the stored record.
 */
import { sqliteError, SqliteError } from '../../../common/errors.js';
import { Real, type SqlValue, compareValues, INT64_MAX } from '../../../common/value.js';
import type { ConflictAction, Expr } from '../../ast.js';
import type { IndexSchema, TableSchema } from '../../../catalog/types.js';
import type { IndexTree, KeyInfo, Rowid, TableTree } from '../../../storage/api.js';
import type { Ev } from '../../exec/runtime.js';
import { toBool } from '../../exec/truth.js';
import { applyAffinity } from '../../semantics/affinity.js';
import { storageClass } from '../../../common/value.js';
import type { CompileCtx } from '../context.js';
import { compileExpr } from '../expr.js';
import { keyInfoFor } from '../access-path.js';
import { Scope, type ScopeSource } from '../scope.js';
import { bindTableSource } from '../table-source.js';
import type { Connection } from '../../connection.js';
import { ForeignKeys } from './foreign-keys.js';
import { Triggers } from './triggers.js';
import { astSome } from './ast-walk.js';
import { indexChanged } from './one-pass.js';
import { checkConstraintName } from '../../../catalog/build-table.js';
import { pIndexOrder } from '../../../catalog/schema.js';
import { autoincRegisters, nextAutoincRowid, normalizeRowid, stepAutoinc, type AutoincRegister, type AutoincRegisters } from './autoincrement.js';
import { coerceVectorValue, isVectorDeclType, trackVectorWrites } from '../../../vector/dml-hooks.js'; // vector: type check and index maintenance
import { compareKeys } from '../../../storage/keycompare.js';

interface IndexWriter {
  readonly schema: IndexSchema;
  /** Position in TableWriter.indexes (and indexTrees). */
  readonly pos: number;
  readonly keyInfo: KeyInfo;
  /** Key values (without the rowid / PK suffix), from vals (evaluated with the row in its slot). */
  readonly keyOf: (vals: readonly SqlValue[]) => SqlValue[];
  readonly partial: Ev | null;
  /** For error messages: "t.a, t.b" or "index 'i'" */
  readonly what: string;
  readonly code: 'SQLITE_CONSTRAINT_UNIQUE' | 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Thrown to skip the current row (IGNORE). */
export class SkipRow {}
export const SKIP = new SkipRow();

export interface UpsertHandler {
  /** Which conflicts it covers: 'rowid', an index, or any. */
  covers(target: 'rowid' | IndexSchema): boolean;
  /** True when the clause names a conflict target (ON CONFLICT (cols)). */
  readonly targeted: boolean;
  /** Handles the conflict with the existing row (its rowid, or its PRIMARY KEY values in a WITHOUT ROWID table). */
  handle(existing: Rowid | SqlValue[]): void;
}

const NO_UPSERTS: readonly UpsertHandler[] = [];

export class TableWriter {
  readonly source: ScopeSource;
  readonly scope: Scope;
  private readonly indexes: IndexWriter[];
  /** CHECK constraints with the columns each reads (columnsRead). */
  private readonly checks: { ev: Ev; what: string; cols: ReadonlySet<number> }[];
  private readonly generated: { ci: number; ev: Ev }[];
  /** Generated columns declared NOT NULL (checked after the others). */
  private readonly generatedNotNull: number[];
  readonly fks: ForeignKeys;
  readonly triggers: Triggers;
  private readonly rowidSlot: number;
  /** The column readers of `source`, in declaration order. */
  private readonly readers: readonly Ev[];
  /**
   * Called for each row the statement itself inserts, updates or deletes (not rows a REPLACE
   * removes), after the write and its foreign key actions and before AFTER triggers: where
   * SQLite's RETURNING trigger, first in the AFTER list, runs.
   */
  onRow: ((vals: SqlValue[], rowid: Rowid | null) => void) | null = null;
  private readonly pkIndex: IndexWriter | null;
  /** An INSERT statement's own rows set last_insert_rowid (insert.ts). */
  setsLastRowid = false;
  private readonly needsPosition: boolean;

  constructor(
    readonly cx: CompileCtx,
    readonly conn: Connection,
    readonly table: TableSchema,
    alias: string | null,
  ) {
    if (table.name.toLowerCase().startsWith('sqlite_') && table.name.toLowerCase() !== 'sqlite_sequence' && table.name.toLowerCase() !== 'sqlite_stat1') {
      throw sqliteError(`table ${table.name} may not be modified`);
    }
    const slot = cx.rt.allocSlot();
    this.rowidSlot = slot;
    this.source = bindTableSource(cx, table, alias ?? table.name, slot);
    this.scope = new Scope([this.source], null, { correlated: false, depth: 0 });
    this.readers = this.source.columns.map((c) => c.read);
    // UNIQUE constraints are checked in Table.pIndex order, REPLACE indexes after all others
    const created = pIndexOrder(cx.schema, table);
    const list = [...created.filter((i) => i.onConflict !== 'REPLACE'), ...created.filter((i) => i.onConflict === 'REPLACE')];
    this.indexes = list.map((idx, pos) => this.indexWriter(idx, pos));
    this.pkIndex = table.withoutRowid ? this.indexes.find((i) => i.schema.origin === 'pk') ?? null : null;
    this.checks = table.checks.map((c) => ({ ev: compileExpr(cx, c.expr, this.scope).ev, what: checkConstraintName(c), cols: columnsRead(table, c.expr) }));
    this.generated = [];
    this.generatedNotNull = [];
    table.columns.forEach((c, ci) => {
      if (c.generated && c.generated.stored) this.generated.push({ ci, ev: compileExpr(cx, c.generated.expr, this.scope).ev });
      if (c.generated && c.notNull) this.generatedNotNull.push(ci);
    });
    // CHECK constraints, generated columns and partial/expression indexes read the row from the slot
    this.needsPosition =
      this.checks.length > 0 || this.generated.length > 0 || this.indexes.some((w) => w.partial !== null || w.schema.columns.some((c) => c.column < 0));
    this.fks = new ForeignKeys(cx, conn, this);
    this.triggers = new Triggers(cx, conn, table);
    this.autoinc = table.autoincrement ? autoincRegisters(conn) : null;
  }

  private indexWriter(idx: IndexSchema, pos: number): IndexWriter {
    const t = this.table;
    const parts: ((vals: readonly SqlValue[]) => SqlValue)[] = idx.columns.map((c) => {
      if (c.column >= 0) {
        const ci = c.column;
        return (vals) => vals[ci];
      }
      if (c.column === -1) return () => this.cx.rt.rowids[this.rowidSlot] as SqlValue;
      const ev = compileExpr(this.cx, c.expr!, this.scope).ev;
      return () => ev();
    });
    const what = idx.columns.every((c) => c.column >= 0)
      ? idx.columns.map((c) => `${t.name}.${t.columns[c.column].name}`).join(', ')
      : `index '${idx.name}'`;
    return {
      schema: idx,
      pos,
      keyInfo: keyInfoFor(this.cx, t, idx),
      keyOf: (vals) => parts.map((p) => p(vals)),
      partial: idx.partial ? compileExpr(this.cx, idx.partial, this.scope).ev : null,
      what,
      code: idx.origin === 'pk' ? 'SQLITE_CONSTRAINT_PRIMARYKEY' : 'SQLITE_CONSTRAINT_UNIQUE',
    };
  }

  /** Whether the table has indexes (whose entries update() maintains from the old and new values). */
  get hasIndexes(): boolean {
    return this.indexes.length > 0;
  }

  /** Trees opened on the current write transaction (re-opened when the transaction changes). */
  private view: unknown = null;
  private tableTree: TableTree | null = null;
  private indexTrees: (IndexTree | null)[] = [];

  private tree(): TableTree {
    const v = this.cx.rt.host.writeView();
    if (v !== this.view || this.tableTree === null) {
      this.view = v;
      this.indexTrees = [];
      // vector: writes to tables with VECTOR columns are recorded for the HNSW indexes (engine/vector/dml-hooks.ts)
      this.tableTree = trackVectorWrites(this.conn, this.table, v.openTable(this.table.root));
    }
    return this.tableTree;
  }

  private indexTree(w: IndexWriter): IndexTree {
    const v = this.cx.rt.host.writeView();
    if (v !== this.view) {
      this.view = v;
      this.tableTree = null;
      this.indexTrees = [];
    }
    let t = this.indexTrees[w.pos];
    if (!t) t = this.indexTrees[w.pos] = v.openIndex(w.schema.root, w.keyInfo);
    return t;
  }

  /** For each record position, the column stored there (VIRTUAL generated columns have none). */
  private recordColumns: number[] | null = null;

  /**
   * Stored record for vals (rowid alias stored as NULL; VIRTUAL generated columns omitted), as a
   * new packed array of exact size for up to 8 columns (what the readers index on every row, and
   * what the table tree may keep as the row's decoded form: writer callers own it).
   */
  toRecord(vals: readonly SqlValue[]): SqlValue[] {
    const t = this.table;
    const cols = (this.recordColumns ??= recordColumnsOf(t));
    const a = t.rowidAlias;
    if (cols.length === t.columns.length) {
      // every column is stored, in declaration order
      switch (cols.length) {
        case 1:
          return [stored(vals, 0, a)];
        case 2:
          return [stored(vals, 0, a), stored(vals, 1, a)];
        case 3:
          return [stored(vals, 0, a), stored(vals, 1, a), stored(vals, 2, a)];
        case 4:
          return [stored(vals, 0, a), stored(vals, 1, a), stored(vals, 2, a), stored(vals, 3, a)];
        case 5:
          return [stored(vals, 0, a), stored(vals, 1, a), stored(vals, 2, a), stored(vals, 3, a), stored(vals, 4, a)];
        case 6:
          return [stored(vals, 0, a), stored(vals, 1, a), stored(vals, 2, a), stored(vals, 3, a), stored(vals, 4, a), stored(vals, 5, a)];
      }
    }
    const rec: SqlValue[] = [];
    for (let ri = 0; ri < cols.length; ri++) rec.push(stored(vals, cols[ri], a));
    return rec;
  }

  /** Values in declaration order of the row currently in the writer's slot (virtual columns computed). */
  currentVals(): SqlValue[] {
    const readers = this.readers;
    const n = readers.length;
    const vals = new Array<SqlValue>(n);
    for (let i = 0; i < n; i++) vals[i] = readers[i]();
    return vals;
  }

  /** Places a row in the writer's slot so that CHECK, index and trigger expressions see it. */
  position(vals: readonly SqlValue[], rowid: Rowid | null): void {
    const rt = this.cx.rt;
    rt.rows[this.rowidSlot] = this.toRecord(vals);
    rt.rowids[this.rowidSlot] = rowid;
  }

  /** Loads an existing row by rowid into the slot; returns its vals or undefined. */
  load(rowid: Rowid): SqlValue[] | undefined {
    const rec = this.tree().get(rowid);
    if (rec === undefined) return undefined;
    const rt = this.cx.rt;
    rt.rows[this.rowidSlot] = rec;
    rt.rowids[this.rowidSlot] = rowid;
    return this.currentVals();
  }

  /** Column affinity / STRICT typing for one value. */
  coerce(ci: number, v: SqlValue): SqlValue {
    const col = this.table.columns[ci];
    // vector: VECTOR(n) columns accept only n-dimensional vectors, stored as float32 BLOBs (engine/vector/column.ts)
    const vec = isVectorDeclType(col.type) ? coerceVectorValue(this.table, col, v) : undefined;
    if (vec !== undefined) return vec;
    if (this.table.strict) {
      const r = strictValue(this.table, ci, v);
      if (r instanceof SqliteError) {
        // OP_TypeCheck runs after the NOT NULL checks: raised by checkNotNull (first bad column)
        if (this.typeError === null || ci < this.typeErrorColumn) {
          this.typeError = r;
          this.typeErrorColumn = ci;
        }
        return v;
      }
      return r;
    }
    return applyAffinity(v, col.affinity);
  }

  /** A STRICT type error found by coerce for the row being written, raised after NOT NULL. */
  private typeError: SqliteError | null = null;
  private typeErrorColumn = 0;
  /**
   * The type error once the NOT NULL checks passed: OP_TypeCheck (sqlite3TableAffinity) runs
   * lazily in sqlite3GenerateConstraintChecks, before the first CHECK constraint evaluated or
   * the first index key built, else before the record is made; the rowid check does not run it.
   */
  private pendingType: SqliteError | null = null;

  private typeCheck(): void {
    const e = this.pendingType;
    if (e !== null) {
      this.pendingType = null;
      throw e;
    }
  }

  private conflictFor(stmt: ConflictAction | null, constraint: ConflictAction | null): ConflictAction {
    return stmt ?? constraint ?? 'ABORT';
  }

  /** Computes STORED generated columns (VIRTUAL ones are computed on read). */
  private computeGenerated(vals: SqlValue[], rowid: Rowid | null): void {
    if (this.generated.length === 0) return;
    this.position(vals, rowid);
    for (const g of this.generated) {
      vals[g.ci] = this.coerce(g.ci, g.ev());
      this.position(vals, rowid);
    }
  }

  private nextRowid(): Rowid {
    const max = this.tree().maxRowid();
    if (this.autoinc !== null) return nextAutoincRowid(this.autoincRegister(), max);
    if (typeof max === 'bigint') {
      if (max >= INT64_MAX) return this.randomRowid();
      return normalizeRowid(max + 1n);
    }
    return max === Number.MAX_SAFE_INTEGER ? normalizeRowid(BigInt(max) + 1n) : max + 1;
  }

  private randomRowid(): Rowid {
    const t = this.tree();
    for (let i = 0; i < 100; i++) {
      const r = normalizeRowid(BigInt.asIntN(64, BigInt(Math.floor(Math.random() * 2 ** 52)) * 4096n + BigInt(i)) & INT64_MAX);
      if (r !== 0 && t.get(r) === undefined) return r;
    }
    throw sqliteError('database or disk is full', 'SQLITE_FULL');
  }

  /** AUTOINCREMENT: the table's register in the running statement (autoincrement.ts). */
  private readonly autoinc: AutoincRegisters | null;
  private autoincGeneration = -1;
  private autoincReg: AutoincRegister | null = null;

  private autoincRegister(): AutoincRegister {
    const regs = this.autoinc!;
    if (this.autoincReg === null || this.autoincGeneration !== regs.generation) {
      this.autoincReg = regs.register(this.cx, this.table);
      this.autoincGeneration = regs.generation;
    }
    return this.autoincReg;
  }

  /**
   * Inserts a row. `vals` holds every column (defaults already applied, affinity applied);
   * `explicitRowid` is the rowid given by the statement (IPK value or rowid column), or null.
   * Returns the rowid, or null when the row was skipped (IGNORE, DO NOTHING, handled by upsert).
   */
  insert(vals: SqlValue[], explicitRowid: SqlValue, orAction: ConflictAction | null, upserts: readonly UpsertHandler[]): Rowid | null {
    const t = this.table;
    let rowid: Rowid | null = null;
    try {
      if (!t.withoutRowid && explicitRowid !== null) rowid = rowidValue(explicitRowid);
      if (this.triggers.has('BEFORE', 'INSERT')) {
        this.triggers.fire('BEFORE', 'INSERT', null, vals, rowid ?? -1);
      }
      let generated = false;
      if (!t.withoutRowid && rowid === null) {
        rowid = this.nextRowid();
        generated = true;
      } else if (this.autoinc !== null) stepAutoinc(this.autoincRegister(), rowid!);
      if (t.rowidAlias >= 0) vals[t.rowidAlias] = rowid;
      this.computeGenerated(vals, rowid);
      this.checkNotNull(vals, orAction, rowid);
      if (this.needsPosition) this.position(vals, rowid);
      this.checkChecks(orAction);
      // PRIMARY KEY / rowid conflicts (an explicit rowid) and UNIQUE indexes
      const rowidCheckAt = !t.withoutRowid && !generated ? this.rowidCheckPosition(orAction, upserts) : -1;
      if (this.checkUnique(vals, null, null, orAction, upserts, rowidCheckAt, rowid)) return null;
      this.typeCheck();
      this.fks.childAdded(vals);
      this.fks.parentAdded(vals);
      this.write(vals, rowid);
      // OP_Insert with OPFLAG_LASTROWID: set before RETURNING and AFTER triggers run (an error
      // there leaves it set, though the row is rolled back)
      if (this.setsLastRowid && rowid !== null) this.conn.lastInsertRowid = rowid;
      this.conn.changes++;
      if (this.onRow !== null) this.onRow(vals, rowid);
      if (this.triggers.has('AFTER', 'INSERT')) this.triggers.fire('AFTER', 'INSERT', null, vals, rowid ?? -1);
      return rowid ?? 0;
    } catch (e) {
      this.typeError = null;
      this.pendingType = null;
      if (e === SKIP) return null;
      throw e;
    }
  }

  private raise(action: ConflictAction, message: string, code: string): never {
    const err = new SqliteError(message, code);
    if (action === 'ROLLBACK') (err as SqliteError & { rollback?: boolean }).rollback = true;
    if (action === 'FAIL') (err as SqliteError & { fail?: boolean }).fail = true;
    throw err;
  }

  /**
   * NOT NULL constraints: ordinary columns first, then generated ones (sqlite3GenerateConstraintChecks'
   * second pass; a VIRTUAL column's value is computed from the row placed in the slot).
   */
  private checkNotNull(vals: SqlValue[], orAction: ConflictAction | null, rowid: Rowid | null): void {
    const t = this.table;
    const typeError = this.typeError;
    if (typeError !== null) this.typeError = null;
    // first pass: REPLACE with a DEFAULT (even DEFAULT NULL) puts the default in; the second
    // pass, run when some column was so handled, checks those columns again as ABORT
    let replaced: number[] | null = null;
    for (let ci = 0; ci < t.columns.length; ci++) {
      const col = t.columns[ci];
      if (!col.notNull || col.generated || ci === t.rowidAlias) continue;
      const action = this.conflictFor(orAction, col.notNullConflict);
      if (action === 'REPLACE' && col.defaultValue) {
        (replaced ??= []).push(ci);
        if (vals[ci] === null) vals[ci] = this.coerce(ci, compileExpr(this.cx, col.defaultValue.expr, this.scope).ev());
        continue;
      }
      if (vals[ci] !== null) continue;
      if (action === 'IGNORE') throw SKIP;
      this.raise(action === 'REPLACE' ? 'ABORT' : action, `NOT NULL constraint failed: ${t.name}.${col.name}`, 'SQLITE_CONSTRAINT_NOTNULL');
    }
    if (replaced !== null) {
      for (const ci of replaced) {
        if (vals[ci] === null) this.raise('ABORT', `NOT NULL constraint failed: ${t.name}.${t.columns[ci].name}`, 'SQLITE_CONSTRAINT_NOTNULL');
      }
    }
    for (const ci of this.generatedNotNull) {
      const col = t.columns[ci];
      if (col.generated!.stored) {
        if (vals[ci] !== null) continue;
      } else {
        this.position(vals, rowid);
        if (this.source.columns[ci].read() !== null) continue;
      }
      const action = this.conflictFor(orAction, col.notNullConflict);
      if (action === 'IGNORE') throw SKIP;
      this.raise(action === 'REPLACE' ? 'ABORT' : action, `NOT NULL constraint failed: ${t.name}.${col.name}`, 'SQLITE_CONSTRAINT_NOTNULL');
    }
    this.pendingType = typeError;
  }

  /** Per set of assigned columns (one per UPDATE statement): the indexes whose key may change. */
  private readonly changing = new WeakMap<ReadonlySet<number>, ((idx: IndexSchema) => boolean) | null>();

  /**
   * aRegIdx of sqlite3Update: the indexes an UPDATE of `changedCols` rewrites, or null for all
   * (chngKey: the rowid or a PRIMARY KEY column is assigned, so every index entry moves).
   */
  private indexesChanging(changedCols: ReadonlySet<number>): ((idx: IndexSchema) => boolean) | null {
    let f = this.changing.get(changedCols);
    if (f === undefined) {
      const t = this.table;
      const chngKey = t.withoutRowid ? t.primaryKey.some((c) => changedCols.has(c)) : (t.rowidAlias >= 0 && changedCols.has(t.rowidAlias)) || changedCols.has(-1);
      if (chngKey) f = null;
      else {
        const set = new Set(this.indexes.filter((w) => indexChanged(t, w.schema, changedCols)).map((w) => w.schema));
        f = (idx: IndexSchema) => set.has(idx);
      }
      this.changing.set(changedCols, f);
    }
    return f;
  }

  /** CHECK constraints; an UPDATE (`changed`) skips those reading no changed column. */
  private checkChecks(orAction: ConflictAction | null, changed: ReadonlySet<number> | null = null): void {
    for (const c of this.checks) {
      if (changed !== null && !readsAny(c.cols, changed)) continue;
      this.typeCheck();
      const v = c.ev();
      if (v !== null && !toBool(v)) {
        const action = this.conflictFor(orAction, null);
        if (action === 'IGNORE') throw SKIP;
        this.raise(action === 'REPLACE' ? 'ABORT' : action, `CHECK constraint failed: ${c.what}`, 'SQLITE_CONSTRAINT_CHECK');
      }
    }
  }

  /** Finds a row (other than `self`) whose unique key equals `key`. */
  private findConflict(w: IndexWriter, key: SqlValue[], self: Rowid | null, selfPk: SqlValue[] | null): Rowid | SqlValue[] | null {
    for (const v of key) if (v === null) return null;
    const cur = this.indexTree(w).cursor();
    if (!cur.seek(key, 'ge')) return null;
    const k = cur.key();
    for (let i = 0; i < key.length; i++) {
      if (compareValues(k[i], key[i], w.keyInfo.collations[i]) !== 0) return null;
    }
    if (this.table.withoutRowid) {
      const pk = this.pkOfKey(w, k);
      if (selfPk && pk.every((v, i) => compareValues(v, selfPk[i]) === 0)) {
        // our own entry: look at the next one
        if (!cur.next()) return null;
        const k2 = cur.key();
        for (let i = 0; i < key.length; i++) if (compareValues(k2[i], key[i], w.keyInfo.collations[i]) !== 0) return null;
        return this.pkOfKey(w, k2);
      }
      return pk;
    }
    const r = k[k.length - 1] as Rowid;
    if (self !== null && r === self) {
      if (!cur.next()) return null;
      const k2 = cur.key();
      for (let i = 0; i < key.length; i++) if (compareValues(k2[i], key[i], w.keyInfo.collations[i]) !== 0) return null;
      return k2[k2.length - 1] as Rowid;
    }
    return r;
  }

  private pkOfKey(w: IndexWriter, key: readonly SqlValue[]): SqlValue[] {
    const t = this.table;
    if (w.schema.origin === 'pk') return key.slice(0, t.primaryKey.length);
    return t.primaryKey.map((pkc) => {
      const i = w.schema.columns.findIndex((c) => c.column === pkc);
      if (i >= 0) return key[i];
      let p = w.schema.columns.length;
      for (const other of t.primaryKey) {
        if (other === pkc) break;
        if (!w.schema.columns.some((c) => c.column === other)) p++;
      }
      return key[p];
    });
  }

  private upsertOrderFor: readonly UpsertHandler[] | null = null;
  private upsertOrder: IndexWriter[] = [];

  /**
   * Order of the UNIQUE checks with upsert clauses (sqlite3GenerateConstraintChecks): the index
   * each targeted clause names (the first matching one), in clause order, then all others.
   */
  private checkOrder(upserts: readonly UpsertHandler[]): IndexWriter[] {
    if (upserts.length === 0) return this.indexes;
    if (this.upsertOrderFor === upserts) return this.upsertOrder;
    const first: IndexWriter[] = [];
    for (const u of upserts) {
      if (!u.targeted) break;
      const w = this.indexes.find((x) => x.schema.unique && u.covers(x.schema));
      if (w && !first.includes(w)) first.push(w);
    }
    this.upsertOrderFor = upserts;
    this.upsertOrder = [...first, ...this.indexes.filter((w) => !first.includes(w))];
    return this.upsertOrder;
  }

  /**
   * Where the rowid uniqueness check runs among the UNIQUE index checks (an index into
   * checkOrder; its length = after all of them), as sqlite3GenerateConstraintChecks orders it:
   * first, except (a) when the first ON CONFLICT clause names a UNIQUE index, the rowid is
   * checked after the indexes of the leading clauses that name indexes (upsertIpkDelay), and
   * (b) an `INTEGER PRIMARY KEY ON CONFLICT REPLACE` not forced by the statement's OR clause is
   * checked after every index (ipkTop, "defer IPK REPLACE until last").
   */
  private rowidCheckPosition(orAction: ConflictAction | null, upserts: readonly UpsertHandler[]): number {
    if (upserts.length > 0 && upserts[0].targeted && !upserts[0].covers('rowid')) {
      const leading: IndexWriter[] = [];
      for (const u of upserts) {
        if (!u.targeted || u.covers('rowid')) break;
        const w = this.indexes.find((x) => x.schema.unique && u.covers(x.schema));
        if (w && !leading.includes(w)) leading.push(w);
      }
      return leading.length;
    }
    if (orAction !== 'REPLACE' && this.table.pkConflict === 'REPLACE' && this.indexes.length > 0) return this.checkOrder(upserts).length;
    return 0;
  }

  /** The rowid uniqueness check of a new rowid; true if the row must be skipped (IGNORE / upsert). */
  private checkRowid(vals: SqlValue[], rowid: Rowid, orAction: ConflictAction | null, upserts: readonly UpsertHandler[]): boolean {
    if (this.tree().get(rowid) === undefined) return false;
    const up = upserts.find((u) => u.covers('rowid'));
    if (up) {
      up.handle(rowid);
      return true;
    }
    const t = this.table;
    const action = this.conflictFor(orAction, t.pkConflict);
    if (action === 'IGNORE') return true;
    if (action !== 'REPLACE') this.raise(action, `UNIQUE constraint failed: ${t.name}.${t.rowidAlias >= 0 ? t.columns[t.rowidAlias].name : 'rowid'}`, 'SQLITE_CONSTRAINT_PRIMARYKEY');
    this.deleteRow(rowid, this.load(rowid)!, true);
    this.position(vals, rowid);
    return false;
  }

  /**
   * UNIQUE checks (and the check of `newRowid` at `rowidCheckAt`, -1 for none); `self` / `selfPk`
   * is the row being updated (its own index entries are no conflict). Returns true if the row
   * must be skipped (IGNORE / upsert handled it).
   */
  private checkUnique(
    vals: SqlValue[],
    self: Rowid | null,
    selfPk: SqlValue[] | null,
    orAction: ConflictAction | null,
    upserts: readonly UpsertHandler[],
    rowidCheckAt: number,
    newRowid: Rowid | null,
    /** UPDATE: the indexes whose key may change (aRegIdx[i] != 0); the others are not visited. */
    changes: ((idx: IndexSchema) => boolean) | null = null,
  ): boolean {
    const order = this.checkOrder(upserts);
    for (let i = 0; i < order.length; i++) {
      if (i === rowidCheckAt && this.checkRowid(vals, newRowid!, orAction, upserts)) return true;
      const w = order[i];
      if (changes !== null && !changes(w.schema)) continue;
      this.typeCheck();
      if (!w.schema.unique) continue;
      if (w.partial && !toBool(w.partial())) continue;
      const key = w.keyOf(vals);
      const hit = this.findConflict(w, key, self, selfPk);
      if (hit === null) continue;
      const up = upserts.find((u) => u.covers(w.schema));
      if (up) {
        up.handle(hit);
        return true;
      }
      const action = this.conflictFor(orAction, w.schema.onConflict);
      if (action === 'IGNORE') return true;
      if (action === 'REPLACE') {
        if (this.table.withoutRowid) this.deleteByPk(hit as SqlValue[]);
        else this.deleteRow(hit as Rowid, this.load(hit as Rowid)!, true);
        this.position(vals, newRowid);
        continue;
      }
      this.raise(action, `UNIQUE constraint failed: ${w.what}`, w.code);
    }
    return rowidCheckAt >= order.length && this.checkRowid(vals, newRowid!, orAction, upserts);
  }

  private deleteByPk(pk: SqlValue[]): void {
    const vals = this.loadByPk(pk);
    if (vals) this.deleteRow(null, vals, true);
  }

  /** WITHOUT ROWID: loads the row with that PRIMARY KEY into the slot; returns its vals or undefined. */
  loadByPk(pk: readonly SqlValue[]): SqlValue[] | undefined {
    const cur = this.indexTree(this.pkIndex!).cursor();
    if (!cur.seek(pk as SqlValue[], 'ge')) return undefined;
    const rec = cur.key().slice();
    const rt = this.cx.rt;
    rt.rows[this.rowidSlot] = rec;
    rt.rowids[this.rowidSlot] = null;
    return this.currentVals();
  }

  /**
   * WITHOUT ROWID: re-reads the row now in the slot by its PRIMARY KEY, since an earlier change
   * of this statement (REPLACE, a trigger, a cascade) may have changed or deleted it; undefined
   * when it is gone (SQLite's OP_NotFound skips it).
   */
  reloadByPk(): SqlValue[] | undefined {
    const n = this.table.primaryKey.length;
    const pk = (this.cx.rt.rows[this.rowidSlot] as readonly SqlValue[]).slice(0, n);
    const cur = this.indexTree(this.pkIndex!).cursor();
    if (!cur.seek(pk, 'ge') || compareKeys(cur.key(), pk, this.pkIndex!.keyInfo) !== 0) return undefined;
    return this.loadByPk(pk);
  }

  /** Loads a row by rowid, or by PRIMARY KEY values in a WITHOUT ROWID table. */
  loadRow(key: Rowid | SqlValue[]): SqlValue[] | undefined {
    return Array.isArray(key) ? this.loadByPk(key) : this.load(key);
  }

  /** Writes the record and its index entries (no checks). */
  private write(vals: SqlValue[], rowid: Rowid | null): void {
    const rec = this.toRecord(vals);
    const rt = this.cx.rt;
    rt.rows[this.rowidSlot] = rec;
    rt.rowids[this.rowidSlot] = rowid;
    if (!this.table.withoutRowid) this.tree().insert(rowid!, rec);
    for (const w of this.indexes) {
      if (w.partial && !toBool(w.partial())) continue;
      this.indexTree(w).insert(this.fullKey(w, vals, rowid));
    }
  }

  private fullKey(w: IndexWriter, vals: readonly SqlValue[], rowid: Rowid | null): SqlValue[] {
    const key = w.keyOf(vals);
    if (!this.table.withoutRowid) {
      key.push(rowid as SqlValue);
      return key;
    }
    if (w.schema.origin === 'pk') {
      // the PK tree holds the whole record: PK columns first, then the rest
      return this.toRecord(vals);
    }
    for (const pkc of this.table.primaryKey) {
      if (w.schema.columns.some((c) => c.column === pkc)) continue;
      key.push(vals[pkc]);
    }
    return key;
  }

  /**
   * In-place update of a rowid-table row whose rowid does not change: the record is
   * overwritten and only index entries whose key changed are replaced.
   */
  private rewrite(oldVals: readonly SqlValue[], newVals: readonly SqlValue[], rowid: Rowid): void {
    const rt = this.cx.rt;
    const slot = this.rowidSlot;
    const newRec = this.toRecord(newVals);
    const oldRec = this.indexes.length > 0 ? this.toRecord(oldVals) : newRec;
    for (const w of this.indexes) {
      rt.rows[slot] = oldRec;
      rt.rowids[slot] = rowid;
      const wasIn = !w.partial || toBool(w.partial());
      const oldKey = wasIn ? this.fullKey(w, oldVals, rowid) : null;
      rt.rows[slot] = newRec;
      const isIn = !w.partial || toBool(w.partial());
      const newKey = isIn ? this.fullKey(w, newVals, rowid) : null;
      if (oldKey && newKey && sameKey(oldKey, newKey)) continue;
      if (oldKey) this.indexTree(w).delete(oldKey);
      if (newKey) this.indexTree(w).insert(newKey);
    }
    rt.rows[slot] = newRec;
    rt.rowids[slot] = rowid;
    this.tree().insert(rowid, newRec, true);
  }

  private unwrite(vals: readonly SqlValue[], rowid: Rowid | null): void {
    const rt = this.cx.rt;
    rt.rows[this.rowidSlot] = this.toRecord(vals);
    rt.rowids[this.rowidSlot] = rowid;
    for (const w of this.indexes) {
      if (w.partial && !toBool(w.partial())) continue;
      this.indexTree(w).delete(this.fullKey(w, vals, rowid));
    }
    if (!this.table.withoutRowid) this.tree().delete(rowid!);
  }

  /**
   * Deletes one row (given its current vals). `replace` marks deletions done by REPLACE
   * conflict resolution (no delete triggers unless recursive_triggers, as SQLite).
   */
  deleteRow(rowid: Rowid | null, vals: SqlValue[], replace = false): void {
    const fire = !replace || this.conn.pragmas.recursiveTriggers;
    if (fire && this.triggers.has('BEFORE', 'DELETE')) this.triggers.fire('BEFORE', 'DELETE', vals, null, rowid ?? -1);
    this.fks.childRemoved(vals);
    this.fks.parentRemoved(vals, rowid);
    this.unwrite(vals, rowid);
    if (!replace) this.conn.changes++;
    this.fks.actions(vals, null);
    if (!replace && this.onRow !== null) this.onRow(vals, rowid);
    if (fire && this.triggers.has('AFTER', 'DELETE')) this.triggers.fire('AFTER', 'DELETE', vals, null, rowid ?? -1);
  }

  /**
   * Updates one row from `oldVals` to `newVals` (affinity applied). `changedCols` lists the
   * columns assigned by the statement (for UPDATE OF triggers and FK checks).
   */
  update(oldRowid: Rowid | null, oldVals: SqlValue[], newVals: SqlValue[], orAction: ConflictAction | null, changedCols: ReadonlySet<number>): boolean {
    const t = this.table;
    try {
      let newRowid = oldRowid;
      if (!t.withoutRowid && t.rowidAlias >= 0) {
        // OP_MustBeInt: NULL or a non-integer is `datatype mismatch` (no new rowid is chosen)
        newRowid = rowidValue(newVals[t.rowidAlias]);
        newVals[t.rowidAlias] = newRowid;
      }
      if (this.triggers.has('BEFORE', 'UPDATE')) {
        this.triggers.fire('BEFORE', 'UPDATE', oldVals, newVals, oldRowid ?? -1, changedCols);
        // a BEFORE trigger may have deleted or changed the row
        if (!t.withoutRowid && this.tree().get(oldRowid!) === undefined) {
          this.typeError = null;
          return false;
        }
      }
      this.computeGenerated(newVals, newRowid);
      this.checkNotNull(newVals, orAction, newRowid);
      if (this.needsPosition) this.position(newVals, newRowid);
      this.checkChecks(orAction, changedCols);
      const rowidCheckAt = !t.withoutRowid && newRowid !== oldRowid ? this.rowidCheckPosition(orAction, NO_UPSERTS) : -1;
      const selfPk = t.withoutRowid ? t.primaryKey.map((c) => oldVals[c]) : null;
      if (this.needsPosition) this.position(newVals, newRowid);
      if (this.checkUnique(newVals, oldRowid, selfPk, orAction, NO_UPSERTS, rowidCheckAt, newRowid, this.indexesChanging(changedCols))) return false;
      this.typeCheck();
      this.fks.childRemoved(oldVals, changedCols);
      this.fks.parentRemoved(oldVals, oldRowid, changedCols);
      if (!t.withoutRowid && newRowid === oldRowid) this.rewrite(oldVals, newVals, oldRowid!);
      else {
        this.unwrite(oldVals, oldRowid);
        this.write(newVals, newRowid);
      }
      this.fks.childAdded(newVals, changedCols);
      this.fks.parentAdded(newVals, changedCols);
      this.conn.changes++;
      this.fks.actions(oldVals, newVals);
      if (this.onRow !== null) this.onRow(newVals, newRowid);
      if (this.triggers.has('AFTER', 'UPDATE')) this.triggers.fire('AFTER', 'UPDATE', oldVals, newVals, newRowid ?? -1, changedCols);
      return true;
    } catch (e) {
      this.typeError = null;
      this.pendingType = null;
      if (e === SKIP) return false;
      throw e;
    }
  }
}

/** The columns an expression reads (by name; the rowid as its alias, or -1), for UPDATE's skipping. */
function columnsRead(table: TableSchema, e: Expr): ReadonlySet<number> {
  const out = new Set<number>();
  astSome(e, (n) => {
    if (n.kind === 'Column' && n.name !== undefined) {
      const ci = table.columnIndex.get(n.name.toLowerCase());
      if (ci !== undefined) out.add(ci);
      else if (ROWID_NAMES.has(n.name.toLowerCase())) out.add(table.rowidAlias >= 0 ? table.rowidAlias : -1);
    }
    return false;
  });
  return out;
}

const ROWID_NAMES = new Set(['rowid', 'oid', '_rowid_']);

/** sqlite3ExprReferencesUpdatedColumn over a precomputed column set (the rowid changes with the INTEGER PRIMARY KEY). */
function readsAny(cols: ReadonlySet<number>, changed: ReadonlySet<number>): boolean {
  for (const c of cols) if (changed.has(c)) return true;
  return false;
}

/** The value column `ci` stores: NULL for the rowid alias (its value is the rowid). */
function stored(vals: readonly SqlValue[], ci: number, rowidAlias: number): SqlValue {
  return ci === rowidAlias ? null : vals[ci];
}

/** For each record position of `t`, its column. */
function recordColumnsOf(t: TableSchema): number[] {
  const out = new Array<number>(t.recordLength).fill(-1);
  t.columns.forEach((c, ci) => {
    if (c.recordIndex >= 0) out[c.recordIndex] = ci;
  });
  return out;
}

/** Exact equality of stored keys (same storage class and bytes, not collation equality). */
function sameKey(a: readonly SqlValue[], b: readonly SqlValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x instanceof Real && y instanceof Real && Object.is(x.value, y.value)) continue;
    if (x instanceof Uint8Array && y instanceof Uint8Array && x.length === y.length && x.every((v, k) => v === y[k])) continue;
    return false;
  }
  return true;
}

/** The rowid given for an INTEGER PRIMARY KEY / rowid column: an integer or `datatype mismatch`. */
export function rowidValue(v: SqlValue): Rowid {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'bigint') return v;
  if (v instanceof Real) return v.value;
  throw sqliteError('datatype mismatch', 'SQLITE_MISMATCH');
}

/** STRICT tables: values must fit the declared type after affinity (datatype.html, STRICT); the error is returned. */
export function strictValue(t: TableSchema, ci: number, v: SqlValue): SqlValue | SqliteError {
  if (v === null) return v;
  const col = t.columns[ci];
  const type = col.type.toUpperCase();
  if (type === 'ANY') return v;
  const conv = applyAffinity(v, col.affinity);
  const cls = storageClass(conv);
  const ok =
    (type === 'INT' || type === 'INTEGER') ? cls === 'integer' :
    type === 'REAL' ? cls === 'real' || cls === 'integer' :
    type === 'TEXT' ? cls === 'text' :
    type === 'BLOB' ? cls === 'blob' : true;
  if (!ok) {
    // vdbeMemTypeName of the value after the column's affinity (OP_Affinity runs before OP_TypeCheck)
    const cname = cls === 'integer' ? 'INT' : cls.toUpperCase();
    return new SqliteError(`cannot store ${cname} value in ${type} column ${t.name}.${col.name}`, 'SQLITE_CONSTRAINT_DATATYPE');
  }
  if (type === 'REAL' && cls === 'integer') return applyAffinity(conv, 'REAL');
  return conv;
}
