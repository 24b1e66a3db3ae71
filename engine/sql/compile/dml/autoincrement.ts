/**
 * AUTOINCREMENT bookkeeping (autoinc.html), as SQLite codes it (insert.c: sqlite3AutoincrementBegin,
 * autoIncStep, sqlite3AutoincrementEnd):
 *
 *  - A top-level statement that may insert into an AUTOINCREMENT table, itself or through the
 *    trigger programs (and foreign key actions) it codes, keeps one register per such table for
 *    its whole run, shared by those programs. It is loaded from sqlite_sequence when the
 *    statement starts (the first row naming the table, its `seq` made an integer; 0 when there
 *    is none).
 *  - Each new rowid is max(largest rowid + 1, register + 1) and becomes the register, before any
 *    constraint check: a row that is then ignored, replaced or turned into an upsert's DO UPDATE
 *    still uses up its number. An explicit rowid raises the register to it (OP_MemMax).
 *  - When the statement ends without error, the register is written back: always when
 *    sqlite_sequence had no row for the table (so even a statement that inserted nothing leaves
 *    `seq = 0`), otherwise only when it grew. A failed statement writes nothing (ON CONFLICT FAIL
 *    keeps its rows but not the sequence). UPDATE never touches sqlite_sequence.
 *
 * The registers live beside the connection (one set per running top-level statement).
 */
import { sqliteError } from '../../../common/errors.js';
import { INT64_MAX } from '../../../common/value.js';
import type { TableSchema } from '../../../catalog/types.js';
import type { Rowid } from '../../../storage/api.js';
import type { InsertStmt, UpdateStmt, DeleteStmt, SelectStmt, ConflictAction } from '../../ast.js';
import { dbNameOf } from '../../../catalog/schema.js';
import { toInt64 } from '../../semantics/convert.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';

const SEQUENCE_TABLE = 'sqlite_sequence';

/** One table's register for the running statement. */
export interface AutoincRegister {
  /** The largest rowid allocated or given so far (memId). */
  value: Rowid;
  /** Its value when loaded, or null when sqlite_sequence had no row for the table (memId+2). */
  readonly orig: Rowid | null;
  /** Rowid of the table's sqlite_sequence row, or null (memId+1). */
  readonly seqRowid: Rowid | null;
}

interface Entry {
  readonly cx: CompileCtx;
  readonly table: TableSchema;
  readonly reg: AutoincRegister;
}

/** The registers of one connection. */
export class AutoincRegisters {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every top-level statement (writers cache their register per generation). */
  generation = 0;

  /**
   * Starts a top-level statement: registers of an earlier (failed) run are forgotten and those of
   * `tables` (autoincTables) are loaded.
   */
  begin(cx: CompileCtx, tables: readonly TableSchema[]): void {
    if (this.entries.size > 0) this.entries.clear(); // (clear() allocates: not on the hot path)
    this.generation++;
    for (let i = 0; i < tables.length; i++) this.register(cx, tables[i]);
  }

  /** The register of `table` for the running statement, loaded on first use. */
  register(cx: CompileCtx, table: TableSchema): AutoincRegister {
    const key = registerKey(table);
    let e = this.entries.get(key);
    if (e === undefined) {
      e = { cx, table, reg: loadRegister(cx, table) };
      this.entries.set(key, e);
    }
    return e.reg;
  }

  /**
   * Ends a top-level statement that succeeded: writes back every register that needs it, those
   * of `tables` in reverse order (SQLite's Parse.pAinc list is built by prepending), then any other.
   */
  end(tables: readonly TableSchema[]): void {
    this.generation++;
    if (this.entries.size === 0) return;
    for (let i = tables.length - 1; i >= 0; i--) {
      const key = registerKey(tables[i]);
      const e = this.entries.get(key);
      if (e === undefined) continue;
      this.entries.delete(key);
      writeBack(e);
    }
    for (const e of this.entries.values()) writeBack(e);
    this.entries.clear();
  }
}

/** sqlite3AutoincrementEnd for one register. */
function writeBack(e: Entry): void {
  const r = e.reg;
  if (r.orig !== null && r.value <= r.orig) return;
  const seq = sequenceTable(e.cx, e.table);
  if (!seq) return;
  const tree = e.cx.rt.host.writeView().openTable(seq.root);
  let at = r.seqRowid;
  if (at === null) {
    const max = tree.maxRowid();
    if (typeof max === 'number' && max < Number.MAX_SAFE_INTEGER) at = max + 1;
    else if (BigInt(max) >= INT64_MAX) throw sqliteError('database or disk is full', 'SQLITE_FULL');
    else at = normalizeRowid(BigInt(max) + 1n);
  }
  tree.insert(at, [e.table.name, r.value]);
}

const byConnection = new WeakMap<Connection, AutoincRegisters>();

export function autoincRegisters(conn: Connection): AutoincRegisters {
  let r = byConnection.get(conn);
  if (r === undefined) {
    r = new AutoincRegisters();
    byConnection.set(conn, r);
  }
  return r;
}

function registerKey(t: TableSchema): string {
  return (t.temp ? 'temp.' : 'main.') + t.name.toLowerCase();
}

function sequenceTable(cx: CompileCtx, t: TableSchema): TableSchema | undefined {
  return cx.schema.table(SEQUENCE_TABLE, t.temp ? 'temp' : 'main');
}

/** autoIncBegin: the first sqlite_sequence row whose name is the table's, its seq as an integer (OP_AddImm). */
function loadRegister(cx: CompileCtx, t: TableSchema): AutoincRegister {
  const seq = sequenceTable(cx, t);
  if (seq) {
    const c = cx.rt.host.writeView().openTable(seq.root).cursor();
    for (let ok = c.first(); ok; ok = c.next()) {
      const r = c.record();
      if (r[0] === t.name) {
        const v = toInt64(r.length > 1 ? r[1] : null);
        return { value: v, orig: v, seqRowid: c.rowid() };
      }
    }
  }
  return { value: 0, orig: null, seqRowid: null };
}

/** OP_NewRowid with an AUTOINCREMENT register: max(largest + 1, register + 1), which becomes the register. */
export function nextAutoincRowid(reg: AutoincRegister, largest: Rowid): Rowid {
  const base = largest > reg.value ? largest : reg.value;
  if (base >= INT64_MAX) throw sqliteError('database or disk is full', 'SQLITE_FULL');
  const next = typeof base === 'number' && base < Number.MAX_SAFE_INTEGER ? base + 1 : normalizeRowid(BigInt(base) + 1n);
  reg.value = next;
  return next;
}

/** autoIncStep (OP_MemMax): an explicit rowid raises the register. */
export function stepAutoinc(reg: AutoincRegister, rowid: Rowid): void {
  if (rowid > reg.value) reg.value = rowid;
}

export function normalizeRowid(v: bigint): Rowid {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

type Event = 'INSERT' | 'UPDATE' | 'DELETE';
type Body = InsertStmt | UpdateStmt | DeleteStmt | SelectStmt;

/**
 * The AUTOINCREMENT tables a top-level statement's programs may insert into: the target of an
 * INSERT, and the targets of the INSERTs of every trigger program it codes (the triggers of the
 * event on the table, UPDATE OF ones only when an assigned column is listed; then theirs, and so
 * on), including the programs of foreign key actions and of REPLACE deletions.
 */
export function autoincTables(cx: CompileCtx, conn: Connection, stmt: InsertStmt | UpdateStmt | DeleteStmt): TableSchema[] {
  const out = new Map<string, TableSchema>();
  const seen = new Set<string>();
  const visit = (name: string, db: 'main' | 'temp' | null, ev: Event, cols: readonly string[] | null, action: ConflictAction | null): void => {
    const lname = name.toLowerCase();
    const key = `${ev} ${db ?? ''}.${lname}`;
    if (seen.has(key)) return;
    seen.add(key);
    const t = cx.schema.table(name, db);
    if (ev === 'INSERT' && t?.autoincrement) out.set(registerKey(t), t);
    // in the order the programs are coded: BEFORE (or INSTEAD OF) triggers, REPLACE deletions,
    // foreign key actions, AFTER triggers
    const triggers = (after: boolean) => {
      for (const trig of cx.schema.triggersOf(name)) {
        const s = trig.stmt;
        if (s.event !== ev || (s.timing === 'AFTER') !== after) continue;
        if (ev === 'UPDATE' && s.updateOf && cols && !s.updateOf.some((c) => cols.some((x) => x.toLowerCase() === c.toLowerCase()))) continue;
        for (const b of s.body) visitBody(b);
      }
    };
    triggers(false);
    if (t && ev !== 'DELETE' && conn.pragmas.recursiveTriggers && replaces(cx, t, action)) visit(t.name, db, 'DELETE', null, null);
    if (t && ev !== 'INSERT' && conn.pragmas.foreignKeys) {
      for (const { child, fk: n } of cx.schema.referencedBy.get(lname) ?? []) {
        const fk = child.foreignKeys[n];
        const act = ev === 'DELETE' ? fk.onDelete : fk.onUpdate;
        if (act === 'NO ACTION' || act === 'RESTRICT') continue;
        const childDb = child.temp ? 'temp' : 'main';
        if (ev === 'DELETE' && act === 'CASCADE') visit(child.name, childDb, 'DELETE', null, null);
        else visit(child.name, childDb, 'UPDATE', fk.from.map((c) => child.columns[c].name), null);
      }
    }
    triggers(true);
  };
  const visitBody = (b: Body): void => {
    switch (b.kind) {
      case 'Insert':
        visit(b.table, dbNameOf(b.schema), 'INSERT', null, b.orAction);
        for (const u of b.upsert) if (u.update) visit(b.table, dbNameOf(b.schema), 'UPDATE', u.update.sets.flatMap((s) => s.columns), null);
        return;
      case 'Update':
        visit(b.table.name, dbNameOf(b.table.schema), 'UPDATE', b.sets.flatMap((s) => s.columns), b.orAction);
        return;
      case 'Delete':
        visit(b.table.name, dbNameOf(b.table.schema), 'DELETE', null, null);
        return;
      case 'Select':
        return;
    }
  };
  visitBody(stmt);
  return [...out.values()];
}

/** Whether REPLACE conflict resolution may delete rows of `t` (its delete triggers are then coded). */
function replaces(cx: CompileCtx, t: TableSchema, action: ConflictAction | null): boolean {
  if (action !== null) return action === 'REPLACE';
  return t.pkConflict === 'REPLACE' || cx.schema.indexesOf(t.name).some((i) => i.onConflict === 'REPLACE');
}
