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
import { cteScope, makeSource, slotQualifier, type Scope, type ScopeColumn, type ScopeSource } from './scope.js';
import { bindTableSource } from './table-source.js';
import { tableFunctionSource, type TableFunctionBinding } from './table-function.js';
import { sqliteSchemaTable } from '../../catalog/sqlite-schema.js';
import { dbNameOf } from '../../catalog/schema.js';
import { flattenSubquery, flattenVerdict, type FlatFragment, type FlattenCandidate, type FlattenSite, type FlattenVerdict } from './flatten.js';
import { bindAsOf, rejectAsOf, visibleSchemaTable } from '../time-travel/as-of.js';
import { fixedDb } from '../../catalog/fixed-schema.js';
import { uniqueColumnNames } from './column-names.js';

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
  /** A flattened subquery (flatten.ts): its FROM items take this entry's place in the join. */
  readonly flat?: FlatFragment;
  /** A subquery, view or CTE compiled on its own. */
  readonly subquery?: true;
  /** ... that SQLite reads as a co-routine (streamed when it is the outer loop). */
  readonly coroutine?: boolean;
}

/** The sources that hold rows at run time: flattened subqueries replaced by their FROM items. */
export function planningSources(entries: readonly FromEntry[], out: ScopeSource[] = []): ScopeSource[] {
  for (const e of entries) {
    if (e.flat) planningSources(e.flat.entries, out);
    else out.push(e.source);
  }
  return out;
}

/** Runs the `finish` hooks of every entry, inside flattened subqueries too. */
export function finishEntries(entries: readonly FromEntry[]): void {
  for (const e of entries) {
    if (e.flat) finishEntries(e.flat.entries);
    else e.finish?.();
  }
}

/** Whether some subquery among the entries (inside flattened ones too) refers to an enclosing query. */
export function anyCorrelated(entries: readonly FromEntry[]): boolean {
  return entries.some((e) => (e.flat ? anyCorrelated(e.flat.entries) : e.correlated === true));
}

function columnRef(table: string, name: string): Expr {
  return { kind: 'Column', schema: null, table, name, quoted: false, start: 0, end: 0 };
}

/** A reference to column `name` of `s` for a USING term: by its name, or by slot when it has none (an unnamed subquery). */
function usingRef(s: ScopeSource, name: string): Expr {
  return columnRef(s.name !== '' ? s.name : slotQualifier(s.slot), name);
}

/**
 * Binds the items of `from` onto `entries`. With a `site` (SELECT cores), subqueries, views and
 * CTE references that SQLite's flattener would take in are flattened (flatten.ts).
 */
export function bindFrom(
  cx: CompileCtx,
  from: FromItem | null,
  outer: Scope | null,
  entries: FromEntry[],
  lateral: () => Scope,
  site: FlattenSite | null = null,
): void {
  if (!from) return;
  const start = entries.length;
  const b: Binding = { start, site, lastRight: site ? lastRightJoin(from) : -1, leafNames: site ? leafNames(from) : [] };
  bindItem(cx, from, outer, entries, 'INNER', null, null, false, lateral, hasRightJoin(from), b);
  // SQLite's JT_LTORJ: every item left of the last RIGHT/FULL JOIN
  for (let i = entries.length - 1; i > start; i--) {
    const t = entries[i].joinType;
    if (t !== 'RIGHT' && t !== 'FULL') continue;
    for (let j = start; j < i; j++) entries[j].source.leftOfRightJoin = true;
    break;
  }
}

interface Binding {
  /** Index in `entries` of the clause's first item. */
  readonly start: number;
  readonly site: FlattenSite | null;
  /** Position of the last RIGHT/FULL JOIN's right item (items before it are JT_LTORJ), or -1. */
  readonly lastRight: number;
  /** Lower-cased name of each item that names a table, view or CTE ('' for others). */
  readonly leafNames: readonly string[];
}

function leafNames(from: FromItem): string[] {
  const out: string[] = [];
  const walk = (item: FromItem): void => {
    if (item.kind === 'Join') {
      walk(item.left);
      walk(item.right);
    } else out.push(item.kind === 'TableRef' && item.schema === null ? item.name.toLowerCase() : '');
  };
  walk(from);
  return out;
}

function lastRightJoin(from: FromItem): number {
  let n = 0;
  let last = -1;
  const walk = (item: FromItem, jt: JoinType): void => {
    if (item.kind === 'Join') {
      walk(item.left, jt);
      walk(item.right, item.joinType);
      return;
    }
    if (jt === 'RIGHT' || jt === 'FULL') last = n;
    n++;
  };
  walk(from, 'INNER');
  return last;
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
  b: Binding,
): void {
  if (item.kind === 'Join') {
    bindItem(cx, item.left, outer, entries, joinType, on, using, natural, lateral, anyRightJoin, b);
    bindItem(cx, item.right, outer, entries, item.joinType, item.on, item.using, item.natural, lateral, anyRightJoin, b);
    return;
  }
  const leftSources = entries.map((e) => e.source);
  const entry = bindLeaf(cx, item, outer, joinType, on, lateral, b, entries.length - b.start, entries);
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
    let leftExpr = usingRef(leftSources[li], n);
    if (anyRightJoin) {
      // With a RIGHT/FULL JOIN anywhere, the left side is coalesce() of every left table with
      // the column (sqlite3ProcessJoin); each after the first must itself be joined by USING.
      const args: Expr[] = [leftExpr];
      for (let j = li + 1; j < leftSources.length; j++) {
        const s = leftSources[j];
        if (!s.byName.has(ln)) continue;
        if (!s.merged.has(ln)) throw sqliteError(`ambiguous reference to ${n} in USING()`);
        args.push(usingRef(s, n));
      }
      if (args.length > 1) leftExpr = functionCall('coalesce', args);
    }
    usingTerms.push([leftExpr, usingRef(entry.source, n)]);
  }
  if (joinType === 'RIGHT' || joinType === 'FULL') entry.source.rightJoin = joinType;
  entries.push({ ...entry, usingTerms });
}

function bindLeaf(
  cx: CompileCtx,
  item: Exclude<FromItem, { kind: 'Join' }>,
  outer: Scope | null,
  joinType: JoinType,
  on: Expr | null,
  lateral: () => Scope,
  binding: Binding,
  k: number,
  bound: readonly FromEntry[],
): FromEntry {
  const rt = cx.rt;
  const base = { joinType, on, usingTerms: [] as [Expr, Expr][], indexedBy: null as string | false | null, asOf: null as unknown };
  // the query flattener, for SELECT cores
  const verdict = (c: FlattenCandidate): FlattenVerdict => {
    const site = binding.site;
    if (!site) return 'no';
    const jt = k === 0 && site.firstJoin ? site.firstJoin : joinType;
    return flattenVerdict(cx, c, site, k, jt, site.ltorj || k < binding.lastRight);
  };
  const flattened = (c: FlattenCandidate, v: FlattenVerdict = verdict(c)): FromEntry | null => {
    const site = binding.site;
    if (!site || v !== 'flatten') return null;
    const jt = k === 0 && site.firstJoin ? site.firstJoin : joinType;
    const f = flattenSubquery(cx, c, site, k, jt, site.ltorj || k < binding.lastRight);
    return { ...base, source: f.source, table: null, op: null, flat: f.flat };
  };
  const asIs = <T>(fn: () => T): T => fn();
  // fromClauseTermCanBeCoroutine: a subquery SQLite does not flatten runs as a co-routine (rows
  // produced as the outer loop asks for them) when it is not a CTE to materialize
  // (MATERIALIZED, or used twice without NOT MATERIALIZED), the FROM has no RIGHT JOIN, it is not
  // joined to itself later, and it is the first item or the left-most subquery with no outer or
  // CROSS join up to it; otherwise it is materialized when first needed
  const coroutine = (materialized: boolean | null, uses: number): boolean => {
    const site = binding.site;
    if (!site || site.firstJoin !== null || site.index !== 0 || binding.lastRight >= 0) return false;
    if (materialized === true || (uses >= 2 && materialized !== false)) return false;
    const name = binding.leafNames[k];
    if (name && binding.leafNames.indexOf(name, k + 1) >= 0) return false;
    if (k === 0) return true;
    if (joinType !== 'INNER' && joinType !== 'COMMA') return false;
    for (let i = binding.start + 1; i < bound.length; i++) {
      if (bound[i].joinType !== 'INNER' && bound[i].joinType !== 'COMMA') return false;
    }
    return !bound.slice(binding.start).some((e) => e.subquery === true);
  };
  switch (item.kind) {
    case 'TableRef': {
      const alias = item.alias ?? item.name;
      if (item.schema === null) {
        for (let i = cx.ctes.length - 1; i >= 0; i--) {
          const cte = cx.ctes[i];
          if (cte.name.toLowerCase() !== item.name.toLowerCase()) continue;
          rejectAsOf(item.asOf, item.name, 'a common table expression'); // heliosdb time travel (time-travel/as-of.ts)
          const cf = cte.flat;
          const cand: FlattenCandidate | null = cf && !cte.recursiveRef
            ? { ...cf, alias, countError: (n) => sqliteError(`table ${cte.name} has ${n} values for ${cf.names!.length} columns`), within: asIs }
            : null;
          const v = cand ? verdict(cand) : 'no';
          // the body resolves names where its WITH is; correlation also reaches the queries
          // between this reference and there (scope.ts cteScope)
          const at = cf?.outer ? cteScope(cf.outer, outer) : null;
          const flat = cand ? flattened(at ? { ...cand, outer: at } : cand, v) : null;
          if (flat) return flat;
          // a CTE SQLite flattens but we do not still never computes the columns nobody reads
          // one SQLite neither flattens nor runs as a co-routine is materialized once for all its references
          const materialize = cf !== undefined && v !== 'sqlite-only' && (cf.materialized === true || (cf.uses >= 2 && cf.materialized !== false));
          const plan = cte.recursiveRef ? cte.recursiveRef() : cte.plan(v === 'sqlite-only', materialize, at);
          return { ...base, ...planSource(cx, plan, alias, !cte.recursiveRef && coroutine(cf?.materialized ?? null, cf?.uses ?? 0)) };
        }
      }
      const schemaName = item.schema?.toLowerCase() ?? null;
      if (schemaName !== null && schemaName !== 'main' && schemaName !== 'temp') {
        throw sqliteError(`no such table: ${item.schema}.${item.name}`);
      }
      const lname = item.name.toLowerCase();
      if (lname === 'sqlite_master' || lname === 'sqlite_schema' || lname === 'sqlite_temp_master' || lname === 'sqlite_temp_schema') {
        rejectAsOf(item.asOf, item.name, 'the schema table'); // heliosdb time travel (time-travel/as-of.ts)
        // heliosdb: sqlite_schema as applications see it, without the _helios_* rows (time-travel/as-of.ts)
        const t = visibleSchemaTable(cx, sqliteSchemaTable(item.name, lname.startsWith('sqlite_temp') || schemaName === 'temp', cx.schema.hasTemp));
        const slot = rt.allocSlot();
        return { ...base, source: bindTableSource(cx, t, alias, slot), table: t, op: null, indexedBy: null, asOf: item.asOf };
      }
      const db = dbNameOf(schemaName) ?? fixedDb(item); // a main view's or trigger's body reads main only
      const table = cx.schema.table(item.name, db);
      if (table) {
        if (typeof item.indexedBy === 'string') {
          const want = item.indexedBy.toLowerCase();
          if (!cx.schema.indexesOf(table.name).some((i) => i.name.toLowerCase() === want)) throw sqliteError(`no such index: ${item.indexedBy}`);
        }
        const slot = rt.allocSlot();
        // heliosdb time travel: `t AS OF ...` (and every table of a db.asOf() connection) reads a snapshot (time-travel/as-of.ts)
        const read = bindAsOf(cx, table, item.asOf);
        return { ...base, source: bindTableSource(cx, read, alias, slot, table.temp ? 'temp' : 'main'), table: read, op: null, indexedBy: item.indexedBy, asOf: item.asOf };
      }
      const view = cx.schema.view(item.name, db);
      if (view) {
        rejectAsOf(item.asOf, item.name, 'a view'); // heliosdb time travel (time-travel/as-of.ts)
        // a view's body sees no CTEs of the statement using it
        const inView = <T>(fn: () => T): T => {
          const saved = cx.ctes.splice(0, cx.ctes.length);
          try {
            return fn();
          } catch (e) {
            // inside a view, SQLite names tables with their schema
            if (e instanceof Error && /^no such table: (?!main\.)/.test(e.message)) e.message = e.message.replace('no such table: ', 'no such table: main.');
            throw e;
          } finally {
            cx.ctes.push(...saved);
          }
        };
        const names = view.columnNames;
        const flat = flattened({
          select: view.select,
          outer: null,
          alias,
          names: names ?? null,
          materialized: null,
          countError: (n) => sqliteError(`expected ${names!.length} columns for '${view.name}' but got ${n}`),
          within: inView,
        });
        if (flat) return flat;
        const plan: QueryPlan = inView(() => cx.compileSelect(view.select, null));
        if (view.columnNames && view.columnNames.length !== plan.columns.length) {
          throw sqliteError(`expected ${view.columnNames.length} columns for '${view.name}' but got ${plan.columns.length}`);
        }
        const renamed: QueryPlan = view.columnNames ? { ...plan, columns: plan.columns.map((c, i) => ({ ...c, name: view.columnNames![i] })) } : plan;
        return { ...base, ...planSource(cx, renamed, alias, coroutine(null, 0)) };
      }
      const vt = cx.schema.virtualTables.get(lname);
      if (vt) {
        rejectAsOf(item.asOf, item.name, 'a virtual table'); // heliosdb time travel (time-travel/as-of.ts)
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
      const flat = flattened({
        select: item.select,
        outer,
        alias: item.alias ?? '',
        names: null,
        materialized: null,
        within: asIs,
      });
      if (flat) return flat;
      const plan = cx.compileSelect(item.select, outer);
      return { ...base, ...planSource(cx, plan, item.alias ?? '', coroutine(null, 0)) };
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
  /** SQLite would read it as a co-routine: streamed if the join planner makes it the outer loop. */
  coroutine = false,
): { source: ScopeSource; table: null; op: Op; correlated: boolean; finish?: () => void; subquery: true; coroutine: boolean } {
  const rt = cx.rt;
  const slot = rt.allocSlot();
  const hook = plan.correlated ? undefined : unusedColumnHooks.get(plan.source);
  // which columns the enclosing query reads: resolving a column reference fetches its reader
  const used: boolean[] | null = hook ? plan.columns.map(() => false) : null;
  const given = plan.columns.map((c) => c.name);
  const names = uniqueColumnNames(given);
  const cols: ScopeColumn[] = plan.columns.map((c, i) => {
    const read = (): SqlValue => {
      const r = rt.rows[slot];
      return i < r.length ? r[i] : null;
    };
    const col = { name: names[i], affinity: c.affinity, collation: c.collation, type: c.type, origin: c.origin, hidden: false };
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
  return { source, table: null, op, correlated: plan.correlated, finish, subquery: true, coroutine };
}

export function noRows(): SqlValue[] {
  return [];
}

export type { SelectStmt };
