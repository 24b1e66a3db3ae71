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

export function valueKey(v: SqlValue, coll: CollationName = 'BINARY'): string {
  if (v === null) return 'N';
  switch (typeof v) {
    case 'number':
      return 'n' + String(v);
    case 'bigint':
      return 'n' + String(v);
    case 'string':
      if (coll === 'BINARY') return 't' + v;
      if (coll === 'NOCASE') return 't' + asciiLower(v);
      return 't' + v.replace(/ +$/, '');
    default:
      if (v instanceof Real) return 'n' + String(v.value);
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
