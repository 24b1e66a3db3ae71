/**
 * SQLite's JSON functions (json1, SQLite 3.53 behaviour, JSONB byte-compatible).
 *
 * Subtype rule for the executor: see `args.ts`. In short, pass `argIsJson[i] = true` for a TEXT
 * argument produced directly by a call of a function in `jsonSubtypeFunctions` for which
 * `lastResultIsJson()` was true right after it returned.
 */
export { jsonScalars, jsonArrowOp, jsonSubtypeFunctions, lastResultIsJson } from './scalars.js';
export { jsonAggregates } from './aggregates.js';
export { jsonTableFunctions } from './each.js';
export { realToText } from './real-text.js';
export type {
  Accumulator, AggregateFunctionDef, FunctionContext, ScalarFunctionDef, TableValuedFunctionDef,
} from './types.js';
