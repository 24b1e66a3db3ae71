/**
 * Name resolution: the sources visible to an expression (FROM items of the current query and,
 * for correlated subqueries, of enclosing queries), their columns, and SQLite's lookup rules
 * and error messages.
 */
import { sqliteError } from '../../common/errors.js';
import type { Collation, SqlValue } from '../../common/value.js';
import type { TableSchema } from '../../catalog/types.js';
import type { Affinity } from '../semantics/affinity.js';
import type { Ev } from '../exec/runtime.js';
import type { ResultColumnInfo } from './context.js';

/** What an expression compiles to: its closure and the static properties SQLite's rules need. */
export interface Compiled {
  readonly ev: Ev;
  /** Affinity for comparisons (column refs and CASTs have one), null = none. */
  readonly aff: Affinity | null;
  /** Collation name when the expression carries one (explicit COLLATE or a column's). */
  readonly coll: string | null;
  /** Whether the collation came from an explicit COLLATE (it then wins over a column's). */
  readonly explicitColl: boolean;
  /** Present for a bare column reference. */
  readonly column?: ColumnRef;
  /** Present when the expression is a constant (no columns, params or side effects). */
  readonly constant?: boolean;
  /** A scalar subquery: its column's declared type and origin (sqlite3_column_decltype / _origin look inside it). */
  readonly declared?: { readonly type: string | null; readonly origin: ResultColumnInfo['origin'] };
  /** For a FULL JOIN's merged USING column (no single `column`): the sources it coalesces. */
  readonly sources?: readonly ScopeSource[];
}

export interface ColumnRef {
  readonly source: ScopeSource;
  /** Column index in the source, or -1 for the rowid. */
  readonly index: number;
}

export interface ScopeColumn {
  readonly name: string;
  readonly affinity: Affinity | null;
  readonly collation: string;
  /** Declared type (for stmt.columns()), or null. */
  readonly type: string | null;
  readonly read: Ev;
  /** Table and column this value comes from, for stmt.columns(). */
  readonly origin: { readonly table: string; readonly column: string; readonly database: string } | null;
  /** Hidden from `*` (generated? no: only table-valued function parameters). */
  readonly hidden: boolean;
}

/**
 * The qualifier of a column reference the compiler makes for a source without a name (an unnamed
 * subquery in a USING join): it names that one source, and no SQL text can spell it.
 */
export function slotQualifier(slot: number): string {
  return `\0${slot}`;
}

/** Whether a reference qualified by `ltable` (lower-cased) names `src`. */
function qualifies(src: ScopeSource, ltable: string): boolean {
  if (ltable.charCodeAt(0) === 0) return src.name === '' && slotQualifier(src.slot) === ltable;
  return src.name.toLowerCase() === ltable;
}

export interface ScopeSource {
  readonly slot: number;
  /** The name used to qualify columns: the alias, else the table name. */
  readonly name: string;
  readonly table: TableSchema | null;
  readonly columns: readonly ScopeColumn[];
  /** Reader for the rowid, when the source has one. */
  readonly rowid: Ev | null;
  /** Lower-cased names of columns merged into an earlier source by USING/NATURAL (skipped by `*` and unqualified lookup). */
  readonly merged: Set<string>;
  /** Index of the first column by lower-cased name. */
  readonly byName: ReadonlyMap<string, number>;
  /** Null row for outer joins. */
  readonly nullRow: readonly SqlValue[];
  /** Columns are found only when qualified with the source name (excluded.x, NEW.x, OLD.x). */
  qualifiedOnly?: boolean;
  /**
   * The columns are bare values, without affinity or collation in comparisons: an upsert's
   * `excluded.*`, which SQLite resolves to registers (TK_REGISTER), not table columns.
   */
  bareValues?: boolean;
  /**
   * Set on the right side of a RIGHT or FULL JOIN: an unqualified reference to one of its
   * `merged` (USING) columns then names this source (RIGHT) or coalesce() of all (FULL).
   */
  rightJoin?: 'RIGHT' | 'FULL';
  /** Set on the sources left of a FROM's last RIGHT/FULL JOIN (SQLite's JT_LTORJ). */
  leftOfRightJoin?: boolean;
  /**
   * A flattened subquery (flatten.ts): its columns are expressions over the subquery's own FROM
   * items, whose slots are listed here; the source itself never holds a row.
   */
  flatSlots?: readonly number[];
}

/** The runtime slots a reference to a column of `src` reads. */
export function slotsOf(src: ScopeSource): readonly number[] {
  return src.flatSlots ?? [src.slot];
}

export function makeSource(
  slot: number,
  name: string,
  table: TableSchema | null,
  columns: ScopeColumn[],
  rowid: Ev | null,
  nullRowLength: number,
): ScopeSource {
  const byName = new Map<string, number>();
  columns.forEach((c, i) => {
    const k = c.name.toLowerCase();
    if (!byName.has(k)) byName.set(k, i);
  });
  return {
    slot,
    name,
    table,
    columns,
    rowid,
    merged: new Set(),
    byName,
    nullRow: new Array<SqlValue>(nullRowLength).fill(null),
  };
}

/** Per-query bookkeeping shared by the scopes of one SELECT (aggregates, correlation). */
export interface QueryState {
  /** Set when an expression of this query (or a nested one) referenced an enclosing query. */
  correlated: boolean;
  /** Depth of this query (0 = outermost statement). */
  readonly depth: number;
}

export class Scope {
  constructor(
    readonly sources: ScopeSource[],
    readonly parent: Scope | null,
    readonly query: QueryState,
  ) {}

  /** Result-column aliases usable as a fallback (WHERE, GROUP BY, HAVING, ORDER BY). */
  aliases: ((name: string) => Compiled | null) | null = null;
  /** Lower-cased names `aliases` knows (for dependency analysis without compiling). */
  aliasNames: ReadonlySet<string> | null = null;
  /**
   * In the output phase of an aggregate query: aggregate calls (by AST node) already computed
   * into runtime value slots. null when aggregates are not allowed here.
   */
  aggregates: Map<object, number> | null = null;
  /** Window function calls (by AST node) computed into runtime value slots. */
  windows: Map<object, number> | null = null;
  /** Where aggregates are being used wrongly, the error wording SQLite gives ('misuse of aggregate'). */
  aggregateContext: 'where' | 'output' | 'group' | 'none' = 'none';
  /**
   * While set, every column reference resolved in this scope (also from nested subqueries)
   * adds the slots it reads: the join planner learns what a term depends on (prereqAll).
   */
  trackSlots: Set<number> | null = null;

  /**
   * Set on the scope a CTE body is compiled under for one reference (`cteScope`): the scope the
   * reference is compiled in. The body resolves names in the scope of its WITH clause, not
   * through the queries around the reference, so a column it finds at or beyond that scope makes
   * those queries correlated through this link.
   */
  bridge: Scope | null = null;

  /** Creates a scope for a nested query. */
  child(sources: ScopeSource[]): Scope {
    return new Scope(sources, this, { correlated: false, depth: this.query.depth + 1 });
  }
}

/**
 * The scope a CTE declared under `declared` (the WITH clause's enclosing scope) is compiled under
 * for a reference compiled in scope `at`: name lookup goes on to `declared`; correlation also
 * reaches the queries from `at` up to `declared`'s.
 */
export function cteScope(declared: Scope, at: Scope | null): Scope {
  const s = new Scope([], declared, { correlated: false, depth: declared.query.depth });
  s.bridge = at;
  return s;
}

/** A column was found beyond CTE scope `v`: the queries around its reference become correlated. */
function markBridge(v: Scope): void {
  const stop = v.parent!.query;
  for (let x = v.bridge; x && x.query !== stop; x = x.parent) x.query.correlated = true;
}

export const ROWID_NAMES = new Set(['rowid', 'oid', '_rowid_']);

export interface Resolved {
  readonly compiled: Compiled;
  /** The scope the column was found in. */
  readonly scope: Scope;
}

/**
 * Looks up `[table.]name` through the scope chain. Marks every query between the reference and
 * the scope where it was found as correlated.
 */
export function resolveColumn(scope: Scope, table: string | null, name: string, quoted: boolean, colls: CollationLookup): Resolved {
  const lname = name.toLowerCase();
  const ltable = table?.toLowerCase() ?? null;
  const visited: Scope[] = [];
  for (let s: Scope | null = scope; s; s = s.parent) {
    const found = findIn(s, ltable, lname, name, table);
    if (found) {
      if (s.trackSlots) track(s.trackSlots, found);
      for (const v of visited) {
        v.query.correlated = true;
        if (v.bridge) markBridge(v);
      }
      return { compiled: found, scope: s };
    }
    if (s === scope && ltable === null && s.aliases) {
      const a = s.aliases(lname);
      if (a) return { compiled: a, scope: s };
    }
    visited.push(s);
  }
  void colls;
  if (table) throw sqliteError(`no such column: ${table}.${name}`);
  if (quoted) throw sqliteError(`no such column: "${name}" - should this be a string literal in single-quotes?`);
  throw sqliteError(`no such column: ${name}`);
}

export type CollationLookup = (name: string) => Collation | undefined;

function track(out: Set<number>, c: Compiled): void {
  if (c.column) {
    for (const slot of slotsOf(c.column.source)) out.add(slot);
    return;
  }
  // a FULL JOIN USING column: coalesce() over several sources
  for (const src of c.sources ?? []) for (const slot of slotsOf(src)) out.add(slot);
}

function findIn(s: Scope, ltable: string | null, lname: string, name: string, table: string | null): Compiled | null {
  let hit: Compiled | null = null;
  let hitSource: ScopeSource | null = null;
  // FULL JOIN USING columns: the earlier matches to coalesce (SQLite's pFJMatch).
  let fullMatches: Compiled[] | null = null;
  for (const src of s.sources) {
    if (ltable !== null && !qualifies(src, ltable)) continue;
    if (ltable === null && src.qualifiedOnly) continue;
    const ci = src.byName.get(lname);
    if (ci === undefined) continue;
    if (ltable === null && src.merged.has(lname) && hit) {
      // a USING column: INNER/LEFT keep the left-most table, RIGHT takes this one, FULL coalesces
      if (src.rightJoin === undefined) continue;
      if (src.rightJoin === 'FULL') (fullMatches ??= []).push(hit);
      else fullMatches = null;
    } else if (hit && hitSource !== src) {
      throw sqliteError(`ambiguous column name: ${table ? `${table}.` : ''}${name}`);
    }
    const c = src.columns[ci];
    hit = src.bareValues
      ? { ev: c.read, aff: null, coll: null, explicitColl: false, column: { source: src, index: ci } }
      : { ev: c.read, aff: c.affinity, coll: c.collation, explicitColl: false, column: { source: src, index: ci } };
    hitSource = src;
  }
  if (hit && fullMatches) return coalesceOf([...fullMatches, hit]);
  if (hit) return hit;
  if (ROWID_NAMES.has(lname)) {
    let found: ScopeSource | null = null;
    for (const src of s.sources) {
      if (ltable !== null && !qualifies(src, ltable)) continue;
      if (!src.rowid || (ltable === null && src.qualifiedOnly)) continue;
      // lookupName's cntTab: an unqualified rowid must have a single candidate
      if (found) throw sqliteError(`ambiguous column name: ${name}`);
      found = src;
      if (ltable !== null) break;
    }
    if (found) return { ev: found.rowid!, aff: 'INTEGER', coll: 'BINARY', explicitColl: false, column: { source: found, index: -1 } };
  }
  return null;
}

/** coalesce() of the columns a FULL JOIN's USING merges; affinity and collation of the first (SQLite's AFF_DEFER). */
function coalesceOf(parts: readonly Compiled[]): Compiled {
  const evs = parts.map((p) => p.ev);
  const ev: Ev =
    evs.length === 2
      ? () => {
          const v = evs[0]();
          return v !== null ? v : evs[1]();
        }
      : () => {
          for (let i = 0; i < evs.length; i++) {
            const v = evs[i]();
            if (v !== null) return v;
          }
          return null;
        };
  const sources = parts.map((p) => p.column?.source).filter((x): x is ScopeSource => x !== undefined);
  return { ev, aff: parts[0].aff, coll: parts[0].coll, explicitColl: false, sources };
}
