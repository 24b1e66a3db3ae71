/**
 * ANALYZE (analyze.c): creates sqlite_stat1 and sqlite_stat4 in the analyzed database when they
 * are missing, then writes one sqlite_stat1 row per non-empty index, `(tbl, idx, "N a1 a2 ...")`,
 * where N is the number of index entries and a_i = ceil(N / D_i) for D_i distinct values of the
 * first i key columns (NULLs equal, the index's collations; kept at 1 when between 1.0 and 1.1),
 * and `(tbl, NULL, "N")` for a non-empty table without a non-partial index. A WITHOUT ROWID
 * table's primary key is listed under the table's name.
 *
 * sqlite_stat4 is created (so sqlite_schema matches SQLite's) but not filled: SQLite's sample
 * selection (statPush / sampleInsert) is not reproduced, and the planner uses no statistics.
 */
import { sqliteError } from '../../../common/errors.js';
import { compareValues, type Collation, type SqlValue } from '../../../common/value.js';
import type { IndexSchema, TableSchema } from '../../../catalog/types.js';
import { dbNameOf, pIndexOrder, type DbName } from '../../../catalog/schema.js';
import type { AnalyzeStmt } from '../../ast.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { keyInfoFor } from '../access-path.js';
import type { KeyInfo, WriteTxn } from '../../../storage/api.js';
import { schemaTxn } from './schema-txn.js';
import { tablesInHashOrder } from '../pragma-functions.js';

const STAT_TABLES: readonly [string, string][] = [
  ['sqlite_stat1', 'CREATE TABLE sqlite_stat1(tbl,idx,stat)'],
  ['sqlite_stat4', 'CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)'],
];

interface IndexJob {
  readonly name: string;
  readonly root: number;
  readonly keyInfo: KeyInfo;
  readonly nKeyCol: number;
  readonly collations: (Collation | undefined)[];
}

interface TableJob {
  readonly table: TableSchema;
  readonly indexes: IndexJob[];
  /** Write the (tbl, NULL, nRow) row: no index, or only partial ones (and not ANALYZE index). */
  readonly tableRow: boolean;
}

export function compileAnalyze(cx: CompileCtx, conn: Connection, stmt: AnalyzeStmt): () => void {
  let db: DbName = 'main';
  let jobs: TableJob[];
  /** Which stat rows to delete first: all, those of a table, or those of an index. */
  let scope: { by: 'all' } | { by: 'tbl' | 'idx'; name: string };
  const schemaDb = dbNameOf(stmt.schema);
  if (stmt.schema !== null && schemaDb === null) throw sqliteError(`unknown database ${stmt.schema}`);
  const targetDb = stmt.target === null ? null : dbNameOf(stmt.target);
  if (stmt.target === null || (stmt.schema === null && targetDb !== null && !cx.schema.table(stmt.target) && !cx.schema.indexes.has(stmt.target.toLowerCase()))) {
    // ANALYZE / ANALYZE main / ANALYZE temp (no argument: every database but TEMP)
    db = stmt.target === null ? schemaDb ?? 'main' : targetDb!;
    const part = cx.schema.part(db);
    // SQLITE_OMIT_TEMPDB-like: nothing to do for a TEMP database that does not exist yet
    if (!part) return () => {};
    // analyzeDatabase walks the schema's table hash as it is when the statement is prepared
    jobs = tablesInHashOrder(cx.schema)
      .filter((e) => e.db === db && e.table !== null && !isInternal(e.table))
      .map((e) => tableJob(cx, e.table!, null));
    scope = { by: 'all' };
  } else {
    const name = stmt.target;
    const idx = cx.schema.indexes.get(name.toLowerCase());
    const idxTable = idx ? cx.schema.table(idx.table, schemaDb) : undefined;
    if (idx && idxTable && (schemaDb === null || idxTable.temp === (schemaDb === 'temp'))) {
      db = idxTable.temp ? 'temp' : 'main';
      jobs = isInternal(idxTable) ? [] : [tableJob(cx, idxTable, idx)];
      scope = { by: 'idx', name: idx.origin === 'pk' && idxTable.withoutRowid ? idxTable.name : idx.name };
    } else {
      const t = cx.schema.table(name, schemaDb);
      if (!t) throw sqliteError(`no such table: ${stmt.schema ? `${stmt.schema}.` : ''}${name}`);
      db = t.temp ? 'temp' : 'main';
      jobs = isInternal(t) ? [] : [tableJob(cx, t, null)];
      scope = { by: 'tbl', name: t.name };
    }
  }
  cx.writes = true;

  return () => {
    let schema = conn.schema();
    const missing = STAT_TABLES.filter(([n]) => !schema.table(n, db));
    if (missing.length) {
      const st = schemaTxn(conn, db === 'temp');
      for (const [name, sql] of missing) {
        const root = st.createTree('table');
        st.insert({ type: 'table', name, tblName: name, rootpage: root, sql });
      }
      st.done(conn);
      schema = conn.schema();
    }
    const tx = conn.ensureWriteTxn();
    const stat1 = tx.openTable(schema.table('sqlite_stat1', db)!.root);
    for (const [name] of STAT_TABLES) {
      const t = tx.openTable(schema.table(name, db)!.root);
      if (scope.by === 'all') t.clear();
      else deleteRows(t, scope.by === 'tbl' ? 0 : 1, scope.name);
    }
    for (const job of jobs) analyzeTable(tx, stat1, job);
  };
}

function isInternal(t: TableSchema): boolean {
  return t.name.toLowerCase().startsWith('sqlite_');
}

function tableJob(cx: CompileCtx, table: TableSchema, only: IndexSchema | null): TableJob {
  let list: IndexSchema[];
  if (only) list = [only];
  else list = pIndexOrder(cx.schema, table); // Table.pIndex order
  const indexes = list.map((idx) => {
    const keyInfo = keyInfoFor(cx, table, idx);
    return {
      name: idx.origin === 'pk' && table.withoutRowid ? table.name : idx.name,
      root: idx.root,
      keyInfo,
      nKeyCol: idx.columns.length,
      collations: keyInfo.collations.slice(0, idx.columns.length),
    };
  });
  const tableRow = only === null && !list.some((i) => !i.partial);
  return { table, indexes, tableRow };
}

function deleteRows(t: ReturnType<WriteTxn['openTable']>, field: number, name: string): void {
  const doomed = [];
  const c = t.cursor();
  for (let ok = c.first(); ok; ok = c.next()) if (c.record()[field] === name) doomed.push(c.rowid());
  for (const r of doomed) t.delete(r);
}

function analyzeTable(tx: WriteTxn, stat1: ReturnType<WriteTxn['openTable']>, job: TableJob): void {
  const add = (idx: string | null, stat: string) => {
    const max = stat1.maxRowid();
    stat1.insert(typeof max === 'bigint' ? max + 1n : max + 1, [job.table.name, idx, stat]);
  };
  for (const ix of job.indexes) {
    const stat = indexStat(tx, ix);
    if (stat !== null) add(ix.name, stat);
  }
  if (job.tableRow) {
    const n = job.table.withoutRowid ? 0 : tx.openTable(job.table.root).count();
    if (n > 0) add(null, String(n));
  }
}

/** The sqlite_stat1 text of one index, or null when it is empty (statGet, STAT_GET_STAT1). */
function indexStat(tx: WriteTxn, ix: IndexJob): string | null {
  const cur = tx.openIndex(ix.root, ix.keyInfo).cursor();
  const k = ix.nKeyCol;
  const distinct = new Array<number>(k).fill(0);
  let prev: SqlValue[] | null = null;
  let nRow = 0;
  for (let ok = cur.first(); ok; ok = cur.next()) {
    const key = cur.key();
    nRow++;
    if (prev === null) {
      distinct.fill(1);
      prev = key.slice(0, k);
      continue;
    }
    // the first column that differs from the previous entry starts a new group for it and all after
    let i = 0;
    while (i < k && sameValue(prev[i], key[i], ix.collations[i])) i++;
    for (let j = i; j < k; j++) {
      distinct[j]++;
      prev[j] = key[j];
    }
  }
  if (nRow === 0) return null;
  let s = String(nRow);
  for (let i = 0; i < k; i++) {
    const d = distinct[i];
    let v = Math.floor((nRow + d - 1) / d);
    if (v === 2 && nRow * 10 <= d * 11) v = 1;
    s += ' ' + v;
  }
  return s;
}

function sameValue(a: SqlValue, b: SqlValue, coll: Collation | undefined): boolean {
  if (a === null || b === null) return a === b;
  return compareValues(a, b, coll) === 0;
}
