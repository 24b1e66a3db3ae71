/**
 * EXPLAIN QUERY PLAN rows of one select core that are not about loops: SQLite's temp b-trees
 * (explainTempTable, generateSortTail, resetAccumulator) and the co-routine its window-function
 * rewrite creates (sqlite3WindowRewrite), placed where SQLite's code generator emits them:
 *
 *   [agg(DISTINCT) / agg(ORDER BY) temp b-trees, when there is no GROUP BY]
 *   loops and the subqueries of their terms
 *   USE TEMP B-TREE FOR GROUP BY (or DISTINCT, for a DISTINCT rewritten as GROUP BY)
 *   [agg(DISTINCT) / agg(ORDER BY) temp b-trees, with GROUP BY]
 *   HAVING, result-column and ORDER BY subqueries
 *   USE TEMP B-TREE FOR DISTINCT
 *   USE TEMP B-TREE FOR ORDER BY | LAST TERM OF ORDER BY | LAST n TERMS OF ORDER BY
 *
 * A temp b-tree row is left out when the chosen access path already delivers the order
 * (access-path.ts `orderedTerms`). The engine groups and de-duplicates by hashing; the rows
 * name the step as SQLite does.
 */
import type { Expr, FunctionExpr, NamedWindow, OrderingTerm, SelectCore } from '../ast.js';
import { orderedTerms, type OrderRequest } from './access-path.js';
import type { CompileCtx } from './context.js';
import { eqp, EqpNode, type QueryPlanRecorder } from './explain-plan.js';
import { wishKindOf } from './order-wish.js';
import type { FromEntry } from './from.js';

export class CoreExplain {
  private readonly group: EqpNode;
  private readonly saved: EqpNode;
  private aggRows: EqpNode[] = [];

  private constructor(
    private readonly rec: QueryPlanRecorder,
    private readonly core: SelectCore,
    private readonly orderBy: readonly OrderingTerm[] | null,
    private readonly aggCalls: readonly FunctionExpr[],
    private readonly isAggregate: boolean,
    private readonly wish: OrderRequest | null,
    entries: readonly FromEntry[],
  ) {
    this.group = rec.group();
    // the core's loops and subqueries print inside this group, until `sorts`
    this.saved = rec.enter(this.group);
    this.noteUniqueDistinct(entries);
    if (isAggregate && !core.groupBy) this.aggRows = this.rec.within(this.group, () => this.addAggRows());
  }

  static start(
    cx: CompileCtx,
    core: SelectCore,
    orderBy: readonly OrderingTerm[] | null,
    aggCalls: readonly FunctionExpr[],
    isAggregate: boolean,
    wish: OrderRequest | null,
    entries: readonly FromEntry[],
  ): CoreExplain | null {
    const rec = eqp(cx);
    return rec ? new CoreExplain(rec, core, orderBy, aggCalls, isAggregate, wish, entries) : null;
  }

  private addAggRows(): EqpNode[] {
    const out: EqpNode[] = [];
    for (const f of this.aggCalls) {
      const name = f.name.toLowerCase();
      if (f.distinct) out.push(this.rec.add(`USE TEMP B-TREE FOR ${name}(DISTINCT)`));
      else if (f.orderBy && f.orderBy.length) out.push(this.rec.add(`USE TEMP B-TREE FOR ${name}(ORDER BY)`));
    }
    return out;
  }

  private satisfied(): boolean {
    const w = this.wish;
    return !!w && orderedTerms(w) >= w.terms.length;
  }

  /** After the loops: the GROUP BY sorter, then (with GROUP BY) the aggregates' temp b-trees. */
  afterJoins(): void {
    const kind = wishKindOf(this.wish);
    this.rec.within(this.group, () => {
      if (this.isAggregate && this.core.groupBy) {
        if (!this.satisfied()) this.rec.add('USE TEMP B-TREE FOR GROUP BY');
        this.addAggRows();
      } else if (kind === 'agg-distinct' && this.satisfied()) {
        // the index delivers distinct values: no temp b-tree (fixDistinctOpenEph)
        for (const r of this.aggRows) r.parent?.children.splice(r.parent.children.indexOf(r), 1);
      } else if (!this.isAggregate && this.core.distinct && this.distinctByGroup() && !this.satisfied() && !this.uniqueDistinct) {
        this.rec.add('USE TEMP B-TREE FOR DISTINCT');
      }
    });
  }

  /** DISTINCT with an ORDER BY equal to the result list: SQLite runs it as GROUP BY. */
  private distinctByGroup(): boolean {
    return wishKindOf(this.wish) === 'distinct-group' || (!!this.orderBy && this.orderBy.length > 0 && this.sameAsResult());
  }

  private sameAsResult(): boolean {
    const strip = (e: Expr) => JSON.stringify(e, (k, v) => (k === 'start' || k === 'end' ? undefined : typeof v === 'bigint' ? String(v) : v));
    const cols = this.core.columns;
    const ob = this.orderBy!;
    if (ob.length !== cols.length || ob.some((t) => t.direction === 'DESC' || t.nulls)) return false;
    return ob.every((t, i) => {
      const c = cols[i];
      return c.kind === 'Expr' && strip(c.expr) === strip(t.expr);
    });
  }

  /** DISTINCT over a result that holds the rowid: rows are distinct already (WHERE_DISTINCT_UNIQUE). */
  uniqueDistinct = false;

  private noteUniqueDistinct(entries: readonly FromEntry[]): void {
    if (!this.core.distinct || entries.length !== 1 || !entries[0].table) return;
    const t = entries[0].table;
    const names = new Set(['rowid', 'oid', '_rowid_']);
    if (t.rowidAlias >= 0) names.add(t.columns[t.rowidAlias].name.toLowerCase());
    this.uniqueDistinct = !t.withoutRowid && this.core.columns.some((c) => c.kind === 'Expr' && c.expr.kind === 'Column' && names.has(c.expr.name.toLowerCase()));
  }

  /** Window functions: everything so far becomes a co-routine the outer query scans. */
  windows(windowCalls: readonly FunctionExpr[], named: readonly NamedWindow[] | null): void {
    const id = this.rec.nextSelId++;
    const co = new EqpNode(`CO-ROUTINE (subquery-${id})`);
    const moved = this.group.children.splice(0, this.group.children.length);
    this.rec.attachTo(this.group, co);
    for (const m of moved) this.rec.attachTo(co, m);
    const first = windowCalls[0];
    let spec = first?.over ?? null;
    if (typeof spec === 'string') spec = named?.find((w) => w.name.toLowerCase() === (spec as string).toLowerCase())?.spec ?? null;
    if (spec && typeof spec === 'object' && (spec.partitionBy.length > 0 || spec.orderBy.length > 0)) {
      this.rec.within(co, () => this.rec.add('USE TEMP B-TREE FOR ORDER BY'));
    }
    this.rec.within(this.group, () => this.rec.add(`SCAN (subquery-${id})`));
  }

  /** After the projection: DISTINCT, then the ORDER BY sorter. */
  sorts(sorting: boolean): void {
    this.rec.leave(this.saved);
    this.rec.within(this.group, () => {
      if (!this.isAggregate && this.core.distinct && !this.distinctByGroup() && !this.satisfied() && !this.uniqueDistinct) {
        this.rec.add('USE TEMP B-TREE FOR DISTINCT');
      }
      // without FROM there is one row: nothing to sort
      if (!sorting || !this.orderBy || this.orderBy.length === 0 || this.core.from === null) return;
      if (this.isAggregate && this.core.groupBy && this.orderByIsGroupBy()) return;
      if (!this.isAggregate && this.core.distinct && this.distinctByGroup()) return;
      const n = this.wish && wishKindOf(this.wish) === 'order' ? orderedTerms(this.wish) : 0;
      const total = this.orderBy.length;
      if (n === 0 || n >= total) this.rec.add('USE TEMP B-TREE FOR ORDER BY');
      else if (total - n === 1) this.rec.add('USE TEMP B-TREE FOR LAST TERM OF ORDER BY');
      else this.rec.add(`USE TEMP B-TREE FOR LAST ${total - n} TERMS OF ORDER BY`);
    });
  }

  /** ORDER BY naming the GROUP BY terms in order (any direction): the grouping sorts already (orderByGrp). */
  private orderByIsGroupBy(): boolean {
    const strip = (e: Expr) => JSON.stringify(e, (k, v) => (k === 'start' || k === 'end' ? undefined : typeof v === 'bigint' ? String(v) : v));
    const g = this.core.groupBy!;
    const ob = this.orderBy!;
    return g.length === ob.length && ob.every((t, i) => !t.nulls && strip(t.expr) === strip(g[i]));
  }
}
