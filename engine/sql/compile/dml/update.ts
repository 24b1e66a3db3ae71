/**
 * UPDATE compilation: target rows are found through the ordinary join planner (the target
 * table first, then any FROM items), collected before any change (so the scan never sees its
 * own writes), optionally ordered and limited, then updated one by one through the TableWriter.
 */
import { compareValues, type SqlValue } from '../../../common/value.js';
import type { Rowid } from '../../../storage/api.js';
import type { UpdateStmt } from '../../ast.js';
import { LimitSource, SortSource, type SortKey, evalLimit } from '../../exec/rows.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { compileExpr } from '../expr.js';
import { bindFrom, type FromEntry } from '../from.js';
import { planJoins } from '../join-plan.js';
import { noteDmlTargetUsage } from '../column-usage.js';
import { Scope } from '../scope.js';
import type { RunPlan } from '../statement.js';
import { dbNameOf } from '../../../catalog/schema.js';
import { insteadOfView, compileViewUpdate } from './view-dml.js';
import { dmlRun, withCtes, targetEntry } from './common.js';
import type { TableSchema } from '../../../catalog/types.js';
import { autoincTables } from './autoincrement.js';
import { astSome, type AstNode } from './ast-walk.js';
import { compileReturning, ReturningRows } from './returning.js';
import { mayAbort } from './statement-journal.js';
import { compileSets } from './insert.js';
import { updateInLoopOrder } from './one-pass.js';
import { rowidValue } from './writer.js';

export function compileUpdate(cx: CompileCtx, conn: Connection, stmt: UpdateStmt, outer: Scope | null = null): RunPlan {
  return withCtes(cx, stmt.with, outer, () => compileUpdateBody(cx, conn, stmt, outer));
}

function compileUpdateBody(cx: CompileCtx, conn: Connection, stmt: UpdateStmt, outer: Scope | null): RunPlan {
  cx.writes = true;
  const view = stmt.table.schema === null || dbNameOf(stmt.table.schema) ? insteadOfView(cx, stmt.table.name, dbNameOf(stmt.table.schema), 'UPDATE', stmt.sets.flatMap((x) => x.columns)) : null;
  if (view) return compileViewUpdate(cx, conn, stmt, view, outer);
  const { table, writer, entries } = targetEntry(cx, conn, stmt.table);
  const mk = (srcs: FromEntry[]) => (outer ? outer.child(srcs.map((e) => e.source)) : new Scope(srcs.map((e) => e.source), null, { correlated: false, depth: 0 }));
  bindFrom(cx, stmt.from, outer, entries, () => mk(entries));
  const scope = mk(entries);
  if (entries.length === 1 && !stmt.orderBy && !stmt.limit) noteDmlTargetUsage(writer.source, [stmt.where]);
  const joined = planJoins(cx, entries, stmt.where, scope, null);
  const sets = compileSets(cx, stmt.sets, scope, table);
  const returning = compileReturning(cx, stmt.returning, new Scope([writer.source], outer, scope.query), table, true);
  // RETURNING rows are produced by the writer as it writes each row (before AFTER triggers)
  const returned = returning ? new ReturningRows(writer, returning) : null;
  const rt = cx.rt;
  const slots = entries.map((e) => e.source.slot);
  const tslot = writer.source.slot;
  const changed = new Set<number>(sets.flatMap((s) => s.cols));
  // The table's triggers and the foreign key actions of its parent keys (whatever programs they
  // run in turn) can change rows this statement has yet to update. So can REPLACE conflict
  // resolution (it deletes the conflicting row, maybe one not yet visited).
  const mayChangeOthers =
    cx.schema.triggersOf(table.name).length > 0 || (cx.schema.referencedBy.get(table.name.toLowerCase())?.length ?? 0) > 0 ||
    stmt.orAction === 'REPLACE' || hasReplaceConstraint(cx, table);
  writer.fks.validate(changed);
  // Whether writer.update reads the old values apart from the new ones (triggers, foreign keys,
  // index keys, a WITHOUT ROWID key): if not, the new values are assigned over the old ones.
  const oldNeeded = mayChangeOthers || table.withoutRowid || table.foreignKeys.length > 0 || writer.hasIndexes;

  // ORDER BY / LIMIT: sort the collected rows by keys evaluated during collection
  const orderEvs = (stmt.orderBy ?? []).map((t) => compileExpr(cx, t.expr, scope));
  const limitScope = new Scope([], outer, scope.query);
  const limitEv = stmt.limit ? compileExpr(cx, stmt.limit, limitScope).ev : null;
  const offsetEv = stmt.offset ? compileExpr(cx, stmt.offset, limitScope).ev : null;

  const noJournal =
    outer === null && cx.trigger === null &&
    !mayAbort(cx, conn, { table, orAction: stmt.orAction, stmt, defaulted: null, changed, rowidChanges: table.rowidAlias >= 0 && changed.has(table.rowidAlias), hasUpsert: false });

  const nSlots = slots.length;
  const orAction = stmt.orAction;
  // sqlite3Update computes the new rowid first, then the new values in column order; a column
  // assigned twice takes its last assignment (the earlier expression is not evaluated)
  const lastSet = new Map<number, number>();
  sets.forEach((s, k) => s.cols.forEach((ci) => lastSet.set(ci, k)));
  const rowidSet = table.rowidAlias >= 0 && sets[lastSet.get(table.rowidAlias) ?? -1]?.cols.length === 1 ? lastSet.get(table.rowidAlias)! : -1;
  const setOrder: number[] = rowidSet >= 0 ? [rowidSet] : [];
  for (const ci of [...lastSet.keys()].sort((a, b) => a - b)) {
    const k = lastSet.get(ci)!;
    if (!setOrder.includes(k)) setOrder.push(k);
  }
  /** Updates the target row now in the slots (the FROM rows beside it). */
  const updateRow = (pre: readonly SqlValue[] | null = null): void => {
    const rowid = rt.rowids[tslot];
    let old: SqlValue[] | undefined;
    if (mayChangeOthers) {
      // re-read: an earlier update in this statement (trigger, cascade, REPLACE) may have changed it
      old = table.withoutRowid ? writer.reloadByPk() : writer.load(rowid!);
      if (!old) return;
    } else old = writer.currentVals();
    const nv = oldNeeded ? old.slice() : old;
    for (let o = 0; o < setOrder.length; o++) {
      const k = setOrder[o];
      const s = sets[k];
      const v = pre !== null ? pre[k] : s.ev();
      if (s.cols.length === 1) nv[s.cols[0]] = writer.coerce(s.cols[0], v);
      else s.cols.forEach((ci, j) => lastSet.get(ci) === k && (nv[ci] = writer.coerce(ci, (v as unknown as SqlValue[])[j])));
      // OP_MustBeInt on the new rowid, before any other new value is computed
      if (k === rowidSet) rowidValue(nv[table.rowidAlias]);
    }
    writer.update(rowid, old, nv, orAction, changed);
  };

  // One pass (SQLite's ONEPASS): rows found by rowid lookups (each probe read once, by key) can
  // be updated as they are found when the rowid does not change, nothing else can change the
  // table meanwhile and the WHERE clause has no subquery (that might read the changed rows).
  const onePass =
    nSlots === 1 && orderEvs.length === 0 && limitEv === null && !mayChangeOthers && !table.withoutRowid &&
    !(table.rowidAlias >= 0 && changed.has(table.rowidAlias)) && !astSome(stmt.where, isSubquery) &&
    joined.byRowid.length === 1 && joined.byRowid[0];
  // SQLite's two-pass UPDATE (ONEPASS_OFF) visits the rows in rowid (PRIMARY KEY) order
  const inLoopOrder = nSlots > 1 || updateInLoopOrder(cx, conn, table, stmt, changed, joined.indexes[0] ?? null);
  const sortCollected = (rows: (readonly SqlValue[])[], rowids: (Rowid | null)[]): void => {
    if (!table.withoutRowid) {
      let sorted = true;
      for (let i = 1; i < rowids.length && sorted; i++) sorted = rowids[i - 1]! < rowids[i]!;
      if (sorted) return; // a table scan or rowid lookups: already in rowid order
    }
    const order = inTableOrder(cx, table, rows.map((_, i) => i), (i) => rowids[i], (i) => rows[i]);
    const r = order.map((i) => rows[i]);
    const ids = order.map((i) => rowids[i]);
    for (let i = 0; i < r.length; i++) {
      rows[i] = r[i];
      rowids[i] = ids[i];
    }
  };
  // Otherwise the rows are collected first (each slot's row and rowid, flat), in buffers that
  // the next run reuses unless a trigger runs this statement again meanwhile.
  const buffer = { rows: [] as (readonly SqlValue[])[], rowids: [] as (Rowid | null)[], values: [] as SqlValue[][], busy: false };
  const op = joined.op;

  const body = (): void => {
    if (onePass) {
      op.open();
      try {
        while (op.next()) updateRow();
      } finally {
        op.close();
      }
      return;
    }
    if (orderEvs.length || limitEv) return updateOrdered();
    const mine = !buffer.busy;
    const rows = mine ? buffer.rows : [];
    const rowids = mine ? buffer.rowids : [];
    const values = mine ? buffer.values : [];
    buffer.busy = true;
    try {
      collect(rows, rowids, values);
      if (!inLoopOrder) sortCollected(rows, rowids);
      const n = rowids.length;
      for (let h = 0, r = 0; h < n; h += nSlots, r++) {
        for (let i = 0; i < nSlots; i++) {
          rt.rows[slots[i]] = rows[h + i];
          rt.rowids[slots[i]] = rowids[h + i];
        }
        updateRow(nSlots > 1 ? values[r] : null);
      }
    } finally {
      if (mine) {
        rows.length = 0;
        rowids.length = 0;
        values.length = 0;
        buffer.busy = false;
      }
    }
  };

  /**
   * Collects the rows of every slot for each target row (once per target row with FROM). With
   * FROM, SQLite's updateFromSelect computes the SET expressions in the collecting SELECT, for
   * every row before any is updated: `values` receives them (in SET order).
   */
  const collect = (rows: (readonly SqlValue[])[], rowids: (Rowid | null)[], values: SqlValue[][]): void => {
    // UPDATE ... FROM: each target row is updated at most once
    const seen = nSlots > 1 && !table.withoutRowid ? new Set<Rowid>() : null;
    const seenPk = nSlots > 1 && table.withoutRowid ? new Set<string>() : null;
    const nPk = table.primaryKey.length;
    op.open();
    try {
      while (op.next()) {
        if (seen) {
          const rid = rt.rowids[tslot];
          if (rid !== null) {
            if (seen.has(rid)) continue;
            seen.add(rid);
          }
        } else if (seenPk) {
          // WITHOUT ROWID: the record starts with the PRIMARY KEY columns
          const k = pkText(rt.rows[tslot], nPk);
          if (seenPk.has(k)) continue;
          seenPk.add(k);
        }
        for (let i = 0; i < nSlots; i++) {
          rows.push(rt.rows[slots[i]]);
          rowids.push(rt.rowids[slots[i]]);
        }
        if (nSlots > 1) values.push(sets.map((x) => x.ev()));
      }
    } finally {
      op.close();
    }
  };

  /** ORDER BY / LIMIT: the collected rows are sorted by keys evaluated while collecting. */
  const updateOrdered = (): void => {
    type Hit = { rows: (readonly SqlValue[])[]; rowids: (Rowid | null)[]; keys: SqlValue[] };
    let hits: Hit[] = [];
    op.open();
    try {
      while (op.next()) {
        const r = new Array<readonly SqlValue[]>(nSlots);
        const ids = new Array<Rowid | null>(nSlots);
        for (let i = 0; i < nSlots; i++) {
          r[i] = rt.rows[slots[i]];
          ids[i] = rt.rowids[slots[i]];
        }
        hits.push({ rows: r, rowids: ids, keys: orderEvs.map((o) => o.ev()) });
      }
    } finally {
      op.close();
    }
    hits = orderAndLimit(cx, hits, stmt, orderEvs.map((o) => o.coll), limitEv, offsetEv);
    hits = inTableOrder(cx, table, hits, (h) => h.rowids[0], (h) => h.rows[0]);
    for (const h of hits) {
      for (let i = 0; i < nSlots; i++) {
        rt.rows[slots[i]] = h.rows[i];
        rt.rowids[slots[i]] = h.rowids[i];
      }
      updateRow();
    }
  };

  const top = outer === null && cx.trigger === null;
  return {
    columns: returning ? returning.columns : [],
    write: true,
    journal: !noJournal,
    run: dmlRun(cx, conn, { top, autoinc: top ? autoincTables(cx, conn, stmt) : [], noJournal, returned }, body),
  };
}

const isSubquery = (n: AstNode): boolean => n.kind === 'Subquery' || n.kind === 'Exists' || n.kind === 'InSelect';

function hasReplaceConstraint(cx: CompileCtx, table: TableSchema): boolean {
  return table.pkConflict === 'REPLACE' || cx.schema.indexesOf(table.name).some((i) => i.onConflict === 'REPLACE');
}

/** Exact text form of the first n values of a record (storage class + value), for a Set key. */
function pkText(rec: readonly SqlValue[], n: number): string {
  let k = '';
  for (let i = 0; i < n; i++) {
    const v = rec[i];
    k += v === null ? 'n' : typeof v === 'string' ? 's' + v.length + ':' + v : v instanceof Uint8Array ? 'b' + Buffer.from(v).toString('hex') : typeof v === 'object' ? 'r' + String(v.value) : (typeof v === 'number' && !Number.isInteger(v) ? 'r' : 'i') + String(v);
    k += '|';
  }
  return k;
}

/**
 * With ORDER BY / LIMIT, sqlite3LimitWhere rewrites the statement to act on
 * `rowid IN (SELECT rowid ... ORDER BY ... LIMIT ...)` (the PRIMARY KEY for WITHOUT ROWID), so
 * the chosen rows are visited in rowid (PRIMARY KEY) order, which RETURNING shows.
 */
export function inTableOrder<T>(
  cx: CompileCtx,
  table: TableSchema,
  hits: T[],
  rowidOf: (h: T) => Rowid | null,
  recordOf: (h: T) => readonly SqlValue[],
): T[] {
  if (hits.length < 2) return hits;
  if (!table.withoutRowid) {
    return hits.sort((a, b) => {
      const x = rowidOf(a)!;
      const y = rowidOf(b)!;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  const colls = table.primaryKey.map((c) => cx.collation(table.columns[c].collation));
  return hits.sort((a, b) => {
    const ra = recordOf(a);
    const rb = recordOf(b);
    for (let i = 0; i < colls.length; i++) {
      const c = compareValues(ra[i], rb[i], colls[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
}

function orderAndLimit<T extends { keys: SqlValue[] }>(
  cx: CompileCtx,
  hits: T[],
  stmt: { orderBy: readonly { direction: 'ASC' | 'DESC' | null; nulls: 'FIRST' | 'LAST' | null }[] | null },
  colls: (string | null)[],
  limitEv: (() => SqlValue) | null,
  offsetEv: (() => SqlValue) | null,
): T[] {
  let out = hits;
  if (stmt.orderBy && stmt.orderBy.length) {
    const keys: SortKey[] = stmt.orderBy.map((t, i) => ({
      index: i,
      desc: t.direction === 'DESC',
      nullsFirst: t.nulls ? t.nulls === 'FIRST' : t.direction !== 'DESC',
      collation: cx.collation(colls[i]),
    }));
    const src = new SortSource({ open() {}, next: (() => { let i = 0; return () => (i < out.length ? [...out[i].keys, i++] : null); })(), close() {} }, keys, null, null);
    src.open();
    const sorted: T[] = [];
    for (let r = src.next(); r !== null; r = src.next()) sorted.push(out[r[r.length - 1] as number]);
    out = sorted;
  }
  const lim = limitEv ? evalLimit(limitEv) : -1;
  const off = offsetEv ? Math.max(0, evalLimit(offsetEv)) : 0;
  out = out.slice(off, lim >= 0 ? off + lim : undefined);
  void LimitSource;
  return out;
}

export { orderAndLimit };
