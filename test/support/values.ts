/**
 * Exact comparison and printing of values as they come out of the better-sqlite3 API in
 * `safeIntegers(true)` mode: INTEGER is a `bigint`, REAL a `number`, TEXT a `string`, BLOB a
 * `Uint8Array`/`Buffer`, NULL `null`. `1n` and `1` are different values (INTEGER vs REAL), and so
 * are `0` and `-0` (SQLite keeps the sign of a REAL zero).
 */

/** A value as returned by a statement in safe-integer mode; anything else is a harness error. */
export type ApiValue = null | bigint | number | string | Uint8Array;

/** A stable, type-tagged text key: equal keys if and only if the values are exactly equal. */
export function valueKey(v: unknown): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'bigint':
      return `i${v}`;
    case 'number':
      return Object.is(v, -0) ? 'r-0' : `r${v}`;
    case 'string':
      return `t${JSON.stringify(v)}`;
    case 'undefined':
      return 'u';
    default:
      if (v instanceof Uint8Array) return `b${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
      return `?${typeof v}:${String(v)}`;
  }
}

/** Exact equality of two API values (bytewise for blobs, Object.is for numbers). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.byteLength !== b.byteLength) return false;
    for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) return false;
  return a === b;
}

/** Relative-tolerance equality for REALs (used only when a caller opts in). */
export function realsClose(a: number, b: number, relTol: number): boolean {
  if (Object.is(a, b)) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= relTol * Math.max(Math.abs(a), Math.abs(b));
}

/** SQL-ish printing for reports: `1` INTEGER, `1.0` REAL, `'x'` TEXT, `x'00'` BLOB, `NULL`. */
export function formatValue(v: unknown): string {
  if (v === null) return 'NULL';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number': {
      if (Object.is(v, -0)) return '-0.0';
      const s = String(v);
      return Number.isInteger(v) && !s.includes('e') ? `${s}.0` : s;
    }
    case 'string':
      return `'${v.replace(/'/g, "''")}'`;
    case 'undefined':
      return 'undefined';
    default:
      if (v instanceof Uint8Array) return `x'${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}'`;
      return `<${typeof v} ${String(v)}>`;
  }
}

export function formatRow(row: readonly unknown[]): string {
  return `(${row.map(formatValue).join(', ')})`;
}

/** Row key used to compare results as multisets. */
export function rowKey(row: readonly unknown[]): string {
  let k = '';
  for (let i = 0; i < row.length; i++) k += (i === 0 ? '' : '\u0001') + valueKey(row[i]);
  return k;
}
