/**
 * The WHERE terms an access path can use on one table (SQLite's WhereTerm analysis, exprAnalyze):
 * `col = expr`, ranges, BETWEEN, IN lists, `c = x OR c = y` (as IN), and IN (SELECT ...), each
 * usable only under SQLite's affinity and collation rules (sqlite3IndexAffinityOk, matching
 * collation) so that a lookup never returns other rows than a scan with the term as a filter.
 */
import type { SqlValue } from '../../common/value.js';
import type { ColumnExpr, Expr, IsNullExpr, SelectStmt } from '../ast.js';
import { applyComparisonAffinity, comparisonAffinity, isNumericAffinity, type Affinity } from '../semantics/affinity.js';
import { canonicalCollation } from '../../catalog/build-table.js';
import type { CompileCtx } from './context.js';
import { compileExpr, comparisonCollation, constantOf } from './expr.js';
import type { Compiled, Scope, ScopeSource } from './scope.js';
import { sourceOfColumn } from './terms.js';
import { eqp, type EqpNode } from './explain-plan.js';
import { logEst, type LogEst } from './where-cost.js';

export type RangeOp = '<' | '<=' | '>' | '>=';

/** A usable term on one column (or the rowid, column = -1) of the source. */
export interface ColumnTerm {
  readonly termIndex: number;
  readonly column: number;
  readonly op: '=' | 'IN' | RangeOp;
  /** The other side(s), compiled in the scope of already-bound sources. */
  readonly values: Compiled[];
  /** For IN (SELECT): yields the values. */
  readonly valuesFn?: () => SqlValue[];
  readonly collation: string;
  readonly aff: Affinity | null;
  /**
   * `col IS NULL` (WO_ISNULL) or `col IS expr` (WO_IS): an equality that NULL also matches. SQLite
   * uses them on index columns that may hold NULL only.
   */
  readonly isNull?: 'ISNULL' | 'IS';
  /** EXPLAIN QUERY PLAN rows of subqueries compiled for the values (placed only if the term is used). */
  readonly eqp: EqpNode | null;
  /** LogEst of the number of IN values (46, i.e. 25, for a subquery). */
  readonly nIn: LogEst;
  /** `col = <integer -1..1>` (whereLoopOutputAdjust's heuristic). */
  readonly smallInt: boolean;
  /**
   * The virtual term `col > NULL` made from `col IS NOT NULL` (SQLite's TERM_VNULL): a lower
   * bound that skips the index's NULL entries, with no range selectivity of its own.
   */
  readonly vnull?: true;
}

/** ON-clause terms of outer joins (SQLite's EP_OuterON): exprAnalyze makes no `x > NULL` term of them. */
const outerOnTerms = new WeakSet<Expr>();

export function markOuterOn(e: Expr): void {
  outerOnTerms.add(e);
}

/**
 * exprAnalyze's TERM_VNULL rule: `x IS NOT NULL` on a table column (not the rowid, not an
 * outer join's ON term) gets a virtual `x > NULL`, usable as an index range's lower bound.
 */
export function hasVnullTerm(t: Expr): t is IsNullExpr & { readonly expr: ColumnExpr } {
  return t.kind === 'IsNull' && t.not && t.expr.kind === 'Column' && !outerOnTerms.has(t);
}

const FLIP: Record<RangeOp | '=', RangeOp | '='> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

function indexAffinityOk(colAff: Affinity, aff: Affinity | null): boolean {
  if (aff === null || aff === 'BLOB') return true;
  if (aff === 'TEXT') return colAff === 'TEXT';
  return isNumericAffinity(colAff);
}

/** Whether column `ci` of `src`'s table may hold NULL (not the rowid, not NOT NULL, not a WITHOUT ROWID key: indexColumnNotNull). */
function mayBeNull(src: ScopeSource, ci: number): boolean {
  const t = src.table;
  if (!t || ci < 0) return false;
  const col = t.columns[ci];
  return col !== undefined && !col.notNull && !(t.withoutRowid && t.primaryKey.includes(ci));
}

/**
 * Finds the usable terms on `src` among `terms`; `boundScope` resolves the other sides (it sees
 * the already-bound sources only).
 */
export function columnTerms(cx: CompileCtx, src: ScopeSource, terms: readonly Expr[], usable: (i: number) => boolean, boundScope: Scope): ColumnTerm[] {
  const out: ColumnTerm[] = [];
  const rec = eqp(cx);
  const colOf = (e: Expr): { index: number; compiled: Compiled } | null => {
    let x = e;
    while (x.kind === 'Collate') x = x.expr;
    if (x.kind !== 'Column') return null;
    const hit = sourceOfColumn([src], x.table, x.name);
    if (!hit) return null;
    // the INTEGER PRIMARY KEY column is the rowid
    const index = src.table && hit.index >= 0 && hit.index === src.table.rowidAlias ? -1 : hit.index;
    const col = index >= 0 ? src.columns[index] : null;
    const c: Compiled = {
      ev: () => null,
      aff: col ? col.affinity : 'INTEGER',
      coll: e.kind === 'Collate' ? e.collation : col ? col.collation : 'BINARY',
      explicitColl: e.kind === 'Collate',
    };
    return { index, compiled: c };
  };
  // Subqueries compiled here print their plan rows only if the term ends up used.
  let group: EqpNode | null = null;
  const tryCompile = (e: Expr): Compiled | null => {
    try {
      if (!rec) return compileExpr(cx, e, boundScope);
      group = group ?? rec.detached();
      return rec.within(group, () => compileExpr(cx, e, boundScope));
    } catch {
      return null;
    }
  };
  const smallInt = (e: Expr): boolean => e.kind === 'Literal' && (e.value === 0 || e.value === 1 || e.value === -1 || e.value === 0n || e.value === 1n || e.value === -1n);
  terms.forEach((t, ti) => {
    if (!usable(ti)) return;
    group = null;
    if (t.kind === 'Binary' && (t.op === '=' || t.op === 'IS' || t.op === '<' || t.op === '<=' || t.op === '>' || t.op === '>=')) {
      for (const [colSide, other, flip] of [
        [t.left, t.right, false],
        [t.right, t.left, true],
      ] as const) {
        const c = colOf(colSide);
        if (!c) continue;
        // IS matches NULL too: only on an index column that may hold NULL (not the rowid)
        if (t.op === 'IS' && !mayBeNull(src, c.index)) continue;
        const v = tryCompile(other);
        if (!v) continue;
        const aff = comparisonAffinity(c.compiled.aff, v.aff);
        const colAff: Affinity = c.index >= 0 ? src.columns[c.index].affinity ?? 'BLOB' : 'INTEGER';
        if (!indexAffinityOk(colAff, aff)) continue;
        const coll = canonicalCollation(comparisonCollation(flip ? v : c.compiled, flip ? c.compiled : v) ?? 'BINARY');
        if (t.op === 'IS') {
          out.push({ termIndex: ti, column: c.index, op: '=', values: [v], collation: coll, aff, eqp: group, nIn: 0, smallInt: false, isNull: 'IS' });
          break;
        }
        const op = flip ? FLIP[t.op as RangeOp | '='] : (t.op as RangeOp | '=');
        out.push({ termIndex: ti, column: c.index, op, values: [v], collation: coll, aff, eqp: group, nIn: 0, smallInt: op === '=' && smallInt(other) });
        break;
      }
    } else if (t.kind === 'IsNull' && !t.not) {
      // `col IS NULL`: an equality with NULL, on an index column that may hold NULL
      const c = colOf(t.expr);
      if (!c || !mayBeNull(src, c.index)) return;
      out.push({ termIndex: ti, column: c.index, op: '=', values: [constantOf(null)], collation: canonicalCollation(c.compiled.coll ?? 'BINARY'), aff: null, eqp: null, nIn: 0, smallInt: false, isNull: 'ISNULL' });
    } else if (t.kind === 'IsNull' && t.not) {
      // `col IS NOT NULL`: the virtual `col > NULL` (TERM_VNULL), on an index column that may hold NULL
      if (!hasVnullTerm(t)) return;
      const c = colOf(t.expr);
      if (!c || !mayBeNull(src, c.index)) return;
      out.push({ termIndex: ti, column: c.index, op: '>', values: [constantOf(null)], collation: canonicalCollation(c.compiled.coll ?? 'BINARY'), aff: null, eqp: null, nIn: 0, smallInt: false, vnull: true });
    } else if (t.kind === 'InList' && !t.not && t.expr.kind !== 'RowValue') {
      const c = colOf(t.expr);
      if (!c) return;
      const vals: Compiled[] = [];
      for (const item of t.list) {
        const v = tryCompile(item);
        if (!v) return;
        vals.push(v);
      }
      const colAff: Affinity = c.index >= 0 ? src.columns[c.index].affinity ?? 'BLOB' : 'INTEGER';
      // IN uses the LHS affinity for every element
      const aff = c.compiled.aff === 'BLOB' ? null : c.compiled.aff;
      if (!indexAffinityOk(colAff, aff)) return;
      const nIn = vals.length <= 1 ? 0 : logEst(vals.length);
      out.push({ termIndex: ti, column: c.index, op: vals.length === 1 ? '=' : 'IN', values: vals, collation: canonicalCollation(c.compiled.coll ?? 'BINARY'), aff, eqp: group, nIn, smallInt: false });
    } else if (t.kind === 'Binary' && t.op === 'OR') {
      // `c = x OR c = y ...` on one column is `c IN (x, y, ...)` (exprAnalyzeOrTerm, case 1)
      const leaves: Expr[] = [];
      const flat = (e: Expr): void => {
        if (e.kind === 'Binary' && e.op === 'OR') {
          flat(e.left);
          flat(e.right);
        } else leaves.push(e);
      };
      flat(t);
      let col: { index: number; compiled: Compiled } | null = null;
      const vals: Compiled[] = [];
      for (const leaf of leaves) {
        if (leaf.kind !== 'Binary' || leaf.op !== '=') return;
        let c = colOf(leaf.left);
        let other = leaf.right;
        if (!c || (col && c.index !== col.index)) {
          c = colOf(leaf.right);
          other = leaf.left;
        }
        if (!c || (col && c.index !== col.index) || c.compiled.explicitColl) return;
        col = c;
        const v = tryCompile(other);
        if (!v || v.column || (v.aff !== null && v.aff !== 'BLOB' && v.aff !== c.compiled.aff) || v.explicitColl) return;
        vals.push(v);
      }
      if (!col || vals.length < 2) return;
      const colAff: Affinity = col.index >= 0 ? src.columns[col.index].affinity ?? 'BLOB' : 'INTEGER';
      const aff = col.compiled.aff === 'BLOB' ? null : col.compiled.aff;
      if (!indexAffinityOk(colAff, aff)) return;
      out.push({ termIndex: ti, column: col.index, op: 'IN', values: vals, collation: canonicalCollation(col.compiled.coll ?? 'BINARY'), aff, eqp: group, nIn: logEst(vals.length), smallInt: false });
    } else if (t.kind === 'InSelect' && !t.not && t.expr.kind !== 'RowValue') {
      const c = colOf(t.expr);
      if (!c) return;
      const ct = inSelectTerm(cx, t.select, c, src, boundScope);
      if (ct) out.push({ ...ct, termIndex: ti });
    } else if (t.kind === 'Between' && !t.not) {
      const c = colOf(t.expr);
      if (!c) return;
      const lo = tryCompile(t.low);
      const hi = tryCompile(t.high);
      if (!lo || !hi) return;
      const colAff: Affinity = c.index >= 0 ? src.columns[c.index].affinity ?? 'BLOB' : 'INTEGER';
      const affLo = comparisonAffinity(c.compiled.aff, lo.aff);
      const affHi = comparisonAffinity(c.compiled.aff, hi.aff);
      if (!indexAffinityOk(colAff, affLo) || !indexAffinityOk(colAff, affHi)) return;
      const coll = canonicalCollation(c.compiled.coll ?? 'BINARY');
      // Not consumed: BETWEEN stays as a filter (two half terms share one term index)
      out.push({ termIndex: -1 - ti, column: c.index, op: '>=', values: [lo], collation: coll, aff: affLo, eqp: group, nIn: 0, smallInt: false });
      out.push({ termIndex: -1 - ti, column: c.index, op: '<=', values: [hi], collation: coll, aff: affHi, eqp: null, nIn: 0, smallInt: false });
    }
  });
  return out;
}

/**
 * `col IN (SELECT ...)` as a lookup driver: the subquery's rows are the probe values (read once
 * per open of the scan, so a subquery correlated to an outer loop is re-run for each outer row).
 */
function inSelectTerm(
  cx: CompileCtx,
  select: SelectStmt,
  c: { index: number; compiled: Compiled },
  src: ScopeSource,
  boundScope: Scope,
): Omit<ColumnTerm, 'termIndex'> | null {
  const rec = eqp(cx);
  const group = rec ? rec.detached() : null;
  let plan: ReturnType<CompileCtx['compileSelect']>;
  try {
    const compile = () => cx.compileSelect(select, boundScope);
    if (rec && group) {
      const saved = rec.inLoop;
      rec.inLoop = true;
      try {
        plan = rec.within(group, compile);
      } finally {
        rec.inLoop = saved;
      }
    } else plan = compile();
  } catch {
    return null;
  }
  if (plan.columns.length !== 1) return null;
  const col = plan.columns[0];
  const rhs: Compiled = { ev: () => null, aff: col.affinity, coll: col.collation, explicitColl: false };
  const aff = comparisonAffinity(c.compiled.aff, col.affinity);
  const colAff: Affinity = c.index >= 0 ? src.columns[c.index].affinity ?? 'BLOB' : 'INTEGER';
  if (!indexAffinityOk(colAff, aff)) return null;
  const coll = canonicalCollation(comparisonCollation(c.compiled, rhs) ?? 'BINARY');
  const source = plan.source;
  const load = (): SqlValue[] => {
    const vals: SqlValue[] = [];
    source.open();
    try {
      for (let r = source.next(); r !== null; r = source.next()) if (r[0] !== null) vals.push(r[0]);
    } finally {
      source.close();
    }
    return vals;
  };
  let valuesFn = load;
  if (!plan.correlated) {
    let cached: SqlValue[] | null = null;
    cx.rt.resets.push({ reset: () => (cached = null) });
    valuesFn = () => (cached = cached ?? load());
  }
  return { column: c.index, op: 'IN', values: [], valuesFn, collation: coll, aff, eqp: group, nIn: 46, smallInt: false };
}

export function converter(aff: Affinity | null): (v: SqlValue) => SqlValue {
  if (aff === null || aff === 'BLOB') return (v) => v;
  return (v) => applyComparisonAffinity(v, aff);
}
