/**
 * The planner's cost arithmetic, in SQLite's units so that, without ANALYZE statistics, our
 * access-path choices match SQLite's (whereLoopAddBtree / whereLoopAddBtreeIndex /
 * wherePathSolver):
 *
 *  - LogEst: a logarithmic estimate, 10*log2(x) (sqlite3LogEst); adding LogEsts multiplies,
 *    `logEstAdd` adds the underlying values.
 *  - A table without statistics is assumed to hold 2^20 rows (LogEst 200); an index equality on
 *    its first columns selects 10, 9, 8, 7, 6 and then 5 rows per extra column (sqlite3DefaultRowEst);
 *    a range bound keeps a quarter.
 *  - Row widths (szTabRow, szIdxRow) come from the declared column types (sqlite3AffinityType
 *    estimates each column's size, an integer being 1 unit): reading a narrower covering index
 *    costs less than reading the table.
 */
import type { IndexSchema, TableSchema } from '../../catalog/types.js';

export type LogEst = number;

/** sqlite3LogEst: 10*log2(x), rounded as SQLite does. */
export function logEst(x: number): LogEst {
  const a = [0, 2, 3, 5, 6, 7, 8, 9];
  let y = 40;
  if (x < 8) {
    if (x < 2) return 0;
    while (x < 8) {
      y -= 10;
      x *= 2;
    }
  } else {
    while (x > 255) {
      y += 40;
      x = Math.floor(x / 16);
    }
    while (x > 15) {
      y += 10;
      x = Math.floor(x / 2);
    }
  }
  return a[x & 7] + y - 10;
}

/** sqlite3LogEstAdd: the LogEst of the sum of two LogEst values. */
export function logEstAdd(a: LogEst, b: LogEst): LogEst {
  const x = [10, 10, 9, 9, 8, 8, 7, 7, 7, 6, 6, 6, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2];
  if (a >= b) {
    if (a > b + 49) return a;
    if (a > b + 31) return a + 1;
    return a + x[a - b];
  }
  if (b > a + 49) return b;
  if (b > a + 31) return b + 1;
  return b + x[b - a];
}

/** estLog: LogEst of log2(N) for a row count N given as a LogEst. */
export function estLog(n: LogEst): LogEst {
  return n <= 10 ? 0 : logEst(n) - 33;
}

/** Rows in a table without statistics (sqlite3StartTable: nRowLogEst = 200). */
export const TABLE_ROWS: LogEst = 200;

/** A column's size estimate from its declared type (the szEst of sqlite3AffinityType). */
export function columnSizeEstimate(type: string): number {
  if (type === '') return 1;
  const t = type.toLowerCase();
  let textual = false;
  let sizeFrom: number | null = null;
  // the same keyword scan as the affinity rules: CHAR/CLOB/TEXT make it text, BLOB a blob,
  // INT wins over everything that follows
  let h = 0;
  let numericLike = true;
  for (let i = 0; i < t.length; i++) {
    h = ((h << 8) + t.charCodeAt(i)) >>> 0;
    const last4 = h & 0xffffffff;
    const w = String.fromCharCode((last4 >>> 24) & 0xff, (last4 >>> 16) & 0xff, (last4 >>> 8) & 0xff, last4 & 0xff);
    if (w === 'char') {
      textual = true;
      numericLike = false;
      sizeFrom = i + 1;
    } else if (w === 'clob' || w === 'text') {
      textual = true;
      numericLike = false;
    } else if (w === 'blob' && !textual) {
      textual = true; // BLOB affinity sizes like text
      numericLike = false;
      if (t[i + 1] === '(') sizeFrom = i + 1;
    } else if ((w === 'real' || w === 'floa' || w === 'doub') && !textual) {
      numericLike = true;
    } else if (w.endsWith('int')) {
      return 1; // INTEGER affinity
    }
  }
  if (numericLike || !textual) return 1;
  let v = 16;
  if (sizeFrom !== null) {
    v = 0;
    const m = /\d+/.exec(t.slice(sizeFrom));
    if (m) v = Math.min(Number(m[0]), 0x7fffffff);
  }
  return Math.min(Math.floor(v / 4) + 1, 255);
}

const tableWidths = new WeakMap<TableSchema, LogEst>();
const indexWidths = new WeakMap<IndexSchema, LogEst>();

/** szTabRow (estimateTableWidth). */
export function tableRowWidth(table: TableSchema): LogEst {
  let w = tableWidths.get(table);
  if (w === undefined) {
    let units = 0;
    for (const c of table.columns) units += columnSizeEstimate(c.type);
    if (table.rowidAlias < 0) units++;
    w = logEst(units * 4);
    tableWidths.set(table, w);
  }
  return w;
}

/**
 * szIdxRow (estimateIndexWidth): the index columns plus the rowid, or for a WITHOUT ROWID table
 * the primary-key columns the index does not already hold (the PRIMARY KEY "index" of a WITHOUT
 * ROWID table holds every column).
 */
export function indexRowWidth(table: TableSchema, idx: IndexSchema): LogEst {
  let w = indexWidths.get(idx);
  if (w === undefined) {
    let units = 0;
    const seen = new Set<number>();
    for (const ic of idx.columns) {
      units += ic.column < 0 ? 1 : columnSizeEstimate(table.columns[ic.column].type);
      if (ic.column >= 0) seen.add(ic.column);
    }
    if (!table.withoutRowid) units += 1;
    else if (idx.origin === 'pk') {
      table.columns.forEach((c, i) => {
        if (!seen.has(i) && c.recordIndex >= 0) units += columnSizeEstimate(c.type);
      });
    } else {
      for (const pk of table.primaryKey) if (!seen.has(pk)) units += columnSizeEstimate(table.columns[pk].type);
    }
    w = logEst(units * 4);
    indexWidths.set(idx, w);
  }
  return w;
}

/** aiRowLogEst[k] without statistics: rows per distinct prefix of k key columns. */
export function defaultRowEst(idx: IndexSchema, k: number, nKeyCol: number): LogEst {
  if (k === 0) return idx.partial ? TABLE_ROWS - 10 : TABLE_ROWS;
  if (idx.unique && k >= nKeyCol) return 0;
  const aVal = [33, 32, 30, 28, 26];
  return k <= aVal.length ? aVal[k - 1] : 23;
}

/** whereSortingCost: the cost of sorting nRow rows of nCol result columns, nSorted of nOrderBy terms already in order. */
export function sortingCost(nRow: LogEst, nResultCols: number, nOrderBy: number, nSorted: number, limit: LogEst | null, forDistinct: boolean): LogEst {
  const nCol = logEst(Math.floor((nResultCols + 59) / 30));
  let cost = nRow + nCol;
  if (nSorted > 0) cost += logEst(Math.floor(((nOrderBy - nSorted) * 100) / nOrderBy)) - 66;
  let rows = nRow;
  if (limit !== null) {
    cost += 10;
    if (nSorted !== 0) cost += 6;
    if (limit < rows) rows = limit;
  } else if (forDistinct && rows > 10) rows -= 10;
  return cost + estLog(rows);
}
