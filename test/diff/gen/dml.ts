/**
 * Random DML and the occasional DDL/transaction statement: INSERT (multi-row, OR conflict
 * clauses, INSERT ... SELECT, DEFAULT VALUES, upserts), UPDATE and DELETE (WHERE, ORDER BY/LIMIT
 * on a unique key), RETURNING, ALTER TABLE ADD COLUMN, CREATE INDEX / VIEW, BEGIN/COMMIT/
 * ROLLBACK/SAVEPOINT.
 */
import type { Prng } from './prng.js';
import type { ExprGen, Scope, ScopeItem } from './expr.js';
import { generateIndex, literalFor, type TableModel } from './schema.js';
import type { QueryGen } from './query.js';

export class DmlGen {
  private indexCounter = 100;
  private viewCounter = 0;
  private savepoints = 0;
  inTransaction = false;
  readonly views: ScopeItem[] = [];
  /** Schema-model change of the last DDL statement, applied only if SQLite accepted it. */
  pendingModelChange: (() => void) | undefined;

  constructor(
    private readonly r: Prng,
    private readonly g: ExprGen,
    private readonly q: QueryGen,
    private readonly tables: TableModel[],
  ) {}

  statement(): string {
    const r = this.r;
    return r.weighted<() => string>([
      [8, () => this.insert()],
      [2, () => this.upsert()],
      [1, () => this.insertSelect()],
      [5, () => this.update()],
      [3, () => this.del()],
      [this.inTransaction ? 0 : 1, () => this.ddl()],
      [1, () => this.transaction()],
    ])();
  }

  private scopeOf(t: TableModel): Scope {
    return { items: [{ alias: t.name, columns: t.columns.map((c) => c.name) }] };
  }

  private returning(t: TableModel): string {
    const r = this.r;
    if (!r.chance(0.15)) return '';
    if (r.chance(0.4)) return ' RETURNING *';
    // no CTE subqueries here: when SQLite re-runs a RETURNING subquery for each row it may reuse
    // the rows of a FROM subquery computed for the first (listed in docs/compat.md)
    return ` RETURNING ${this.g.withoutCteSubqueries(() => this.g.expr(this.scopeOf(t), 1))} AS r0, ${t.columns[0].name}`;
  }

  rows(t: TableModel, cols: string[], n: number): string {
    const rows: string[] = [];
    for (let i = 0; i < n; i++) {
      const vals = cols.map((name) => {
        const c = t.columns.find((x) => x.name === name);
        if (!c) return 'NULL';
        if (c.ipk) return this.r.chance(0.5) ? 'NULL' : String(this.r.int(1, 60));
        return literalFor(this.r, c, t.strict);
      });
      rows.push(`(${vals.join(', ')})`);
    }
    return rows.join(', ');
  }

  private columnsFor(t: TableModel): string[] {
    const all = t.columns.map((c) => c.name);
    if (this.r.chance(0.6)) return all;
    return t.columns.filter((c) => this.r.chance(0.7) && !(c.ipk && this.r.chance(0.7))).map((c) => c.name);
  }

  insert(t: TableModel = this.r.pick(this.tables), n = this.r.int(1, 3)): string {
    const r = this.r;
    const or = r.weighted([[6, ''], [3, 'OR IGNORE '], [2, 'OR REPLACE '], [1, 'OR ABORT '], [1, 'OR FAIL ']] as const);
    const cols = this.columnsFor(t);
    const verb = or === 'OR REPLACE ' && r.chance(0.3) ? 'REPLACE ' : `INSERT ${or}`;
    if (cols.length === 0) return `${verb}INTO ${t.name} DEFAULT VALUES${this.returning(t)}`;
    return `${verb}INTO ${t.name} (${cols.join(', ')}) VALUES ${this.rows(t, cols, n)}${this.returning(t)}`;
  }

  private upsert(): string {
    const r = this.r;
    const t = r.pick(this.tables);
    const cols = t.columns.map((c) => c.name);
    const target = t.uniqueKeys.length > 0 ? r.pick(t.uniqueKeys) : [];
    const scope: Scope = { items: [{ alias: t.name, columns: cols }, { alias: 'excluded', columns: cols }] };
    const nonKey = cols.filter((c) => !target.includes(c));
    const action = (): string => {
      if (nonKey.length === 0 || r.chance(0.3)) return 'DO NOTHING';
      const c = r.pick(nonKey);
      const set = r.chance(0.5) ? `${c} = excluded.${c}` : `${c} = ${this.g.expr(scope, 1)}`;
      return `DO UPDATE SET ${set}${r.chance(0.3) ? ` WHERE ${this.g.predicate(scope, 1)}` : ''}`;
    };
    let clauses = target.length > 0 ? ` ON CONFLICT (${target.join(', ')}) ${action()}` : ' ON CONFLICT DO NOTHING';
    if (target.length > 0 && r.chance(0.2)) clauses += ' ON CONFLICT DO NOTHING';
    return `INSERT INTO ${t.name} (${cols.join(', ')}) VALUES ${this.rows(t, cols, r.int(1, 2))}${clauses}${this.returning(t)}`;
  }

  private insertSelect(): string {
    const r = this.r;
    const t = r.pick(this.tables);
    const src = r.pick(this.tables);
    const cols = t.columns.filter((c) => !c.ipk).map((c) => c.name);
    const alias = this.g.freshAlias('src');
    const scope: Scope = { items: [{ alias, columns: src.columns.map((c) => c.name) }] };
    const exprs = cols.map(() => this.g.expr(scope, 1));
    const order = cols.map((_, i) => String(i + 1)).concat(src.orderKey.map((k) => `${alias}.${k}`));
    const or = r.pick(['', 'OR IGNORE ', 'OR REPLACE ']);
    return `INSERT ${or}INTO ${t.name} (${cols.join(', ')}) SELECT ${exprs.join(', ')} FROM ${src.name} AS ${alias} WHERE ${this.g.predicate(scope, 1)} ORDER BY ${order.join(', ')} LIMIT ${r.int(1, 4)}`;
  }

  private update(): string {
    const r = this.r;
    const t = r.pick(this.tables);
    const scope = this.scopeOf(t);
    const targets = r.sample(t.columns, r.int(1, 2));
    const sets = targets.map((c) => `${c.name} = ${r.chance(0.3) ? literalFor(r, c, t.strict) : this.g.expr(scope, 1)}`);
    const or = r.weighted([[6, ''], [2, 'OR IGNORE '], [1, 'OR REPLACE ']] as const);
    const where = r.chance(0.8) ? ` WHERE ${this.g.predicate(scope, 1)}` : '';
    const limit = r.chance(0.15) ? ` ORDER BY ${t.orderKey.join(', ')}${r.chance(0.5) ? ' DESC' : ''} LIMIT ${r.int(1, 3)}` : '';
    if (r.chance(0.1) && this.tables.length > 1) {
      const other = r.pick(this.tables.filter((x) => x !== t));
      const fromScope: Scope = { items: [...scope.items, { alias: 'f', columns: other.columns.map((c) => c.name) }] };
      return `UPDATE ${or}${t.name} SET ${sets.join(', ')} FROM ${other.name} AS f WHERE ${this.g.predicate(fromScope, 1)}${this.returning(t)}`;
    }
    return `UPDATE ${or}${t.name} SET ${sets.join(', ')}${where}${this.returning(t)}${limit}`;
  }

  private del(): string {
    const r = this.r;
    const t = r.pick(this.tables);
    const where = ` WHERE ${this.g.predicate(this.scopeOf(t), 1)}`;
    const limit = r.chance(0.15) ? ` ORDER BY ${t.orderKey.join(', ')} LIMIT ${r.int(1, 3)}` : '';
    return `DELETE FROM ${t.name}${where}${this.returning(t)}${limit}`;
  }

  private ddl(): string {
    const r = this.r;
    const t = r.pick(this.tables);
    return r.weighted<() => string>([
      [3, () => generateIndex(r, t, `i${this.indexCounter++}`)],
      [
        2,
        () => {
          const name = `c${t.columns.length + 10}`;
          const decl = r.pick(t.strict ? ['INTEGER', 'TEXT', 'ANY'] : ['INTEGER', 'TEXT', 'REAL', '', 'NUMERIC']);
          const col = { name, decl, affinity: 'BLOB' as const, notNull: false, unique: false, ipk: false };
          const def = r.chance(0.5) ? ` DEFAULT ${literalFor(r, col, false)}` : '';
          this.pendingModelChange = () => t.columns.push(col);
          return `ALTER TABLE ${t.name} ADD COLUMN ${name}${decl ? ` ${decl}` : ''}${def}`;
        },
      ],
      [
        2,
        () => {
          const name = `v${this.viewCounter++}`;
          const inner = this.q.simpleSelectAliased(r.int(1, 3));
          this.pendingModelChange = () => this.views.push({ alias: name, columns: inner.names });
          return `CREATE VIEW ${name} AS ${inner.sql}`;
        },
      ],
    ])();
  }

  private transaction(): string {
    const r = this.r;
    if (!this.inTransaction) {
      this.inTransaction = true;
      this.savepoints = 0;
      return r.pick(['BEGIN', 'BEGIN IMMEDIATE', 'BEGIN DEFERRED', 'BEGIN EXCLUSIVE']);
    }
    const choice = r.weighted([[3, 'COMMIT'], [2, 'ROLLBACK'], [2, 'SAVEPOINT'], [1, 'ROLLBACK TO'], [1, 'RELEASE']] as const);
    if (choice === 'SAVEPOINT') return `SAVEPOINT sp${this.savepoints++}`;
    if ((choice === 'ROLLBACK TO' || choice === 'RELEASE') && this.savepoints > 0) {
      return `${choice} sp${r.int(0, this.savepoints - 1)}`;
    }
    this.inTransaction = false;
    return choice === 'ROLLBACK' ? 'ROLLBACK' : r.pick(['COMMIT', 'END']);
  }
}
