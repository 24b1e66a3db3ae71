/**
 * The SQL value model shared by every layer (storage records, SQL execution, the API).
 *
 * SQLite has five storage classes. Their JavaScript representation is chosen so that the common
 * cases cost nothing:
 *
 * | storage class | representation                                                          |
 * |---------------|-------------------------------------------------------------------------|
 * | NULL          | `null`                                                                  |
 * | INTEGER       | `number` when `Number.isSafeInteger(v)`, otherwise `bigint` (in int64)  |
 * | REAL          | `number` that is *not* a safe integer (2.5, 1e300, NaN never: NULL),    |
 * |               | or a `Real` box when its value is a safe integer (1.0, -0.0, 3.0)       |
 * | TEXT          | `string`                                                                |
 * | BLOB          | `Uint8Array` (a `Buffer` is one)                                        |
 *
 * Invariants (every producer of values keeps them, every consumer may rely on them):
 *  1. A `bigint` is always outside the safe-integer range and inside int64.
 *  2. A `Real` box always holds a safe-integer value (including -0); any other REAL is a bare number.
 *  3. NaN is never a value: SQLite turns NaN into NULL.
 *
 * `makeInteger` and `makeReal` are the canonical constructors that establish these invariants.
 */

/** A REAL whose value happens to be integral (and safe), so that it stays distinguishable from INTEGER. */
export class Real {
  constructor(readonly value: number) {}
}

export type SqlValue = null | number | bigint | string | Uint8Array | Real;

export type StorageClass = 'null' | 'integer' | 'real' | 'text' | 'blob';

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** Canonical INTEGER from a bigint known to be inside int64. */
export function integerFromBigInt(v: bigint): number | bigint {
  if (v >= -9007199254740991n && v <= 9007199254740991n) return Number(v);
  return v;
}

/** Canonical REAL from a JS number; NaN becomes NULL as in SQLite. */
export function makeReal(v: number): SqlValue {
  if (Number.isSafeInteger(v)) return new Real(v);
  if (Number.isNaN(v)) return null;
  return v;
}

/** Canonical INTEGER from a safe JS integer number or any int64 bigint. */
export function makeInteger(v: number | bigint): number | bigint {
  return typeof v === 'bigint' ? integerFromBigInt(v) : v;
}

export function storageClass(v: SqlValue): StorageClass {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isSafeInteger(v) ? 'integer' : 'real';
    case 'bigint':
      return 'integer';
    case 'string':
      return 'text';
    default:
      return v instanceof Real ? 'real' : 'blob';
  }
}

export function isInteger(v: SqlValue): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
}

export function isReal(v: SqlValue): boolean {
  return v instanceof Real || (typeof v === 'number' && !Number.isSafeInteger(v));
}

export function isNumeric(v: SqlValue): v is number | bigint | Real {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof Real;
}

/** The numeric value of an INTEGER or REAL as a JS number (lossy for big integers). */
export function numericValue(v: number | bigint | Real): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return v.value;
}

/** Rank of storage classes in SQLite's sort order: NULL < numbers < TEXT < BLOB. */
export function classRank(v: SqlValue): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 1;
    case 'string':
      return 2;
    default:
      return v instanceof Real ? 1 : 3;
  }
}

/**
 * Compares two numeric values exactly, including int64 values beyond 2^53 against doubles,
 * the way sqlite3IntFloatCompare does.
 */
export function compareNumeric(a: number | bigint | Real, b: number | bigint | Real): number {
  const x = a instanceof Real ? a.value : a;
  const y = b instanceof Real ? b.value : b;
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  // mixed bigint / number: a bigint is never safe, so compare through exact paths
  if (typeof x === 'bigint') return -compareNumberBigInt(y as number, x);
  return compareNumberBigInt(x as number, y as bigint);
}

function compareNumberBigInt(n: number, b: bigint): number {
  if (n !== n) return -1;
  if (n === Infinity) return 1;
  if (n === -Infinity) return -1;
  const fl = Math.floor(n);
  const bi = BigInt(fl);
  if (bi < b) return -1;
  if (bi > b) return 1;
  return n > fl ? 1 : 0;
}

/**
 * Compares two strings by their UTF-8 byte order (SQLite's BINARY collation), which differs from
 * JavaScript's UTF-16 order only when a surrogate pair meets a code unit in U+E000..U+FFFF.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      if (ca >= 0xd800 && cb >= 0xd800) return utf8Rank(ca) - utf8Rank(cb);
      return ca - cb;
    }
  }
  return a.length - b.length;
}

/** Surrogates (supplementary code points) sort after U+E000..U+FFFF in UTF-8. */
function utf8Rank(c: number): number {
  return c >= 0xd800 && c <= 0xdfff ? c + 0x2800 : c;
}

export function compareBlob(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** A collating function over two strings: negative, zero or positive. */
export type Collation = (a: string, b: string) => number;

/**
 * SQLite's value comparison (sqlite3MemCompare): NULLs first, then numbers, then text under the
 * given collation, then blobs.
 */
export function compareValues(a: SqlValue, b: SqlValue, collation?: Collation): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return collation ? collation(a, b) : compareText(a, b);
  const ra = classRank(a);
  const rb = classRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return compareNumeric(a as number | bigint | Real, b as number | bigint | Real);
    case 2:
      return collation ? collation(a as string, b as string) : compareText(a as string, b as string);
    default:
      return compareBlob(a as Uint8Array, b as Uint8Array);
  }
}
