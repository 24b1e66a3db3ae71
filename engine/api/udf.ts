/**
 * User-defined SQL functions, aggregates and table-valued functions: better-sqlite3's argument
 * validation (lib/methods/{function,aggregate,table}.js) and the wrappers that adapt user
 * JavaScript to the engine's ScalarImpl / AggregateImpl / TableFunctionImpl.
 *
 * Values cross as SqlValues; arguments are converted with the function's safe-integers flag
 * (its own option, else the database default at registration time) and results are converted
 * like bound parameters, with better-sqlite3's "User-defined function f() returned ..." errors.
 * Exceptions thrown by user code are not caught here: the engine propagates them unchanged.
 */
import type { AggregateImpl, ScalarImpl, Session, TableFunctionImpl } from '../sql/session-api.js';
import type { SqlValue } from '../common/value.js';
import { SqliteError } from '../common/errors.js';
import { argsToJs, converter, resultToSqlValue, type ToJs } from './binding.js';
import { requireIdle, type Connection } from './connection.js';

type AnyFunction = (...args: unknown[]) => unknown;

function getBooleanOption(options: object, key: string): boolean {
  let value: unknown = false;
  if (key in options && typeof (value = (options as Record<string, unknown>)[key]) !== 'boolean') {
    throw new TypeError(`Expected the "${key}" option to be a boolean`);
  }
  return value as boolean;
}

/** 2 = "use the database default", as better-sqlite3 encodes it. */
function safeIntegersOption(options: object, conn: Connection): boolean {
  return 'safeIntegers' in options ? getBooleanOption(options, 'safeIntegers') : conn.safeIntegers;
}

function fnLength(fn: AnyFunction): number {
  const length = fn.length;
  if (!Number.isInteger(length) || length < 0) throw new TypeError('Expected function.length to be a positive integer');
  return length;
}

/** Calls `fn` with converted arguments; fixed small arities avoid building an argument array. */
function callWith(fn: AnyFunction, args: readonly SqlValue[], toJs: ToJs): unknown {
  switch (args.length) {
    case 0:
      return fn();
    case 1:
      return fn(toJs(args[0]));
    case 2:
      return fn(toJs(args[0]), toJs(args[1]));
    case 3:
      return fn(toJs(args[0]), toJs(args[1]), toJs(args[2]));
    default:
      return fn(...argsToJs(args, toJs));
  }
}

/** `db.function(name, [options], fn)` */
export function defineFunction(conn: Connection, name: unknown, options: unknown, fn: unknown): void {
  if (options == null) options = {};
  if (typeof options === 'function') {
    fn = options;
    options = {};
  }
  if (typeof name !== 'string') throw new TypeError('Expected first argument to be a string');
  if (typeof fn !== 'function') throw new TypeError('Expected last argument to be a function');
  if (typeof options !== 'object') throw new TypeError('Expected second argument to be an options object');
  if (!name) throw new TypeError('User-defined function name cannot be an empty string');
  const opts = options as object;
  const safeIntegers = safeIntegersOption(opts, conn);
  const deterministic = getBooleanOption(opts, 'deterministic');
  const directOnly = getBooleanOption(opts, 'directOnly');
  const varargs = getBooleanOption(opts, 'varargs');
  let nArgs = -1;
  const f = fn as AnyFunction;
  if (!varargs) {
    nArgs = fnLength(f);
    if (nArgs > 100) throw new RangeError('User-defined functions cannot have more than 100 arguments');
  }
  requireIdle(conn);
  const toJs = converter(safeIntegers);
  const prefix = `User-defined function ${name}() returned`;
  const impl: ScalarImpl = (args) => resultToSqlValue(callWith(f, args, toJs), prefix);
  conn.session.createFunction(name, { nArgs, deterministic, directOnly }, impl);
}

function getFunctionOption(options: Record<string, unknown>, key: string, required: boolean): AnyFunction | null {
  const value = key in options ? options[key] : null;
  if (typeof value === 'function') return value as AnyFunction;
  if (value != null) throw new TypeError(`Expected the "${key}" option to be a function`);
  if (required) throw new TypeError(`Missing required option "${key}"`);
  return null;
}

/** `db.aggregate(name, { start, step, inverse, result, ... })` */
export function defineAggregate(conn: Connection, name: unknown, options: unknown): void {
  if (typeof name !== 'string') throw new TypeError('Expected first argument to be a string');
  if (typeof options !== 'object' || options === null) throw new TypeError('Expected second argument to be an options object');
  if (!name) throw new TypeError('User-defined function name cannot be an empty string');
  const opts = options as Record<string, unknown>;
  const start = 'start' in opts ? opts.start : null;
  const step = getFunctionOption(opts, 'step', true) as AnyFunction;
  const inverse = getFunctionOption(opts, 'inverse', false);
  const result = getFunctionOption(opts, 'result', false);
  const safeIntegers = safeIntegersOption(opts, conn);
  const deterministic = getBooleanOption(opts, 'deterministic');
  const directOnly = getBooleanOption(opts, 'directOnly');
  const varargs = getBooleanOption(opts, 'varargs');
  let nArgs = -1;
  if (!varargs) {
    nArgs = Math.max(fnLength(step), inverse ? fnLength(inverse) : 0);
    if (nArgs > 0) nArgs -= 1;
    if (nArgs > 100) throw new RangeError('User-defined functions cannot have more than 100 arguments');
  }
  requireIdle(conn);
  const toJs = converter(safeIntegers);
  const prefix = `User-defined function ${name}() returned`;
  const stepWith = (f: AnyFunction, state: unknown, args: readonly SqlValue[]): unknown => {
    const r = f(state, ...argsToJs(args, toJs));
    return r === undefined ? state : r;
  };
  const impl: AggregateImpl = {
    start: typeof start === 'function' ? () => (start as AnyFunction)() : () => start,
    step: (state, args) => stepWith(step, state, args),
    result: (state) => resultToSqlValue(result ? result(state) : state, prefix),
  };
  if (inverse) impl.inverse = (state, args) => stepWith(inverse, state, args);
  conn.session.createAggregate(name, { nArgs, deterministic, directOnly }, impl);
}

// ---------------------------------------------------------------------------------------------
// Virtual tables

/** A table-valued function as this layer hands it to the engine (directOnly rides along). */
export interface TableDefinition extends TableFunctionImpl {
  readonly directOnly: boolean;
}

/**
 * Optional engine capability for `db.table(name, factory)`: modules instantiated by
 * `CREATE VIRTUAL TABLE t USING name(args...)`. The factory receives the module, database and
 * table names and the USING arguments, and returns the table's definition.
 */
export interface VirtualTableModules {
  createModule(
    name: string,
    factory: (moduleName: string, databaseName: string, tableName: string, args: readonly string[]) => TableDefinition,
  ): void;
}

function hasModules(s: Session): s is Session & VirtualTableModules {
  return typeof (s as Partial<VirtualTableModules>).createModule === 'function';
}

const GeneratorFunctionPrototype = Object.getPrototypeOf(function* () {}) as object;
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** `db.table(name, definition | factory)` */
export function defineTable(conn: Connection, name: unknown, factory: unknown): void {
  if (typeof name !== 'string') throw new TypeError('Expected first argument to be a string');
  if (!name) throw new TypeError('Virtual table module name cannot be an empty string');
  if (typeof factory === 'object' && factory !== null) {
    const def = parseTableDefinition(factory, 'used', name, conn);
    requireIdle(conn);
    conn.session.createTableFunction(name, def);
    return;
  }
  if (typeof factory !== 'function') {
    throw new TypeError('Expected second argument to be a function or a table definition object');
  }
  requireIdle(conn);
  const session = conn.session;
  if (!hasModules(session)) {
    throw new SqliteError('virtual table modules are not supported by this engine', 'SQLITE_ERROR');
  }
  const f = factory as AnyFunction;
  session.createModule(name, (moduleName, databaseName, tableName, args) => {
    const def: unknown = f.apply({ module: moduleName, database: databaseName, table: tableName }, args as unknown[]);
    if (typeof def !== 'object' || def === null) {
      throw new TypeError(`Virtual table module "${moduleName}" did not return a table definition object`);
    }
    return parseTableDefinition(def, 'returned', moduleName, conn);
  });
}

function parseTableDefinition(def: object, verb: string, moduleName: string, conn: Connection): TableDefinition {
  const d = def as Record<string, unknown>;
  const bad = (what: string): string => `Virtual table module "${moduleName}" ${verb} a table definition ${what}`;
  if (!hasOwn(d, 'rows')) throw new TypeError(bad('without a "rows" property'));
  if (!hasOwn(d, 'columns')) throw new TypeError(bad('without a "columns" property'));
  const rows = d.rows;
  if (typeof rows !== 'function' || Object.getPrototypeOf(rows) !== GeneratorFunctionPrototype) {
    throw new TypeError(bad('with an invalid "rows" property (should be a generator function)'));
  }
  let columns = d.columns as unknown[];
  if (!Array.isArray(columns) || !(columns = [...columns]).every((x) => typeof x === 'string')) {
    throw new TypeError(bad('with an invalid "columns" property (should be an array of strings)'));
  }
  const cols = columns as string[];
  if (cols.length !== new Set(cols).size) throw new TypeError(bad('with duplicate column names'));
  if (!cols.length) throw new RangeError(bad('with zero columns'));

  let parameters: string[];
  if (hasOwn(d, 'parameters')) {
    let p = d.parameters as unknown[];
    if (!Array.isArray(p) || !(p = [...p]).every((x) => typeof x === 'string')) {
      throw new TypeError(bad('with an invalid "parameters" property (should be an array of strings)'));
    }
    parameters = p as string[];
  } else {
    parameters = inferParameters(rows as AnyFunction);
  }
  if (parameters.length !== new Set(parameters).size) throw new TypeError(bad('with duplicate parameter names'));
  if (parameters.length > 32) throw new RangeError(bad('with more than the maximum number of 32 parameters'));
  for (const parameter of parameters) {
    if (cols.includes(parameter)) {
      throw new TypeError(bad(`with column "${parameter}" which was ambiguously defined as both a column and parameter`));
    }
  }
  let safeIntegers = conn.safeIntegers;
  if (hasOwn(d, 'safeIntegers')) {
    if (typeof d.safeIntegers !== 'boolean') throw new TypeError(bad('with an invalid "safeIntegers" property (should be a boolean)'));
    safeIntegers = d.safeIntegers;
  }
  let directOnly = false;
  if (hasOwn(d, 'directOnly')) {
    if (typeof d.directOnly !== 'boolean') throw new TypeError(bad('with an invalid "directOnly" property (should be a boolean)'));
    directOnly = d.directOnly;
  }
  return {
    columns: cols,
    parameters,
    directOnly,
    rows: tableRows(rows as (...args: unknown[]) => Iterable<unknown>, cols, parameters.length, moduleName, converter(safeIntegers)),
  };
}

function inferParameters(fn: AnyFunction): string[] {
  const length = fn.length;
  if (!Number.isInteger(length) || length < 0) throw new TypeError('Expected function.length to be a positive integer');
  const params: string[] = [];
  for (let i = 0; i < length; ++i) params.push(`$${i + 1}`);
  return params;
}

/**
 * Adapts the user's generator: arguments (one per parameter; `undefined` when the query did not
 * constrain it; any NULL means no rows) and yielded rows (arrays in column order, or objects
 * keyed by column name) to engine rows.
 */
function tableRows(
  generator: (...args: unknown[]) => Iterable<unknown>,
  columns: readonly string[],
  parameterCount: number,
  moduleName: string,
  toJs: ToJs,
): (args: readonly SqlValue[]) => Iterable<readonly SqlValue[]> {
  const columnIndex = new Map(columns.map((c, i) => [c, i]));
  const n = columns.length;
  const prefix = `Virtual table module "${moduleName}" yielded`;
  return function* rows(args: readonly (SqlValue | undefined)[]): Iterable<readonly SqlValue[]> {
    const jsArgs = new Array<unknown>(parameterCount);
    for (let i = 0; i < parameterCount; i++) {
      const a = args[i];
      if (a === null) return;
      jsArgs[i] = a === undefined ? undefined : toJs(a);
    }
    for (const row of generator(...jsArgs)) {
      const out = new Array<SqlValue>(n);
      if (Array.isArray(row)) {
        if (row.length !== n) throw new TypeError(`${prefix} a row with an incorrect number of columns`);
        for (let i = 0; i < n; i++) out[i] = resultToSqlValue(row[i], prefix);
      } else if (typeof row === 'object' && row !== null) {
        let count = 0;
        for (const key of Object.keys(row)) {
          const index = columnIndex.get(key);
          if (index === undefined) throw new TypeError(`${prefix} a row with an undeclared column "${key}"`);
          out[index] = resultToSqlValue((row as Record<string, unknown>)[key], prefix);
          count += 1;
        }
        if (count !== n) throw new TypeError(`${prefix} a row with missing columns`);
      } else {
        throw new TypeError(`${prefix} something that isn't a valid row object`);
      }
      yield out;
    }
  };
}
