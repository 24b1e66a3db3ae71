/**
 * Random scalar expressions, predicates and aggregates over a scope of FROM items. Everything is
 * deterministic in SQLite (no random(), no 'now', no changes()), and functions whose results
 * could differ between C's libm and JavaScript's Math in the last bit (exp, ln, pow, sin...) are
 * left to the hand-written cases.
 */
import type { Prng } from './prng.js';
import { anyLiteral, type TableModel } from './schema.js';

export interface ScopeItem {
  alias: string;
  columns: string[];
}

export interface Scope {
  items: ScopeItem[];
  outer?: Scope;
}

const COMPARE = ['=', '<>', '<', '<=', '>', '>=', '==', '!=', 'IS', 'IS NOT', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM'];
const ARITH = ['+', '-', '*', '/', '%', '||', '&', '|', '<<', '>>'];
const CASTS = ['INTEGER', 'REAL', 'TEXT', 'BLOB', 'NUMERIC', 'INT', 'VARCHAR(5)', 'FLOAT'];
const LIKE_PATTERNS = ["'a%'", "'%b%'", "'A_c'", "'%'", "'1%'", "'_'", "'%é%'", "'x\\%y' ESCAPE '\\'"];
const GLOB_PATTERNS = ["'a*'", "'*b*'", "'[a-c]*'", "'?'", "'[^a]*'", "'1*'", "'*'"];
const PRINTF = ["'%d'", "'%5.2f'", "'%s|%s'", "'%-6s|'", "'%x'", "'%.3e'", "'%g'", "'%05d'", "'%q'", "'%c'"];

export class ExprGen {
  private aliasCounter = 0;

  constructor(
    private readonly r: Prng,
    readonly tables: readonly TableModel[],
  ) {}

  freshAlias(prefix = 's'): string {
    return `${prefix}${this.aliasCounter++}`;
  }

  column(scope: Scope): string | undefined {
    const own = scope.items.filter((i) => i.columns.length > 0);
    let pool = own;
    if (scope.outer && this.r.chance(0.25)) pool = scope.outer.items.filter((i) => i.columns.length > 0);
    if (pool.length === 0) pool = own;
    if (pool.length === 0) return undefined;
    const item = this.r.pick(pool);
    return `${item.alias}.${this.r.pick(item.columns)}`;
  }

  literal(): string {
    return anyLiteral(this.r);
  }

  /** A scalar expression; `depth` bounds nesting. */
  expr(scope: Scope, depth = 2): string {
    const r = this.r;
    if (depth <= 0 || r.chance(0.35)) {
      const col = r.chance(0.65) ? this.column(scope) : undefined;
      return col ?? this.literal();
    }
    const d = depth - 1;
    return r.weighted<() => string>([
      [5, () => `(${this.expr(scope, d)} ${r.pick(ARITH)} ${this.expr(scope, d)})`],
      [1, () => `(${r.pick(['- ', '+ ', '~ ', 'NOT '])}${this.expr(scope, d)})`],
      [4, () => this.func(scope, d)],
      [2, () => `CAST(${this.expr(scope, d)} AS ${r.pick(CASTS)})`],
      [2, () => this.caseExpr(scope, d)],
      [2, () => `(${this.predicate(scope, d)})`],
      [1, () => `(${this.expr(scope, d)} COLLATE ${r.pick(['NOCASE', 'RTRIM', 'BINARY'])})`],
      [1, () => this.scalarSubquery(scope, d)],
    ])();
  }

  private func(scope: Scope, d: number): string {
    const r = this.r;
    const e = (): string => this.expr(scope, d);
    return r.weighted<() => string>([
      [2, () => `abs(${e()})`],
      [3, () => `coalesce(${e()}, ${e()})`],
      [1, () => `ifnull(${e()}, ${e()})`],
      [1, () => `nullif(${e()}, ${e()})`],
      [2, () => `length(${e()})`],
      [2, () => `${r.pick(['lower', 'upper'])}(${e()})`],
      [2, () => `substr(${e()}, ${r.int(-3, 4)}${r.chance(0.5) ? `, ${r.int(-2, 4)}` : ''})`],
      [1, () => `${r.pick(['trim', 'ltrim', 'rtrim'])}(${e()})`],
      [3, () => `typeof(${e()})`],
      [2, () => `round(${e()}${r.chance(0.5) ? `, ${r.int(0, 3)}` : ''})`],
      [1, () => `instr(${e()}, ${e()})`],
      [1, () => `replace(${e()}, ${e()}, ${e()})`],
      [1, () => `hex(${e()})`],
      [1, () => `quote(${e()})`],
      [2, () => `${r.pick(['min', 'max'])}(${e()}, ${e()})`],
      [1, () => `iif(${this.predicate(scope, d)}, ${e()}, ${e()})`],
      [1, () => `sign(${e()})`],
      [1, () => `unicode(${e()})`],
      [1, () => `printf(${r.pick(PRINTF)}, ${e()}, ${e()})`],
      [1, () => `concat(${e()}, ${e()})`],
      [1, () => `concat_ws('-', ${e()}, ${e()})`],
      [1, () => `${r.pick(['floor', 'ceil', 'trunc', 'sqrt'])}(${e()})`],
      [1, () => `${r.pick(['date', 'time', 'datetime', 'unixepoch'])}(${e()})`],
      [1, () => `strftime('%Y-%m-%d %H', ${e()})`],
      [1, () => `json_valid(${e()})`],
      [1, () => `json_type(${e()})`],
      [1, () => `(${e()} ->> '$.a')`],
      [1, () => `json_array(${e()}, ${e()})`],
      [1, () => `char(${r.int(65, 90)}, ${r.int(97, 122)})`],
      [1, () => `likely(${e()})`],
    ])();
  }

  private caseExpr(scope: Scope, d: number): string {
    const r = this.r;
    const n = r.int(1, 3);
    const simple = r.chance(0.4);
    let s = simple ? `CASE ${this.expr(scope, d)}` : 'CASE';
    for (let i = 0; i < n; i++) {
      s += ` WHEN ${simple ? this.expr(scope, d) : this.predicate(scope, d)} THEN ${this.expr(scope, d)}`;
    }
    if (r.chance(0.6)) s += ` ELSE ${this.expr(scope, d)}`;
    return `${s} END`;
  }

  /** A boolean-ish expression (NULL logic included). */
  predicate(scope: Scope, depth = 2): string {
    const r = this.r;
    const d = Math.max(0, depth - 1);
    const e = (): string => this.expr(scope, d);
    return r.weighted<() => string>([
      [8, () => `${e()} ${r.pick(COMPARE)} ${e()}`],
      [2, () => `${e()} IS ${r.chance(0.5) ? 'NOT ' : ''}NULL`],
      [1, () => `${e()} ${r.pick(['ISNULL', 'NOTNULL'])}`],
      [2, () => `${e()} ${r.chance(0.3) ? 'NOT ' : ''}BETWEEN ${e()} AND ${e()}`],
      [2, () => `${e()} ${r.chance(0.3) ? 'NOT ' : ''}IN (${[e(), e(), e()].slice(0, r.int(1, 3)).join(', ')})`],
      [2, () => `${e()} ${r.chance(0.2) ? 'NOT ' : ''}LIKE ${r.pick(LIKE_PATTERNS)}`],
      [1, () => `${e()} GLOB ${r.pick(GLOB_PATTERNS)}`],
      [depth > 0 ? 3 : 0, () => `(${this.predicate(scope, d)}) ${r.pick(['AND', 'OR'])} (${this.predicate(scope, d)})`],
      [depth > 0 ? 1 : 0, () => `NOT (${this.predicate(scope, d)})`],
      [depth > 0 ? 2 : 0, () => this.existsSubquery(scope, d)],
      [depth > 0 ? 2 : 0, () => this.inSubquery(scope, d)],
      [1, () => `(${e()}, ${e()}) ${r.pick(['=', '<', '>=', 'IS NOT'])} (${e()}, ${e()})`],
      [1, () => e()],
    ])();
  }

  /** An aggregate call over the scope (optionally DISTINCT or FILTERed). */
  aggregate(scope: Scope, depth = 1): string {
    const r = this.r;
    const arg = this.expr(scope, depth);
    const call = r.weighted<() => string>([
      [3, () => 'count(*)'],
      [3, () => `count(${arg})`],
      [1, () => `count(DISTINCT ${arg})`],
      [3, () => `sum(${arg})`],
      [2, () => `total(${arg})`],
      [2, () => `avg(${arg})`],
      [3, () => `min(${arg})`],
      [3, () => `max(${arg})`],
      [1, () => `sum(DISTINCT ${arg})`],
    ])();
    return r.chance(0.15) ? `${call} FILTER (WHERE ${this.predicate(scope, 1)})` : call;
  }

  private tableItem(): { table: TableModel; item: ScopeItem } {
    const table = this.r.pick(this.tables);
    const alias = this.freshAlias();
    return { table, item: { alias, columns: table.columns.map((c) => c.name) } };
  }

  private cteSubqueries = true;

  /** Runs `fn` with scalar subqueries never written as CTEs. */
  withoutCteSubqueries<T>(fn: () => T): T {
    const saved = this.cteSubqueries;
    this.cteSubqueries = false;
    try {
      return fn();
    } finally {
      this.cteSubqueries = saved;
    }
  }

  /** `(SELECT agg FROM t s WHERE <correlated>)`: aggregates keep it to one row. */
  scalarSubquery(scope: Scope, d: number): string {
    const { table, item } = this.tableItem();
    const inner: Scope = { items: [item], outer: scope };
    const where = this.r.chance(0.7) ? ` WHERE ${this.predicate(inner, Math.min(d, 1))}` : '';
    if (this.cteSubqueries && this.r.chance(0.2)) {
      // the correlated rows as a CTE of the subquery, read once or twice (materialized)
      const c = this.freshAlias('c');
      const agg = this.aggregate({ items: [{ alias: c, columns: item.columns }] }, 0);
      const mat = this.r.pick(['', '', 'MATERIALIZED ', 'NOT MATERIALIZED ']);
      const use = this.r.chance(0.5) ? `SELECT ${agg} FROM ${c}` : `SELECT (SELECT ${agg} FROM ${c}) + (SELECT count(*) FROM ${c} AS ${c}b)`;
      return `(WITH ${c} AS ${mat}(SELECT * FROM ${table.name} AS ${item.alias}${where}) ${use})`;
    }
    return `(SELECT ${this.aggregate({ items: [item] }, 0)} FROM ${table.name} AS ${item.alias}${where})`;
  }

  existsSubquery(scope: Scope, d: number): string {
    const { table, item } = this.tableItem();
    const inner: Scope = { items: [item], outer: scope };
    return `${this.r.chance(0.3) ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${table.name} AS ${item.alias} WHERE ${this.predicate(inner, Math.min(d, 1))})`;
  }

  inSubquery(scope: Scope, d: number): string {
    const { table, item } = this.tableItem();
    const inner: Scope = { items: [item], outer: scope };
    const where = this.r.chance(0.6) ? ` WHERE ${this.predicate(inner, Math.min(d, 1))}` : '';
    const col = `${item.alias}.${this.r.pick(item.columns)}`;
    return `${this.expr(scope, 0)} ${this.r.chance(0.3) ? 'NOT ' : ''}IN (SELECT ${col} FROM ${table.name} AS ${item.alias}${where})`;
  }
}

