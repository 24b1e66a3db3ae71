/**
 * Binding of time travel into compiled plans.
 *
 * `FROM t AS OF TRANSACTION n` (or any table of a `db.asOf()` connection) binds t as a copy of
 * its TableSchema whose root, and the roots of the indexes usable at an older point, are routed
 * roots (routing.ts) naming one `AsOfRef`. The planner plans it like any table (rowid lookups,
 * index seeks, scans); at run time the connection's RoutingView sends those roots to the ref,
 * which resolves the point once per execution (the AS OF expression may use parameters) and
 * opens snapshot trees (snapshot.ts) over the *committed* state: a transaction's own uncommitted
 * changes are not part of any past point.
 *
 * Indexes usable at S: for rowid tables, indexes on stored columns and the rowid without a WHERE
 * clause (their keys are rebuilt from old rows); for WITHOUT ROWID tables, the primary key. Other
 * indexes are hidden from the planner for that reference, which then scans or uses another one.
 */
import { SqliteError, sqliteError } from '../../common/errors.js';
import { Real, type SqlValue } from '../../common/value.js';
import type { IndexTree, KeyInfo, PageView, Rowid, TableTree } from '../../storage/api.js';
import type { IndexSchema, TableSchema } from '../../catalog/types.js';
import type { Schema } from '../../catalog/schema.js';
import type { AsOfClause, Statement } from '../ast.js';
import type { CompileCtx, FunctionLookup } from '../compile/context.js';
import type { Connection } from '../connection.js';
import type { Ev } from '../exec/runtime.js';
import { compileExpr } from '../compile/expr.js';
import { Scope } from '../compile/scope.js';
import { shortRecordDefault } from '../compile/table-source.js';
import { isInternalName } from '../../mvcc/layout.js';
import { HIDDEN_SCHEMA_ROOT, MAX_REFS, RoutingView, routedRoot, type RouteTarget } from './routing.js';
import { TableSnapshot, type IndexKeyOf } from './snapshot.js';
import { hasInternalObjects, historyRoots, trackedTrees } from './tracked.js';
import type { AsOfKind } from './state.js';

/** The connection each compile context belongs to (compile contexts carry its function lookup). */
const compileConnections = new WeakMap<FunctionLookup, Connection>();

export function registerCompileConnection(functions: FunctionLookup, conn: Connection): void {
  compileConnections.set(functions, conn);
}

/** Indexes (with routed roots) the planner may use for a table bound AS OF a point. */
const asOfIndexLists = new WeakMap<TableSchema, readonly IndexSchema[]>();

/** For the planner: the indexes of a table bound AS OF a point, or undefined for a current table. */
export function asOfIndexes(table: TableSchema): readonly IndexSchema[] | undefined {
  return asOfIndexLists.get(table);
}

type Point = { readonly fixed: number } | { readonly kind: AsOfKind; readonly ev: Ev };

/** Equal AS OF values name the same point (within one committed state). */
function sameValue(a: SqlValue | undefined, b: SqlValue): boolean {
  if (a === b) return true;
  // bound JS numbers arrive as a fresh Real box per execution
  return a instanceof Real && b instanceof Real && a.value === b.value;
}

/**
 * One AS OF table reference of a compiled statement (also the runtime reset hook that forgets its
 * point). Its snapshot is kept across executions: it depends only on the point S, the committed
 * state it was built from (storage read view + change counter, bumped by every commit, DDL,
 * retention change and concurrent-writer commit included) and the table bound at compile time.
 * The AS OF value is re-evaluated once per execution (it may use parameters or functions); the
 * same value in the same committed state reuses the resolved S without touching the history.
 */
export class AsOfRef implements RouteTarget {
  private snap: TableSnapshot | null = null;
  /** The read view the snapshot was built over (its change counter is snap.builtAt). */
  private snapView: PageView | null = null;
  /** True once this execution's point was checked against the cache. */
  private current = false;
  /** The last AS OF value resolved, and what it resolved to in committed state `resolvedAt`. */
  private lastValue: SqlValue | undefined = undefined;
  private lastPoint = 0;
  private resolvedAt = -1;
  private resolvedView: PageView | null = null;

  constructor(
    private readonly conn: Connection,
    private readonly table: TableSchema,
    private readonly point: Point,
    private readonly keyOf: ReadonlyMap<number, IndexKeyOf>,
  ) {}

  reset(): void {
    this.current = false;
  }

  private snapshot(): { view: PageView; snap: TableSnapshot } {
    const conn = this.conn;
    const view = conn.engine.storage.read();
    const at = view.header.changeCounter;
    const snap = this.snap;
    const sameState = snap !== null && snap.builtAt === at && this.snapView === view;
    if (sameState && this.current) return { view, snap };
    const mv = conn.engine.mvcc;
    const p = this.point;
    let s: number;
    let schema: Schema | null = null;
    if ('fixed' in p) s = p.fixed;
    else {
      const v = p.ev();
      if (this.resolvedAt === at && this.resolvedView === view && sameValue(this.lastValue, v)) s = this.lastPoint;
      else {
        this.resolvedAt = -1;
        schema = conn.engine.schemaOf(view);
        s = mv.resolve(view, schema, p.kind, v);
        this.lastValue = v;
        this.lastPoint = s;
        this.resolvedAt = at;
        this.resolvedView = view;
      }
    }
    this.current = true;
    if (sameState && snap.point === s) return { view, snap };
    this.snap = null;
    schema ??= conn.engine.schemaOf(view);
    mv.checkTableAt(view, schema, this.table.name, s);
    const roots = historyRoots(schema);
    if (!roots) throw sqliteError('time travel is not available: this database keeps no history');
    const built = new TableSnapshot(view, roots, this.table, s, this.keyOf, at);
    this.snap = built;
    this.snapView = view;
    return { view, snap: built };
  }

  openTable(_base: PageView, root: number): TableTree {
    const { view, snap } = this.snapshot();
    return snap.openTable(view, root);
  }

  openIndex(_base: PageView, root: number, keyInfo: KeyInfo): IndexTree {
    const { view, snap } = this.snapshot();
    return snap.openIndex(view, root, keyInfo);
  }
}

/** Per connection: the registry of live AS OF references and the routing view over its base view. */
export class ConnectionTimeTravel {
  private readonly refs = new Map<number, WeakRef<AsOfRef>>();
  private nextRef = 0;
  private readonly finalizer = new FinalizationRegistry<number>((k) => {
    const w = this.refs.get(k);
    if (w !== undefined && w.deref() === undefined) this.refs.delete(k);
  });
  /** True once a plan of this connection may contain routed roots. */
  routing = false;
  private lastBase: PageView | null = null;
  private lastView: RoutingView | null = null;

  register(ref: AsOfRef): number {
    for (let tries = 0; tries < MAX_REFS; tries++) {
      const k = this.nextRef;
      this.nextRef = (this.nextRef + 1) % MAX_REFS;
      const w = this.refs.get(k);
      if (w !== undefined && w.deref() !== undefined) continue;
      this.refs.set(k, new WeakRef(ref));
      this.finalizer.register(ref, k);
      this.routing = true;
      return k;
    }
    throw sqliteError('too many live AS OF table references on this connection', 'SQLITE_FULL');
  }

  private target(k: number): RouteTarget {
    const r = this.refs.get(k)?.deref();
    if (r === undefined) throw new SqliteError('time travel: stale AS OF reference', 'SQLITE_INTERNAL');
    return r;
  }

  /** The view plans read through: routed roots go to their snapshots. */
  wrap(base: PageView): PageView {
    if (base !== this.lastBase || this.lastView === null) {
      this.lastBase = base;
      this.lastView = new RoutingView(base, (k) => this.target(k));
    }
    return this.lastView;
  }
}

function noAsOf(asOf: AsOfClause | null, what: string): void {
  if (asOf !== null) throw sqliteError(`AS OF applies to tables only: ${what}`);
}

/** For FROM items that are not base tables (views, CTEs, sqlite_schema): AS OF is an error. */
export function rejectAsOf(asOf: AsOfClause | null, name: string, kind: string): void {
  noAsOf(asOf, `${name} is ${kind}`);
}

/** Whether an AST (sub)tree names a table with an AS OF clause. */
function containsAsOf(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) {
    for (const x of node) if (containsAsOf(x)) return true;
    return false;
  }
  const o = node as { kind?: unknown; asOf?: unknown };
  if (o.kind === 'TableRef' && o.asOf !== null && o.asOf !== undefined) return true;
  for (const k in o) if (k !== 'asOf' && containsAsOf((o as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * CREATE VIEW / CREATE TRIGGER may not use AS OF: sqlite_schema only holds SQL that stock SQLite
 * parses (docs/compat.md). `db.asOf(point)` reads views (and everything else) at a point instead.
 */
export function rejectAsOfInDefinition(stmt: Statement): void {
  if (stmt.kind !== 'CreateView' && stmt.kind !== 'CreateTrigger') return;
  if (!containsAsOf(stmt)) return;
  const what = stmt.kind === 'CreateView' ? 'view' : 'trigger';
  throw sqliteError(
    `cannot create ${what} ${stmt.name}: AS OF is not allowed in a ${what} definition (the schema must stay readable by SQLite); ` +
      'use AS OF in the query itself, or read the view at a point through db.asOf()',
  );
}

/** sqlite_master / sqlite_schema as applications see it: without heliosdb's internal tables. */
export function visibleSchemaTable(cx: CompileCtx, t: TableSchema): TableSchema {
  if (t.temp || t.root !== 1 || !hasInternalObjects(cx.schema)) return t;
  const conn = compileConnections.get(cx.functions);
  if (!conn) return t;
  conn.tt.routing = true;
  return { ...t, root: HIDDEN_SCHEMA_ROOT };
}

/** A key builder for a plain-column index of a rowid table, or null when the index is not usable at an older point. */
function plainKeyOf(cx: CompileCtx, table: TableSchema, idx: IndexSchema): IndexKeyOf | null {
  if (idx.partial !== null) return null;
  const parts: ((rec: readonly SqlValue[], rowid: Rowid) => SqlValue)[] = [];
  for (const c of idx.columns) {
    if (c.column === -1 || c.column === table.rowidAlias) {
      parts.push((_rec, rowid) => rowid);
      continue;
    }
    if (c.column < 0) return null;
    const col = table.columns[c.column];
    const ri = col.recordIndex;
    if (ri < 0) return null;
    const dflt = shortRecordDefault(cx, table, c.column);
    parts.push((rec) => (ri < rec.length ? rec[ri] : dflt()));
  }
  const n = parts.length;
  return (rec, rowid) => {
    const key = new Array<SqlValue>(n + 1);
    for (let i = 0; i < n; i++) key[i] = parts[i](rec, rowid);
    key[n] = rowid;
    return key;
  };
}

/**
 * The table a FROM item reads: `table` itself for a current read, or its AS OF binding (routed
 * roots) for `t AS OF ...` and for every application table of a db.asOf() connection.
 */
export function bindAsOf(cx: CompileCtx, table: TableSchema, asOf: AsOfClause | null): TableSchema {
  const conn = compileConnections.get(cx.functions);
  let point: Point;
  if (asOf === null) {
    const fixed = conn?.fixedPoint ?? null;
    if (fixed === null || !trackedTrees(cx.schema).has(table.root)) return table;
    point = { fixed };
  } else {
    if (!conn) throw sqliteError('AS OF is not available here');
    const ev = compileExpr(cx, asOf.expr, new Scope([], null, { correlated: false, depth: 0 })).ev;
    point = { kind: asOf.kind, ev };
  }
  const lname = table.name.toLowerCase();
  if (table.temp) throw sqliteError(`AS OF is not supported on TEMP table ${table.name}: it keeps no history`);
  if (lname.startsWith('sqlite_') || isInternalName(lname)) throw sqliteError(`AS OF is not supported on internal table ${table.name}`);
  const keyOf = new Map<number, IndexKeyOf>();
  const usable: IndexSchema[] = [];
  const ref = new AsOfRef(conn!, table, point, keyOf);
  const k = conn!.tt.register(ref);
  cx.rt.resets.push(ref);
  const derived: TableSchema = { ...table, root: routedRoot(k, table.root) };
  if (table.withoutRowid) {
    const pk = [...cx.schema.indexes.values()].find((i) => i.table === table.name && i.origin === 'pk' && i.root === table.root);
    if (pk) usable.push({ ...pk, root: derived.root });
  } else {
    for (const idx of cx.schema.indexesOf(table.name)) {
      const f = plainKeyOf(cx, table, idx);
      if (f === null) continue;
      keyOf.set(idx.root, f);
      usable.push({ ...idx, root: routedRoot(k, idx.root) });
    }
  }
  asOfIndexLists.set(derived, usable);
  return derived;
}
