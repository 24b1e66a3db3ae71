/**
 * The vector index catalog: which vector indexes exist, as seen through one schema.
 *
 *  - Automatic: every VECTOR(n) column of a main-database rowid table has a cosine HNSW index
 *    named `hnsw_autoindex_<table>_<column>` with default parameters. Nothing is stored for it.
 *  - Declared: `CREATE INDEX name ON t USING hnsw (col) WITH (metric = 'l2', m = 16,
 *    ef_construction = 64)` stores one row in the internal table `_helios_vector_indexes`
 *    (never in sqlite_schema's index rows: stock SQLite could not parse the statement):
 *
 *      CREATE TABLE _helios_vector_indexes(name TEXT NOT NULL, tbl TEXT NOT NULL,
 *        col TEXT NOT NULL, method TEXT NOT NULL, metric TEXT NOT NULL, params TEXT NOT NULL,
 *        sql TEXT NOT NULL)
 *
 *    `params` is JSON ({"m":16,"ef_construction":64}); `sql` is the statement as written.
 *    The table is an ordinary table (created with the first declared index), so definitions
 *    are transactional like any other row; the schema cookie is bumped with each change so that
 *    prepared statements re-plan.
 *
 * A definition whose table or column no longer exists (or is no longer VECTOR(n)) is ignored.
 */
import type { Schema } from '../catalog/schema.js';
import type { TableSchema } from '../catalog/types.js';
import type { PageView } from '../storage/api.js';
import { vectorColumnsOf } from './column.js';
import { metricFromName } from './distance.js';
import type { VectorIndexDef } from './index-method.js';

export const VECTOR_INDEX_TABLE = '_helios_vector_indexes';

export const VECTOR_INDEX_TABLE_SQL =
  `CREATE TABLE ${VECTOR_INDEX_TABLE}(name TEXT NOT NULL, tbl TEXT NOT NULL, col TEXT NOT NULL, method TEXT NOT NULL, metric TEXT NOT NULL, params TEXT NOT NULL, sql TEXT NOT NULL)`;

/** Name of the automatic index of `table.column`. */
export function autoIndexName(table: string, column: string): string {
  return `hnsw_autoindex_${table}_${column}`;
}

/** The main database's part of a (possibly combined) schema. */
export function mainSchema(schema: Schema): Schema | null {
  if (schema.mainPart) return schema.mainPart;
  return schema.temp ? null : schema;
}

/** A row of `_helios_vector_indexes` with its rowid. */
export interface StoredVectorIndex {
  readonly rowid: number | bigint;
  readonly name: string;
  readonly table: string;
  readonly column: string;
  readonly method: string;
  readonly metric: string;
  readonly params: Record<string, number>;
  readonly sql: string;
}

function readStoredIndexes(main: Schema, view: PageView): StoredVectorIndex[] {
  const t = main.tables.get(VECTOR_INDEX_TABLE);
  if (!t) return [];
  const out: StoredVectorIndex[] = [];
  const c = view.openTable(t.root).cursor();
  for (let ok = c.first(); ok; ok = c.next()) {
    const r = c.record();
    let params: Record<string, number> = {};
    try {
      params = JSON.parse(String(r[5] ?? '{}')) as Record<string, number>;
    } catch {
      // a damaged parameter list: defaults
    }
    out.push({
      rowid: c.rowid(),
      name: String(r[0] ?? ''),
      table: String(r[1] ?? ''),
      column: String(r[2] ?? ''),
      method: String(r[3] ?? 'hnsw'),
      metric: String(r[4] ?? 'cosine'),
      params,
      sql: String(r[6] ?? ''),
    });
  }
  return out;
}

const stored = new WeakMap<Schema, StoredVectorIndex[]>();

/**
 * Called by catalog/schema-store.ts loadSchema for every main-database Schema it builds: reads
 * the declared vector indexes through the same view, so that the Schema object carries them
 * (a Schema is immutable; a change to `_helios_vector_indexes` bumps the cookie, which makes a
 * new one). An unreadable table leaves the list empty (searches are then exact).
 */
export function attachVectorCatalog(schema: Schema, view: PageView): void {
  try {
    stored.set(schema, readStoredIndexes(schema, view));
  } catch {
    stored.set(schema, []);
  }
}

/** The declared vector indexes stored for the main database of `schema`. */
export function storedVectorIndexes(schema: Schema): readonly StoredVectorIndex[] {
  const main = mainSchema(schema);
  return (main && stored.get(main)) || [];
}

/** Whether `table` can carry vector indexes (main database, rowid table, not internal). */
export function indexableTable(t: TableSchema): boolean {
  return !t.temp && !t.withoutRowid && !t.name.toLowerCase().startsWith('sqlite_') && !t.name.toLowerCase().startsWith('_helios_');
}

const cache = new WeakMap<Schema, VectorIndexDef[]>();

/** Every vector index (automatic and declared) of the main database under `schema`. */
export function vectorIndexDefs(schema: Schema): VectorIndexDef[] {
  const main = mainSchema(schema);
  if (!main) return [];
  let defs = cache.get(main);
  if (defs) return defs;
  defs = [];
  for (const t of main.tables.values()) {
    if (!indexableTable(t)) continue;
    for (const vc of vectorColumnsOf(t)) {
      const column = t.columns[vc.column].name;
      defs.push({ name: autoIndexName(t.name, column), table: t.name, column, dims: vc.dims, method: 'hnsw', metric: 'cosine', params: {}, automatic: true });
    }
  }
  for (const s of storedVectorIndexes(main)) {
    const t = main.tables.get(s.table.toLowerCase());
    if (!t || !indexableTable(t)) continue;
    const ci = t.columnIndex.get(s.column.toLowerCase());
    if (ci === undefined) continue;
    const vc = vectorColumnsOf(t).find((x) => x.column === ci);
    if (!vc) continue;
    let metric;
    try {
      metric = metricFromName(s.metric);
    } catch {
      continue;
    }
    defs.push({ name: s.name, table: t.name, column: t.columns[ci].name, dims: vc.dims, method: s.method, metric, params: s.params, automatic: false });
  }
  cache.set(main, defs);
  return defs;
}

/** The index of `name` (case-insensitive) under `schema`, if any. */
export function findVectorIndex(schema: Schema, name: string): VectorIndexDef | undefined {
  const k = name.toLowerCase();
  return vectorIndexDefs(schema).find((d) => d.name.toLowerCase() === k);
}

/** Identity of a table's layout: an index built under another signature must be resynced. */
export function tableSignature(t: TableSchema): string {
  return `${t.root}:${t.sql}`;
}
