/**
 * JSON subtype of aggregate arguments: `json_group_array(json_object(...))` nests the object,
 * because SQLite's json_object() result carries the JSON subtype. Our value model has no subtype
 * slot (see functions/json/args.ts); scalar calls read the side channel right after evaluating
 * each JSON-producing argument. Aggregates may buffer their rows (ORDER BY inside the call), so
 * here the flags travel with the row: the arguments are followed by one flag value per argument
 * (1 = JSON), and the accumulator is wrapped to split them off again.
 */
import type { Expr } from '../ast.js';
import type { Accumulator } from '../functions/registry.js';
import type { SqlValue } from '../../common/value.js';
import type { Ev } from '../exec/runtime.js';
import { isJsonProducer } from './expr-function.js';
import { lastResultIsJson } from './json-subtype.js';

/** Whether any argument of an aggregate call may carry the JSON subtype. */
export function hasJsonArgs(args: readonly Expr[]): boolean {
  return args.some(isJsonProducer);
}

/** Argument evaluators followed by one flag evaluator per argument. */
export function withJsonFlags(args: readonly Expr[], evs: readonly Ev[]): Ev[] {
  const flags = new Array<boolean>(evs.length).fill(false);
  const values = evs.map((ev, k): Ev => {
    if (!isJsonProducer(args[k])) return ev;
    return () => {
      const v = ev();
      flags[k] = lastResultIsJson();
      return v;
    };
  });
  const flagEvs = evs.map((_, k): Ev => () => (flags[k] ? 1 : 0));
  return [...values, ...flagEvs];
}

/** Wraps an accumulator fed by `withJsonFlags` arguments. */
export function jsonFlaggedAccumulator(inner: Accumulator, n: number): Accumulator {
  const args = new Array<SqlValue>(n);
  const isJson = new Array<boolean>(n);
  const split = (row: readonly SqlValue[]): void => {
    for (let k = 0; k < n; k++) {
      args[k] = row[k];
      isJson[k] = row[n + k] === 1;
    }
  };
  const acc: Accumulator = {
    step(row) {
      split(row);
      inner.step(args, isJson);
    },
    value: () => inner.value(),
    final: () => inner.final(),
  };
  if (inner.inverse) {
    const inv = inner.inverse.bind(inner);
    acc.inverse = (row) => {
      split(row);
      inv(args);
    };
  }
  return acc;
}
