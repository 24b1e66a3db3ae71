/**
 * Foreign keys at the COMMIT of a concurrent write transaction T that was replayed over the
 * latest state (engine/mvcc/concurrent-commit.ts, step 4). T's statements checked its foreign
 * keys against its snapshot S; commits after S may have broken what they saw. The check runs on
 * the replayed state (latest committed state + T's write set) and only for the keys T touched:
 *
 *  - child side: every row T inserted or updated (present at the end) in a table with foreign
 *    keys must still find its parent (a commit after S may have deleted or re-keyed it);
 *  - parent side: every parent key a row T deleted or updated had at S, when that key no longer
 *    exists, must have no child referencing it (a commit after S may have inserted one).
 *
 * So two transactions conflict only when one of them wrote a child of a key the other removed:
 * unrelated parent and child rows commit side by side. ON DELETE / ON UPDATE actions T ran are
 * in its write set already; a child another commit added to a key T removed is a conflict, not
 * a cascade (the action cannot be re-run at COMMIT). A key that vanished and reappeared after S
 * is fine: the constraint holds on the final state. Foreign keys whose columns are VIRTUAL
 * generated or whose parent key is not usable (`foreign key mismatch`) are not checked row by
 * row: T conflicts as soon as anything committed after S.
 */
import { compareValues, type SqlValue } from '../../common/value.js';
import type { Schema } from '../../catalog/schema.js';
import type { ForeignKeySchema, IndexSchema, TableSchema } from '../../catalog/types.js';
import type { PageView, Rowid } from '../../storage/api.js';
import { compareKeys } from '../../storage/index.js';
import type { WriteSet, WriteSetTree } from '../../mvcc/concurrent-commit.js';
import { applyAffinity } from '../semantics/affinity.js';
import { indexKeyInfo } from './concurrent.js';

interface ParentKey {
  readonly parent: TableSchema;
  /** Parent columns matching the child columns in order. */
  readonly cols: readonly number[];
  /** null: the parent key is the rowid. */
  readonly index: IndexSchema | null;
}

/** One row of a write set: rowid (rowid tables) and the stored record (or WITHOUT ROWID entry). */
interface RowImage {
  readonly rowid: Rowid | null;
  readonly rec: readonly SqlValue[];
}

const UNCHECKABLE = 'a foreign key it cannot check row by row';

/** The value of column `c` in a row image; undefined when it is not stored (VIRTUAL generated). */
function colValue(t: TableSchema, c: number, row: RowImage): SqlValue | undefined {
  if (c === t.rowidAlias) return row.rowid;
  const ri = t.columns[c].recordIndex;
  if (ri < 0) return undefined;
  return ri < row.rec.length ? row.rec[ri] : null; // a record older than ADD COLUMN: NULL (REFERENCES columns default to NULL)
}

/** The key `fk` reads from `row` (of `t` through `cols`), or null when a part is NULL; undefined: not checkable. */
function keyOf(t: TableSchema, cols: readonly number[], row: RowImage): SqlValue[] | null | undefined {
  const out: SqlValue[] = [];
  for (const c of cols) {
    const v = colValue(t, c, row);
    if (v === undefined) return undefined;
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

function resolveParentKey(main: Schema, child: TableSchema, fk: ForeignKeySchema): ParentKey | null {
  const parent = main.tables.get(fk.parentTable.toLowerCase());
  if (!parent) return null;
  let cols: number[];
  if (fk.to) {
    cols = [];
    for (const n of fk.to) {
      const i = parent.columnIndex.get(n.toLowerCase());
      if (i === undefined) return null;
      cols.push(i);
    }
  } else {
    if (parent.primaryKey.length === 0) return null;
    cols = parent.primaryKey.slice();
  }
  if (cols.length !== fk.from.length) return null;
  if (cols.length === 1 && cols[0] === parent.rowidAlias) return { parent, cols, index: null };
  for (const i of main.indexes.values()) {
    if (i.table.toLowerCase() !== parent.name.toLowerCase() || !i.unique || i.partial) continue;
    if (i.columns.length !== cols.length || !i.columns.every((c) => cols.includes(c.column))) continue;
    if (!i.columns.every((c) => c.collation === parent.columns[c.column].collation)) continue;
    return { parent, cols, index: i };
  }
  return null;
}

function parentExists(view: PageView, pk: ParentKey, key: readonly SqlValue[]): boolean {
  const vals = key.map((v, i) => applyAffinity(v, pk.parent.columns[pk.cols[i]].affinity));
  if (pk.index === null) {
    const v = vals[0];
    if (typeof v === 'bigint') return view.openTable(pk.parent.root).get(v) !== undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return false;
    return view.openTable(pk.parent.root).get(v) !== undefined;
  }
  const idx = pk.index;
  const probe = idx.columns.map((c) => vals[pk.cols.indexOf(c.column)]);
  const ki = indexKeyInfo(pk.parent, idx);
  const cur = view.openIndex(idx.root, ki).cursor();
  if (!cur.seek(probe, 'ge')) return false;
  const k = cur.key();
  for (let i = 0; i < probe.length; i++) if (compareValues(k[i], probe[i], ki.collations[i]) !== 0) return false;
  return true;
}

/** Whether some row of `child` references one of `keys` (parent key values, in fk.from order). */
function childReferences(view: PageView, main: Schema, child: TableSchema, fk: ForeignKeySchema, keys: readonly SqlValue[][]): boolean {
  const n = fk.from.length;
  const probes = keys.map((k) => k.map((v, i) => applyAffinity(v, child.columns[fk.from[i]].affinity)));
  const equal = (vals: readonly SqlValue[], p: readonly SqlValue[]): boolean => {
    for (let i = 0; i < n; i++) if (vals[i] === null || compareValues(vals[i], p[i]) !== 0) return false;
    return true;
  };
  // an index whose leading columns are the child columns: one seek per key
  for (const idx of main.indexes.values()) {
    if (idx.table.toLowerCase() !== child.name.toLowerCase() || idx.partial || idx.columns.length < n) continue;
    const lead = idx.columns.slice(0, n).map((c) => c.column);
    if (!fk.from.every((c) => lead.includes(c))) continue;
    const order = lead.map((c) => fk.from.indexOf(c));
    const ki = indexKeyInfo(child, idx);
    const cur = view.openIndex(idx.root, ki).cursor();
    for (const p of probes) {
      const prefix = order.map((j) => p[j]);
      for (let ok = cur.seek(prefix, 'ge'); ok && compareKeys(cur.key(), prefix, ki) === 0; ok = cur.next()) {
        const k = cur.key();
        if (equal(order.map((_, j) => k[order.indexOf(j)]), p)) return true;
      }
    }
    return false;
  }
  // no usable index: one scan of the child table
  const test = (row: RowImage): boolean => {
    const vals = keyOf(child, fk.from, row);
    if (!vals) return false;
    for (const p of probes) if (equal(vals, p)) return true;
    return false;
  };
  if (child.withoutRowid) {
    const pkIdx = [...main.indexes.values()].find((i) => i.root === child.root);
    if (!pkIdx) return true;
    const cur = view.openIndex(child.root, indexKeyInfo(child, pkIdx)).cursor();
    for (let ok = cur.first(); ok; ok = cur.next()) if (test({ rowid: null, rec: cur.key() })) return true;
    return false;
  }
  const cur = view.openTable(child.root).cursor();
  for (let ok = cur.first(); ok; ok = cur.next()) if (test({ rowid: cur.rowid(), rec: cur.record() })) return true;
  return false;
}

/** The rows of `t` in the write set: present at the end (after) and their versions before it. */
function images(t: WriteSetTree, after: boolean): RowImage[] {
  const out: RowImage[] = [];
  if (t.index) {
    // WITHOUT ROWID: entries present at the end, and those removed (versions before, or transient)
    for (let i = 0; i < t.keys.length; i++) if (t.present[i] === after) out.push({ rowid: null, rec: t.values[i]! });
    return out;
  }
  const src = after ? t.values : t.olds;
  if (src === null) return out;
  for (let i = 0; i < t.keys.length; i++) {
    const r = src[i];
    if (r !== null) out.push({ rowid: t.keys[i] as Rowid, rec: r });
  }
  return out;
}

/**
 * Checks the foreign keys the replayed write set `ws` may have broken, on `view` (the exclusive
 * transaction holding the latest state plus `ws`) with `schema` (the latest committed schema).
 * Returns a conflict description or null.
 */
export function foreignKeyConflict(ws: WriteSet, view: PageView, schema: Schema): string | null {
  const main = schema.part('main') ?? schema;
  for (const t of main.tables.values()) {
    if (t.temp || t.root <= 1) continue;
    const w = ws.get(t.root);
    if (w === undefined) continue;
    // child side: rows T wrote must still have their parents
    if (t.foreignKeys.length > 0) {
      const rows = images(w, true);
      for (const fk of t.foreignKeys) {
        if (rows.length === 0) break;
        let pk: ParentKey | null | undefined;
        for (const row of rows) {
          const key = keyOf(t, fk.from, row);
          if (key === undefined) return UNCHECKABLE;
          if (key === null) continue;
          if (pk === undefined) pk = resolveParentKey(main, t, fk);
          if (pk === null) return UNCHECKABLE;
          const cols = pk.cols;
          if (pk.parent === t) {
            // a row that is its own parent satisfies itself
            const own = keyOf(t, cols, row);
            if (own && own.every((v, i) => compareValues(applyAffinity(key[i], t.columns[cols[i]].affinity), v) === 0)) continue;
          }
          if (!parentExists(view, pk, key)) return `the parent row of a row it wrote in ${t.name}`;
        }
      }
    }
    // parent side: keys T removed must have no children now
    const refs = main.referencedBy.get(t.name.toLowerCase());
    if (refs === undefined || refs.length === 0) continue;
    const before = images(w, false);
    if (before.length === 0) continue;
    for (const { child, fk: fkAt } of refs) {
      if (child.temp) continue;
      const fk = child.foreignKeys[fkAt];
      const pk = resolveParentKey(main, child, fk);
      if (pk === null) return UNCHECKABLE;
      const gone: SqlValue[][] = [];
      for (const row of before) {
        const key = keyOf(t, pk.cols, row);
        if (key === undefined) return UNCHECKABLE;
        if (key === null || parentExists(view, pk, key)) continue;
        gone.push(key);
      }
      if (gone.length > 0 && childReferences(view, main, child, fk, gone)) return `a row of ${child.name} referencing a key it removed from ${t.name}`;
    }
  }
  return null;
}
