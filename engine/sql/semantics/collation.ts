/**
 * The built-in collating sequences (https://sqlite.org/datatype3.html §7): BINARY (UTF-8 byte
 * order), NOCASE (ASCII letters folded to lower case, nothing else) and RTRIM (BINARY ignoring
 * trailing spaces). Names are case-insensitive.
 */
import { SqliteError } from '../../common/errors.js';
import type { Collation } from '../../common/value.js';

/** BINARY: memcmp of the UTF-8 encodings, computed on UTF-16 code units. */
export const binaryCollation: Collation = (a, b) => {
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
};

function foldAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Surrogates (supplementary code points) sort after U+E000..U+FFFF in UTF-8. */
function utf8Rank(c: number): number {
  return c >= 0xd800 && c <= 0xdfff ? c + 0x2800 : c;
}

/** NOCASE: like BINARY but with A-Z equal to a-z (sqlite3StrNICmp). */
export const nocaseCollation: Collation = (a, b) => {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca !== cb) {
      ca = foldAscii(ca);
      cb = foldAscii(cb);
      if (ca !== cb) {
        if (ca >= 0xd800 && cb >= 0xd800) return utf8Rank(ca) - utf8Rank(cb);
        return ca - cb;
      }
    }
  }
  return a.length - b.length;
};

function trimTrailingSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** RTRIM: BINARY after removing trailing spaces (U+0020 only). */
export const rtrimCollation: Collation = (a, b) => binaryCollation(trimTrailingSpaces(a), trimTrailingSpaces(b));

const builtins = new Map<string, Collation>([
  ['binary', binaryCollation],
  ['nocase', nocaseCollation],
  ['rtrim', rtrimCollation],
]);

/** The collation named `name` (any case), or undefined. */
export function findCollation(name: string): Collation | undefined {
  return builtins.get(name.toLowerCase());
}

/**
 * The collation named `name`, or SqliteError `no such collation sequence: <name>`
 * (code SQLITE_ERROR_MISSING_COLLSEQ).
 *
 * @example getCollation('NoCase')('ABC', 'abc') === 0
 */
export function getCollation(name: string): Collation {
  const c = builtins.get(name.toLowerCase());
  if (c === undefined) throw new SqliteError(`no such collation sequence: ${name}`, 'SQLITE_ERROR_MISSING_COLLSEQ');
  return c;
}

/** True when `c` is BINARY (lets callers skip the collation call on hot paths). */
export function isBinaryCollation(c: Collation | undefined): boolean {
  return c === undefined || c === binaryCollation;
}
