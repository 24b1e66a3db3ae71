/**
 * Foreign key enforcement (foreignkeys.html), active while `PRAGMA foreign_keys` is on (the
 * default in better-sqlite3's build):
 *  - child side: an inserted or updated child row whose key columns are all non-NULL must have
 *    a parent row; otherwise `FOREIGN KEY constraint failed` (immediate constraints) or a
 *    pending violation counted until COMMIT (deferred constraints);
 *  - parent side: deleting or re-keying a parent applies the child FK's ON DELETE / ON UPDATE
 *    action (CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION).
 * Parent keys must be the parent's PRIMARY KEY or covered by a UNIQUE index, else
 * `foreign key mismatch - "child" referencing "parent"`.
 */
import { sqliteError } from '../../../common/errors.js';
import { compareValues, type SqlValue } from '../../../common/value.js';
import type { ForeignKeySchema, IndexSchema, TableSchema } from '../../../catalog/types.js';
import { applyAffinity } from '../../semantics/affinity.js';
import type { Rowid } from '../../../storage/api.js';
import type { CompileCtx } from '../context.js';
import type { Connection } from '../../connection.js';
import { keyInfoFor } from '../access-path.js';
import { compileExpr } from '../expr.js';
import type { TableWriter } from './writer.js';

interface ParentKey {
  readonly parent: TableSchema;
  /** Parent columns (table column indexes) matching the child columns in order. */
  readonly cols: readonly number[];
  /** rowid lookup (parent key is the INTEGER PRIMARY KEY) or a unique index. */
  readonly index: IndexSchema | null;
}

export class ForeignKeys {
  private childWriters = new Map<string, TableWriter>();
  /** A single-row top-level INSERT: an immediate violation fails before the row is written (no counter). */
  haltImmediately = false;

  constructor(
    private readonly cx: CompileCtx,
    private readonly conn: Connection,
    private readonly writer: TableWriter,
  ) {}

  private get enabled(): boolean {
    return this.conn.pragmas.foreignKeys;
  }

  /** Resolved parent keys (the schema of a compiled statement does not change). */
  private readonly parentKeys = new Map<ForeignKeySchema, ParentKey>();

  private parentKey(child: TableSchema, fk: ForeignKeySchema): ParentKey {
    let pk = this.parentKeys.get(fk);
    if (pk === undefined) {
      pk = this.resolveParentKey(child, fk);
      this.parentKeys.set(fk, pk);
    }
    return pk;
  }

  private resolveParentKey(child: TableSchema, fk: ForeignKeySchema): ParentKey {
    const parent = this.cx.schema.table(fk.parentTable);
    if (!parent) throw sqliteError(`no such table: main.${fk.parentTable}`);
    const mismatch = () => sqliteError(`foreign key mismatch - "${child.name}" referencing "${parent.name}"`);
    let cols: number[];
    if (fk.to) {
      cols = fk.to.map((n) => {
        const i = parent.columnIndex.get(n.toLowerCase());
        if (i === undefined) throw mismatch();
        return i;
      });
    } else {
      if (parent.primaryKey.length === 0) throw mismatch();
      cols = parent.primaryKey.slice();
    }
    if (cols.length !== fk.from.length) throw mismatch();
    if (cols.length === 1 && cols[0] === parent.rowidAlias) return { parent, cols, index: null };
    const candidates = [...this.cx.schema.indexes.values()].filter((i) => i.table.toLowerCase() === parent.name.toLowerCase() && i.unique && !i.partial);
    const idx = candidates.find(
      (i) => i.columns.length === cols.length && i.columns.every((c) => cols.includes(c.column)) && i.columns.every((c) => c.collation === parent.columns[c.column].collation),
    );
    if (!idx) throw mismatch();
    return { parent, cols, index: idx };
  }

  /** Whether a parent row with these key values (in child column order) exists. */
  private parentExists(pk: ParentKey, key: readonly SqlValue[]): boolean {
    const view = this.cx.rt.host.writeView();
    const vals = key.map((v, i) => applyAffinity(v, pk.parent.columns[pk.cols[i]].affinity));
    if (pk.index === null) {
      const v = vals[0];
      if (typeof v !== 'number' && typeof v !== 'bigint') return false;
      if (typeof v === 'number' && !Number.isSafeInteger(v)) return false;
      return view.openTable(pk.parent.root).get(v) !== undefined;
    }
    const idx = pk.index;
    const probe = idx.columns.map((c) => vals[pk.cols.indexOf(c.column)]);
    const ki = keyInfoFor(this.cx, pk.parent, idx);
    const cur = view.openIndex(idx.root, ki).cursor();
    if (!cur.seek(probe, 'ge')) return false;
    const k = cur.key();
    return probe.every((v, i) => compareValues(k[i], v, ki.collations[i]) === 0);
  }

  /**
   * Resolves the parent keys of the table's foreign keys (touching `changed` columns) now, so
   * that a missing parent table or a `foreign key mismatch` fails at prepare, as in SQLite.
   */
  validate(changed: ReadonlySet<number> | null = null): void {
    if (!this.enabled) return;
    const t = this.writer.table;
    for (const fk of t.foreignKeys) if (ForeignKeys.touches(fk.from, changed)) this.parentKey(t, fk);
  }

  /**
   * Counts `n` (possibly negative) violations of `fk`: deferred constraints (and all of them
   * under PRAGMA defer_foreign_keys) are checked at COMMIT, immediate ones at the end of the
   * statement (Connection.runWrite), as SQLite's OP_FkCounter does. A decrement only applies
   * while violations are outstanding (OP_FkIfZero), so the counters never go below zero.
   */
  private count(fk: ForeignKeySchema, n: number): void {
    const c = this.conn;
    if (fk.deferred || c.pragmas.deferForeignKeys) c.deferredViolations = Math.max(0, c.deferredViolations + n);
    else c.statementFkViolations = Math.max(0, c.statementFkViolations + n);
  }

  private outstanding(fk: ForeignKeySchema): boolean {
    const c = this.conn;
    return (fk.deferred || c.pragmas.deferForeignKeys ? c.deferredViolations : c.statementFkViolations + c.deferredViolations) > 0;
  }

  private static touches(cols: readonly number[], changed: ReadonlySet<number> | null): boolean {
    return changed === null || cols.some((c) => changed.has(c));
  }

  /** Child side, a row enters the table (INSERT, UPDATE's new image): a missing parent is a violation. */
  childAdded(newVals: readonly SqlValue[], changed: ReadonlySet<number> | null = null): void {
    if (!this.enabled) return;
    const t = this.writer.table;
    for (const fk of t.foreignKeys) {
      if (!ForeignKeys.touches(fk.from, changed)) continue;
      const key = fk.from.map((c) => newVals[c]);
      if (key.some((v) => v === null)) continue;
      const pk = this.parentKey(t, fk);
      // a row that is its own parent satisfies itself
      if (pk.parent === t && pk.cols.every((c, i) => compareValues(applyAffinity(key[i], t.columns[c].affinity), newVals[c]) === 0)) continue;
      if (this.parentExists(pk, key)) continue;
      if (this.haltImmediately && !fk.deferred && !this.conn.pragmas.deferForeignKeys) throw sqliteError('FOREIGN KEY constraint failed', 'SQLITE_CONSTRAINT_FOREIGNKEY');
      this.count(fk, 1);
    }
  }

  /** Child side, a row leaves the table (DELETE, UPDATE's old image): an orphan going away resolves a violation. */
  childRemoved(oldVals: readonly SqlValue[], changed: ReadonlySet<number> | null = null): void {
    if (!this.enabled) return;
    const t = this.writer.table;
    for (const fk of t.foreignKeys) {
      if (!ForeignKeys.touches(fk.from, changed) || !this.outstanding(fk)) continue;
      const key = fk.from.map((c) => oldVals[c]);
      if (key.some((v) => v === null)) continue;
      if (!this.parentExists(this.parentKey(t, fk), key)) this.count(fk, -1);
    }
  }

  /** Parent side, a key leaves (DELETE, UPDATE's old image): each child still referencing it is a violation until an action or the statement fixes it. */
  parentRemoved(oldVals: readonly SqlValue[], rowid: Rowid | null, changed: ReadonlySet<number> | null = null): void {
    if (!this.enabled) return;
    for (const { child, fk } of this.referencing()) {
      const pk = this.parentKey(child, fk);
      if (!ForeignKeys.touches(pk.cols, changed)) continue;
      const key = this.keyFor(fk, child, oldVals);
      if (!key) continue;
      const self = child === this.writer.table ? rowid : undefined;
      const n = this.children(child, fk, key).filter((k) => self === undefined || k.rowid !== self).length;
      if (n) this.count(fk, n);
    }
  }

  /** Parent side, a key arrives (INSERT, UPDATE's new image): orphans referencing it are resolved. */
  parentAdded(newVals: readonly SqlValue[], changed: ReadonlySet<number> | null = null): void {
    if (!this.enabled) return;
    for (const { child, fk } of this.referencing()) {
      const pk = this.parentKey(child, fk);
      if (!ForeignKeys.touches(pk.cols, changed) || !this.outstanding(fk)) continue;
      const key = this.keyFor(fk, child, newVals);
      if (!key) continue;
      const n = this.children(child, fk, key).length;
      if (n) this.count(fk, -n);
    }
  }

  /**
   * After a parent row was deleted (newVals null) or re-keyed: the ON DELETE / ON UPDATE
   * actions (sqlite3FkActions). CASCADE, SET NULL and SET DEFAULT rewrite the children (whose
   * own checks then settle the counters); RESTRICT fails at once, as the RAISE(ABORT) of
   * SQLite's action trigger does; NO ACTION leaves it to the counters.
   */
  actions(oldVals: readonly SqlValue[], newVals: readonly SqlValue[] | null): void {
    if (!this.enabled) return;
    for (const { child, fk } of this.referencing()) {
      const action = newVals ? fk.onUpdate : fk.onDelete;
      if (action === 'NO ACTION') continue;
      if (action === 'RESTRICT' && this.conn.pragmas.deferForeignKeys) continue;
      const oldKey = this.keyFor(fk, child, oldVals);
      if (!oldKey) continue;
      const newKey = newVals ? this.keyFor(fk, child, newVals) : null;
      if (newVals) {
        const pk = this.parentKey(child, fk);
        if (pk.cols.every((c) => sameValue(oldVals[c], newVals[c]))) continue;
      }
      const kids = this.children(child, fk, oldKey);
      if (kids.length === 0) continue;
      this.applyAction(action, child, fk, kids, newKey, newVals === null);
    }
  }

  /** Child rows of `child` (via `fk`) whose key equals `key`. */
  private children(child: TableSchema, fk: ForeignKeySchema, key: readonly SqlValue[]): { rowid: Rowid | null; rec: readonly SqlValue[] }[] {
    const view = this.cx.rt.host.writeView();
    const out: { rowid: Rowid | null; rec: readonly SqlValue[] }[] = [];
    const w = this.childWriter(child);
    const rt = this.cx.rt;
    const slot = w.source.slot;
    const readers = fk.from.map((c) => w.source.columns[c].read);
    const test = (): boolean => readers.every((r, i) => {
      const v = r();
      return v !== null && compareValues(applyAffinity(v, child.columns[fk.from[i]].affinity), key[i]) === 0;
    });
    if (child.withoutRowid) {
      const pkIdx = [...this.cx.schema.indexes.values()].find((i) => i.table === child.name && i.origin === 'pk' && i.root === child.root)!;
      const cur = view.openIndex(child.root, keyInfoFor(this.cx, child, pkIdx)).cursor();
      for (let ok = cur.first(); ok; ok = cur.next()) {
        rt.rows[slot] = cur.key();
        rt.rowids[slot] = null;
        if (test()) out.push({ rowid: null, rec: cur.key() });
      }
      return out;
    }
    const cur = view.openTable(child.root).cursor();
    for (let ok = cur.first(); ok; ok = cur.next()) {
      rt.rows[slot] = cur.record();
      rt.rowids[slot] = cur.rowid();
      if (test()) out.push({ rowid: cur.rowid(), rec: cur.record() });
    }
    return out;
  }

  private childWriter(child: TableSchema): TableWriter {
    let w = this.childWriters.get(child.name);
    if (!w) {
      w = new (this.writer.constructor as new (cx: CompileCtx, conn: Connection, t: TableSchema, a: string | null) => TableWriter)(this.cx, this.conn, child, null);
      this.childWriters.set(child.name, w);
    }
    return w;
  }

  private referencingCache: { child: TableSchema; fk: ForeignKeySchema }[] | null = null;

  /** Foreign keys of other tables (or this one) that reference this table (computed once). */
  private referencing(): { child: TableSchema; fk: ForeignKeySchema }[] {
    if (this.referencingCache === null) {
      const list = this.cx.schema.referencedBy.get(this.writer.table.name.toLowerCase()) ?? [];
      this.referencingCache = list.map(({ child, fk }) => ({ child, fk: child.foreignKeys[fk] }));
    }
    return this.referencingCache;
  }

  /** The key of `vals` (a parent row) as referenced by `fk`, or null if it has a NULL. */
  private keyFor(fk: ForeignKeySchema, child: TableSchema, vals: readonly SqlValue[]): SqlValue[] | null {
    const pk = this.parentKey(child, fk);
    const key = pk.cols.map((c) => vals[c]);
    return key.some((v) => v === null) ? null : key;
  }

  private applyAction(
    action: ForeignKeySchema['onDelete'],
    child: TableSchema,
    fk: ForeignKeySchema,
    kids: { rowid: Rowid | null; rec: readonly SqlValue[] }[],
    newKey: SqlValue[] | null,
    isDelete: boolean,
  ): void {
    const w = this.childWriter(child);
    const rt = this.cx.rt;
    const slot = w.source.slot;
    const saved = this.conn.changes;
    try {
      switch (action) {
        case 'RESTRICT':
          throw sqliteError('FOREIGN KEY constraint failed', 'SQLITE_CONSTRAINT_TRIGGER');
        case 'NO ACTION':
          return;
        case 'CASCADE':
          for (const k of kids) {
            rt.rows[slot] = k.rec;
            rt.rowids[slot] = k.rowid;
            const vals = w.currentVals();
            if (isDelete) w.deleteRow(k.rowid, vals);
            else {
              const nv = vals.slice();
              fk.from.forEach((c, i) => (nv[c] = newKey ? newKey[i] : null));
              w.update(k.rowid, vals, nv, null, new Set(fk.from));
            }
          }
          return;
        case 'SET NULL':
        case 'SET DEFAULT':
          for (const k of kids) {
            rt.rows[slot] = k.rec;
            rt.rowids[slot] = k.rowid;
            const vals = w.currentVals();
            const nv = vals.slice();
            for (const c of fk.from) {
              const d = child.columns[c].defaultValue;
              nv[c] = action === 'SET NULL' || !d ? null : w.coerce(c, compileExpr(this.cx, d.expr, w.scope).ev());
            }
            w.update(k.rowid, vals, nv, null, new Set(fk.from));
          }
          return;
      }
    } finally {
      this.conn.changes = saved;
    }
  }
}

/** IS-equality of two values of the same column (no collation, as the action trigger's `OLD.k IS NOT NEW.k`). */
function sameValue(a: SqlValue, b: SqlValue): boolean {
  return a === null ? b === null : b !== null && compareValues(a, b) === 0;
}
