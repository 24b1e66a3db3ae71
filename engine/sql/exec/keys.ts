/**
 * Hash keys for values: two values get the same key exactly when SQLite's comparison under the
 * given built-in collation says they are equal (INTEGER 1 and REAL 1.0 are equal; NOCASE folds
 * ASCII case; RTRIM ignores trailing spaces). Used by DISTINCT, GROUP BY, IN sets and hash joins.
 * Collations defined by the user cannot be hashed (`hashableCollation` says so).
 */
import { Real, type SqlValue } from '../../common/value.js';

export type CollationName = 'BINARY' | 'NOCASE' | 'RTRIM';

export function hashableCollation(name: string | null): CollationName | null {
  if (name === null) return 'BINARY';
  const u = name.toUpperCase();
  return u === 'BINARY' || u === 'NOCASE' || u === 'RTRIM' ? u : null;
}

function asciiLower(s: string): string {
  // toLowerCase would fold non-ASCII letters too; NOCASE only folds A-Z
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  return s;
}

function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

/** An integral double beyond 2^53 is keyed by its exact digits, as the equal bigint is. */
function numberKey(v: number): string {
  return 'n' + (Number.isSafeInteger(v) || !Number.isInteger(v) ? String(v) : BigInt(v).toString());
}

export function valueKey(v: SqlValue, coll: CollationName = 'BINARY'): string {
  if (v === null) return 'N';
  switch (typeof v) {
    case 'number':
      // an integral double beyond 2^53 is keyed by its exact digits, as the equal bigint is
      return numberKey(v);
    case 'bigint':
      return 'n' + String(v);
    case 'string':
      if (coll === 'BINARY') return 't' + v;
      if (coll === 'NOCASE') return 't' + asciiLower(v);
      return 't' + v.replace(/ +$/, '');
    default:
      if (v instanceof Real) return numberKey(v.value);
      return 'b' + hex(v);
  }
}

/** Key of a row of values (one collation per column). */
export function rowKey(vals: readonly SqlValue[], colls: readonly CollationName[]): string {
  if (vals.length === 1) return valueKey(vals[0], colls[0]);
  let s = '';
  for (let i = 0; i < vals.length; i++) s += valueKey(vals[i], colls[i]) + '\u0000';
  return s;
}
