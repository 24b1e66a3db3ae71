/**
 * Vector index DDL, dispatched from compile/ddl/index.ts:
 *
 *   CREATE INDEX [IF NOT EXISTS] name ON table USING hnsw (column)
 *     [WITH (metric = 'cosine'|'l2'|'dot', m = 16, ef_construction = 64)]
 *   DROP INDEX [IF EXISTS] name            -- for a declared vector index
 *
 * Definitions go to `_helios_vector_indexes` (catalog.ts), created with the first one, inside
 * the connection's write transaction (so DDL stays transactional); the schema cookie is bumped.
 * The structure itself is built on first use (state.ts).
 *
 * Table DDL keeps the stored definitions in step (called from compile/ddl/alter.ts and drop.ts
 * inside the same schema transaction, marked `// vector:`):
 *   ALTER TABLE t RENAME TO u        -> definitions on t now name u      (vectorTableRenamed)
 *   ALTER TABLE t RENAME COLUMN c..  -> definitions on t.c name the new column (vectorColumnRenamed)
 *   ALTER TABLE t DROP COLUMN c      -> definitions on t.c are deleted   (vectorColumnDropped)
 *   DROP TABLE t                     -> definitions on t are deleted     (vectorTableDropped)
 * Index files of definitions that no longer exist are removed at the last close (state.ts).
 */
import { sqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import type { CreateIndexStmt, DropStmt } from '../sql/ast.js';
import type { Connection } from '../sql/connection.js';
import type { CompileCtx } from '../sql/compile/context.js';
import { schemaTxn, type SchemaTxn } from '../sql/compile/ddl/schema-txn.js';
import { findVectorIndex, indexableTable, mainSchema, VECTOR_INDEX_TABLE, VECTOR_INDEX_TABLE_SQL } from './catalog.js';
import { vectorColumnsOf } from './column.js';
import { metricFromName } from './distance.js';
import { indexMethod } from './index-method.js';
import './hnsw-method.js';

export function createVectorIndex(cx: CompileCtx, conn: Connection, stmt: CreateIndexStmt, sql: string): () => void {
  const using = stmt.using!;
  const method = indexMethod(using.method);
  if (stmt.schema && stmt.schema.toLowerCase() !== 'main') throw sqliteError(`${using.method} indexes are supported on main database tables only`);
  if (stmt.unique) throw sqliteError(`UNIQUE is not supported for ${using.method} indexes`);
  if (stmt.where) throw sqliteError(`partial ${using.method} indexes are not supported`);
  const lname = stmt.name.toLowerCase();
  if (lname.startsWith('sqlite_') || lname.startsWith('hnsw_autoindex_')) throw sqliteError(`object name reserved for internal use: ${stmt.name}`);
  const table = cx.schema.table(stmt.table, 'main');
  if (!table) throw sqliteError(`no such table: main.${stmt.table}`);
  if (!indexableTable(table)) throw sqliteError(`table ${table.name} may not have ${using.method} indexes (WITHOUT ROWID and internal tables are not supported)`);
  if (stmt.columns.length !== 1 || stmt.columns[0].expr.kind !== 'Column') {
    throw sqliteError(`${using.method} indexes take exactly one VECTOR column`);
  }
  const colName = stmt.columns[0].expr.name;
  const ci = table.columnIndex.get(colName.toLowerCase());
  if (ci === undefined) throw sqliteError(`no such column: ${colName}`);
  if (!vectorColumnsOf(table).some((c) => c.column === ci)) {
    throw sqliteError(`column ${table.name}.${table.columns[ci].name} is not a VECTOR(n) column`);
  }
  const metricParam = using.params.find((p) => p.name.toLowerCase() === 'metric');
  const metric = metricFromName(metricParam ? metricParam.value : 'cosine', 'CREATE INDEX');
  if (!method.supports(metric)) throw sqliteError(`${using.method} indexes do not support metric '${metric}'`);
  const params = method.params(using.params);
  const existing = cx.schema.objectType(stmt.name, 'main');
  const existingVector = findVectorIndex(cx.schema, stmt.name);
  if (existing === 'table' || existing === 'view') throw sqliteError(`there is already a table named ${stmt.name}`);
  if (existing === 'index' || existingVector) {
    if (stmt.ifNotExists) return () => {};
    throw sqliteError(`index ${stmt.name} already exists`);
  }
  const text = sql.slice(stmt.start, stmt.end);
  const row: SqlValue[] = [stmt.name, table.name, table.columns[ci].name, method.name, metric, JSON.stringify(params), text];
  return () => {
    const st = schemaTxn(conn, false);
    let root = mainSchema(conn.schema())?.tables.get(VECTOR_INDEX_TABLE)?.root;
    if (root === undefined) {
      root = st.createTree('table');
      st.insert({ type: 'table', name: VECTOR_INDEX_TABLE, tblName: VECTOR_INDEX_TABLE, rootpage: root, sql: VECTOR_INDEX_TABLE_SQL });
    }
    const t = st.tx.openTable(root);
    const max = t.maxRowid();
    t.insert(typeof max === 'bigint' ? max + 1n : max + 1, row);
    st.done(conn);
  };
}

/**
 * DROP INDEX for a vector index name, or null when `stmt` does not name one (the B-tree
 * DROP handles it then).
 */
export function dropVectorIndex(cx: CompileCtx, conn: Connection, stmt: DropStmt): (() => void) | null {
  if (stmt.objectType !== 'INDEX') return null;
  if (stmt.schema && stmt.schema.toLowerCase() !== 'main') return null;
  if (cx.schema.objectType(stmt.name) === 'index') return null;
  const def = findVectorIndex(cx.schema, stmt.name);
  if (!def) return null;
  if (def.automatic) throw sqliteError(`index associated with a VECTOR column cannot be dropped`);
  const lname = def.name.toLowerCase();
  return () => {
    const st = schemaTxn(conn, false);
    const root = mainSchema(conn.schema())?.tables.get(VECTOR_INDEX_TABLE)?.root;
    if (root === undefined) return;
    const t = st.tx.openTable(root);
    const c = t.cursor();
    const doomed: (number | bigint)[] = [];
    for (let ok = c.first(); ok; ok = c.next()) if (String(c.record()[0] ?? '').toLowerCase() === lname) doomed.push(c.rowid());
    for (const r of doomed) t.delete(r);
    st.done(conn);
  };
}

/** Column positions in a `_helios_vector_indexes` record. */
const NAME = 0;
const TBL = 1;
const COL = 2;
const SQL = 6;

const same = (a: SqlValue, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/**
 * Applies `edit` to every stored definition (main database): a new record, 'delete', or null
 * (unchanged). A no-op when the database has no declared vector index or `temp` is set.
 */
function editStoredIndexes(st: SchemaTxn, conn: Connection, temp: boolean, edit: (rec: readonly SqlValue[]) => SqlValue[] | 'delete' | null): void {
  if (temp) return;
  const root = mainSchema(conn.schema())?.tables.get(VECTOR_INDEX_TABLE)?.root;
  if (root === undefined) return;
  const t = st.tx.openTable(root);
  const changes: [number | bigint, SqlValue[] | 'delete'][] = [];
  const c = t.cursor();
  for (let ok = c.first(); ok; ok = c.next()) {
    const r = edit(c.record());
    if (r !== null) changes.push([c.rowid(), r]);
  }
  for (const [rowid, r] of changes) {
    if (r === 'delete') t.delete(rowid);
    else t.insert(rowid, r);
  }
}

const quoteId = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** The statement text of a definition after a rename (the original text names old objects). */
function definitionSql(rec: readonly SqlValue[]): string {
  let params: Record<string, number> = {};
  try {
    params = JSON.parse(String(rec[5] ?? '{}')) as Record<string, number>;
  } catch {
    // damaged: the catalog reads defaults too
  }
  const withs = [`metric = '${String(rec[4] ?? 'cosine')}'`, ...Object.entries(params).map(([k, v]) => `${k} = ${v}`)];
  return `CREATE INDEX ${quoteId(String(rec[NAME]))} ON ${quoteId(String(rec[TBL]))} USING ${String(rec[3] ?? 'hnsw')} (${quoteId(String(rec[COL]))}) WITH (${withs.join(', ')})`;
}

/** ALTER TABLE old RENAME TO newName: the table's vector index definitions follow it. */
export function vectorTableRenamed(st: SchemaTxn, conn: Connection, temp: boolean, old: string, newName: string): void {
  editStoredIndexes(st, conn, temp, (rec) => {
    if (!same(rec[TBL], old)) return null;
    const r = rec.slice();
    r[TBL] = newName;
    r[SQL] = definitionSql(r);
    return r;
  });
}

/** ALTER TABLE t RENAME COLUMN old TO newName: definitions on t.old follow the column. */
export function vectorColumnRenamed(st: SchemaTxn, conn: Connection, temp: boolean, table: string, old: string, newName: string): void {
  editStoredIndexes(st, conn, temp, (rec) => {
    if (!same(rec[TBL], table) || !same(rec[COL], old)) return null;
    const r = rec.slice();
    r[COL] = newName;
    r[SQL] = definitionSql(r);
    return r;
  });
}

/** ALTER TABLE t DROP COLUMN col: vector indexes on t.col are dropped with it. */
export function vectorColumnDropped(st: SchemaTxn, conn: Connection, temp: boolean, table: string, column: string): void {
  editStoredIndexes(st, conn, temp, (rec) => (same(rec[TBL], table) && same(rec[COL], column) ? 'delete' : null));
}

/** DROP TABLE t: its vector indexes are dropped with it. */
export function vectorTableDropped(st: SchemaTxn, conn: Connection, temp: boolean, table: string): void {
  editStoredIndexes(st, conn, temp, (rec) => (same(rec[TBL], table) ? 'delete' : null));
}
