/**
 * Chooses the column-reading aggregate scan (exec/aggregate-scan.ts) for an ungrouped
 * aggregate query over a plain full scan of one rowid table whose aggregates are all built-in
 * count/sum/total/avg of a stored column, the rowid or the built-in length() of a stored column
 * (plus count(*)), with no DISTINCT, FILTER or ORDER BY: `SELECT count(*), sum(a),
 * sum(length(b)) FROM t`. Anything else keeps the ordinary AggregateOp loop.
 */
import type { Expr, FunctionExpr } from '../ast.js';
import { ColumnAggregateScan, type ColumnAggregate, type ColumnAggregateFn } from '../exec/aggregate-scan.js';
import type { AggregateSpec } from '../exec/aggregate.js';
import type { Op } from '../exec/runtime.js';
import { TableScanOp } from '../exec/scan.js';
import { coreAggregates } from '../functions/aggregates.js';
import type { AggregateFunctionDef, ScalarFunctionDef } from '../functions/registry.js';
import { textScalars } from '../functions/text.js';
import type { CompileCtx } from './context.js';
import { compileExpr } from './expr.js';
import { storedColumnOf } from './expr-fast.js';
import type { Scope, ScopeSource } from './scope.js';

const FNS: readonly ColumnAggregateFn[] = ['count', 'sum', 'total', 'avg'];
const BUILTIN_AGGREGATES = new Map<string, AggregateFunctionDef | undefined>(FNS.map((f) => [f, coreAggregates.find((d) => d.name === f && d.nArgs === 1)]));
const BUILTIN_LENGTH: ScalarFunctionDef | undefined = textScalars.find((d) => d.name === 'length' && d.nArgs === 1);

/**
 * The column scan for these aggregates over `input`, or null when the query does not have the
 * shape described above. `specs[i]` is the compiled form of `calls[i]`.
 */
export function columnAggregateScan(
  cx: CompileCtx,
  input: Op,
  hasGroupBy: boolean,
  calls: readonly FunctionExpr[],
  specs: readonly AggregateSpec[],
  sources: readonly ScopeSource[],
  scope: Scope,
): ColumnAggregateScan | null {
  if (hasGroupBy || !(input instanceof TableScanOp)) return null;
  const scan = input.fullScan();
  if (scan === null || sources.length !== 1 || sources[0].slot !== scan.slot) return null;
  const aggs: ColumnAggregate[] = [];
  const accIndex: number[] = [];
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    const spec = specs[i];
    if (spec.distinct || spec.filter !== null || spec.orderBy !== null || spec.minMax !== null) return null;
    if (spec.countStar === true) continue; // the group's row count
    const fn = call.name.toLowerCase() as ColumnAggregateFn;
    if (!FNS.includes(fn) || call.args.length !== 1) return null;
    const def = BUILTIN_AGGREGATES.get(fn);
    if (def === undefined || cx.functions.aggregate(fn, 1) !== def) return null;
    let arg: Expr = call.args[0];
    const length = isBuiltinLength(cx, arg);
    if (length) arg = (arg as FunctionExpr).args[0];
    const col = storedColumnOf(compileExpr(cx, arg, scope));
    if (col === null || col.slot !== scan.slot || (length && col.ri < 0)) return null;
    aggs.push({ fn, ri: col.ri, real: col.real, length, ev: spec.args[0] });
    accIndex.push(i);
  }
  return new ColumnAggregateScan(cx.rt, scan.slot, scan.root, aggs, accIndex);
}

function isBuiltinLength(cx: CompileCtx, e: Expr): boolean {
  if (e.kind !== 'Function' || e.name.toLowerCase() !== 'length' || e.args.length !== 1) return false;
  if (e.star || e.filter !== null || e.over !== null || (e.orderBy !== null && e.orderBy.length > 0) || e.special) return false;
  return BUILTIN_LENGTH !== undefined && cx.functions.scalar('length', 1) === BUILTIN_LENGTH;
}
