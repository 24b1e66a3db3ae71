/**
 * Which columns of each base table a query reads (SQLite's SrcItem.colUsed), so the access-path
 * chooser can read an index alone when it holds every one of them (a covering index).
 *
 * Access paths are chosen before the query's expressions are compiled, so the set is found from
 * the syntax: every column reference of the select core that could name the table (qualified by
 * its name, or unqualified with a matching column name), anywhere in the core including nested
 * subqueries (correlated references), plus `*` / `t.*` and the columns a NATURAL join compares.
 * That over-approximates, which only costs a covering opportunity. As a safety net the table's
 * column readers are watched: a reader fetched for a column outside the set switches the chosen
 * covering scan back to reading the table row.
 */
import type { Expr, OrderingTerm, SelectCore } from '../ast.js';
import type { TableSchema } from '../../catalog/types.js';
import type { ScopeColumn, ScopeSource } from './scope.js';

/** Needed column indexes of a table source; `null` when every column may be read. */
const needed = new WeakMap<ScopeSource, ReadonlySet<number> | null>();
/** DML targets: the columns their loop is costed with (the rows themselves are read whole). */
const costColumns = new WeakMap<ScopeSource, ReadonlySet<number> | null>();
/** Callbacks run when a column outside the needed set is read after all. */
const violations = new WeakMap<ScopeSource, (() => void)[]>();

export function neededColumns(src: ScopeSource): ReadonlySet<number> | null {
  return needed.has(src) ? needed.get(src)! : null;
}

/** Whether the query's reads of `src` were analysed (null from neededColumns then means every column). */
export function neededKnown(src: ScopeSource): boolean {
  return needed.has(src);
}

/** Registers a fallback for when a column outside `allowed` is read (the covering scan must read rows). */
export function onUncoveredRead(src: ScopeSource, fallback: () => void): void {
  let list = violations.get(src);
  if (!list) violations.set(src, (list = []));
  list.push(fallback);
}

/**
 * Whether `src` is the target of a one-pass UPDATE or DELETE (noteDmlTargetUsage): its rows are
 * read whole even from a covering index, and a covering index is not scanned in full for it.
 */
export function isDmlTarget(src: ScopeSource): boolean {
  return costColumns.has(src);
}

/** The columns an index must hold to be costed as covering for `src` (null: every column). */
export function coveringColumns(src: ScopeSource): ReadonlySet<number> | null {
  return costColumns.has(src) ? costColumns.get(src)! : neededColumns(src);
}

/** Whether `src`'s reads were analysed (see neededKnown), for the covering cost. */
export function coveringKnown(src: ScopeSource): boolean {
  return costColumns.has(src) || needed.has(src);
}

/**
 * The target of an UPDATE or DELETE without FROM, ORDER BY or LIMIT: SQLite plans its loop with
 * colUsed holding the columns of the WHERE clause only, since the SET and RETURNING expressions
 * read the row after it is found (sqlite3Update resets colUsed). An index holding those columns
 * is costed as covering (the rows themselves are still read whole), and with
 * WHERE_ONEPASS_DESIRED a full scan of a covering index is not considered.
 */
export function noteDmlTargetUsage(src: ScopeSource, exprs: readonly (Expr | null)[]): void {
  const table = src.table;
  if (!table) return;
  const refs: Ref[] = [];
  const stars = { all: false, tables: new Set<string>(), nested: false };
  collect(exprs, refs, stars, 0);
  if (stars.all || stars.nested || stars.tables.size > 0) {
    costColumns.set(src, null);
    return;
  }
  costColumns.set(src, withGenerated(table, columnsNamed(src, table, refs)));
}

interface Ref {
  table: string | null;
  name: string;
}

/** The column references and stars of a query core and its ORDER BY. */
function coreRefs(core: SelectCore, orderBy: readonly OrderingTerm[] | null): { refs: Ref[]; stars: { all: boolean; tables: Set<string>; nested: boolean } } {
  const refs: Ref[] = [];
  const stars = { all: false, tables: new Set<string>(), nested: false };
  for (const part of [core.columns, core.from, core.where, core.groupBy, core.having, core.windows, orderBy]) collect(part, refs, stars, 0);
  return { refs, stars };
}

/** The columns of `src` (a base table) that `refs` name, its rowid alias excepted. */
function columnsNamed(src: ScopeSource, table: TableSchema, refs: readonly Ref[]): Set<number> {
  const lname = src.name.toLowerCase();
  const set = new Set<number>();
  for (const r of refs) {
    if (r.table !== null && r.table.toLowerCase() !== lname) continue;
    const ci = src.byName.get(r.name.toLowerCase());
    if (ci !== undefined && ci !== table.rowidAlias) set.add(ci);
  }
  return set;
}

function collect(x: unknown, refs: Ref[], stars: { all: boolean; tables: Set<string>; nested: boolean }, depth: number): void {
  if (x === null || typeof x !== 'object') return;
  if (Array.isArray(x)) {
    for (const y of x) collect(y, refs, stars, depth);
    return;
  }
  const node = x as { kind?: string };
  switch (node.kind) {
    case 'Column': {
      const c = node as { table: string | null; name: string };
      refs.push({ table: c.table, name: c.name });
      return;
    }
    case 'Star':
      if (depth === 0) stars.all = true;
      else stars.nested = true;
      return;
    case 'TableStar':
      if (depth === 0) stars.tables.add((node as { table: string }).table.toLowerCase());
      else stars.nested = true;
      return;
    case 'Join': {
      // USING (x) compares x of both sides
      const u = (node as { using: readonly string[] | null }).using;
      if (u) for (const name of u) refs.push({ table: null, name });
      break;
    }
    case 'Select':
      for (const k of Object.keys(node)) collect((node as Record<string, unknown>)[k], refs, stars, depth + 1);
      return;
  }
  for (const k of Object.keys(node)) {
    if (k === 'start' || k === 'end') continue;
    collect((node as Record<string, unknown>)[k], refs, stars, depth);
  }
}

/** Every column a virtual generated column's expression reads (transitively), or null for "any". */
function withGenerated(table: TableSchema, set: Set<number>): Set<number> | null {
  if (!table.hasVirtualGenerated) return set;
  for (const i of set) if (table.columns[i].recordIndex < 0) return null;
  return set;
}

/**
 * Computes the needed columns of the core's base-table sources and installs the reader watch.
 * Called by the select compiler once the FROM clause is bound.
 */
export function noteColumnUsage(core: SelectCore, orderBy: readonly OrderingTerm[] | null, direct: readonly ScopeSource[], planning: readonly ScopeSource[]): void {
  // the tables of flattened FROM subqueries are planned here too; a `*` inside them reads everything
  const sources = [...direct, ...planning.filter((s) => !direct.includes(s))];
  if (!sources.some((s) => s.table)) return;
  const { refs, stars } = coreRefs(core, orderBy);
  const natural = hasNatural(core.from);
  for (const src of sources) {
    const table = src.table;
    // a flattened subquery's tables were analysed from its own select (flatten.ts): keep that
    if (!table || needed.has(src)) continue;
    if (stars.all || stars.tables.has(src.name.toLowerCase()) || (stars.nested && !direct.includes(src))) {
      needed.set(src, null);
      continue;
    }
    const set = columnsNamed(src, table, refs);
    if (natural) {
      // columns a NATURAL join compares: any name another source also has
      for (const other of sources) {
        if (other === src) continue;
        for (const [n, ci] of src.byName) if (other.byName.has(n) && ci !== table.rowidAlias) set.add(ci);
      }
    }
    const full = withGenerated(table, set);
    needed.set(src, full);
    if (full) watchReads(src, full);
  }
}

/**
 * The column names a query core may read from its FROM item `alias` (qualified by it, or
 * unqualified), or null when it may read them all (`*`, `alias.*`, a NATURAL join, a `*` in a
 * nested subquery). A flattened subquery's unread result columns do not make its tables' columns
 * needed (SQLite substitutes only the columns referenced).
 */
export function namesReadFrom(core: SelectCore, orderBy: readonly OrderingTerm[] | null, alias: string): ReadonlySet<string> | null {
  const { refs, stars } = coreRefs(core, orderBy);
  const lalias = alias.toLowerCase();
  if (stars.all || stars.nested || stars.tables.has(lalias) || hasNatural(core.from)) return null;
  const out = new Set<string>();
  for (const r of refs) if (r.table === null || r.table.toLowerCase() === lalias) out.add(r.name.toLowerCase());
  return out;
}

function hasNatural(from: unknown): boolean {
  if (!from || typeof from !== 'object') return false;
  const j = from as { kind?: string; natural?: boolean; left?: unknown; right?: unknown };
  if (j.kind !== 'Join') return false;
  return !!j.natural || hasNatural(j.left) || hasNatural(j.right);
}

/** Replaces each unneeded column's `read` with a getter that reports the unexpected read. */
function watchReads(src: ScopeSource, allowed: ReadonlySet<number>): void {
  src.columns.forEach((col, i) => {
    if (allowed.has(i) || i === src.table?.rowidAlias) return;
    const read = col.read;
    Object.defineProperty(col as ScopeColumn, 'read', {
      configurable: true,
      enumerable: true,
      get: () => {
        const list = violations.get(src);
        if (list) {
          violations.delete(src);
          for (const f of list) f();
        }
        return read;
      },
    });
  });
}
