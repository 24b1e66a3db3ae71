/**
 * The SQL function registry: scalar, aggregate and table-valued functions by name and arity.
 *
 * Names are case-insensitive. Lookup by (name, argument count) prefers a definition with exactly
 * that many arguments, then a variadic one (nArgs -1) whose `minArgs` is satisfied, as SQLite's
 * matchQuality does. Built-in definitions come from `builtins.ts`; modules contribute arrays of
 * definitions (see `json/index.ts`, `datetime/index.ts`).
 */
import { sqliteError } from '../../common/errors.js';
import type { Collation, SqlValue } from '../../common/value.js';

/** What a function may ask of the statement that calls it. */
export interface FunctionContext {
  /** ms since the epoch, stable within one statement */
  now(): number;
  lastInsertRowid(): number | bigint;
  changes(): number;
  totalChanges(): number;
  caseSensitiveLike(): boolean;
}

export interface ScalarFunctionDef {
  readonly name: string;
  /** Exact argument count, or -1 for variadic (with at least `minArgs`, default 0). */
  readonly nArgs: number;
  readonly minArgs?: number;
  readonly deterministic: boolean;
  /**
   * `argIsJson[i]` (optional, used by the JSON functions) says argument i carries SQLite's JSON
   * subtype (it came directly from a function whose result is JSON).
   */
  readonly impl: (args: readonly SqlValue[], ctx: FunctionContext, argIsJson?: readonly boolean[]) => SqlValue;
  /**
   * For functions that compare their arguments (min, max, nullif): the implementation under the
   * collation of the arguments when it is not BINARY (SQLite's OP_CollSeq).
   */
  readonly withCollation?: (collation: Collation) => ScalarFunctionDef['impl'];
}

/** Per-group (or per-window) state of an aggregate. */
export interface Accumulator {
  step(args: readonly SqlValue[], argIsJson?: readonly boolean[]): void;
  /** Removes a row that leaves a sliding window frame (present when the definition hasInverse). */
  inverse?(args: readonly SqlValue[]): void;
  /** current value, for window use */
  value(): SqlValue;
  /** final value */
  final(): SqlValue;
}

export interface AggregateFunctionDef {
  readonly name: string;
  readonly nArgs: number;
  readonly minArgs?: number;
  readonly create: () => Accumulator;
  readonly hasInverse: boolean;
  /** For min/max: an accumulator comparing text under a non-BINARY collation. */
  readonly createWithCollation?: (collation: Collation) => Accumulator;
  /**
   * For a window frame whose start moves (not UNBOUNDED PRECEDING, no EXCLUDE): an accumulator
   * with an inverse, as SQLite's min()/max() keep such frames in an ephemeral index.
   */
  readonly createForMovingFrame?: (collation: Collation | undefined) => Accumulator;
}

export interface TableValuedFunctionDef {
  readonly name: string;
  readonly columns: readonly string[];
  /** Hidden columns, bound positionally to the arguments. */
  readonly hidden: readonly string[];
  rows(args: readonly SqlValue[], ctx: FunctionContext): Iterable<readonly SqlValue[]>;
}

function accepts(def: { nArgs: number; minArgs?: number }, n: number): boolean {
  return def.nArgs === n || (def.nArgs === -1 && n >= (def.minArgs ?? 0));
}

function pick<T extends { nArgs: number; minArgs?: number }>(defs: readonly T[] | undefined, n: number): T | undefined {
  if (defs === undefined) return undefined;
  let variadic: T | undefined;
  for (const d of defs) {
    if (d.nArgs === n) return d;
    if (variadic === undefined && accepts(d, n)) variadic = d;
  }
  return variadic;
}

export type ResolvedFunction =
  | { readonly kind: 'scalar'; readonly def: ScalarFunctionDef }
  | { readonly kind: 'aggregate'; readonly def: AggregateFunctionDef };

export class FunctionRegistry {
  private readonly scalars = new Map<string, ScalarFunctionDef[]>();
  private readonly aggregates = new Map<string, AggregateFunctionDef[]>();
  private readonly tables = new Map<string, TableValuedFunctionDef>();

  /** Adds (or replaces, same name and nArgs) a scalar function. */
  registerScalar(def: ScalarFunctionDef): void {
    add(this.scalars, def);
  }

  registerAggregate(def: AggregateFunctionDef): void {
    add(this.aggregates, def);
  }

  registerTableValued(def: TableValuedFunctionDef): void {
    this.tables.set(def.name.toLowerCase(), def);
  }

  scalar(name: string, nArgs: number): ScalarFunctionDef | undefined {
    return pick(this.scalars.get(name.toLowerCase()), nArgs);
  }

  aggregate(name: string, nArgs: number): AggregateFunctionDef | undefined {
    return pick(this.aggregates.get(name.toLowerCase()), nArgs);
  }

  tableValued(name: string): TableValuedFunctionDef | undefined {
    return this.tables.get(name.toLowerCase());
  }

  /** Whether a scalar or aggregate of any arity has this name. */
  known(name: string): boolean {
    const k = name.toLowerCase();
    return this.scalars.has(k) || this.aggregates.has(k);
  }

  /**
   * The function a call `name(args...)` refers to: an exact-arity definition of either kind
   * first, then a variadic one. Throws SQLite's errors: `no such function: name`,
   * `wrong number of arguments to function name()`.
   */
  resolve(name: string, nArgs: number): ResolvedFunction {
    const k = name.toLowerCase();
    const s = this.scalars.get(k);
    const a = this.aggregates.get(k);
    if (s === undefined && a === undefined) throw sqliteError(`no such function: ${name}`);
    const exactS = s?.find((d) => d.nArgs === nArgs);
    if (exactS) return { kind: 'scalar', def: exactS };
    const exactA = a?.find((d) => d.nArgs === nArgs);
    if (exactA) return { kind: 'aggregate', def: exactA };
    const vs = pick(s, nArgs);
    if (vs) return { kind: 'scalar', def: vs };
    const va = pick(a, nArgs);
    if (va) return { kind: 'aggregate', def: va };
    throw sqliteError(`wrong number of arguments to function ${name}()`);
  }
}

function add<T extends { name: string; nArgs: number }>(map: Map<string, T[]>, def: T): void {
  const k = def.name.toLowerCase();
  const list = map.get(k);
  if (list === undefined) {
    map.set(k, [def]);
    return;
  }
  const i = list.findIndex((d) => d.nArgs === def.nArgs);
  if (i >= 0) list[i] = def;
  else list.push(def);
}
