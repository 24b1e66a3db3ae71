/**
 * The EXPLAIN QUERY PLAN recorder: a tree of plan rows built while a statement compiles, in the
 * order and shape SQLite prints them (sqlite3VdbeExplain / ExplainQueryPlanPush/Pop).
 *
 * SQLite numbers its rows by bytecode address and prints them in address order; our compilers
 * run in a different order than SQLite's code generator, so rows are placed into the tree by
 * position, not by time:
 *  - `add` appends a row at the current position, `within(node, fn)` makes rows added by `fn`
 *    children of `node` (a pushed row such as `SCALAR SUBQUERY 1`);
 *  - a *group* is a transparent node: its children print in its place. `detached()` groups
 *    collect rows for a place decided later (`attach`), or for speculative compiles whose rows
 *    are dropped (the access-path chooser compiles candidate terms it may not use).
 *
 * Only an EXPLAIN QUERY PLAN compile has a recorder (`eqp(cx)`); every hook is a no-op otherwise.
 */
import type { Expr, SelectBody, SelectCore, SelectStmt, Statement, ValuesBody } from '../ast.js';
import type { CompileCtx } from './context.js';

export class EqpNode {
  readonly children: EqpNode[] = [];
  parent: EqpNode | null = null;
  /** Row text, or null for a transparent group. */
  constructor(public detail: string | null) {}
}

/** How a SELECT appears inside the statement (what its plan rows hang under). */
export type SelectRole =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'exists' }
  | { readonly kind: 'in' }
  | { readonly kind: 'from'; readonly alias: string | null }
  | { readonly kind: 'cte'; readonly name: string; readonly materialized: boolean | null; readonly uses: number };

export interface EqpRow {
  readonly id: number;
  readonly parent: number;
  readonly detail: string;
}

export class QueryPlanRecorder {
  private readonly root = new EqpNode(null);
  private cur: EqpNode = this.root;
  /** SQLite's Select.selId for each core of the statement (parse order, see numberSelects). */
  readonly selIds = new Map<SelectCore | ValuesBody, number>();
  readonly roles = new Map<SelectStmt, SelectRole>();
  /** Next number for selects SQLite creates while planning (window-function subqueries). */
  nextSelId = 1;
  /** EXISTS subqueries that are AND-terms of a WHERE clause (SQLite may run them as a join loop). */
  readonly whereExists = new Set<SelectStmt>();
  /** Bodies of recursive CTEs (never flattened). */
  readonly recursive = new Set<SelectStmt>();
  /** Set while the access-path chooser compiles IN (SELECT ...) terms it may drive a loop with. */
  inLoop = false;
  /**
   * FROM-clause subqueries (and views, CTE references) compiled and waiting for their query's
   * join planner to place their rows, keyed by the runtime slot of the FROM item.
   */
  readonly fromItems = new Map<number, { readonly stmt: SelectStmt; readonly group: EqpNode; readonly role: SelectRole }>();
  /** Number of the window-function subqueries SQLite creates, per select core. */
  readonly windowIds = new Map<SelectCore, number>();

  add(detail: string): EqpNode {
    const n = new EqpNode(detail);
    this.append(this.cur, n);
    return n;
  }

  /** A transparent group at the current position. */
  group(): EqpNode {
    const n = new EqpNode(null);
    this.append(this.cur, n);
    return n;
  }

  /** A transparent group not yet placed. */
  detached(): EqpNode {
    return new EqpNode(null);
  }

  /** Places `node` (a detached group or row) at the current position. */
  attach(node: EqpNode): void {
    this.append(this.cur, node);
  }

  /** Places `node` as the last child of `parent`. */
  attachTo(parent: EqpNode, node: EqpNode): void {
    this.append(parent, node);
  }

  within<T>(node: EqpNode, fn: () => T): T {
    const saved = this.cur;
    this.cur = node;
    try {
      return fn();
    } finally {
      this.cur = saved;
    }
  }

  /** Makes `node` the current position until `leave` (for a compile that is not one call; `within` callers restore it on errors). */
  enter(node: EqpNode): EqpNode {
    const saved = this.cur;
    this.cur = node;
    return saved;
  }

  leave(saved: EqpNode): void {
    this.cur = saved;
  }

  get current(): EqpNode {
    return this.cur;
  }

  private append(parent: EqpNode, n: EqpNode): void {
    if (n.parent) {
      const sib = n.parent.children;
      const i = sib.indexOf(n);
      if (i >= 0) sib.splice(i, 1);
    }
    n.parent = parent;
    parent.children.push(n);
  }

  /** Flattens the tree: ids in print order, parent 0 for top-level rows. */
  rows(): EqpRow[] {
    const out: EqpRow[] = [];
    let next = 2;
    const walk = (n: EqpNode, parentId: number): void => {
      for (const c of n.children) {
        if (c.detail === null) {
          walk(c, parentId);
          continue;
        }
        const id = next++;
        out.push({ id, parent: parentId, detail: c.detail });
        walk(c, id);
      }
    };
    walk(this.root, 0);
    return out;
  }

  /** SQLite's selId of a statement: that of its right-most core (Expr.x.pSelect is the last of a compound). */
  selIdOf(stmt: SelectStmt): number {
    let b: SelectBody = stmt.body;
    while (b.kind === 'Compound') b = b.right;
    return this.selIds.get(b) ?? 0;
  }
}

const recorders = new WeakMap<CompileCtx, QueryPlanRecorder>();

/** The recorder of an EXPLAIN QUERY PLAN compile, or null. */
export function eqp(cx: CompileCtx): QueryPlanRecorder | null {
  return recorders.get(cx) ?? null;
}

export function setRecorder(cx: CompileCtx, r: QueryPlanRecorder | null): void {
  if (r) recorders.set(cx, r);
  else recorders.delete(cx);
}

/**
 * Numbers the statement's select cores as SQLite's parser does (sqlite3SelectNew increments
 * pParse->nSelect when a `oneselect` is reduced): a core gets its number after every select
 * nested in it, WITH bodies come before the select they belong to, compound parts left to
 * right; a statement's ORDER BY and LIMIT belong to its last core. Also records how each
 * nested SELECT is used (scalar, EXISTS, IN, FROM item, CTE body).
 */
export function numberSelects(rec: QueryPlanRecorder, stmt: Statement): void {
  let n = 0;
  const cteUses = new Map<string, number>();
  const visitAny = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const y of x) visitAny(y);
      return;
    }
    const node = x as { kind?: string };
    switch (node.kind) {
      case 'Select':
        return visitStmt(node as SelectStmt);
      case 'Subquery':
        rec.roles.set((node as { select: SelectStmt }).select, { kind: 'scalar' });
        break;
      case 'Exists':
        rec.roles.set((node as { select: SelectStmt }).select, { kind: 'exists' });
        break;
      case 'InSelect':
        rec.roles.set((node as { select: SelectStmt }).select, { kind: 'in' });
        break;
      case 'SubqueryRef': {
        const r = node as { select: SelectStmt; alias: string | null };
        rec.roles.set(r.select, { kind: 'from', alias: r.alias });
        break;
      }
      case 'TableRef': {
        const k = (node as { name: string }).name.toLowerCase();
        cteUses.set(k, (cteUses.get(k) ?? 0) + 1);
        break;
      }
    }
    for (const k of Object.keys(node)) {
      if (k === 'kind' || k === 'start' || k === 'end') continue;
      visitAny((node as Record<string, unknown>)[k]);
    }
  };
  const visitCore = (core: SelectCore | ValuesBody, tail: readonly unknown[]): void => {
    if (core.kind === 'Values') visitAny(core.rows);
    else {
      const and = (e: Expr | null): void => {
        if (!e) return;
        if (e.kind === 'Binary' && e.op === 'AND') {
          and(e.left);
          and(e.right);
        } else if (e.kind === 'Exists' && !e.not) rec.whereExists.add(e.select);
      };
      and(core.where);
      visitAny(core.columns);
      visitAny(core.from);
      visitAny(core.where);
      visitAny(core.groupBy);
      visitAny(core.having);
      visitAny(core.windows);
    }
    for (const t of tail) visitAny(t);
    rec.selIds.set(core, ++n);
  };
  const visitBody = (b: SelectBody, tail: readonly unknown[]): void => {
    if (b.kind === 'Compound') {
      visitBody(b.left, []);
      visitCore(b.right, tail);
    } else visitCore(b, tail);
  };
  // references of a CTE inside its own body (a recursive CTE's self-reference) are not uses
  const ownRefs = new Map<string, number>();
  const visitStmt = (s: SelectStmt): void => {
    if (s.with) {
      for (const c of s.with.ctes) {
        const k = c.name.toLowerCase();
        const before = cteUses.get(k) ?? 0;
        visitStmt(c.select);
        ownRefs.set(k, (ownRefs.get(k) ?? 0) + (cteUses.get(k) ?? 0) - before);
      }
    }
    visitBody(s.body, [s.orderBy, s.limit, s.offset]);
    if (s.with) {
      for (const c of s.with.ctes) {
        rec.roles.set(c.select, { kind: 'cte', name: c.name, materialized: c.materialized, uses: 0 });
      }
    }
  };
  visitAny(stmt);
  rec.nextSelId = n + 1;
  // CTE reference counts (by name: good enough for plan wording)
  for (const [s, r] of rec.roles) {
    if (r.kind === 'cte') {
      const k = r.name.toLowerCase();
      rec.roles.set(s, { ...r, uses: (cteUses.get(k) ?? 0) - (ownRefs.get(k) ?? 0) });
    }
  }
}

export type { Expr };
