/**
 * Random SELECT statements: joins of every kind, WHERE with subqueries, GROUP BY/HAVING with
 * aggregates, DISTINCT, compound selects, CTEs (plain and recursive), window functions, VALUES,
 * ORDER BY (with NULLS FIRST/LAST, DESC, collations) and LIMIT/OFFSET.
 *
 * Determinism: a LIMIT is only added under an ORDER BY of every output column, window functions
 * that depend on row order are ordered by a unique key (rowid or the WITHOUT ROWID primary key),
 * scalar subqueries are aggregates, and GROUP BY queries select only grouping keys and aggregates.
 * What remains (ties between equal values of different types or case under NOCASE) is caught by
 * the harness's determinism probe.
 */
import type { Prng } from './prng.js';
import type { ExprGen, Scope, ScopeItem } from './expr.js';
import type { TableModel } from './schema.js';

interface FromClause {
  sql: string;
  scope: Scope;
  /** The single base table, when the FROM is exactly one table. */
  single?: { table: TableModel; alias: string };
}

export class QueryGen {
  constructor(
    private readonly r: Prng,
    private readonly g: ExprGen,
    private readonly tables: () => readonly TableModel[],
    private readonly views: () => readonly ScopeItem[],
  ) {}

  /** A top-level query. */
  query(): string {
    const r = this.r;
    return r.weighted<() => string>([
      [10, () => this.simple()],
      [5, () => this.grouped()],
      [3, () => this.compound()],
      [3, () => this.windowed()],
      [2, () => this.withCte()],
      [1, () => this.recursive()],
      [1, () => this.values()],
    ])();
  }

  private tableRef(): { sql: string; item: ScopeItem; table?: TableModel } {
    const r = this.r;
    const views = this.views();
    if (views.length > 0 && r.chance(0.1)) {
      const v = r.pick(views);
      const alias = this.g.freshAlias('v');
      return { sql: `${v.alias} AS ${alias}`, item: { alias, columns: v.columns } };
    }
    if (r.chance(0.08)) {
      const inner = this.simpleSelectAliased(r.int(1, 3));
      const alias = this.g.freshAlias('q');
      return { sql: `(${inner.sql}) AS ${alias}`, item: { alias, columns: inner.names } };
    }
    const t = r.pick(this.tables());
    const alias = this.g.freshAlias('a');
    return { sql: `${t.name} AS ${alias}`, item: { alias, columns: t.columns.map((c) => c.name) }, table: t };
  }

  from(maxItems = 3): FromClause {
    const r = this.r;
    const first = this.tableRef();
    const scope: Scope = { items: [first.item] };
    let sql = first.sql;
    const n = r.weighted([[5, 1], [4, 2], [1, 3]] as const);
    for (let i = 1; i < Math.min(n, maxItems); i++) {
      const next = this.tableRef();
      const join = r.weighted([[4, 'JOIN'], [3, 'LEFT JOIN'], [1, 'RIGHT JOIN'], [1, 'FULL JOIN'], [1, 'CROSS JOIN'], [1, ','], [1, 'NATURAL JOIN'], [1, 'USING']] as const);
      const prevCols = new Set(scope.items.flatMap((it) => it.columns));
      const shared = next.item.columns.filter((c) => prevCols.has(c));
      if (join === 'USING' && shared.length > 0) {
        sql += ` JOIN ${next.sql} USING (${r.sample(shared, r.int(1, Math.min(2, shared.length))).join(', ')})`;
      } else if (join === 'NATURAL JOIN' || join === 'CROSS JOIN' || join === ',') {
        sql += join === ',' ? `, ${next.sql}` : ` ${join} ${next.sql}`;
      } else {
        const on: Scope = { items: [...scope.items, next.item] };
        const kw = join === 'USING' ? 'JOIN' : join;
        sql += ` ${kw} ${next.sql} ON ${this.joinCondition(on, next.item)}`;
      }
      scope.items.push(next.item);
    }
    const single = n === 1 && first.table ? { table: first.table, alias: first.item.alias } : undefined;
    return { sql, scope, single };
  }

  private joinCondition(scope: Scope, right: ScopeItem): string {
    const r = this.r;
    if (r.chance(0.7)) {
      const left = r.pick(scope.items.filter((i) => i !== right));
      const cond = `${left.alias}.${r.pick(left.columns)} = ${right.alias}.${r.pick(right.columns)}`;
      return r.chance(0.3) ? `${cond} AND ${this.g.predicate(scope, 1)}` : cond;
    }
    return this.g.predicate(scope, 1);
  }

  private outputs(scope: Scope, n: number): { sql: string; names: string[] } {
    const r = this.r;
    if (r.chance(0.1)) {
      const cols = scope.items.flatMap((i) => i.columns);
      return { sql: '*', names: cols };
    }
    const parts: string[] = [];
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      const e = this.g.expr(scope, r.int(0, 2));
      if (r.chance(0.8)) {
        parts.push(`${e} AS x${i}`);
        names.push(`x${i}`);
      } else {
        parts.push(e);
        names.push(`x${i}`);
      }
    }
    return { sql: parts.join(', '), names };
  }

  /** ORDER BY of every output position, so that any LIMIT is well defined (up to probe-detected ties). */
  private orderByAll(n: number): string {
    const r = this.r;
    const keys: string[] = [];
    for (let i = 1; i <= n; i++) {
      let k = String(i);
      if (r.chance(0.1)) k += ` COLLATE ${r.pick(['NOCASE', 'BINARY', 'RTRIM'])}`;
      if (r.chance(0.3)) k += ' DESC';
      if (r.chance(0.2)) k += r.chance(0.5) ? ' NULLS FIRST' : ' NULLS LAST';
      keys.push(k);
    }
    return ` ORDER BY ${r.sample(keys, keys.length).join(', ')}`;
  }

  private tail(n: number): string {
    const r = this.r;
    if (r.chance(0.35)) {
      let s = this.orderByAll(n);
      if (r.chance(0.5)) s += ` LIMIT ${r.int(0, 8)}${r.chance(0.3) ? ` OFFSET ${r.int(0, 4)}` : ''}`;
      return s;
    }
    return '';
  }

  /** An inner SELECT whose outputs are all aliased (usable as a FROM item or CTE). */
  simpleSelectAliased(n: number): { sql: string; names: string[] } {
    const t = this.r.pick(this.tables());
    const alias = this.g.freshAlias('a');
    const scope: Scope = { items: [{ alias, columns: t.columns.map((c) => c.name) }] };
    const parts: string[] = [];
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      parts.push(`${this.g.expr(scope, 1)} AS y${i}`);
      names.push(`y${i}`);
    }
    const where = this.r.chance(0.5) ? ` WHERE ${this.g.predicate(scope, 1)}` : '';
    return { sql: `SELECT ${parts.join(', ')} FROM ${t.name} AS ${alias}${where}`, names };
  }

  simple(): string {
    const r = this.r;
    const from = this.from();
    const out = this.outputs(from.scope, r.int(1, 4));
    const distinct = r.chance(0.15) ? 'DISTINCT ' : '';
    const where = r.chance(0.7) ? ` WHERE ${this.g.predicate(from.scope, 2)}` : '';
    return `SELECT ${distinct}${out.sql} FROM ${from.sql}${where}${this.tail(out.names.length)}`;
  }

  grouped(): string {
    const r = this.r;
    const from = this.from(2);
    const aggScope = from.scope;
    const nAgg = r.int(1, 3);
    const aggs: string[] = [];
    for (let i = 0; i < nAgg; i++) aggs.push(`${this.g.aggregate(aggScope, r.int(0, 1))} AS g${i}`);
    const where = r.chance(0.5) ? ` WHERE ${this.g.predicate(from.scope, 1)}` : '';
    if (r.chance(0.25)) {
      // Aggregate without GROUP BY: exactly one row.
      return `SELECT ${aggs.join(', ')} FROM ${from.sql}${where}`;
    }
    const nKeys = r.int(1, 2);
    const keys: string[] = [];
    for (let i = 0; i < nKeys; i++) keys.push(r.chance(0.75) ? (this.g.column(from.scope) ?? '1') : this.g.expr(from.scope, 1));
    const outs = [...keys.map((k, i) => `${k} AS k${i}`), ...aggs];
    const having = r.chance(0.3) ? ` HAVING ${this.g.aggregate(aggScope, 0)} ${r.pick(['>', '<', '=', '>=', '<>'])} ${r.int(0, 5)}` : '';
    return `SELECT ${outs.join(', ')} FROM ${from.sql}${where} GROUP BY ${keys.join(', ')}${having}${this.tail(outs.length)}`;
  }

  compound(): string {
    const r = this.r;
    const n = r.int(1, 2);
    const parts: string[] = [];
    const k = r.int(2, 3);
    for (let i = 0; i < k; i++) {
      const from = this.from(2);
      const exprs: string[] = [];
      for (let j = 0; j < n; j++) exprs.push(`${this.g.expr(from.scope, 1)}${i === 0 ? ` AS u${j}` : ''}`);
      const where = r.chance(0.6) ? ` WHERE ${this.g.predicate(from.scope, 1)}` : '';
      parts.push(`SELECT ${exprs.join(', ')} FROM ${from.sql}${where}`);
    }
    let sql = parts[0];
    for (let i = 1; i < parts.length; i++) sql += ` ${r.pick(['UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT'])} ${parts[i]}`;
    if (r.chance(0.4)) {
      const keys = Array.from({ length: n }, (_, i) => `${i + 1}${r.chance(0.3) ? ' DESC' : ''}`);
      sql += ` ORDER BY ${keys.join(', ')}`;
      if (r.chance(0.5)) sql += ` LIMIT ${r.int(0, 6)}`;
    }
    return sql;
  }

  windowed(): string {
    const r = this.r;
    const t = r.pick(this.tables());
    const alias = this.g.freshAlias('w');
    const scope: Scope = { items: [{ alias, columns: t.columns.map((c) => c.name) }] };
    const key = t.orderKey.map((c) => `${alias}.${c}`).join(', ');
    const col = (): string => `${alias}.${r.pick(t.columns).name}`;
    const part = (): string => (r.chance(0.5) ? `PARTITION BY ${col()} ` : '');
    const outs = [`${col()} AS x0`];
    const nw = r.int(1, 3);
    for (let i = 0; i < nw; i++) {
      const w = r.weighted<() => string>([
        [2, () => `${r.pick(['rank()', 'dense_rank()', 'percent_rank()', 'cume_dist()'])} OVER (${part()}ORDER BY ${col()})`],
        [2, () => `${r.pick(['row_number()', 'ntile(3)', `lag(${col()})`, `lead(${col()}, 2, 0)`, `first_value(${col()})`, `nth_value(${col()}, 2)`])} OVER (${part()}ORDER BY ${col()}, ${key})`],
        [2, () => `${r.pick(['count(*)', `sum(${col()})`, `min(${col()})`, `max(${col()})`, `total(${col()})`])} OVER (${part()}${r.chance(0.6) ? `ORDER BY ${col()}` : ''})`],
        [2, () => `${r.pick([`sum(${col()})`, `count(${col()})`, `max(${col()})`, `last_value(${col()})`])} OVER (${part()}ORDER BY ${col()}, ${key} ${this.frame()})`],
        [1, () => `${r.pick(['count(*)', `sum(${col()})`])} OVER (ORDER BY ${col()} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`],
      ])();
      outs.push(`${w} AS w${i}`);
    }
    const where = r.chance(0.4) ? ` WHERE ${this.g.predicate(scope, 1)}` : '';
    return `SELECT ${outs.join(', ')} FROM ${t.name} AS ${alias}${where}${this.tail(outs.length)}`;
  }

  private frame(): string {
    const r = this.r;
    const bound = (): string => r.pick(['UNBOUNDED PRECEDING', '1 PRECEDING', 'CURRENT ROW', '1 FOLLOWING', '2 PRECEDING']);
    const ends = ['CURRENT ROW', '1 FOLLOWING', 'UNBOUNDED FOLLOWING', '2 FOLLOWING'];
    const start = bound();
    let end = r.pick(ends);
    if (start === '1 FOLLOWING' && end === 'CURRENT ROW') end = '2 FOLLOWING';
    return `ROWS BETWEEN ${start} AND ${end}${r.chance(0.15) ? ' EXCLUDE CURRENT ROW' : ''}`;
  }

  withCte(): string {
    const r = this.r;
    const inner = this.simpleSelectAliased(r.int(1, 3));
    const name = this.g.freshAlias('cte');
    const mat = r.pick(['', '', 'MATERIALIZED ', 'NOT MATERIALIZED ']);
    if (r.chance(0.3)) {
      // named twice: SQLite materializes it once unless NOT MATERIALIZED
      const a = this.g.freshAlias('c');
      const b = this.g.freshAlias('c');
      const scope: Scope = { items: [{ alias: a, columns: inner.names }, { alias: b, columns: inner.names }] };
      const out = this.outputs(scope, r.int(1, 3));
      const join = r.pick(['JOIN', 'LEFT JOIN']);
      const on = `${a}.${r.pick(inner.names)} = ${b}.${r.pick(inner.names)}`;
      const where = r.chance(0.5) ? ` WHERE ${this.g.predicate(scope, 1)}` : '';
      return `WITH ${name} AS ${mat}(${inner.sql}) SELECT ${out.sql} FROM ${name} AS ${a} ${join} ${name} AS ${b} ON ${on}${where}${this.tail(out.names.length)}`;
    }
    const scope: Scope = { items: [{ alias: name, columns: inner.names }] };
    const out = this.outputs(scope, r.int(1, 3));
    const where = r.chance(0.6) ? ` WHERE ${this.g.predicate(scope, 1)}` : '';
    return `WITH ${name} AS ${mat}(${inner.sql}) SELECT ${out.sql} FROM ${name}${where}${this.tail(out.names.length)}`;
  }

  recursive(): string {
    const r = this.r;
    const start = r.int(0, 3);
    const stop = start + r.int(0, 15);
    const step = r.pick(['n + 1', 'n + 2', 'n * 2 + 1']);
    const body = `SELECT ${start} UNION ${r.chance(0.5) ? 'ALL ' : ''}SELECT ${step} FROM r WHERE n < ${stop}`;
    const agg = r.pick(['count(*), sum(n), max(n)', 'group_concat(n)', 'n, n * n', 'total(n) / 3']);
    const order = agg.startsWith('n,') ? ' ORDER BY n' : '';
    return `WITH RECURSIVE r(n) AS (${body}) SELECT ${agg} FROM r${order}`;
  }

  values(): string {
    const r = this.r;
    const n = r.int(1, 3);
    const rows: string[] = [];
    for (let i = 0; i < r.int(1, 4); i++) rows.push(`(${Array.from({ length: n }, () => this.g.literal()).join(', ')})`);
    return `VALUES ${rows.join(', ')}`;
  }
}
