/**
 * Values of literal tokens: numbers (sqlite3DecOrHexToI64 / sqlite3AtoF rules), strings, blobs,
 * and digit-separator numbers (sqlite3DequoteNumber).
 */
import { INT64_MAX, integerFromBigInt, makeReal, type SqlValue } from '../../common/value.js';
import { isHexDigit } from '../lexer.js';

export interface NumberValue {
  value: SqlValue;
  /** Set for a hex literal wider than 64 bits: the message SQLite reports at code generation. */
  hexTooBig: boolean;
}

/** Value of an INTEGER token (decimal or 0x hex). Decimal beyond int64 becomes REAL, as in SQLite. */
export function integerValue(text: string): NumberValue {
  const c1 = text.charCodeAt(1);
  if (text.length > 2 && text.charCodeAt(0) === 48 && (c1 === 120 || c1 === 88)) {
    let i = 2;
    while (i < text.length && text.charCodeAt(i) === 48) i++;
    const digits = text.slice(i);
    if (digits.length > 16) return { value: 0, hexTooBig: true };
    if (digits.length === 0) return { value: 0, hexTooBig: false };
    return { value: integerFromBigInt(BigInt.asIntN(64, BigInt('0x' + digits))), hexTooBig: false };
  }
  if (text.length <= 15) return { value: Number(text), hexTooBig: false };
  const b = BigInt(text);
  if (b > INT64_MAX) return { value: makeReal(Number(text)), hexTooBig: false };
  return { value: integerFromBigInt(b), hexTooBig: false };
}

export function floatValue(text: string): SqlValue {
  return makeReal(Number(text));
}

/**
 * sqlite3DequoteNumber: removes `_` separators, each of which must sit between two (hex) digits.
 * Returns the cleaned text and whether it is a float, or an error text (SQLite reports the token
 * as it looks at the moment of the error, partly rewritten in place).
 */
export function dequoteNumber(text: string): { text: string; isFloat: boolean } | { error: string } {
  const z = text.split('');
  const bHex = z[0] === '0' && (z[1] === 'x' || z[1] === 'X');
  let isFloat = false;
  let out = 0;
  for (let i = 0; i < z.length; i++) {
    const ch = z[i];
    if (ch !== '_') {
      z[out++] = ch;
      if (!bHex && (ch === 'e' || ch === 'E' || ch === '.')) isFloat = true;
    } else {
      const prev = i > 0 ? z[i - 1].charCodeAt(0) : 0;
      const next = i + 1 < z.length ? z[i + 1].charCodeAt(0) : 0;
      const ok = bHex ? isHexDigit(prev) && isHexDigit(next) : isDigitCode(prev) && isDigitCode(next);
      if (!ok) return { error: z.join('') };
    }
  }
  return { text: z.slice(0, out).join(''), isFloat };
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Value of a STRING token ('...' with '' escapes). */
export function stringValue(text: string): string {
  const inner = text.slice(1, -1);
  return inner.indexOf("'") < 0 ? inner : inner.split("''").join("'");
}

/** Value of a BLOB token x'...'. */
export function blobValue(text: string): Uint8Array {
  const hex = text.slice(2, -1);
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
