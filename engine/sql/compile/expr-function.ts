/**
 * Function calls: scalar functions (built-in and user-defined), the lazily evaluated ones
 * (coalesce, ifnull, iif, nullif keep SQLite's short-circuit), CURRENT_* keywords, and
 * references to aggregate and window results computed by the query's aggregate/window stage.
 */
import { sqliteError } from '../../common/errors.js';
import { Real, type SqlValue } from '../../common/value.js';
import type { Expr, FunctionExpr } from '../ast.js';
import { toBool } from '../exec/truth.js';
import type { CompileCtx } from './context.js';
import { compileExpr, plain } from './expr.js';
import type { Compiled, Scope } from './scope.js';
import { JSON_RESULT_FUNCTIONS, lastResultIsJson } from './json-subtype.js';

export function isAggregateCall(cx: CompileCtx, e: FunctionExpr): boolean {
  if (e.over !== null) return false;
  if (e.star) return e.name.toLowerCase() === 'count';
  return cx.functions.aggregate(e.name, e.args.length) !== undefined && cx.functions.scalar(e.name, e.args.length) === undefined;
}

export function compileFunctionCall(cx: CompileCtx, e: FunctionExpr, scope: Scope): Compiled {
  const name = e.name.toLowerCase();
  const rt = cx.rt;
  if (e.over !== null) {
    const slot = scope.windows?.get(e);
    if (slot === undefined) throw sqliteError(`misuse of window function ${e.name}()`);
    return plain(() => rt.vals[slot]);
  }
  if (scope.aggregates) {
    const slot = scope.aggregates.get(e);
    if (slot !== undefined) return plain(() => rt.vals[slot]);
  }
  if (isAggregateCall(cx, e)) {
    throw sqliteError(`misuse of aggregate: ${e.name}()`);
  }
  if (e.special) return compileCurrentTime(cx, name);
  // DISTINCT on a scalar function is accepted and ignored, as SQLite does
  const n = e.args.length;
  if (e.filter || (e.orderBy && e.orderBy.length)) {
    if (!cx.functions.scalar(e.name, n)) {
      if (cx.functions.known(e.name)) throw sqliteError(`wrong number of arguments to function ${e.name}()`);
      throw sqliteError(`no such function: ${e.name}`);
    }
    if (e.filter) throw sqliteError(`FILTER may not be used with non-aggregate ${e.name}()`);
    throw sqliteError(`ORDER BY may not be used with non-aggregate ${e.name}()`);
  }
  switch (name) {
    case 'coalesce':
    case 'ifnull': {
      if (name === 'ifnull' && n !== 2) break;
      if (n < 2) throw sqliteError(`wrong number of arguments to function ${e.name}()`);
      const args = e.args.map((a) => compileExpr(cx, a, scope).ev);
      return plain(() => {
        for (let i = 0; i < args.length; i++) {
          const v = args[i]();
          if (v !== null) return v;
        }
        return null;
      });
    }
    case 'iif':
    case 'if': {
      if (n !== 3 && n !== 2) break;
      const c = compileExpr(cx, e.args[0], scope).ev;
      const t = compileExpr(cx, e.args[1], scope).ev;
      const f = n === 3 ? compileExpr(cx, e.args[2], scope).ev : () => null;
      return plain(() => (toBool(c()) ? t() : f()));
    }
    case 'likely':
    case 'unlikely':
    case 'likelihood': {
      if ((name === 'likelihood' && n !== 2) || (name !== 'likelihood' && n !== 1)) break;
      if (name === 'likelihood') {
        // exprProbability: a floating-point literal no greater than 1.0
        const p = e.args[1];
        const v = p.kind === 'Literal' ? p.value : null;
        const r = v instanceof Real ? v.value : typeof v === 'number' && !Number.isSafeInteger(v) ? v : -1;
        if (r < 0 || r > 1) throw sqliteError(`second argument to ${e.name}() must be a constant between 0.0 and 1.0`);
      }
      const x = compileExpr(cx, e.args[0], scope);
      return { ...x, aff: null, column: undefined };
    }
    default:
      break;
  }
  const def = cx.functions.scalar(e.name, n);
  if (!def) {
    if (cx.functions.known(e.name)) throw sqliteError(`wrong number of arguments to function ${e.name}()`);
    throw sqliteError(`no such function: ${e.name}`);
  }
  const args = e.args.map((a) => compileExpr(cx, a, scope));
  const evs = args.map((a) => a.ev);
  const jsonArgs = e.args.map(isJsonProducer);
  const anyJson = jsonArgs.some((x) => x);
  const impl = def.impl;
  const constant = def.deterministic && args.every((a) => a.constant);
  if (anyJson) {
    // the subtype flag is read right after each JSON-producing argument is evaluated
    const flags = new Array<boolean>(n).fill(false);
    return plain(() => {
      const buf = new Array<SqlValue>(n);
      for (let i = 0; i < n; i++) {
        buf[i] = evs[i]();
        flags[i] = jsonArgs[i] && lastResultIsJson();
      }
      return impl(buf, rt.host.fctx, flags);
    }, constant);
  }
  switch (n) {
    case 0:
      return plain(() => impl([], rt.host.fctx), false);
    case 1: {
      const a0 = evs[0];
      return plain(() => impl([a0()], rt.host.fctx), constant);
    }
    case 2: {
      const a0 = evs[0];
      const a1 = evs[1];
      return plain(() => impl([a0(), a1()], rt.host.fctx), constant);
    }
    default:
      return plain(() => {
        const buf = new Array<SqlValue>(n);
        for (let i = 0; i < n; i++) buf[i] = evs[i]();
        return impl(buf, rt.host.fctx);
      }, constant);
  }
}

/** Whether an argument expression yields a value with SQLite's JSON subtype. */
export function isJsonProducer(e: Expr): boolean {
  if (e.kind === 'Function') return JSON_RESULT_FUNCTIONS.has(e.name.toLowerCase());
  if (e.kind === 'Binary') return e.op === '->';
  return false;
}

function compileCurrentTime(cx: CompileCtx, name: string): Compiled {
  const fn = name === 'current_time' ? 'time' : name === 'current_date' ? 'date' : 'datetime';
  const def = cx.functions.scalar(fn, 1);
  if (!def) throw sqliteError(`no such function: ${fn}`);
  const rt = cx.rt;
  const impl = def.impl;
  return plain(() => impl(['now'], rt.host.fctx));
}
