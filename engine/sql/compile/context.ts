/**
 * What the compilers of one statement share: the runtime its closures run on, the schema it is
 * planned against, functions and collations, and hooks into the other compilers (to avoid
 * import cycles between expression, select and DML compilation).
 */
import type { Collation } from '../../common/value.js';
import type { Schema } from '../../catalog/schema.js';
import type { SelectStmt } from '../ast.js';
import type { AggregateFunctionDef, ScalarFunctionDef, TableValuedFunctionDef } from '../functions/registry.js';
import type { Runtime, RowSource } from '../exec/runtime.js';
import type { Scope } from './scope.js';
import type { Affinity } from '../semantics/affinity.js';

/** A compiled query: its rows and the static description of its result columns. */
export interface QueryPlan {
  readonly source: RowSource;
  readonly columns: readonly ResultColumnInfo[];
  /** True when the query reads columns of an enclosing query. */
  readonly correlated: boolean;
}

export interface ResultColumnInfo {
  readonly name: string;
  readonly affinity: Affinity | null;
  readonly collation: string;
  /** The column's expression has no collating sequence (sqlite3ExprCollSeq is NULL: a constant, an operator's result); `collation` is then BINARY. */
  readonly collationless?: boolean;
  readonly type: string | null;
  readonly origin: { readonly table: string; readonly column: string; readonly database: string } | null;
}

/** Function lookup as the compilers need it (implemented over the function registry and the connection's UDFs). */
export interface FunctionLookup {
  scalar(name: string, nArgs: number): ScalarFunctionDef | undefined;
  aggregate(name: string, nArgs: number): AggregateFunctionDef | undefined;
  tableValued(name: string): TableValuedFunctionDef | undefined;
  /** Whether any function of any arity has this name (wrong arity vs unknown function). */
  known(name: string): boolean;
  /** Whether the name is a function registered by the application (db.function/aggregate/table). */
  isUser(name: string): boolean;
  /** Instantiates the virtual table `table` of `module` (CREATE VIRTUAL TABLE ... USING module(args)). */
  virtualTable(table: string, module: string, args: readonly string[]): TableValuedFunctionDef;
  /** Whether a virtual table module with this name is registered. */
  hasModule(module: string): boolean;
}

export interface CompileCtx {
  readonly rt: Runtime;
  readonly schema: Schema;
  readonly functions: FunctionLookup;
  /** Collating function by name; undefined for BINARY. Throws `no such collation sequence: X`. */
  collation(name: string | null): Collation | undefined;
  /** Compiles a (sub)query in the given outer scope. */
  compileSelect(stmt: SelectStmt, outer: Scope | null): QueryPlan;
  /** Set by any compiled write; the statement is then not readonly. */
  writes: boolean;
  /** Names of CTEs visible at this point (innermost last), managed by the select compiler. */
  readonly ctes: CteBinding[];
  /** Trigger context: NEW/OLD pseudo-tables, RAISE allowed. */
  trigger: TriggerContext | null;
  /** When compiling for EXPLAIN QUERY PLAN: collects the planner's decisions. */
  explain?: string[];
}

export interface CteBinding {
  readonly name: string;
  /**
   * Compiles a reference to this CTE (a fresh RowSource per reference) with its column names;
   * `keepUnused`: the result columns the reference never reads may be left uncomputed.
   * `materialize`: SQLite materializes this CTE (not flattened; MATERIALIZED, or used twice):
   * every such reference reads one set of rows computed once per execution (unless the CTE's
   * body is correlated with an enclosing query). `at`: the scope to compile the body under for
   * this reference (scope.ts cteScope), else the WITH clause's own.
   */
  readonly plan: (keepUnused?: boolean, materialize?: boolean, at?: Scope | null) => QueryPlan;
  /** For a recursive CTE while compiling its recursive part: the working-table source. */
  readonly recursiveRef: (() => QueryPlan) | null;
  /** For a non-recursive CTE: its definition, for the query flattener (flatten.ts). */
  readonly flat?: {
    readonly select: SelectStmt;
    /** The scope its outer references resolve in (that of the WITH clause). */
    readonly outer: Scope | null;
    readonly names: readonly string[] | null;
    readonly materialized: boolean | null;
    /** FROM items naming it in the statement (SQLite's nUse), 0 when unknown. */
    readonly uses: number;
  };
}

export interface TriggerContext {
  readonly raiseAllowed: boolean;
}
