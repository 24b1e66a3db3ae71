/**
 * `PRAGMA hnsw_ef_search` / `PRAGMA hnsw_ef_search = N`: the breadth of HNSW searches for this
 * connection (default 64, at least 1; searches use max(ef_search, candidates wanted)).
 */
import { sqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';

export const DEFAULT_EF_SEARCH = 64;
const MAX_EF_SEARCH = 100_000;

const efByConnection = new WeakMap<object, number>();

export function efSearchOf(conn: object): number {
  return efByConnection.get(conn) ?? DEFAULT_EF_SEARCH;
}

/** The pragma as compile/pragma.ts runs it: null when `name` is not a vector pragma. */
export function vectorPragma(
  conn: object,
  name: string,
  arg: SqlValue,
  has: boolean,
): { columns: { name: string; column: null; table: null; database: null; type: null }[]; write: false; run: () => SqlValue[][] } | null {
  if (name !== 'hnsw_ef_search') return null;
  if (has) {
    const n = typeof arg === 'number' ? arg : typeof arg === 'bigint' ? Number(arg) : typeof arg === 'string' && /^\s*\d+\s*$/.test(arg) ? Number(arg) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_EF_SEARCH) throw sqliteError(`hnsw_ef_search must be an integer between 1 and ${MAX_EF_SEARCH}`);
    return { columns: [], write: false, run: () => (efByConnection.set(conn, n), []) };
  }
  return { columns: [{ name, column: null, table: null, database: null, type: null }], write: false, run: () => [[efSearchOf(conn)]] };
}
