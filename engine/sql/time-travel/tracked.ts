/**
 * What the history capture tracks in a schema: every main-database table of the application
 * (not sqlite_*, not _helios_*, not TEMP, not virtual), by root page; and where the history
 * tables are. Computed once per Schema object (schemas are immutable).
 */
import type { Schema } from '../../catalog/schema.js';
import type { TrackedTree } from '../../mvcc/capture.js';
import type { SnapshotTree } from '../../mvcc/read-snapshot.js';
import { COMMITS_TABLE, HISTORY_TABLE, META_TABLE, isInternalName, type HistoryRoots } from '../../mvcc/layout.js';

interface SchemaInfo {
  readonly trees: ReadonlyMap<number, TrackedTree>;
  readonly roots: HistoryRoots | null;
  /** Whether sqlite_master has rows to hide (any _helios_* object). */
  readonly hasInternal: boolean;
  /** Trees read through read snapshots and logged for them (increment 2), built on first use. */
  snapshot?: { readonly trees: ReadonlyMap<number, SnapshotTree>; readonly log: ReadonlyMap<number, boolean> };
}

const cache = new WeakMap<Schema, SchemaInfo>();

function info(schema: Schema): SchemaInfo {
  let i = cache.get(schema);
  if (i) return i;
  const main = schema.part('main') ?? schema;
  const trees = new Map<number, TrackedTree>();
  for (const t of main.tables.values()) {
    const ln = t.name.toLowerCase();
    if (t.temp || t.root <= 0 || ln.startsWith('sqlite_') || isInternalName(ln)) continue;
    trees.set(t.root, { name: t.name, withoutRowid: t.withoutRowid, nPk: t.withoutRowid ? t.primaryKey.length : 0 });
  }
  const meta = main.tables.get(META_TABLE);
  const commits = main.tables.get(COMMITS_TABLE);
  const history = main.tables.get(HISTORY_TABLE);
  const roots = meta && commits && history ? { meta: meta.root, commits: commits.root, history: history.root } : null;
  let hasInternal = false;
  for (const r of main.rows) if (isInternalName(r.name)) hasInternal = true;
  i = { trees, roots, hasInternal };
  cache.set(schema, i);
  return i;
}

export function trackedTrees(schema: Schema): ReadonlyMap<number, TrackedTree> {
  return info(schema).trees;
}

export function historyRoots(schema: Schema): HistoryRoots | null {
  return info(schema).roots;
}

export function hasInternalObjects(schema: Schema): boolean {
  return info(schema).hasInternal;
}

function snapshotInfo(schema: Schema): NonNullable<SchemaInfo['snapshot']> {
  const i = info(schema);
  if (i.snapshot) return i.snapshot;
  const main = schema.part('main') ?? schema;
  const trees = new Map<number, SnapshotTree>();
  const log = new Map<number, boolean>();
  for (const t of main.tables.values()) {
    if (t.temp || t.root <= 1 || isInternalName(t.name)) continue;
    trees.set(t.root, { name: t.name, index: t.withoutRowid, tableRoot: 0 });
    log.set(t.root, t.withoutRowid);
  }
  for (const x of main.indexes.values()) {
    if (x.root <= 1 || trees.has(x.root)) continue; // the primary key of a WITHOUT ROWID table is the table
    const t = main.tables.get(x.table.toLowerCase());
    if (!t || t.temp || isInternalName(t.name)) continue;
    trees.set(x.root, { name: x.name, index: true, tableRoot: t.withoutRowid ? 0 : t.root });
    log.set(x.root, true);
  }
  i.snapshot = { trees, log };
  return i.snapshot;
}

/**
 * Every B-tree of the main database that read snapshots read through an overlay (tables and
 * indexes of the application, sqlite_sequence, sqlite_stat1; not sqlite_schema, not _helios_*).
 */
export function snapshotTrees(schema: Schema): ReadonlyMap<number, SnapshotTree> {
  return snapshotInfo(schema).trees;
}

/** The same trees for the change capture: root -> whether it is an index B-tree. */
export function logTrees(schema: Schema): ReadonlyMap<number, boolean> {
  return snapshotInfo(schema).log;
}

/** Roots of main-database tables and indexes created, dropped or redefined between two schemas. */
export function redefinedRoots(before: Schema, after: Schema): Set<number> {
  const objects = (s: Schema): Map<string, { root: number; sql: string | null }> => {
    const m = new Map<string, { root: number; sql: string | null }>();
    const main = s.part('main') ?? s;
    for (const [k, t] of main.tables) if (!t.temp) m.set(`t:${k}`, { root: t.root, sql: t.sql });
    for (const [k, x] of main.indexes) m.set(`i:${k}`, { root: x.root, sql: x.sql });
    return m;
  };
  const a = objects(before);
  const b = objects(after);
  const out = new Set<number>();
  for (const [k, o] of a) {
    const n = b.get(k);
    if (!n || n.root !== o.root || n.sql !== o.sql) {
      out.add(o.root);
      if (n) out.add(n.root);
    }
  }
  for (const [k, n] of b) if (!a.has(k)) out.add(n.root);
  out.delete(0);
  return out;
}
