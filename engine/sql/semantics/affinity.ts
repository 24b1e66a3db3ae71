/**
 * Type affinity (https://sqlite.org/datatype3.html §3): the declared type of a column maps to one
 * of five affinities by substring rules, and values are converted toward the affinity when they
 * are stored (applyAffinity) and when they are compared (comparisonAffinity, §4.2).
 */
import { Real, makeReal, compareValues, type Collation, type SqlValue } from '../../common/value.js';
import { applyNumericAffinity, integerAffinity, numberToText } from './convert.js';

export type Affinity = 'BLOB' | 'TEXT' | 'NUMERIC' | 'INTEGER' | 'REAL';

const H_CHAR = 0x63686172; // 'char'
const H_CLOB = 0x636c6f62;
const H_TEXT = 0x74657874;
const H_BLOB = 0x626c6f62;
const H_REAL = 0x7265616c;
const H_FLOA = 0x666c6f61;
const H_DOUB = 0x646f7562;
const H_INT = 0x696e74;

const cache = new Map<string, Affinity>();

/**
 * Affinity of a declared column type (sqlite3AffinityType), or of the type in CAST(x AS type).
 * Rules, in order of the text: contains "INT" -> INTEGER (and stop); "CHAR", "CLOB" or "TEXT" ->
 * TEXT; "BLOB" (before any TEXT/REAL rule hit) -> BLOB; "REAL", "FLOA", "DOUB" -> REAL; otherwise
 * NUMERIC. No declared type at all -> BLOB.
 *
 * @example affinityOfType('VARCHAR(255)') === 'TEXT'; affinityOfType('FLOATING POINT') === 'INTEGER'
 */
export function affinityOfType(declaredType: string | null): Affinity {
  if (declaredType === null || declaredType.length === 0) return 'BLOB';
  const hit = cache.get(declaredType);
  if (hit !== undefined) return hit;
  let h = 0;
  let aff: Affinity = 'NUMERIC';
  for (let i = 0; i < declaredType.length; i++) {
    let c = declaredType.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    else if (c >= 0x80) c = 0x80; // never part of an ASCII keyword
    h = ((h << 8) + c) >>> 0;
    if (h === H_CHAR || h === H_CLOB || h === H_TEXT) {
      aff = 'TEXT';
    } else if (h === H_BLOB && (aff === 'NUMERIC' || aff === 'REAL')) {
      aff = 'BLOB';
    } else if ((h === H_REAL || h === H_FLOA || h === H_DOUB) && aff === 'NUMERIC') {
      aff = 'REAL';
    } else if ((h & 0xffffff) === H_INT) {
      aff = 'INTEGER';
      break;
    }
  }
  if (cache.size < 1000) cache.set(declaredType, aff);
  return aff;
}

export function isNumericAffinity(aff: Affinity | null): boolean {
  return aff === 'NUMERIC' || aff === 'INTEGER' || aff === 'REAL';
}

/**
 * Column affinity applied to a value being stored (applyAffinity + OP_RealAffinity on read):
 *  - INTEGER / NUMERIC: text that looks like a number becomes INTEGER or REAL (a REAL with no
 *    fractional part becomes INTEGER); a REAL that is exactly an integer becomes INTEGER.
 *  - REAL: like NUMERIC, then INTEGERs become REAL.
 *  - TEXT: INTEGER and REAL become text.
 *  - BLOB: nothing.
 * NULL and BLOB values are never converted.
 *
 * @example applyAffinity('12', 'INTEGER') === 12; applyAffinity(5, 'REAL') is Real(5)
 */
export function applyAffinity(v: SqlValue, aff: Affinity): SqlValue {
  if (v === null) return null;
  switch (aff) {
    case 'BLOB':
      return v;
    case 'TEXT':
      if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Real) return numberToText(v);
      return v;
    case 'INTEGER':
    case 'NUMERIC':
      if (typeof v === 'number') {
        if (Number.isSafeInteger(v)) return v;
        const ix = integerAffinity(v);
        return ix === null ? v : ix;
      }
      if (typeof v === 'string') return applyNumericAffinity(v, true);
      if (v instanceof Real) return v.value + 0;
      return v;
    case 'REAL':
      if (typeof v === 'number') return Number.isSafeInteger(v) ? new Real(v + 0) : v;
      if (typeof v === 'bigint') return makeReal(Number(v));
      if (typeof v === 'string') {
        const n = applyNumericAffinity(v, true);
        if (typeof n === 'number' && Number.isSafeInteger(n)) return new Real(n);
        if (typeof n === 'bigint') return makeReal(Number(n));
        return n;
      }
      // -0.0 is stored as the integer 0 (sqlite3VdbeIntegerAffinity) and reads back as 0.0
      if (v instanceof Real && Object.is(v.value, -0)) return new Real(0);
      return v;
  }
}

/**
 * The affinity used to compare two operands (sqlite3CompareAffinity). Each argument is the
 * operand's affinity: a column's affinity, a CAST's target affinity, or null for any other
 * expression. Returns null when no conversion applies.
 *  - both have an affinity: NUMERIC if either is numeric, else none (BLOB);
 *  - one has: that one;
 *  - neither: none.
 */
export function comparisonAffinity(left: Affinity | null, right: Affinity | null): Affinity | null {
  if (left !== null && right !== null) {
    return isNumericAffinity(left) || isNumericAffinity(right) ? 'NUMERIC' : null;
  }
  const aff = left ?? right;
  return aff === 'BLOB' ? null : aff;
}

/**
 * Converts one operand before a comparison under `aff` (OP_Eq and friends): numeric affinities
 * turn number-looking text into numbers (without forcing reals to integers); TEXT turns numbers
 * into text. For TEXT, apply it only when at least one operand is text (as compareWithAffinity does).
 */
export function applyComparisonAffinity(v: SqlValue, aff: Affinity | null): SqlValue {
  if (aff === null || v === null) return v;
  if (aff === 'TEXT') {
    if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Real) return numberToText(v);
    return v;
  }
  if (aff === 'BLOB') return v;
  return typeof v === 'string' ? applyNumericAffinity(v, false) : v;
}

/**
 * Compares two operands the way `a <op> b` does: null when either is NULL, else the sign of
 * the comparison after comparison affinity, with `collation` for text (BINARY when omitted).
 */
export function compareWithAffinity(
  a: SqlValue,
  b: SqlValue,
  aff: Affinity | null,
  collation?: Collation,
): number | null {
  if (a === null || b === null) return null;
  if (aff === 'TEXT') {
    // numbers become text only when the other operand is text (OP_Eq)
    if (typeof a === 'string' || typeof b === 'string') {
      a = applyComparisonAffinity(a, aff);
      b = applyComparisonAffinity(b, aff);
    }
  } else if (aff !== null && aff !== 'BLOB') {
    if (typeof a === 'string') a = applyNumericAffinity(a, false);
    if (typeof b === 'string') b = applyNumericAffinity(b, false);
  }
  return compareValues(a, b, collation);
}
