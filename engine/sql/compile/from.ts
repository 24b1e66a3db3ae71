/**
 * Binding of the FROM clause: each item (table, view, CTE, subquery, table-valued function)
 * becomes a source with a runtime slot, in a flat list in FROM order, with its join operator.
 * NATURAL and USING joins mark the right side's shared columns as merged.
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { TableSchema } from '../../catalog/types.js';
import type { Expr, FromItem, JoinType, SelectStmt } from '../ast.js';
import type { Op } from '../exec/runtime.js';
import { SubquerySourceOp } from '../exec/join.js';
import { unusedColumnHooks } from './select.js';
import type { CompileCtx, QueryPlan } from './context.js';
import { makeSource, type Scope, type ScopeColumn, type ScopeSource } from './scope.js';
import { bindTableSource } from './table-source.js';
import { tableFunctionSource, type TableFunctionBinding } from './table-function.js';
import { sqliteSchemaTable } from '../../catalog/sqlite-schema.js';
import { dbNameOf } from '../../catalog/schema.js';

export interface FromEntry {
  readonly source: ScopeSource;
  /** How this entry joins the ones before it (the first entry: 'INNER'). */
  readonly joinType: JoinType;
  readonly on: Expr | null;
  /** Equality terms implied by USING / NATURAL: [left expr, right expr]. */
  readonly usingTerms: readonly [Expr, Expr][];
  /** Base tables are planned by the access-path chooser; everything else has a fixed op. */
  readonly table: TableSchema | null;
  /** For non-table sources: the op producing rows into the slot. */
  readonly op: Op | null;
  readonly indexedBy: string | false | null;
  readonly asOf: unknown;
  /** Table-valued functions: lets the planner pass WHERE terms on hidden columns as arguments. */
  readonly tvf?: TableFunctionBinding;
  /** A subquery source referring to an enclosing query (which makes this query correlated too). */
  readonly correlated?: boolean;
  /** Called once the enclosing query is compiled: NULLs the subquery columns it never read. */
  readonly finish?: () => void;
}

function columnRef(table: string, name: string): Expr {
  return { kind: 'Column', schema: null, table, name, quoted: false, start: 0, end: 0 };
}

export function bindFrom(cx: CompileCtx, from: FromItem | null, outer: Scope | null, entries: FromEntry[], lateral: () => Scope): void {
  if (!from) return;
  const start = entries.length;
  bindItem(cx, from, outer, entries, 'INNER', null, null, false, lateral, hasRightJoin(from));
  // SQLite's JT_LTORJ: every item left of the last RIGHT/FULL JOIN
  for (let i = entries.length - 1; i > start; i--) {
    const t = entries[i].joinType;
    if (t !== 'RIGHT' && t !== 'FULL') continue;
    for (let j = start; j < i; j++) entries[j].source.leftOfRightJoin = true;
    break;
  }
}

function hasRightJoin(item: FromItem): boolean {
  if (item.kind !== 'Join') return false;
  return item.joinType === 'RIGHT' || item.joinType === 'FULL' || hasRightJoin(item.left) || hasRightJoin(item.right);
}

function functionCall(name: string, args: Expr[]): Expr {
  return { kind: 'Function', name, args, distinct: false, star: false, filter: null, over: null, orderBy: null, special: false, start: 0, end: 0 };
}

function bindItem(
  cx: CompileCtx,
  item: FromItem,
  outer: Scope | null,
  entries: FromEntry[],
  joinType: JoinType,
  on: Expr | null,
  using: readonly string[] | null,
  natural: boolean,
  lateral: () => Scope,
  anyRightJoin: boolean,
): void {
  if (item.kind === 'Join') {
    bindItem(cx, item.left, outer, entries, joinType, on, using, natural, lateral, anyRightJoin);
    bindItem(cx, item.right, outer, entries, item.joinType, item.on, item.using, item.natural, lateral, anyRightJoin);
    return;
  }
  const leftSources = entries.map((e) => e.source);
  const entry = bindLeaf(cx, item, outer, joinType, on, lateral);
  // NATURAL / USING
  let names: string[] = [];
  if (natural) {
    if (on || using) throw sqliteError('a NATURAL join may not have an ON or USING clause');
    for (const c of entry.source.columns) {
      if (leftSources.some((s) => s.byName.has(c.name.toLowerCase()) && !s.merged.has(c.name.toLowerCase()))) names.push(c.name);
    }
  } else if (using) {
    if (on) throw sqliteError('cannot have both ON and USING clauses in the same join');
    names = [...using];
  }
  const usingTerms: [Expr, Expr][] = [];
  for (const n of names) {
    const ln = n.toLowerCase();
    const li = leftSources.findIndex((s) => s.byName.has(ln));
    if (li < 0 || !entry.source.byName.has(ln)) {
      throw sqliteError(`cannot join using column ${n} - column not present in both tables`);
    }
    entry.source.merged.add(ln);
    let leftExpr = columnRef(leftSources[li].name, n);
    if (anyRightJoin) {
      // With a RIGHT/FULL JOIN anywhere, the left side is coalesce() of every left table with
      // the column (sqlite3ProcessJoin); each after the first must itself be joined by USING.
      const args: Expr[] = [leftExpr];
      for (let j = li + 1; j < leftSources.length; j++) {
        const s = leftSources[j];
        if (!s.byName.has(ln)) continue;
        if (!s.merged.has(ln)) throw sqliteError(`ambiguous reference to ${n} in USING()`);
        args.push(columnRef(s.name, n));
      }
      if (args.length > 1) leftExpr = functionCall('coalesce', args);
    }
    usingTerms.push([leftExpr, columnRef(entry.source.name, n)]);
  }
  if (joinType === 'RIGHT' || joinType === 'FULL') entry.source.rightJoin = joinType;
  entries.push({ ...entry, usingTerms });
}

function bindLeaf(cx: CompileCtx, item: Exclude<FromItem, { kind: 'Join' }>, outer: Scope | null, joinType: JoinType, on: Expr | null, lateral: () => Scope): FromEntry {
  const rt = cx.rt;
  const base = { joinType, on, usingTerms: [] as [Expr, Expr][], indexedBy: null as string | false | null, asOf: null as unknown };
  switch (item.kind) {
    case 'TableRef': {
      const alias = item.alias ?? item.name;
      if (item.schema === null) {
        for (let i = cx.ctes.length - 1; i >= 0; i--) {
          const cte = cx.ctes[i];
          if (cte.name.toLowerCase() !== item.name.toLowerCase()) continue;
          const plan = cte.recursiveRef ? cte.recursiveRef() : cte.plan();
          return { ...base, ...planSource(cx, plan, alias) };
        }
      }
      const schemaName = item.schema?.toLowerCase() ?? null;
      if (schemaName !== null && schemaName !== 'main' && schemaName !== 'temp') {
        throw sqliteError(`no such table: ${item.schema}.${item.name}`);
      }
      const lname = item.name.toLowerCase();
      if (lname === 'sqlite_master' || lname === 'sqlite_schema' || lname === 'sqlite_temp_master' || lname === 'sqlite_temp_schema') {
        const t = sqliteSchemaTable(item.name, lname.startsWith('sqlite_temp') || schemaName === 'temp', cx.schema.hasTemp);
        const slot = rt.allocSlot();
        return { ...base, source: bindTableSource(cx, t, alias, slot), table: t, op: null, indexedBy: null, asOf: item.asOf };
      }
      const table = cx.schema.table(item.name, dbNameOf(schemaName));
      if (table) {
        if (typeof item.indexedBy === 'string') {
          const want = item.indexedBy.toLowerCase();
          if (!cx.schema.indexesOf(table.name).some((i) => i.name.toLowerCase() === want)) throw sqliteError(`no such index: ${item.indexedBy}`);
        }
        const slot = rt.allocSlot();
        return { ...base, source: bindTableSource(cx, table, alias, slot, table.temp ? 'temp' : 'main'), table, op: null, indexedBy: item.indexedBy, asOf: item.asOf };
      }
      const view = cx.schema.view(item.name, dbNameOf(schemaName));
      if (view) {
        const saved = cx.ctes.splice(0, cx.ctes.length);
        let plan: QueryPlan;
        try {
          plan = cx.compileSelect(view.select, null);
        } catch (e) {
          // inside a view, SQLite names tables with their schema
          if (e instanceof Error && /^no such table: (?!main\.)/.test(e.message)) e.message = e.message.replace('no such table: ', 'no such table: main.');
          throw e;
        } finally {
          cx.ctes.push(...saved);
        }
        if (view.columnNames && view.columnNames.length !== plan.columns.length) {
          throw sqliteError(`expected ${view.columnNames.length} columns for '${view.name}' but got ${plan.columns.length}`);
        }
        const renamed: QueryPlan = view.columnNames ? { ...plan, columns: plan.columns.map((c, i) => ({ ...c, name: view.columnNames![i] })) } : plan;
        return { ...base, ...planSource(cx, renamed, alias) };
      }
      const vt = cx.schema.virtualTables.get(lname);
      if (vt) {
        const def = cx.functions.virtualTable(vt.name, vt.module, vt.args);
        const b = tableFunctionSource(cx, { kind: 'TableFunctionRef', schema: null, name: vt.name, args: [], alias: item.alias ?? vt.name }, lateral(), def);
        return { ...base, source: b.source, table: null, op: b.op, tvf: b };
      }
      if (cx.functions.tableValued(item.name) || lname.startsWith('pragma_')) {
        // an eponymous table-valued function used without arguments
        const b = tableFunctionSource(cx, { kind: 'TableFunctionRef', schema: item.schema, name: item.name, args: [], alias: item.alias }, lateral());
        return { ...base, source: b.source, table: null, op: b.op, tvf: b };
      }
      throw sqliteError(`no such table: ${item.schema ? `${item.schema}.` : ''}${item.name}`);
    }
    case 'SubqueryRef': {
      const plan = cx.compileSelect(item.select, outer);
      return { ...base, ...planSource(cx, plan, item.alias ?? '') };
    }
    case 'TableFunctionRef': {
      const b = tableFunctionSource(cx, item, lateral());
      return { ...base, source: b.source, table: null, op: b.op, tvf: b };
    }
  }
}

/** A query plan exposed as a source (subquery, view, CTE reference). */
export function planSource(
  cx: CompileCtx,
  plan: QueryPlan,
  name: string,
): { source: ScopeSource; table: null; op: Op; correlated: boolean; finish?: () => void } {
  const rt = cx.rt;
  const slot = rt.allocSlot();
  const hook = plan.correlated ? undefined : unusedColumnHooks.get(plan.source);
  // which columns the enclosing query reads: resolving a column reference fetches its reader
  const used: boolean[] | null = hook ? plan.columns.map(() => false) : null;
  const cols: ScopeColumn[] = plan.columns.map((c, i) => {
    const read = (): SqlValue => {
      const r = rt.rows[slot];
      return i < r.length ? r[i] : null;
    };
    const col = { name: c.name, affinity: c.affinity, collation: c.collation, type: c.type, origin: c.origin, hidden: false };
    if (!used) return { ...col, read };
    return Object.defineProperty(col, 'read', {
      enumerable: true,
      get: () => {
        used[i] = true;
        return read;
      },
    }) as unknown as ScopeColumn;
  });
  const source = makeSource(slot, name, null, cols, null, plan.columns.length);
  const op = new SubquerySourceOp(rt, slot, plan.source, plan.correlated);
  rt.resets.push(op);
  const finish = hook && used ? () => hook(used) : undefined;
  return { source, table: null, op, correlated: plan.correlated, finish };
}

export function noRows(): SqlValue[] {
  return [];
}

export type { SelectStmt };
