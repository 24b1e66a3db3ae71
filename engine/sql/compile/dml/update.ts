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
import { Scope } from '../scope.js';
import type { RunPlan } from '../statement.js';
import { bindCtes } from '../cte.js';
import { dbNameOf } from '../../../catalog/schema.js';
import { insteadOfView, compileViewUpdate } from './view-dml.js';
import { compileReturning, evalRow, targetTable } from './common.js';
import { compileSets } from './insert.js';
import { TableWriter } from './writer.js';

const NO_KEYS: SqlValue[] = [];

export function compileUpdate(cx: CompileCtx, conn: Connection, stmt: UpdateStmt, outer: Scope | null = null): RunPlan {
  // WITH before the statement: the CTEs are visible while its parts compile
  const pushed = stmt.with ? bindCtes(cx, stmt.with, outer) : 0;
  try {
    return compileUpdateBody(cx, conn, stmt, outer);
  } finally {
    cx.ctes.length -= pushed;
  }
}

function compileUpdateBody(cx: CompileCtx, conn: Connection, stmt: UpdateStmt, outer: Scope | null = null): RunPlan {
  cx.writes = true;
  const view = stmt.table.schema === null || dbNameOf(stmt.table.schema) ? insteadOfView(cx, stmt.table.name, dbNameOf(stmt.table.schema), 'UPDATE', stmt.sets.flatMap((x) => x.columns)) : null;
  if (view) return compileViewUpdate(cx, conn, stmt, view, outer);
  const table = targetTable(cx, stmt.table.name, stmt.table.schema);
  const writer = new TableWriter(cx, conn, table, stmt.table.alias);
  const entries: FromEntry[] = [
    { source: writer.source, joinType: 'INNER', on: null, usingTerms: [], table, op: null, indexedBy: stmt.table.indexedBy, asOf: null },
  ];
  const mk = (srcs: FromEntry[]) => (outer ? outer.child(srcs.map((e) => e.source)) : new Scope(srcs.map((e) => e.source), null, { correlated: false, depth: 0 }));
  bindFrom(cx, stmt.from, outer, entries, () => mk(entries));
  const scope = mk(entries);
  const joined = planJoins(cx, entries, stmt.where, scope, null);
  const sets = compileSets(cx, stmt.sets, scope, table);
  const returning = compileReturning(cx, stmt.returning, new Scope([writer.source], outer, scope.query), table);
  const rt = cx.rt;
  const slots = entries.map((e) => e.source.slot);
  const tslot = writer.source.slot;
  const changed = new Set<number>(sets.flatMap((s) => s.cols));
  // Triggers and foreign key actions can change rows this statement has yet to update.
  // So can REPLACE conflict resolution (it deletes the conflicting row, maybe one not yet visited).
  const mayChangeOthers =
    cx.schema.triggers.size > 0 || cx.schema.referencedBy.size > 0 || stmt.orAction === 'REPLACE' || hasReplaceConstraint(cx, table);
  writer.fks.validate(changed);

  // ORDER BY / LIMIT: sort the collected rows by keys evaluated during collection
  const orderEvs = (stmt.orderBy ?? []).map((t) => compileExpr(cx, t.expr, scope));
  const limitScope = new Scope([], outer, scope.query);
  const limitEv = stmt.limit ? compileExpr(cx, stmt.limit, limitScope).ev : null;
  const offsetEv = stmt.offset ? compileExpr(cx, stmt.offset, limitScope).ev : null;

  return {
    columns: returning ? returning.columns : [],
    write: true,
    run: () => {
      conn.changes = 0;
      const startTotal = conn.totalChanges;
      type Hit = { rows: (readonly SqlValue[])[]; rowids: (Rowid | null)[]; keys: SqlValue[] };
      let hits: Hit[] = [];
      // UPDATE ... FROM: each target row is updated at most once
      const seen = slots.length > 1 && !table.withoutRowid ? new Set<Rowid>() : null;
      const seenPk = slots.length > 1 && table.withoutRowid ? new Set<string>() : null;
      const nPk = table.primaryKey.length;
      const nSlots = slots.length;
      const op = joined.op;
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
          const rows = new Array<readonly SqlValue[]>(nSlots);
          const rowids = new Array<Rowid | null>(nSlots);
          for (let i = 0; i < nSlots; i++) {
            rows[i] = rt.rows[slots[i]];
            rowids[i] = rt.rowids[slots[i]];
          }
          hits.push({ rows, rowids, keys: orderEvs.length ? orderEvs.map((o) => o.ev()) : NO_KEYS });
        }
      } finally {
        op.close();
      }
      if (orderEvs.length || limitEv) {
        hits = orderAndLimit(cx, hits, stmt, orderEvs.map((o) => o.coll), limitEv, offsetEv);
        hits = inTableOrder(cx, table, hits, (h) => h.rowids[0], (h) => h.rows[0]);
      }
      const out: SqlValue[][] = [];
      try {
        for (const h of hits) {
          for (let i = 0; i < nSlots; i++) {
            rt.rows[slots[i]] = h.rows[i];
            rt.rowids[slots[i]] = h.rowids[i];
          }
          let rowid = h.rowids[0];
          let old: SqlValue[] | undefined;
          if (!table.withoutRowid && mayChangeOthers) {
            // re-read: an earlier update in this statement (trigger, cascade) may have changed it
            old = writer.load(rowid!);
            if (!old) continue;
            for (let i = 1; i < nSlots; i++) {
              rt.rows[slots[i]] = h.rows[i];
              rt.rowids[slots[i]] = h.rowids[i];
            }
          } else old = writer.currentVals();
          const nv = old.slice();
          for (const s of sets) {
            const v = s.ev();
            if (s.cols.length === 1) nv[s.cols[0]] = writer.coerce(s.cols[0], v);
            else s.cols.forEach((ci, k) => (nv[ci] = writer.coerce(ci, (v as unknown as SqlValue[])[k])));
          }
          if (writer.update(rowid, old, nv, stmt.orAction, changed) && returning) {
            rowid = table.rowidAlias >= 0 ? (nv[table.rowidAlias] as Rowid) : rowid;
            writer.position(nv, table.withoutRowid ? null : rowid);
            out.push(evalRow(returning.evs));
          }
        }
      } finally {
        conn.totalChanges = startTotal + conn.changes;
      }
      return out;
    },
  };
}

function hasReplaceConstraint(cx: CompileCtx, table: ReturnType<typeof targetTable>): boolean {
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
  table: ReturnType<typeof targetTable>,
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
