/**
 * Time travel points for `FROM t AS OF TRANSACTION n` / `FROM t AS OF TIMESTAMP '...'`.
 *
 * The engine's parser accepts the clause right after the table name, before or after an alias
 * (`t AS OF TRANSACTION 3 AS x`, `t AS x AS OF TRANSACTION 3`); the adapters emit it right after
 * the table name and bind the point as a parameter.
 */

/**
 * A point in the past: a commit (transaction number) or a wall-clock time. A `Date` is sent as
 * an ISO-8601 string, a string is sent unchanged.
 */
export type AsOfPoint = { readonly transaction: number | bigint } | { readonly timestamp: Date | string };

/** The SQL keywords after `AS OF` and the bound value for a point. */
export function asOfParts(point: AsOfPoint): { readonly keyword: 'TRANSACTION' | 'TIMESTAMP'; readonly value: number | bigint | string } {
  if ('transaction' in point) {
    const n = point.transaction;
    if (typeof n === 'number' ? !Number.isSafeInteger(n) || n < 0 : n < 0n) {
      throw new RangeError('AS OF TRANSACTION needs a non-negative integer');
    }
    return { keyword: 'TRANSACTION', value: n };
  }
  if ('timestamp' in point) {
    const t = point.timestamp;
    if (t instanceof Date) {
      if (Number.isNaN(t.getTime())) throw new RangeError('AS OF TIMESTAMP needs a valid Date');
      return { keyword: 'TIMESTAMP', value: t.toISOString() };
    }
    if (typeof t === 'string') return { keyword: 'TIMESTAMP', value: t };
  }
  throw new TypeError('An AS OF point is { transaction: n } or { timestamp: Date | string }');
}

/**
 * The engine's own form of a point, for `db.asOf()` (which also accepts bare numbers, strings and
 * Dates; the adapters keep the explicit object forms).
 */
export function engineAsOfPoint(point: AsOfPoint): { transaction: number | bigint } | { timestamp: string } {
  const { keyword, value } = asOfParts(point);
  return keyword === 'TRANSACTION' ? { transaction: value as number | bigint } : { timestamp: value as string };
}
