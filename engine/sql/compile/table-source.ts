/**
 * Column readers for a base table bound to a runtime slot: where each column's value sits in the
 * stored record, the rowid alias, REAL affinity on read (SQLite stores integral REALs as
 * integers), defaults for records written before an ADD COLUMN, and VIRTUAL generated columns.
 */
import { Real, type SqlValue } from '../../common/value.js';
import type { TableSchema } from '../../catalog/types.js';
import type { Ev } from '../exec/runtime.js';
import type { CompileCtx } from './context.js';
import { makeSource, Scope, type ScopeColumn, type ScopeSource } from './scope.js';
import { compileExpr } from './expr.js';

function realOnRead(v: SqlValue): SqlValue {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? new Real(v) : v;
  if (typeof v === 'bigint') return Number(v);
  return v;
}

/** Reader of stored column `ri` with default `dflt` for short records. */
function storedReader(cx: CompileCtx, slot: number, ri: number, dflt: () => SqlValue, real: boolean): Ev {
  const rows = cx.rt.rows;
  const r0 = cx.rt;
  void rows;
  if (real) {
    return () => {
      const r = r0.rows[slot];
      return ri < r.length ? realOnRead(r[ri]) : dflt();
    };
  }
  return () => {
    const r = r0.rows[slot];
    return ri < r.length ? r[ri] : dflt();
  };
}

/** The value a column takes in a record that predates it: its (constant) default, or NULL. */
export function shortRecordDefault(cx: CompileCtx, table: TableSchema, ci: number): () => SqlValue {
  const d = table.columns[ci].defaultValue;
  if (!d) return () => null;
  let cached: SqlValue | undefined;
  return () => {
    if (cached === undefined) {
      const c = compileExpr(cx, d.expr, new Scope([], null, { correlated: false, depth: 0 }));
      // sqlite3ColumnDefault: the default with the column's affinity applied
      cached = applyAffinity(c.ev(), table.columns[ci].affinity);
    }
    return cached;
  };
}

export function bindTableSource(cx: CompileCtx, table: TableSchema, name: string, slot: number, database = 'main'): ScopeSource {
  const rt = cx.rt;
  const cols: ScopeColumn[] = table.columns.map((c, ci) => {
    let read: Ev;
    if (ci === table.rowidAlias) {
      read = () => rt.rowids[slot];
    } else if (c.recordIndex < 0) {
      read = () => null; // VIRTUAL generated: replaced below once the source exists
    } else {
      read = storedReader(cx, slot, c.recordIndex, shortRecordDefault(cx, table, ci), c.affinity === 'REAL');
    }
    return {
      name: c.name,
      affinity: c.affinity,
      collation: c.collation,
      type: c.type === '' ? null : displayType(c.type),
      read,
      origin: { table: table.name, column: c.name, database },
      hidden: false,
    };
  });
  const rowid = table.withoutRowid ? null : (): SqlValue => rt.rowids[slot];
  const source = makeSource(slot, name, table, cols, rowid, table.recordLength);
  if (table.hasVirtualGenerated) {
    const scope = new Scope([source], null, { correlated: false, depth: 0 });
    table.columns.forEach((c, ci) => {
      if (c.recordIndex >= 0 || !c.generated) return;
      let compiled: Ev | null = null;
      const gen = c.generated;
      const aff = c.affinity;
      (cols[ci] as { read: Ev }).read = () => {
        if (compiled === null) compiled = compileExpr(cx, gen.expr, scope).ev;
        // a NULL row (outer join) has no generated value either
        if (rt.rows[slot] === source.nullRow) return null;
        return applyColumnAffinity(compiled(), aff);
      };
    });
  }
  return source;
}

import { applyAffinity, type Affinity } from '../semantics/affinity.js';
import { displayType } from '../../catalog/std-type.js';
function applyColumnAffinity(v: SqlValue, aff: Affinity): SqlValue {
  return applyAffinity(v, aff);
}
