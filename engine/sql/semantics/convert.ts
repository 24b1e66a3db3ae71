/**
 * Conversions between storage classes, as SQLite's VDBE performs them (vdbemem.c, vdbe.c):
 * value -> text, -> integer, -> real, text -> number, CAST, and truthiness.
 *
 * Text is parsed by two routines that SQLite keeps deliberately different:
 *  - sqlite3AtoF (fp.ts): decimal with optional fraction and exponent, surrounding whitespace.
 *  - sqlite3Atoi64 (here): optional sign and decimal digits only, clamps to int64 on overflow.
 * Hexadecimal text is never numeric (only hex *literals* in SQL are).
 */
import {
  INT64_MAX,
  INT64_MIN,
  Real,
  integerFromBigInt,
  makeReal,
  type SqlValue,
} from '../../common/value.js';
import { atoF, renderReal } from './fp.js';
import { affinityOfType, type Affinity } from './affinity.js';
import { decodeUtf8, encodeUtf8, latin1 } from './utf8.js';

const MAX_SAFE = 9007199254740991;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Result of sqlite3Atoi64. */
export interface Atoi64Result {
  value: number | bigint;
  /** -1 no digits; 0 exact; 1 extra non-space text; 2 too large (clamped); 3 exactly 2^63 (clamped) */
  rc: number;
}

/** sqlite3Atoi64 over the whole string (a NUL character counts as extra text). */
export function atoi64(z: string): Atoi64Result {
  const len = z.length;
  let i = 0;
  while (i < len && isSpace(z.charCodeAt(i))) i++;
  let neg = false;
  if (i < len) {
    const c = z.charCodeAt(i);
    if (c === 45) {
      neg = true;
      i++;
    } else if (c === 43) i++;
  }
  const start = i;
  while (i < len && z.charCodeAt(i) === 48) i++;
  const digitsStart = i;
  let u = 0;
  while (i < len) {
    const c = z.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    if (i - digitsStart < 15) u = u * 10 + c;
    i++;
  }
  const nDigits = i - digitsStart;
  let rc = 0;
  if (nDigits === 0 && start === i) rc = -1;
  else if (i < len) {
    for (let j = i; j < len; j++) {
      if (!isSpace(z.charCodeAt(j))) {
        rc = 1;
        break;
      }
    }
  }
  if (nDigits <= 15) return { value: neg ? -u || 0 : u, rc };
  if (nDigits > 19) return { value: neg ? INT64_MIN : INT64_MAX, rc: 2 };
  const big = BigInt(z.slice(digitsStart, i));
  if (big < 9223372036854775808n) return { value: integerFromBigInt(neg ? -big : big), rc };
  if (big > 9223372036854775808n) return { value: neg ? INT64_MIN : INT64_MAX, rc: 2 };
  return neg ? { value: INT64_MIN, rc } : { value: INT64_MAX, rc: 3 };
}

/** sqlite3RealToI64: truncation toward zero, clamped to int64. */
export function realToInt64(r: number): number | bigint {
  if (r > -MAX_SAFE - 1 && r < MAX_SAFE + 1) return Math.trunc(r) + 0;
  if (r !== r) return 0;
  if (r < -9223372036854774784.0) return INT64_MIN;
  if (r > 9223372036854774784.0) return INT64_MAX;
  return integerFromBigInt(BigInt(Math.trunc(r)));
}

/** sqlite3RealSameAsInt: the double is exactly the (small) integer. */
function realSameAsInt(r: number, i: number | bigint): boolean {
  if (r === 0) return true;
  return typeof i === 'number' && r === i && i >= -2251799813685248 && i < 2251799813685248;
}

/** Text view of a blob for numeric parsing. */
function blobText(b: Uint8Array): string {
  return latin1(b);
}

/**
 * The text of a value (sqlite3_value_text): INTEGER in decimal, REAL as SQLite prints it,
 * BLOB bytes read as UTF-8. NULL gives null.
 */
export function toText(v: SqlValue): string | null {
  if (v === null) return null;
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isSafeInteger(v) ? String(v) : renderReal(v);
    case 'bigint':
      return v.toString();
    default:
      return v instanceof Real ? renderReal(v.value) : decodeUtf8(v);
  }
}

/** Text of a numeric value (INTEGER or REAL). */
export function numberToText(v: number | bigint | Real): string {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : renderReal(v);
  if (typeof v === 'bigint') return v.toString();
  return renderReal(v.value);
}

/** The bytes of a value (sqlite3_value_blob): text as UTF-8, numbers as their text. NULL gives null. */
export function toBlob(v: SqlValue): Uint8Array | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return v;
  return encodeUtf8(toText(v) as string);
}

/** sqlite3VdbeIntValue (sqlite3_value_int64): NULL -> 0, REAL truncated, text by its integer prefix. */
export function toInt64(v: SqlValue): number | bigint {
  if (v === null) return 0;
  switch (typeof v) {
    case 'number':
      return Number.isSafeInteger(v) ? v : realToInt64(v);
    case 'bigint':
      return v;
    case 'string':
      return atoi64(v).value;
    default:
      return v instanceof Real ? v.value + 0 : atoi64(blobText(v)).value;
  }
}

/** sqlite3VdbeRealValue (sqlite3_value_double): NULL -> 0.0, text by its numeric prefix. */
export function toReal(v: SqlValue): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'number':
      return v;
    case 'bigint':
      return Number(v);
    case 'string':
      return atoF(v).value;
    default:
      return v instanceof Real ? v.value : atoF(blobText(v)).value;
  }
}

/**
 * The numeric value an arithmetic operator sees for a non-NULL operand (numericType /
 * computeNumericType): numbers as they are, text and blobs parsed, never failing.
 */
export function toArithmetic(v: SqlValue): number | bigint | Real {
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Real) return v;
  if (v === null) return 0;
  const z = typeof v === 'string' ? v : blobText(v);
  const f = atoF(z);
  if (f.rc <= 0) {
    if ((f.rc & 2) === 0) {
      const a = atoi64(z);
      if (a.rc <= 1) return a.value;
    }
    return makeReal(f.value) as number | Real;
  }
  if ((f.rc & 2) === 0) {
    const a = atoi64(z);
    if (a.rc === 0) return a.value;
  }
  return makeReal(f.value) as number | Real;
}

/**
 * CAST(text AS NUMERIC) (sqlite3VdbeMemNumerify): always a number, INTEGER when the text is an
 * integer in range or a real that is exactly a small integer.
 */
export function toNumeric(text: string): number | bigint | Real {
  const f = atoF(text);
  if ((f.rc & 2) === 0) {
    const a = atoi64(text);
    if (a.rc < 2) return a.value;
  }
  const ix = realToInt64(f.value);
  if (realSameAsInt(f.value, ix)) return ix;
  return makeReal(f.value) as number | Real;
}

/**
 * applyNumericAffinity: text that looks like a number becomes one (INTEGER when written as an
 * integer in range; with `tryForInt`, also reals with no fractional part); other text is kept.
 */
export function applyNumericAffinity(text: string, tryForInt: boolean): SqlValue {
  const f = atoF(text);
  if (f.rc <= 0) return text;
  const r = f.value;
  if ((f.rc & 2) === 0) {
    const ix = realToInt64(r);
    if (realSameAsInt(r, ix)) return ix;
    const a = atoi64(text);
    if (a.rc === 0) return a.value;
  }
  if (tryForInt) {
    const ix = integerAffinity(r);
    if (ix !== null) return ix;
  }
  return makeReal(r);
}

/** sqlite3VdbeIntegerAffinity on a REAL: the integer when exactly representable, else null. */
export function integerAffinity(r: number): number | bigint | null {
  const ix = realToInt64(r);
  if (typeof ix === 'number') return r === ix ? ix : null;
  if (ix === INT64_MIN || ix === INT64_MAX) return null;
  return r === Number(ix) ? ix : null;
}

/** Integer value as a REAL. */
export function intToReal(v: number | bigint): number | Real {
  return makeReal(Number(v)) as number | Real;
}

/** Truthiness as WHERE / CASE / NOT see it (sqlite3VdbeBooleanValue); NULL gives null. */
export function toBoolean(v: SqlValue): boolean | null {
  if (v === null) return null;
  switch (typeof v) {
    case 'number':
      return v !== 0;
    case 'bigint':
      return true;
    case 'string':
      return atoF(v).value !== 0;
    default:
      return v instanceof Real ? v.value !== 0 : atoF(blobText(v)).value !== 0;
  }
}

/** CAST(v AS <affinity>) (sqlite3VdbeMemCast). NULL stays NULL. */
export function castToAffinity(v: SqlValue, aff: Affinity): SqlValue {
  if (v === null) return null;
  switch (aff) {
    case 'BLOB':
      return v instanceof Uint8Array ? v : encodeUtf8(toText(v) as string);
    case 'TEXT':
      return toText(v);
    case 'INTEGER':
      return toInt64(v);
    case 'REAL':
      return makeReal(toReal(v));
    case 'NUMERIC':
      if (typeof v === 'string') return toNumeric(v);
      if (v instanceof Uint8Array) return toNumeric(blobText(v));
      return v;
  }
}

/** CAST(v AS typeName): the type name maps to an affinity by SQLite's substring rules. */
export function castTo(v: SqlValue, typeName: string): SqlValue {
  return castToAffinity(v, affinityOfType(typeName));
}
