/**
 * Compilation of window function calls (`f(...) OVER (...)`) into a WindowOp.
 */
import { sqliteError } from '../../common/errors.js';
import type { Expr, FrameBound, FunctionExpr, NamedWindow, WindowSpec } from '../ast.js';
import { WindowOp, type FrameBoundSpec, type WindowCallSpec } from '../exec/window.js';
import type { Op } from '../exec/runtime.js';
import type { CompileCtx } from './context.js';
import { compileExpr } from './expr.js';
import type { Scope, ScopeSource } from './scope.js';

const BUILTIN = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value']);

/** Window calls in the expressions (not inside subqueries). */
export function collectWindowCalls(exprs: readonly (Expr | null)[]): FunctionExpr[] {
  const out: FunctionExpr[] = [];
  const walk = (e: Expr | null): void => {
    if (!e) return;
    switch (e.kind) {
      case 'Function':
        if (e.over !== null) out.push(e);
        e.args.forEach(walk);
        return walk(e.filter);
      case 'Unary':
        return walk(e.operand);
      case 'Binary':
        walk(e.left);
        return walk(e.right);
      case 'Like':
        walk(e.left);
        walk(e.right);
        return walk(e.escape);
      case 'Between':
        walk(e.expr);
        walk(e.low);
        return walk(e.high);
      case 'InList':
        walk(e.expr);
        return e.list.forEach(walk);
      case 'IsNull':
      case 'Cast':
      case 'Collate':
      case 'InSelect':
      case 'InTable':
        return walk(e.expr);
      case 'Case':
        walk(e.base);
        e.whens.forEach((w) => {
          walk(w.when);
          walk(w.then);
        });
        return walk(e.else);
      case 'RowValue':
        return e.items.forEach(walk);
      default:
        return;
    }
  };
  exprs.forEach(walk);
  return out;
}

function resolveSpec(over: WindowSpec | string, named: readonly NamedWindow[] | null): WindowSpec {
  const find = (name: string): WindowSpec => {
    const w = named?.find((n) => n.name.toLowerCase() === name.toLowerCase());
    if (!w) throw sqliteError(`no such window: ${name}`);
    return resolveSpec(w.spec, named);
  };
  if (typeof over === 'string') return find(over);
  if (!over.base) return over;
  const base = find(over.base);
  if (over.partitionBy.length) throw sqliteError(`cannot override PARTITION clause of window: ${over.base}`);
  if (over.orderBy.length && base.orderBy.length) throw sqliteError(`cannot override ORDER BY clause of window: ${over.base}`);
  if (base.frame) throw sqliteError(`cannot override frame specification of window: ${over.base}`);
  return { base: null, partitionBy: base.partitionBy, orderBy: over.orderBy.length ? over.orderBy : base.orderBy, frame: over.frame };
}

/** Frames sqlite3WindowUpdate imposes on the built-in window functions (aUp). */
const IMPOSED_FRAMES: Record<string, [string, string, string]> = {
  row_number: ['ROWS', 'UnboundedPreceding', 'CurrentRow'],
  dense_rank: ['RANGE', 'UnboundedPreceding', 'CurrentRow'],
  rank: ['RANGE', 'UnboundedPreceding', 'CurrentRow'],
  percent_rank: ['GROUPS', 'CurrentRow', 'UnboundedFollowing'],
  cume_dist: ['GROUPS', 'Following', 'UnboundedFollowing'],
  ntile: ['ROWS', 'CurrentRow', 'UnboundedFollowing'],
  lead: ['ROWS', 'UnboundedPreceding', 'UnboundedFollowing'],
  lag: ['ROWS', 'UnboundedPreceding', 'CurrentRow'],
};

/** Text identity of a window (sqlite3WindowCompare without the filter): equal texts share one pass. */
function windowIdentity(name: string, spec: WindowSpec): string {
  const f = spec.frame;
  const bound = (b: FrameBound): unknown => (b.kind === 'Preceding' || b.kind === 'Following' ? [b.kind, exprIdentity(b.offset)] : b.kind);
  const imposed = IMPOSED_FRAMES[name];
  const frame = imposed
    ? [...imposed, 'NO OTHERS']
    : f
      ? [f.units, bound(f.start), bound(f.end), f.exclude ?? 'NO OTHERS']
      : ['RANGE', 'UnboundedPreceding', 'CurrentRow', 'NO OTHERS'];
  return JSON.stringify([frame, spec.partitionBy.map(exprIdentity), spec.orderBy.map((t) => [exprIdentity(t.expr), t.direction ?? 'ASC', t.nulls])]);
}

function exprIdentity(e: Expr): unknown {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (x && typeof x === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
        if (k === 'start' || k === 'end') continue; // source spans
        o[k] = typeof v === 'bigint' ? `${v}n` : k === 'name' && typeof v === 'string' ? v.toLowerCase() : strip(v);
      }
      return o;
    }
    return x;
  };
  return strip(e);
}

/**
 * SQLite computes the windows identical to the first one (sqlite3WindowLink) in the outer query
 * and pushes the others into a subquery (sqlite3WindowRewrite), recursively: the groups of
 * identical windows in order of first appearance, the last one computed first, each over the
 * rows in the order the previous one sorted them (its sort is stable).
 */
function windowGroups(keys: readonly string[]): number[][] {
  const groups: number[][] = [];
  const done = new Set<number>();
  for (let i = 0; i < keys.length; i++) {
    if (done.has(i)) continue;
    const g: number[] = [];
    for (let j = i; j < keys.length; j++) {
      if (!done.has(j) && keys[j] === keys[i]) {
        g.push(j);
        done.add(j);
      }
    }
    groups.push(g);
  }
  return groups;
}

export function compileWindows(
  cx: CompileCtx,
  input: Op,
  calls: readonly FunctionExpr[],
  named: readonly NamedWindow[] | null,
  scope: Scope,
  sources: readonly ScopeSource[],
): { op: Op; slots: Map<object, number> } {
  const slots = new Map<object, number>();
  const identities: string[] = [];
  const specs: WindowCallSpec[] = calls.map((call) => {
    const spec = resolveSpec(call.over!, named);
    const name = call.name.toLowerCase();
    identities.push(windowIdentity(BUILTIN.has(name) ? name : '', spec));
    const slot = cx.rt.allocVal();
    slots.set(call, slot);
    const compiledArgs = call.args.map((a) => compileExpr(cx, a, scope));
    const args = compiledArgs.map((c) => c.ev);
    let kind: WindowCallSpec['kind'] = 'aggregate';
    let create: WindowCallSpec['create'] = null;
    if (BUILTIN.has(name)) {
      kind = name as WindowCallSpec['kind'];
      const arity: Record<string, [number, number]> = {
        row_number: [0, 0], rank: [0, 0], dense_rank: [0, 0], percent_rank: [0, 0], cume_dist: [0, 0],
        ntile: [1, 1], lag: [1, 3], lead: [1, 3], first_value: [1, 1], last_value: [1, 1], nth_value: [2, 2],
      };
      const [lo, hi] = arity[name];
      if (call.args.length < lo || call.args.length > hi) throw sqliteError(`wrong number of arguments to function ${call.name}()`);
    } else if (call.star && name === 'count') {
      create = () => {
        let n = 0;
        return { step: () => void n++, inverse: () => void n--, value: () => n, final: () => n };
      };
    } else {
      const def = cx.functions.aggregate(call.name, call.args.length);
      if (!def) {
        if (cx.functions.known(call.name)) throw sqliteError(`${call.name}() may not be used as a window function`);
        throw sqliteError(`no such function: ${call.name}`);
      }
      // application aggregates need an inverse() to run as window functions
      if (!def.hasInverse && cx.functions.isUser(call.name)) throw sqliteError(`${call.name}() may not be used as a window function`);
      // min()/max() compare with their argument's collation, as in an aggregate query
      const collName = compiledArgs[0]?.coll ?? 'BINARY';
      const coll = collName.toUpperCase() === 'BINARY' ? undefined : cx.collation(collName);
      const withColl = def.createWithCollation;
      create = coll && withColl ? () => withColl(coll) : def.create;
      const moving = def.createForMovingFrame;
      const f = spec.frame;
      if (moving && f && f.start.kind !== 'UnboundedPreceding' && (f.exclude ?? 'NO OTHERS') === 'NO OTHERS') create = () => moving(coll);
    }
    const frame = spec.frame;
    const bound = (b: FrameBound): FrameBoundSpec => {
      switch (b.kind) {
        case 'Preceding':
        case 'Following':
          return { kind: b.kind, offset: compileExpr(cx, b.offset, scope).ev };
        default:
          return { kind: b.kind };
      }
    };
    if (frame && frame.units === 'RANGE' && spec.orderBy.length !== 1 && (frame.start.kind === 'Preceding' || frame.start.kind === 'Following' || frame.end.kind === 'Preceding' || frame.end.kind === 'Following')) {
      throw sqliteError('RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY term');
    }
    const orderBy = spec.orderBy.map((t) => {
      const c = compileExpr(cx, t.expr, scope);
      const desc = t.direction === 'DESC';
      return { ev: c.ev, desc, nullsFirst: t.nulls ? t.nulls === 'FIRST' : !desc, collation: cx.collation(c.coll) };
    });
    const partition = spec.partitionBy.map((e) => compileExpr(cx, e, scope));
    return {
      slot,
      kind,
      create,
      args,
      filter: call.filter ? compileExpr(cx, call.filter, scope).ev : null,
      partitionBy: partition.map((c) => c.ev),
      partitionCollations: partition.map((c) => cx.collation(c.coll)),
      orderBy,
      units: frame?.units ?? 'RANGE',
      start: frame ? bound(frame.start) : { kind: 'UnboundedPreceding' },
      end: frame ? bound(frame.end) : spec.orderBy.length ? { kind: 'CurrentRow' } : { kind: 'UnboundedFollowing' },
      exclude: frame?.exclude ?? 'NO OTHERS',
    };
  });
  return { op: new WindowOp(cx.rt, input, specs, sources.map((s) => s.slot), windowGroups(identities)), slots };
}
