/**
 * EXPLAIN QUERY PLAN rows of compound SELECTs, as SQLite's multiSelect codes them:
 *
 *  - UNION ALL without ORDER BY runs each part in turn:
 *      COMPOUND QUERY / LEFT-MOST SUBQUERY (first part) / UNION ALL (each further part);
 *  - anything else (UNION, INTERSECT, EXCEPT, or an ORDER BY) is a merge of two sorted
 *    co-routines (multiSelectByMerge): MERGE (op) / LEFT / RIGHT, each side sorted by the
 *    compound's ORDER BY extended to every result column (so each side plans for that order and
 *    prints its own `USE TEMP B-TREE FOR ORDER BY` when its access path does not deliver it).
 *
 * The engine evaluates UNION, INTERSECT and EXCEPT by hashing rather than merging; the rows
 * describe SQLite's plan shape (docs/compat.md). Also `SCAN CONSTANT ROW` / `SCAN n-ROW VALUES
 * CLAUSE` for VALUES bodies.
 */
import type { Expr, OrderingTerm, SelectBody, SelectStmt } from '../ast.js';
import type { CompileCtx } from './context.js';
import { eqp, type EqpNode, type QueryPlanRecorder } from './explain-plan.js';
import { ordinalTerm } from './terms.js';

const allChainHeaders = new WeakMap<SelectBody, EqpNode | null>();

function literal(n: number): Expr {
  return { kind: 'Literal', value: n, start: 0, end: 0 };
}

function leftmostCore(b: SelectBody): SelectBody {
  while (b.kind === 'Compound') b = b.left;
  return b;
}

/** The compound's ORDER BY as result-column positions (what SQLite's merge sorts each side by). */
export function compoundOrderForExplain(cx: CompileCtx, stmt: SelectStmt): OrderingTerm[] | null {
  void cx;
  if (stmt.body.kind !== 'Compound') return null;
  const first = leftmostCore(stmt.body);
  const out: OrderingTerm[] = [];
  for (const t of stmt.orderBy ?? []) {
    let n = ordinalTerm(t.expr);
    let e = t.expr;
    while (e.kind === 'Collate') e = e.expr;
    if (n === null && e.kind === 'Column' && first.kind === 'SelectCore') {
      const name = e.name.toLowerCase();
      const i = first.columns.findIndex((c) => c.kind === 'Expr' && ((c.alias ?? (c.expr.kind === 'Column' ? c.expr.name : c.text)).toLowerCase() === name));
      if (i >= 0) n = i + 1;
    }
    if (n !== null) out.push({ ...t, expr: literal(n) });
  }
  return out;
}

export class CompoundExplain {
  private header: EqpNode | null = null;
  private mergeNode: EqpNode | null = null;
  /** The ORDER BY each side compiles with (a merge sorts both sides). */
  readonly sideOrder: OrderingTerm[] | null;

  private constructor(
    private readonly rec: QueryPlanRecorder,
    private readonly body: SelectBody & { kind: 'Compound' },
    order: readonly OrderingTerm[],
    width: number,
  ) {
    this.sideOrder = mergeSideOrder(body, order, width);
    if (this.sideOrder) this.mergeNode = rec.add(`MERGE (${body.op})`);
  }

  /**
   * Starts explaining a compound body; `width` yields its result column count (compiling the
   * left-most part with its rows dropped, when `*` hides it).
   */
  static start(cx: CompileCtx, body: SelectBody & { kind: 'Compound' }, order: readonly OrderingTerm[] | null, width: () => number): CompoundExplain | null {
    const rec = eqp(cx);
    if (!rec) return null;
    const first = leftmostCore(body);
    const n = first.kind === 'SelectCore' && first.columns.every((c) => c.kind === 'Expr') ? first.columns.length : first.kind === 'Values' ? first.rows[0].length : rec.within(rec.detached(), width);
    return new CompoundExplain(rec, body, order ?? [], n);
  }

  left<T>(fn: () => T): T {
    const rec = this.rec;
    if (this.mergeNode) return rec.within(rec.within(this.mergeNode, () => rec.add('LEFT')), fn);
    if (this.body.left.kind !== 'Compound') {
      this.header = rec.add('COMPOUND QUERY');
      return rec.within(rec.within(this.header, () => rec.add('LEFT-MOST SUBQUERY')), fn);
    }
    const out = fn();
    this.header = allChainHeaders.get(this.body.left) ?? null;
    return out;
  }

  right<T>(fn: () => T): T {
    const rec = this.rec;
    if (this.mergeNode) return rec.within(rec.within(this.mergeNode, () => rec.add('RIGHT')), fn);
    const node = this.header ? rec.within(this.header, () => rec.add('UNION ALL')) : rec.add('UNION ALL');
    allChainHeaders.set(this.body, this.header);
    return rec.within(node, fn);
  }
}

/**
 * The ORDER BY each side of a merged compound is planned (and, in SQLite, sorted) by: the
 * compound's ORDER BY extended to every result column, or null when the parts simply run in
 * turn (UNION ALL without ORDER BY).
 */
export function mergeSideOrder(body: SelectBody & { kind: 'Compound' }, order: readonly OrderingTerm[], width: number): OrderingTerm[] | null {
  if (order.length === 0 && body.op === 'UNION ALL') return null;
  const terms = order.slice();
  if (body.op !== 'UNION ALL') {
    for (let i = 1; i <= width; i++) {
      if (!terms.some((t) => ordinalTerm(t.expr) === i)) terms.push({ expr: literal(i), direction: null, nulls: null });
    }
  }
  return terms;
}

/** The result width of a compound from its left-most part's syntax (null when `*` hides it). */
export function syntacticWidth(body: SelectBody): number | null {
  const first = leftmostCore(body);
  if (first.kind === 'Values') return first.rows[0].length;
  if (first.kind === 'SelectCore' && first.columns.every((c) => c.kind === 'Expr')) return first.columns.length;
  return null;
}

/** A VALUES body: one row is a constant row, several a VALUES-clause scan. */
export function eqpValues(cx: CompileCtx, rows: number): void {
  const rec = eqp(cx);
  if (!rec) return;
  rec.add(rows === 1 ? 'SCAN CONSTANT ROW' : `SCAN ${rows}-ROW VALUES CLAUSE`);
}
