/**
 * Every built-in SQL function, collected from the modules that define them, in one registry.
 * Modules contribute plain arrays of definitions: core scalars (scalar.ts, text.ts, math.ts),
 * aggregates (aggregates.ts, percentile.ts), JSON (json/index.ts) and date/time
 * (datetime/index.ts).
 */
import { coreAggregates } from './aggregates.js';
import { datetimeScalars } from './datetime/index.js';
import { jsonAggregates, jsonScalars, jsonTableFunctions } from './json/index.js';
import { mathScalars } from './math.js';
import {
  FunctionRegistry,
  type AggregateFunctionDef,
  type ScalarFunctionDef,
  type TableValuedFunctionDef,
} from './registry.js';
import { coreScalars } from './scalar.js';
import { textScalars } from './text.js';
import { vectorScalars } from '../../vector/functions.js'; // vector: VECTOR functions (engine/vector/functions.ts)

export const builtinScalars: readonly ScalarFunctionDef[] = [
  ...coreScalars,
  ...textScalars,
  ...mathScalars,
  ...(jsonScalars as readonly ScalarFunctionDef[]),
  ...datetimeScalars,
  ...vectorScalars, // vector: vector(), vector_distance(), ...
];

export const builtinAggregates: readonly AggregateFunctionDef[] = [
  ...coreAggregates,
  ...(jsonAggregates as readonly AggregateFunctionDef[]),
];

export const builtinTableFunctions: readonly TableValuedFunctionDef[] = [
  ...(jsonTableFunctions as readonly TableValuedFunctionDef[]),
];

let shared: FunctionRegistry | null = null;

/** A new registry holding every built-in function (callers may register more into it). */
export function createBuiltinRegistry(): FunctionRegistry {
  const r = new FunctionRegistry();
  for (const d of builtinScalars) r.registerScalar(d);
  for (const d of builtinAggregates) r.registerAggregate(d);
  for (const d of builtinTableFunctions) r.registerTableValued(d);
  return r;
}

/**
 * The shared registry of built-in functions. Treat it as read-only; layer user-defined
 * functions on top of it (or use createBuiltinRegistry for a private copy).
 */
export function builtinRegistry(): FunctionRegistry {
  if (shared === null) shared = createBuiltinRegistry();
  return shared;
}
