/**
 * The abstract syntax tree of the SQLite dialect (plus heliosdb extensions: AS OF, USING hnsw).
 *
 * Nodes are immutable plain objects tagged by `kind`; consumers dispatch with exhaustive
 * `switch (node.kind)` so that adding a kind fails to compile until it is handled everywhere.
 *
 * Source text: SQLite keeps the user's text in several places (result column names of
 * un-aliased expressions, `sqlite_master.sql`, `PRAGMA table_info.dflt_value`, CHECK failure
 * messages). Nodes that need it carry `start`/`end` character offsets into the statement's source
 * string, or the text itself.
 */
import type { SqlValue } from '../common/value.js';

/** Half-open character range [start, end) into the SQL source string. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

export type BinaryOp =
  | '||'
  | '*'
  | '/'
  | '%'
  | '+'
  | '-'
  | '<<'
  | '>>'
  | '&'
  | '|'
  | '<'
  | '<='
  | '>'
  | '>='
  | '='
  | '!='
  | 'IS'
  | 'IS NOT'
  | 'AND'
  | 'OR'
  | '->'
  | '->>';

export type UnaryOp = '-' | '+' | '~' | 'NOT';

export type Expr =
  | LiteralExpr
  | ParamExpr
  | ColumnExpr
  | UnaryExpr
  | BinaryExpr
  | LikeExpr
  | BetweenExpr
  | InListExpr
  | InSelectExpr
  | InTableExpr
  | IsNullExpr
  | CaseExpr
  | CastExpr
  | CollateExpr
  | FunctionExpr
  | ExistsExpr
  | SubqueryExpr
  | RowValueExpr
  | RaiseExpr;

/**
 * A literal. Numeric literals are already classified (INTEGER vs REAL, using the value model);
 * `TRUE`/`FALSE` are INTEGER 1/0; `CURRENT_TIME`/`CURRENT_DATE`/`CURRENT_TIMESTAMP` are not
 * literals but `FunctionExpr` with those names and no arguments (`special: true`).
 * An integer literal too large for int64 is a REAL, as in SQLite.
 */
export interface LiteralExpr extends Span {
  readonly kind: 'Literal';
  readonly value: SqlValue;
}

/**
 * A host parameter. `slot` is SQLite's parameter index (1-based): `?` takes the next slot,
 * `?NNN` takes slot NNN, a named parameter (`:a`, `@a`, `$a`) takes a slot the first time its
 * exact spelling is seen and reuses it after. `name` is the spelling including the prefix
 * (`':a'`, `'?3'`), or null for a plain `?`.
 */
export interface ParamExpr extends Span {
  readonly kind: 'Param';
  readonly slot: number;
  readonly name: string | null;
}

/**
 * A column reference `[schema.][table.]name`. A double-quoted identifier that matches no column
 * is an error in the better-sqlite3 build (SQLITE_DQS=0): `quoted` records that it was written
 * with double quotes so the binder can give SQLite's message.
 */
export interface ColumnExpr extends Span {
  readonly kind: 'Column';
  readonly schema: string | null;
  readonly table: string | null;
  readonly name: string;
  readonly quoted: boolean;
}

export interface UnaryExpr extends Span {
  readonly kind: 'Unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
}

/** `IS DISTINCT FROM` parses as `IS NOT`, `IS NOT DISTINCT FROM` as `IS`; `==` and `<>` normalise. */
export interface BinaryExpr extends Span {
  readonly kind: 'Binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface LikeExpr extends Span {
  readonly kind: 'Like';
  readonly op: 'LIKE' | 'GLOB' | 'REGEXP' | 'MATCH';
  readonly not: boolean;
  readonly left: Expr;
  readonly right: Expr;
  readonly escape: Expr | null;
}

export interface BetweenExpr extends Span {
  readonly kind: 'Between';
  readonly not: boolean;
  readonly expr: Expr;
  readonly low: Expr;
  readonly high: Expr;
}

/** `x [NOT] IN (a, b, c)`; `x IN ()` is allowed with an empty list. */
export interface InListExpr extends Span {
  readonly kind: 'InList';
  readonly not: boolean;
  readonly expr: Expr;
  readonly list: readonly Expr[];
}

export interface InSelectExpr extends Span {
  readonly kind: 'InSelect';
  readonly not: boolean;
  readonly expr: Expr;
  readonly select: SelectStmt;
}

/** `x IN table` or `x IN table_function(args)`. */
export interface InTableExpr extends Span {
  readonly kind: 'InTable';
  readonly not: boolean;
  readonly expr: Expr;
  readonly schema: string | null;
  readonly table: string;
  readonly args: readonly Expr[] | null;
}

/** `x ISNULL`, `x NOTNULL`, `x NOT NULL`, `x IS NULL` parse to this (`IS NULL` only when the right side is the literal NULL keyword). */
export interface IsNullExpr extends Span {
  readonly kind: 'IsNull';
  readonly not: boolean;
  readonly expr: Expr;
}

export interface CaseExpr extends Span {
  readonly kind: 'Case';
  readonly base: Expr | null;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly else: Expr | null;
}

/** `CAST(expr AS type)`; `type` is the type name as written (words joined by one space, with any `(n[, m])`). */
export interface CastExpr extends Span {
  readonly kind: 'Cast';
  readonly expr: Expr;
  readonly type: string;
}

export interface CollateExpr extends Span {
  readonly kind: 'Collate';
  readonly expr: Expr;
  readonly collation: string;
}

/**
 * A function call. `name` is as written (case preserved); lookups are case-insensitive.
 * `star` for `count(*)`. `filter` for `FILTER (WHERE ...)`, `over` for window calls (either an
 * inline spec or the name of a window in the WINDOW clause), `orderBy` for SQLite 3.44's
 * `group_concat(x ORDER BY y)` form. `special` marks CURRENT_TIME / CURRENT_DATE / CURRENT_TIMESTAMP.
 */
export interface FunctionExpr extends Span {
  readonly kind: 'Function';
  readonly name: string;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly star: boolean;
  readonly filter: Expr | null;
  readonly over: WindowSpec | string | null;
  readonly orderBy: readonly OrderingTerm[] | null;
  readonly special: boolean;
}

export interface ExistsExpr extends Span {
  readonly kind: 'Exists';
  readonly not: boolean;
  readonly select: SelectStmt;
}

/** A scalar subquery `(SELECT ...)`. */
export interface SubqueryExpr extends Span {
  readonly kind: 'Subquery';
  readonly select: SelectStmt;
}

/** A row value `(a, b, ...)` with two or more items (one item parses as the item itself). */
export interface RowValueExpr extends Span {
  readonly kind: 'RowValue';
  readonly items: readonly Expr[];
}

/** `RAISE(IGNORE)` / `RAISE(ROLLBACK|ABORT|FAIL, message)`; only valid inside trigger bodies. */
export interface RaiseExpr extends Span {
  readonly kind: 'Raise';
  readonly action: 'IGNORE' | 'ROLLBACK' | 'ABORT' | 'FAIL';
  readonly message: Expr | null;
}

// ---------------------------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------------------------

export type FrameBound =
  | { readonly kind: 'UnboundedPreceding' }
  | { readonly kind: 'Preceding'; readonly offset: Expr }
  | { readonly kind: 'CurrentRow' }
  | { readonly kind: 'Following'; readonly offset: Expr }
  | { readonly kind: 'UnboundedFollowing' };

export interface FrameSpec {
  readonly units: 'ROWS' | 'RANGE' | 'GROUPS';
  readonly start: FrameBound;
  readonly end: FrameBound;
  readonly exclude: 'NO OTHERS' | 'CURRENT ROW' | 'GROUP' | 'TIES';
}

export interface WindowSpec {
  /** A base window name: `OVER (w ORDER BY x)`. */
  readonly base: string | null;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderingTerm[];
  readonly frame: FrameSpec | null;
}

export interface NamedWindow {
  readonly name: string;
  readonly spec: WindowSpec;
}

// ---------------------------------------------------------------------------------------------
// SELECT
// ---------------------------------------------------------------------------------------------

export interface OrderingTerm {
  readonly expr: Expr;
  readonly direction: 'ASC' | 'DESC' | null;
  readonly nulls: 'FIRST' | 'LAST' | null;
}

/** One item of a result column list. */
export type ResultColumn =
  | { readonly kind: 'Star' }
  | { readonly kind: 'TableStar'; readonly table: string }
  | {
      readonly kind: 'Expr';
      readonly expr: Expr;
      readonly alias: string | null;
      /** The expression's source text, SQLite's column name when there is no alias. */
      readonly text: string;
    };

export interface CommonTableExpr {
  readonly name: string;
  readonly columns: readonly string[] | null;
  readonly materialized: boolean | null;
  readonly select: SelectStmt;
}

export interface WithClause {
  readonly recursive: boolean;
  readonly ctes: readonly CommonTableExpr[];
}

/** heliosdb time travel on a table reference. */
export type AsOfClause =
  | { readonly kind: 'Timestamp'; readonly expr: Expr }
  | { readonly kind: 'Transaction'; readonly expr: Expr };

export type FromItem = TableRef | SubqueryRef | TableFunctionRef | JoinRef;

export interface TableRef {
  readonly kind: 'TableRef';
  readonly schema: string | null;
  readonly name: string;
  readonly alias: string | null;
  /** `INDEXED BY name` -> the name; `NOT INDEXED` -> false; neither -> null. */
  readonly indexedBy: string | false | null;
  readonly asOf: AsOfClause | null;
}

export interface SubqueryRef {
  readonly kind: 'SubqueryRef';
  readonly select: SelectStmt;
  readonly alias: string | null;
}

export interface TableFunctionRef {
  readonly kind: 'TableFunctionRef';
  readonly schema: string | null;
  readonly name: string;
  readonly args: readonly Expr[];
  readonly alias: string | null;
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'COMMA';

export interface JoinRef {
  readonly kind: 'Join';
  readonly joinType: JoinType;
  readonly natural: boolean;
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on: Expr | null;
  readonly using: readonly string[] | null;
}

export interface SelectCore {
  readonly kind: 'SelectCore';
  readonly distinct: boolean;
  readonly columns: readonly ResultColumn[];
  readonly from: FromItem | null;
  readonly where: Expr | null;
  readonly groupBy: readonly Expr[] | null;
  readonly having: Expr | null;
  readonly windows: readonly NamedWindow[] | null;
}

export interface ValuesBody {
  readonly kind: 'Values';
  readonly rows: readonly (readonly Expr[])[];
}

export type CompoundOp = 'UNION' | 'UNION ALL' | 'INTERSECT' | 'EXCEPT';

/** Compound selects are left-associative: `a UNION b EXCEPT c` is `((a UNION b) EXCEPT c)`. */
export interface CompoundBody {
  readonly kind: 'Compound';
  readonly op: CompoundOp;
  readonly left: SelectBody;
  readonly right: SelectCore | ValuesBody;
}

export type SelectBody = SelectCore | ValuesBody | CompoundBody;

export interface SelectStmt extends Span {
  readonly kind: 'Select';
  readonly with: WithClause | null;
  readonly body: SelectBody;
  readonly orderBy: readonly OrderingTerm[] | null;
  readonly limit: Expr | null;
  readonly offset: Expr | null;
}

// ---------------------------------------------------------------------------------------------
// DML
// ---------------------------------------------------------------------------------------------

export type ConflictAction = 'ROLLBACK' | 'ABORT' | 'FAIL' | 'IGNORE' | 'REPLACE';

export interface UpsertClause {
  /** Conflict target columns (possibly table-qualified in the source; the qualifier is dropped), or null for a target-less clause. */
  readonly target: readonly OrderingTerm[] | null;
  readonly targetWhere: Expr | null;
  /** null = DO NOTHING */
  readonly update: { readonly sets: readonly SetClause[]; readonly where: Expr | null } | null;
}

/** `SET a = expr` or `SET (a, b) = (expr, expr)` / `= (SELECT ...)`. */
export interface SetClause {
  readonly columns: readonly string[];
  readonly value: Expr;
}

export interface InsertStmt extends Span {
  readonly kind: 'Insert';
  readonly with: WithClause | null;
  /** `REPLACE INTO` is `orAction: 'REPLACE'`. */
  readonly orAction: ConflictAction | null;
  readonly schema: string | null;
  readonly table: string;
  readonly alias: string | null;
  readonly columns: readonly string[] | null;
  /** null = DEFAULT VALUES */
  readonly source: SelectStmt | null;
  readonly upsert: readonly UpsertClause[];
  readonly returning: readonly ResultColumn[] | null;
}

export interface QualifiedTableName {
  readonly schema: string | null;
  readonly name: string;
  readonly alias: string | null;
  readonly indexedBy: string | false | null;
}

export interface UpdateStmt extends Span {
  readonly kind: 'Update';
  readonly with: WithClause | null;
  readonly orAction: ConflictAction | null;
  readonly table: QualifiedTableName;
  readonly sets: readonly SetClause[];
  readonly from: FromItem | null;
  readonly where: Expr | null;
  readonly returning: readonly ResultColumn[] | null;
  readonly orderBy: readonly OrderingTerm[] | null;
  readonly limit: Expr | null;
  readonly offset: Expr | null;
}

export interface DeleteStmt extends Span {
  readonly kind: 'Delete';
  readonly with: WithClause | null;
  readonly table: QualifiedTableName;
  readonly where: Expr | null;
  readonly returning: readonly ResultColumn[] | null;
  readonly orderBy: readonly OrderingTerm[] | null;
  readonly limit: Expr | null;
  readonly offset: Expr | null;
}

// ---------------------------------------------------------------------------------------------
// DDL
// ---------------------------------------------------------------------------------------------

export interface ForeignKeyClause {
  readonly table: string;
  readonly columns: readonly string[] | null;
  readonly onDelete: FkAction | null;
  readonly onUpdate: FkAction | null;
  readonly match: string | null;
  /** null = not specified; otherwise DEFERRABLE / NOT DEFERRABLE with an INITIALLY mode */
  readonly deferrable: { readonly not: boolean; readonly initially: 'DEFERRED' | 'IMMEDIATE' | null } | null;
}

export type FkAction = 'SET NULL' | 'SET DEFAULT' | 'CASCADE' | 'RESTRICT' | 'NO ACTION';

export type ColumnConstraint =
  | {
      readonly kind: 'PrimaryKey';
      readonly name: string | null;
      readonly direction: 'ASC' | 'DESC' | null;
      readonly conflict: ConflictAction | null;
      readonly autoincrement: boolean;
    }
  | { readonly kind: 'NotNull'; readonly name: string | null; readonly conflict: ConflictAction | null }
  | { readonly kind: 'Null'; readonly name: string | null }
  | { readonly kind: 'Unique'; readonly name: string | null; readonly conflict: ConflictAction | null }
  | { readonly kind: 'Check'; readonly name: string | null; readonly expr: Expr; readonly text: string }
  /** `text` is the default's source text without outer parentheses (PRAGMA table_info.dflt_value). */
  | { readonly kind: 'Default'; readonly name: string | null; readonly expr: Expr; readonly text: string }
  | { readonly kind: 'Collate'; readonly name: string | null; readonly collation: string }
  | { readonly kind: 'References'; readonly name: string | null; readonly fk: ForeignKeyClause }
  | {
      readonly kind: 'Generated';
      readonly name: string | null;
      readonly expr: Expr;
      readonly text: string;
      readonly stored: boolean;
    };

export interface ColumnDef {
  readonly name: string;
  /** Declared type as written, words joined by single spaces, with `(n[, m])` kept; null if absent. */
  readonly type: string | null;
  readonly constraints: readonly ColumnConstraint[];
}

/** An indexed column: an expression (usually a bare column) with optional collation and order. */
export interface IndexedColumn {
  readonly expr: Expr;
  readonly collation: string | null;
  readonly direction: 'ASC' | 'DESC' | null;
}

export type TableConstraint =
  | {
      readonly kind: 'PrimaryKey';
      readonly name: string | null;
      readonly columns: readonly IndexedColumn[];
      readonly conflict: ConflictAction | null;
      readonly autoincrement: boolean;
    }
  | {
      readonly kind: 'Unique';
      readonly name: string | null;
      readonly columns: readonly IndexedColumn[];
      readonly conflict: ConflictAction | null;
    }
  | { readonly kind: 'Check'; readonly name: string | null; readonly expr: Expr; readonly text: string }
  | {
      readonly kind: 'ForeignKey';
      readonly name: string | null;
      readonly columns: readonly string[];
      readonly fk: ForeignKeyClause;
    };

export interface CreateTableStmt extends Span {
  readonly kind: 'CreateTable';
  readonly temp: boolean;
  readonly ifNotExists: boolean;
  readonly schema: string | null;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly constraints: readonly TableConstraint[];
  readonly withoutRowid: boolean;
  readonly strict: boolean;
  readonly asSelect: SelectStmt | null;
  /** Offset where the column list's `(` starts (for rewriting the stored SQL text); -1 for AS SELECT. */
  readonly bodyStart: number;
}

export interface CreateIndexStmt extends Span {
  readonly kind: 'CreateIndex';
  readonly unique: boolean;
  readonly ifNotExists: boolean;
  readonly schema: string | null;
  readonly name: string;
  readonly table: string;
  readonly columns: readonly IndexedColumn[];
  readonly where: Expr | null;
  /** heliosdb: `USING hnsw (col) WITH (metric = 'l2', m = 16)`; null for a B-tree index. */
  readonly using: { readonly method: string; readonly params: readonly { readonly name: string; readonly value: SqlValue }[] } | null;
}

export interface CreateViewStmt extends Span {
  readonly kind: 'CreateView';
  readonly temp: boolean;
  readonly ifNotExists: boolean;
  readonly schema: string | null;
  readonly name: string;
  readonly columns: readonly string[] | null;
  readonly select: SelectStmt;
}

export interface CreateTriggerStmt extends Span {
  readonly kind: 'CreateTrigger';
  readonly temp: boolean;
  readonly ifNotExists: boolean;
  readonly schema: string | null;
  readonly name: string;
  readonly timing: 'BEFORE' | 'AFTER' | 'INSTEAD OF';
  readonly event: 'DELETE' | 'INSERT' | 'UPDATE';
  readonly updateOf: readonly string[] | null;
  readonly table: string;
  readonly forEachRow: boolean;
  readonly when: Expr | null;
  readonly body: readonly (InsertStmt | UpdateStmt | DeleteStmt | SelectStmt)[];
}

export interface CreateVirtualTableStmt extends Span {
  readonly kind: 'CreateVirtualTable';
  readonly ifNotExists: boolean;
  readonly schema: string | null;
  readonly name: string;
  readonly module: string;
  /** Module arguments as raw source text, one per comma-separated argument. */
  readonly args: readonly string[];
}

export interface DropStmt extends Span {
  readonly kind: 'Drop';
  readonly objectType: 'TABLE' | 'INDEX' | 'VIEW' | 'TRIGGER';
  readonly ifExists: boolean;
  readonly schema: string | null;
  readonly name: string;
}

export type AlterAction =
  | { readonly kind: 'RenameTable'; readonly newName: string }
  | { readonly kind: 'RenameColumn'; readonly oldName: string; readonly newName: string }
  | { readonly kind: 'AddColumn'; readonly column: ColumnDef; readonly text: string }
  | { readonly kind: 'DropColumn'; readonly name: string };

export interface AlterTableStmt extends Span {
  readonly kind: 'AlterTable';
  readonly schema: string | null;
  readonly table: string;
  readonly action: AlterAction;
}

// ---------------------------------------------------------------------------------------------
// Transactions, pragmas, utility
// ---------------------------------------------------------------------------------------------

export interface BeginStmt extends Span {
  readonly kind: 'Begin';
  readonly mode: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE' | null;
}

export interface CommitStmt extends Span {
  readonly kind: 'Commit';
}

/** `ROLLBACK [TRANSACTION] [TO [SAVEPOINT] name]` */
export interface RollbackStmt extends Span {
  readonly kind: 'Rollback';
  readonly savepoint: string | null;
}

export interface SavepointStmt extends Span {
  readonly kind: 'Savepoint';
  readonly name: string;
}

export interface ReleaseStmt extends Span {
  readonly kind: 'Release';
  readonly name: string;
}

/**
 * `PRAGMA [schema.]name`, `PRAGMA name = value`, `PRAGMA name(value)`. The value is kept as an
 * expression: a bare word (`ON`, `WAL`, `FULL`) parses as a ColumnExpr with that name, a signed
 * number as a Literal.
 */
export interface PragmaStmt extends Span {
  readonly kind: 'Pragma';
  readonly schema: string | null;
  readonly name: string;
  readonly value: Expr | null;
}

export interface VacuumStmt extends Span {
  readonly kind: 'Vacuum';
  readonly schema: string | null;
  readonly into: Expr | null;
}

/** `ANALYZE [schema.]target`: a single name is `target` (schema, table or index). */
export interface AnalyzeStmt extends Span {
  readonly kind: 'Analyze';
  readonly schema: string | null;
  readonly target: string | null;
}

/** `REINDEX [schema.]target`: a single name is `target` (collation, table or index). */
export interface ReindexStmt extends Span {
  readonly kind: 'Reindex';
  readonly schema: string | null;
  readonly target: string | null;
}

export interface AttachStmt extends Span {
  readonly kind: 'Attach';
  readonly expr: Expr;
  readonly name: Expr;
  /** `KEY expr` (accepted and ignored by SQLite without encryption). */
  readonly key: Expr | null;
}

export interface DetachStmt extends Span {
  readonly kind: 'Detach';
  readonly name: string;
}

export interface ExplainStmt extends Span {
  readonly kind: 'Explain';
  readonly queryPlan: boolean;
  readonly stmt: Statement;
}

export type Statement =
  | SelectStmt
  | InsertStmt
  | UpdateStmt
  | DeleteStmt
  | CreateTableStmt
  | CreateIndexStmt
  | CreateViewStmt
  | CreateTriggerStmt
  | CreateVirtualTableStmt
  | DropStmt
  | AlterTableStmt
  | BeginStmt
  | CommitStmt
  | RollbackStmt
  | SavepointStmt
  | ReleaseStmt
  | PragmaStmt
  | VacuumStmt
  | AnalyzeStmt
  | ReindexStmt
  | AttachStmt
  | DetachStmt
  | ExplainStmt;
