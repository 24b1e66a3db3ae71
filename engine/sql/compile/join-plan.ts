/**
 * Join planning: orders the FROM items (greedy by access cost for plain inner joins; the written
 * order when outer or CROSS joins are present, as SQLite does for CROSS), chooses each table's
 * access path with the terms usable at that point, pushes every WHERE/ON term down to the
 * earliest place it can be evaluated, and uses an automatic hash index for an inner table that
 * would otherwise be scanned once per outer row.
 */
import type { SqlValue } from '../../common/value.js';
import type { Expr } from '../ast.js';
import { FilterOp, HashLookupOp, NestedLoopJoinOp, OuterJoinOp } from '../exec/join.js';
import { hashableCollation, valueKey } from '../exec/keys.js';
import type { Ev, Op } from '../exec/runtime.js';
import { SingleRowOp, TableScanOp } from '../exec/scan.js';
import { applyComparisonAffinity, comparisonAffinity, type Affinity } from '../semantics/affinity.js';
import { chooseAccess, type OrderRequest } from './access-path.js';
import type { CompileCtx } from './context.js';
import { compileExpr, comparisonCollation } from './expr.js';
import type { FromEntry } from './from.js';
import { Scope, type Compiled, type ScopeSource } from './scope.js';
import { conjuncts, referencedSlots, sourceOfColumn } from './terms.js';

interface Term {
  readonly expr: Expr;
  readonly slots: ReadonlySet<number>;
  /** For terms of a LEFT JOIN's ON clause: the slot of that join's right side. */
  readonly onOf: number | null;
  /** A WHERE term (not an ON/USING term): with a RIGHT/FULL JOIN present, applied after all joins. */
  readonly isWhere: boolean;
  /** For ON/USING terms: the index (in FROM order) of the join they belong to. */
  readonly ofEntry: number;
  applied: boolean;
}

export interface JoinPlan {
  readonly op: Op;
  readonly ordered: boolean;
  readonly details: readonly string[];
}

function eqExpr(l: Expr, r: Expr): Expr {
  return { kind: 'Binary', op: '=', left: l, right: r, start: 0, end: 0 };
}

class EmptyOp implements Op {
  open(): void {}
  next(): boolean {
    return false;
  }
  close(): void {}
}

export function planJoins(cx: CompileCtx, entries: FromEntry[], where: Expr | null, scope: Scope, order: OrderRequest | null): JoinPlan {
  const rt = cx.rt;
  const details: string[] = [];
  const terms: Term[] = [];
  const addTerm = (e: Expr, onOf: number | null, isWhere: boolean, ofEntry: number) => {
    const slots = new Set<number>();
    referencedSlots(e, scope, slots);
    terms.push({ expr: e, slots, onOf, isWhere, ofEntry, applied: false });
  };
  const hasOuterRightFull = entries.some((e) => e.joinType === 'RIGHT' || e.joinType === 'FULL');
  for (const w of conjuncts(where)) addTerm(w, null, true, -1);
  for (let ei = 0; ei < entries.length; ei++) {
    const e = entries[ei];
    const isLeft = e.joinType === 'LEFT';
    const own = [...conjuncts(e.on), ...e.usingTerms.map(([l, r]) => eqExpr(l, r))];
    if (e.joinType === 'RIGHT' || e.joinType === 'FULL') continue; // handled as the join's ON
    for (const t of own) addTerm(t, isLeft ? e.source.slot : null, false, ei);
  }

  if (entries.length === 0) {
    let op: Op = new SingleRowOp();
    const pred = combine(cx, terms.map((t) => t.expr), scope);
    if (pred) op = new FilterOp(op, pred);
    return { op, ordered: false, details };
  }

  const reorder = entries.length > 1 && entries.every((e, i) => i === 0 || e.joinType === 'INNER' || e.joinType === 'COMMA');
  const order2 = reorder ? greedyOrder(cx, entries, terms, scope) : entries.slice();
  const bound: ScopeSource[] = [];
  const boundSlots = new Set<number>();
  let op: Op | null = null;
  let ordered = false;

  const boundScopeFor = () => {
    const s = new Scope(bound.slice(), scope.parent, scope.query);
    s.aliases = scope.aliases;
    s.aliasNames = scope.aliasNames;
    s.aggregateContext = scope.aggregateContext;
    return s;
  };
  const termsNow = (slot: number, forLeft: number | null, entryIndex: number) =>
    terms.filter((t) => {
      if (t.applied) return false;
      // below a RIGHT/FULL JOIN both sides are null-extended: a term waits for its own join
      if (hasOuterRightFull && (t.isWhere || t.ofEntry > entryIndex)) return false;
      if (t.onOf !== null && t.onOf !== forLeft) return false;
      // a WHERE term touching a LEFT JOIN's right side must wait until after that join
      if (forLeft !== null && t.onOf === null && t.slots.has(slot)) return false;
      for (const s of t.slots) if (s !== slot && !boundSlots.has(s)) return false;
      return true;
    });

  for (const entry of order2) {
    const slot = entry.source.slot;
    const isLeft = entry.joinType === 'LEFT';
    const isRightFull = entry.joinType === 'RIGHT' || entry.joinType === 'FULL';
    const avail = isRightFull ? [] : termsNow(slot, isLeft ? slot : null, entries.indexOf(entry));
    let inner: Op;
    const consumed = new Set<number>();
    const accessScope = boundScopeFor();
    if (entry.table) {
      if (entry.table.root === -1) {
        inner = new EmptyOp();
      } else {
        const availExprs = avail.map((t) => t.expr);
        const choice = chooseAccess(cx, entry.source, entry.table, availExprs, () => true, accessScope, entries.length === 1 ? order : null, entry.indexedBy);
        inner = choice.op;
        ordered = choice.ordered;
        details.push(choice.detail);
        for (const i of choice.consumed) consumed.add(i);
        if (choice.cost >= 1000 && op !== null) {
          const hash = tryHashJoin(cx, entry, avail, accessScope, scope, consumed);
          if (hash) {
            inner = hash;
            details[details.length - 1] = `SEARCH ${entry.source.name} USING AUTOMATIC COVERING INDEX`;
          }
        }
      }
    } else {
      inner = entry.op!;
      if (entry.tvf) {
        // WHERE terms `hidden_column = expr` become the table-valued function's arguments
        const extra = new Map<number, Ev>();
        const b = entry.tvf;
        for (const t of avail) {
          const e = t.expr;
          if (e.kind !== 'Binary' || e.op !== '=') continue;
          for (const [c, other] of [[e.left, e.right], [e.right, e.left]] as const) {
            if (c.kind !== 'Column') continue;
            const hit = sourceOfColumn([entry.source], c.table, c.name);
            if (!hit || hit.index < b.hiddenStart + b.nExplicit) continue;
            const os = new Set<number>();
            referencedSlots(other, scope, os);
            if (os.has(slot)) continue;
            extra.set(hit.index - b.hiddenStart, compileExpr(cx, other, accessScope).ev);
            break;
          }
        }
        if (extra.size) inner = b.withConstraints(extra);
      }
      details.push(`SCAN ${entry.source.name}`);
    }
    avail.forEach((t, i) => {
      if (consumed.has(i)) t.applied = true;
    });
    const rest = avail.filter((t) => !t.applied);
    bound.push(entry.source);
    boundSlots.add(slot);
    const fullScope = boundScopeFor();
    const restPred = combine(cx, rest.map((t) => t.expr), fullScope);
    rest.forEach((t) => (t.applied = true));
    if (restPred) inner = new FilterOp(inner, restPred);
    if (op === null) {
      op = inner;
    } else if (isRightFull) {
      const onTerms = [...conjuncts(entry.on), ...entry.usingTerms.map(([l, r]) => eqExpr(l, r))];
      const on = combine(cx, onTerms, fullScope);
      const outerSources = bound.slice(0, -1);
      op = new OuterJoinOp(
        rt,
        op,
        inner,
        on,
        entry.joinType === 'FULL',
        outerSources.map((s) => s.slot),
        outerSources.map((s) => s.nullRow),
        [slot],
        [entry.source.nullRow],
      );
    } else {
      op = new NestedLoopJoinOp(rt, op, inner, null, isLeft, [slot], [entry.source.nullRow]);
    }
    if (isLeft || isRightFull) {
      // WHERE terms now fully bound apply after the outer join
      const after = terms.filter((t) => !t.applied && t.onOf === null && !(hasOuterRightFull && t.isWhere) && [...t.slots].every((s) => boundSlots.has(s)));
      const pred = combine(cx, after.map((t) => t.expr), fullScope);
      after.forEach((t) => (t.applied = true));
      if (pred) op = new FilterOp(op, pred);
    }
  }
  if (cx.explain) cx.explain.push(...details);
  const left = terms.filter((t) => !t.applied);
  const pred = combine(cx, left.map((t) => t.expr), scope);
  if (pred) op = new FilterOp(op!, pred);
  return { op: op!, ordered: ordered && entries.length === 1, details };
}

/** AND of compiled terms, or null when there are none. */
function combine(cx: CompileCtx, exprs: readonly Expr[], scope: Scope): Ev | null {
  if (exprs.length === 0) return null;
  const compiled = exprs.map((e) => compileExpr(cx, e, scope));
  // constant terms first: SQLite tests them once before the loop, so a false one means the
  // other terms (and their errors) are never evaluated
  const evs = [...compiled.filter((c) => c.constant === true), ...compiled.filter((c) => c.constant !== true)].map((c) => c.ev);
  if (evs.length === 1) {
    const e0 = evs[0];
    return e0;
  }
  return () => {
    let sawNull = false;
    for (let i = 0; i < evs.length; i++) {
      const v = evs[i]();
      if (v === null) {
        sawNull = true;
        continue;
      }
      if (v === 0 || !truthy(v)) return 0;
    }
    return sawNull ? null : 1;
  };
}

import { toBool } from '../exec/truth.js';
function truthy(v: SqlValue): boolean {
  return typeof v === 'number' ? v !== 0 : toBool(v);
}

/** Greedy join order: repeatedly take the entry with the cheapest access given what is bound. */
function greedyOrder(cx: CompileCtx, entries: FromEntry[], terms: Term[], scope: Scope): FromEntry[] {
  const remaining = entries.slice();
  const out: FromEntry[] = [];
  const boundSlots = new Set<number>();
  while (remaining.length) {
    let bestI = 0;
    let bestCost = Infinity;
    remaining.forEach((e, i) => {
      let cost = 5000;
      if (e.table) {
        const slot = e.source.slot;
        const usable = terms.filter((t) => [...t.slots].every((s) => s === slot || boundSlots.has(s)) && t.slots.has(slot));
        cost = estimateCost(cx, e, usable.map((t) => t.expr), scope, boundSlots);
      } else if (e.op && remaining.length > 1 && out.length === 0) {
        cost = 3000;
      }
      if (cost < bestCost) {
        bestCost = cost;
        bestI = i;
      }
    });
    const [e] = remaining.splice(bestI, 1);
    out.push(e);
    boundSlots.add(e.source.slot);
  }
  return out;
}

function estimateCost(cx: CompileCtx, e: FromEntry, usable: readonly Expr[], scope: Scope, boundSlots: ReadonlySet<number>): number {
  const bound = scope.sources.filter((s) => boundSlots.has(s.slot));
  const bs = new Scope(bound, scope.parent, { correlated: false, depth: scope.query.depth });
  const saved = cx.rt.nSlots;
  void saved;
  try {
    const choice = chooseAccess(cx, e.source, e.table!, usable, () => true, bs, null, e.indexedBy);
    return choice.cost;
  } catch {
    return 5000;
  }
}

/**
 * Automatic index: if some available term is `inner.col = <expr over bound sources>` with a
 * hashable collation, read the inner table once into a hash table keyed by col.
 */
function tryHashJoin(cx: CompileCtx, entry: FromEntry, avail: Term[], accessScope: Scope, scope: Scope, consumed: Set<number>): Op | null {
  const src = entry.source;
  const slot = src.slot;
  const innerScope = new Scope([src], scope.parent, scope.query);
  for (let i = 0; i < avail.length; i++) {
    const t = avail[i].expr;
    if (t.kind !== 'Binary' || t.op !== '=') continue;
    for (const [colSide, other] of [
      [t.left, t.right],
      [t.right, t.left],
    ] as const) {
      if (colSide.kind !== 'Column') continue;
      const hit = sourceOfColumn([src], colSide.table, colSide.name);
      if (!hit) continue;
      const slots = new Set<number>();
      referencedSlots(other, scope, slots);
      if (slots.has(slot)) continue;
      let probe: Compiled;
      let key: Compiled;
      try {
        probe = compileExpr(cx, other, accessScope);
        key = compileExpr(cx, colSide, innerScope);
      } catch {
        continue;
      }
      // the collation of `left = right` prefers the left operand's, whichever side is hashed
      const coll = hashableCollation(colSide === t.left ? comparisonCollation(key, probe) : comparisonCollation(probe, key));
      if (!coll) continue;
      const aff: Affinity | null = comparisonAffinity(key.aff, probe.aff);
      const conv = (v: SqlValue): SqlValue => (aff === null || aff === 'BLOB' ? v : applyComparisonAffinity(v, aff));
      const kev = key.ev;
      const pev = probe.ev;
      const keyOf = () => {
        const v = kev();
        return v === null ? null : valueKey(conv(v), coll);
      };
      const probeOf = () => {
        const v = pev();
        return v === null ? null : valueKey(conv(v), coll);
      };
      // Terms on the inner table alone filter the build side.
      const own = avail.filter((a, j) => j !== i && [...a.slots].every((s) => s === slot));
      // a full scan, through the primary-key tree for a WITHOUT ROWID table
      let build: Op = entry.table!.withoutRowid ? chooseAccess(cx, src, entry.table!, [], () => true, innerScope, null, null).op : new TableScanOp(cx.rt, slot, entry.table!.root);
      if (own.length) {
        const evs = own.map((a) => compileExpr(cx, a.expr, innerScope).ev);
        build = new FilterOp(build, () => {
          for (const ev of evs) if (!toBool(ev())) return 0;
          return 1;
        });
        own.forEach((a) => consumed.add(avail.indexOf(a)));
      }
      const op = new HashLookupOp(cx.rt, build, [slot], keyOf, probeOf);
      cx.rt.resets.push(op);
      consumed.add(i);
      return op;
    }
  }
  return null;
}
