/**
 * Common table expressions. A plain CTE compiles afresh at each reference. A recursive CTE
 * (a compound whose right-hand parts reference the CTE) runs SQLite's queue algorithm: the
 * initial rows are queued; each dequeued row is output and becomes the single-row "working
 * table" for one run of the recursive part, whose rows are queued in turn (UNION drops rows
 * already seen; UNION ALL keeps all). LIMIT on the CTE's select bounds the output.
 */
import { eqpRecursiveCte, eqpStep } from './explain-hooks.js';
import { compoundAffinitiesDiffer, unusedColumnHooks } from './select.js';
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { CommonTableExpr, SelectBody, SelectStmt, WithClause } from '../ast.js';
import { rowKey, hashableCollation } from '../exec/keys.js';
import { evalLimit } from '../exec/rows.js';
import type { Ev, RowSource } from '../exec/runtime.js';
import type { CompileCtx, QueryPlan } from './context.js';
import { compileExpr } from './expr.js';
import { Scope } from './scope.js';
import { collectAggregates } from './aggregate.js';

function astText(x: unknown): string {
  return JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).toLowerCase();
}

function tableRefKey(name: string): string {
  return `"kind":"tableref","schema":null,"name":${JSON.stringify(name.toLowerCase())}`;
}

function referencesName(body: SelectBody, name: string): boolean {
  return astText(body).includes(tableRefKey(name));
}

/** How many FROM items name the CTE (SQLite's CteUse.nUse), in the CTE bodies and `main`. */
function countUses(text: string, name: string): number {
  const key = tableRefKey(name);
  let n = 0;
  for (let i = text.indexOf(key); i >= 0; i = text.indexOf(key, i + key.length)) n++;
  return n;
}

function rename(plan: QueryPlan, cte: CommonTableExpr): QueryPlan {
  if (!cte.columns) return plan;
  if (cte.columns.length !== plan.columns.length) {
    throw sqliteError(`table ${cte.name} has ${plan.columns.length} values for ${cte.columns.length} columns`);
  }
  return { ...plan, columns: plan.columns.map((c, i) => ({ ...c, name: cte.columns![i] })) };
}

/** Pushes the WITH clause's CTEs onto cx.ctes; returns how many were pushed. */
export function bindCtes(cx: CompileCtx, w: WithClause, outer: Scope | null, main: unknown = null): number {
  let n = 0;
  const text = astText([w.ctes.map((c) => c.select), main]);
  const names = new Set<string>();
  for (const cte of w.ctes) {
    const lname = cte.name.toLowerCase();
    if (names.has(lname)) throw sqliteError(`duplicate WITH table name: ${cte.name}`);
    names.add(lname);
    const body = cte.select.body;
    const recursive = w.recursive && body.kind === 'Compound' && referencesName(body, cte.name);
    if (!recursive) {
      let shared: MaterializedCte | null = null;
      const compile = (keepUnused: boolean, at: Scope | null): QueryPlan => {
        const plan = cx.compileSelect(cte.select, at ?? outer);
        // a CTE drops unused columns only by being flattened (17h: arms of equal affinities)
        if (!keepUnused || compoundAffinitiesDiffer.get(plan.source)) unusedColumnHooks.delete(plan.source);
        return rename(plan, cte);
      };
      cx.ctes.push({
        name: cte.name,
        plan: (keepUnused = false, materialize = false, at = null) => {
          if (!materialize) return compile(keepUnused, at);
          if (shared === null) {
            const plan = compile(false, at);
            if (plan.correlated) return plan; // re-run per reference, as before
            shared = new MaterializedCte(plan);
            cx.rt.resets.push(shared);
          }
          return { source: new MaterializedCteReader(shared), columns: shared.plan.columns, correlated: false };
        },
        recursiveRef: null,
        flat: { select: cte.select, outer, names: cte.columns, materialized: cte.materialized, uses: main === null ? 0 : countUses(text, cte.name) },
      });
    } else {
      // EXPLAIN QUERY PLAN: the CTE's rows (SETUP / RECURSIVE STEP) hang under its FROM item
      cx.ctes.push({ name: cte.name, plan: () => eqpRecursiveCte(cx, cte.select, () => compileRecursive(cx, cte, outer)), recursiveRef: null });
    }
    n++;
  }
  return n;
}

/**
 * The rows of a materialized CTE (SQLite's CteUse with its ephemeral table): computed by the first
 * reference opened in an execution, read by every reference; `reset` at each execution's start.
 */
class MaterializedCte {
  private rows: SqlValue[][] | null = null;
  constructor(readonly plan: QueryPlan) {}
  reset(): void {
    this.rows = null;
  }
  fill(): SqlValue[][] {
    if (this.rows !== null) return this.rows;
    const rows: SqlValue[][] = [];
    const src = this.plan.source;
    src.open();
    try {
      for (let r = src.next(); r !== null; r = src.next()) rows.push(r);
    } finally {
      src.close();
    }
    this.rows = rows;
    return rows;
  }
}

/** One reference to a materialized CTE: a cursor over its shared rows. */
class MaterializedCteReader implements RowSource {
  private rows: SqlValue[][] = [];
  private i = 0;
  constructor(private readonly cte: MaterializedCte) {}
  open(): void {
    this.rows = this.cte.fill();
    this.i = 0;
  }
  next(): SqlValue[] | null {
    return this.i < this.rows.length ? this.rows[this.i++] : null;
  }
  close(): void {}
}

class WorkingTable implements RowSource {
  rows: SqlValue[][] = [];
  private i = 0;
  open(): void {
    this.i = 0;
  }
  next(): SqlValue[] | null {
    return this.i < this.rows.length ? this.rows[this.i++] : null;
  }
  close(): void {}
}

class RecursiveSource implements RowSource {
  private queue: SqlValue[][] = [];
  private seen: Set<string> | null = null;
  private remaining = -1;
  private skip = 0;

  constructor(
    private readonly initial: RowSource,
    private readonly recursive: RowSource,
    private readonly work: WorkingTable,
    private readonly distinct: boolean,
    private readonly colls: ReturnType<typeof hashableCollation>[],
    private readonly limit: Ev | null,
    private readonly offset: Ev | null,
  ) {}

  private push(r: SqlValue[]): void {
    if (this.seen) {
      const k = rowKey(r, this.colls.map((c) => c ?? 'BINARY'));
      if (this.seen.has(k)) return;
      this.seen.add(k);
    }
    this.queue.push(r);
  }

  open(): void {
    this.queue = [];
    this.seen = this.distinct ? new Set() : null;
    this.remaining = this.limit ? evalLimit(this.limit) : -1;
    this.skip = this.offset ? Math.max(0, evalLimit(this.offset)) : 0;
    this.initial.open();
    try {
      for (let r = this.initial.next(); r !== null; r = this.initial.next()) this.push(r);
    } finally {
      this.initial.close();
    }
  }

  next(): SqlValue[] | null {
    for (;;) {
      if (this.remaining === 0) return null;
      const row = this.queue.shift();
      if (!row) return null;
      this.work.rows = [row];
      this.recursive.open();
      try {
        for (let r = this.recursive.next(); r !== null; r = this.recursive.next()) this.push(r);
      } finally {
        this.recursive.close();
      }
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      if (this.remaining > 0) this.remaining--;
      return row;
    }
  }

  close(): void {
    this.queue = [];
  }
}

function compileRecursive(cx: CompileCtx, cte: CommonTableExpr, outer: Scope | null): QueryPlan {
  const sel: SelectStmt = cte.select;
  const body = sel.body;
  if (body.kind !== 'Compound') throw sqliteError(`recursive reference in a subquery: ${cte.name}`);
  if (body.op !== 'UNION' && body.op !== 'UNION ALL') {
    throw sqliteError(`circular reference: ${cte.name}`);
  }
  // initial part: everything left of the last compound operator
  if (body.right.kind === 'SelectCore') {
    const r = body.right;
    const aggs = collectAggregates(cx, [...r.columns.map((c) => (c.kind === 'Expr' ? c.expr : null)), r.having]);
    if (r.groupBy || aggs.length) throw sqliteError('recursive aggregate queries not supported');
  }
  // While compiling the initial part, a reference to the CTE itself is an error.
  const blocker = {
    name: cte.name,
    plan: (): QueryPlan => {
      throw sqliteError(`circular reference: ${cte.name}`);
    },
    recursiveRef: null,
  };
  cx.ctes.push(blocker);
  let initialPlan: QueryPlan;
  try {
    initialPlan = eqpStep(cx, 'SETUP', () => cx.compileSelect({ ...sel, body: body.left, orderBy: null, limit: null, offset: null, with: null }, outer));
  } finally {
    cx.ctes.pop();
  }
  const named = rename(initialPlan, cte);
  const work = new WorkingTable();
  // correlated: the working table changes between runs of the recursive part, never cache it
  const workPlan: QueryPlan = { source: work, columns: named.columns, correlated: true };
  cx.ctes.push({ name: cte.name, plan: () => workPlan, recursiveRef: () => workPlan });
  let recPlan: QueryPlan;
  try {
    recPlan = eqpStep(cx, 'RECURSIVE STEP', () => cx.compileSelect({ ...sel, body: body.right, orderBy: null, limit: null, offset: null, with: null }, outer));
  } finally {
    cx.ctes.pop();
  }
  if (recPlan.columns.length !== named.columns.length) {
    throw sqliteError(`SELECTs to the left and right of ${body.op} do not have the same number of result columns`);
  }
  const scope = outer ? outer.child([]) : new Scope([], null, { correlated: false, depth: 0 });
  const limit = sel.limit ? compileExpr(cx, sel.limit, scope).ev : null;
  const offset = sel.offset ? compileExpr(cx, sel.offset, scope).ev : null;
  return {
    source: new RecursiveSource(named.source, recPlan.source, work, body.op === 'UNION', named.columns.map((c) => hashableCollation(c.collation)), limit, offset),
    columns: named.columns,
    correlated: named.correlated || recPlan.correlated,
  };
}
