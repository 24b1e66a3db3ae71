/**
 * The VECTOR(n) column type as the DML path sees it. TableWriter.coerce (compile/dml/writer.ts)
 * calls `isVectorDeclType` for every value it writes (a two-character test, so ordinary columns
 * pay nothing measurable) and `coerceVectorValue` for values of VECTOR(n) columns.
 */
import type { SqlValue } from '../common/value.js';
import type { ColumnSchema, TableSchema } from '../catalog/types.js';
import { coerceVectorColumn, vectorTypeDims } from './vector-value.js';

/** Cheap pre-test: could `type` be `VECTOR(...)`? (starts with "ve", long enough) */
export function isVectorDeclType(type: string): boolean {
  return type.length >= 8 && (type.charCodeAt(0) | 32) === 118 && (type.charCodeAt(1) | 32) === 101;
}

const dimsByType = new Map<string, number>();

/** n of the column's VECTOR(n) type (0 for other columns), cached by type text. */
export function columnVectorDims(col: ColumnSchema): number {
  if (!isVectorDeclType(col.type)) return 0;
  let n = dimsByType.get(col.type);
  if (n === undefined) {
    n = vectorTypeDims(col.type);
    if (dimsByType.size > 1000) dimsByType.clear();
    dimsByType.set(col.type, n);
  }
  return n;
}

/**
 * The value to store in column `col` of `table` when it is a VECTOR(n) column: validated and
 * converted (see coerceVectorColumn; throws SQLITE_CONSTRAINT_DATATYPE). undefined for other columns.
 */
export function coerceVectorValue(table: TableSchema, col: ColumnSchema, v: SqlValue): SqlValue | undefined {
  const n = columnVectorDims(col);
  return n === 0 ? undefined : coerceVectorColumn(v, n, table.name, col.name);
}

/** Indexes of the table's VECTOR(n) columns with their n. */
export function vectorColumnsOf(table: TableSchema): { readonly column: number; readonly dims: number }[] {
  const out: { column: number; dims: number }[] = [];
  table.columns.forEach((c, i) => {
    const n = columnVectorDims(c);
    if (n > 0) out.push({ column: i, dims: n });
  });
  return out;
}
