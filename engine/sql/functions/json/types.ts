/** Function-definition shapes: those of the function registry. */
export type {
  Accumulator, AggregateFunctionDef, FunctionContext, ScalarFunctionDef, TableValuedFunctionDef,
} from '../registry.js';
