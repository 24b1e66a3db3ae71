/**
 * Text and blob functions of https://sqlite.org/lang_corefunc.html, as func.c computes them.
 * Characters are code points; SQLite's C strings end at a NUL character where func.c relies on
 * that (length, substr, trim sets, unicode), and those functions do the same here.
 */
import { sqliteError } from '../../common/errors.js';
import { Real, type SqlValue } from '../../common/value.js';
import { toInt64, toText } from '../semantics/convert.js';
import { formatFloat } from '../semantics/fp.js';
import { charLength, codeUnitIndex, decodeUtf8, encodeUtf8, hasSurrogates, utf8Length } from '../semantics/utf8.js';
import type { ScalarFunctionDef } from './registry.js';

const HEX = '0123456789ABCDEF';

function cutAtNul(s: string): string {
  const k = s.indexOf('\0');
  return k < 0 ? s : s.slice(0, k);
}

function num(v: number | bigint): number {
  return typeof v === 'bigint' ? Number(v) : v;
}

/** upper()/lower(): ASCII letters only. */
export function upperAscii(s: string): string {
  return /[a-z]/.test(s) ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s;
}
export function lowerAscii(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

export function length(v: SqlValue): SqlValue {
  if (v === null) return null;
  if (typeof v === 'string') return textLength(v);
  if (v instanceof Uint8Array) return v.length;
  return (toText(v) as string).length;
}

/** Characters (code points) of s before its first NUL, in one pass (length() of every row of a scan). */
function textLength(s: string): number {
  const n = s.length;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return i - pairs;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return n - pairs;
}

export function octetLength(v: SqlValue): SqlValue {
  if (v === null) return null;
  if (v instanceof Uint8Array) return v.length;
  return utf8Length(toText(v) as string);
}

/** substr(X, Y [, Z]) with SQLite's handling of zero and negative positions. */
export function substr(x: SqlValue, y: SqlValue, z: SqlValue | undefined): SqlValue {
  const isBlob = x instanceof Uint8Array;
  let p1 = num(toInt64(y));
  if (x === null) return null;
  let p2: number;
  if (z !== undefined) {
    p2 = num(toInt64(z));
    if (p2 === 0 && z === null) return null;
  } else p2 = 1000000000;
  if (p1 === 0 && y === null) return null;
  // sqlite3_value_blob() of a zero-length BLOB is a null pointer: substrFunc returns NULL
  if (isBlob && x.length === 0) return null;
  let text = '';
  let len = 0;
  let surrogates = false;
  if (isBlob) len = x.length;
  else {
    text = cutAtNul(x instanceof Real || typeof x !== 'string' ? (toText(x) as string) : x);
    surrogates = hasSurrogates(text);
    len = surrogates ? charLength(text) : text.length;
  }
  if (p1 < 0) {
    p1 += len;
    if (p1 < 0) {
      if (p2 < 0) p2 = 0;
      else p2 += p1;
      p1 = 0;
    }
  } else if (p1 > 0) {
    p1--;
  } else if (p2 > 0) {
    p2--;
  }
  if (p2 < 0) {
    if (p2 < -p1) p2 = p1;
    else p2 = -p2;
    p1 -= p2;
  }
  if (!isBlob) {
    if (p1 >= len) return '';
    const end = p1 + p2 > len ? len : p1 + p2;
    if (!surrogates) return text.slice(p1, end);
    const a = codeUnitIndex(text, p1);
    return text.slice(a, a + codeUnitIndex(text.slice(a), end - p1));
  }
  if (p1 >= len) return new Uint8Array(0);
  if (p2 > len - p1) p2 = len - p1;
  return x.slice(p1, p1 + p2);
}

/** Code points of s (for trim sets). */
function chars(s: string): string[] {
  return Array.from(s);
}

/** trim/ltrim/rtrim: flags 1 = left, 2 = right. */
export function trim(x: SqlValue, set: SqlValue | undefined, flags: number): SqlValue {
  if (x === null) return null;
  const s = toText(x) as string;
  let cs: string[];
  if (set === undefined) cs = [' '];
  else {
    const t = toText(set);
    if (t === null) return null;
    cs = chars(cutAtNul(t));
  }
  if (cs.length === 0) return s;
  let start = 0;
  let end = s.length;
  if (flags & 1) {
    for (;;) {
      const c = cs.find((ch) => s.startsWith(ch, start) && start + ch.length <= end);
      if (c === undefined || start >= end) break;
      start += c.length;
    }
  }
  if (flags & 2) {
    for (;;) {
      const c = cs.find((ch) => end - ch.length >= start && s.startsWith(ch, end - ch.length));
      if (c === undefined || end <= start) break;
      end -= c.length;
    }
  }
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

export function replace(x: SqlValue, pattern: SqlValue, rep: SqlValue): SqlValue {
  const s = toText(x);
  if (s === null) return null;
  const p = toText(pattern);
  if (p === null) return null;
  if (p.length === 0 || cutAtNul(p).length === 0) return s;
  const r = toText(rep);
  if (r === null) return null;
  const out = s.split(p).join(r);
  if (out.length > 1000000000 / 3 && utf8Length(out) > 1000000000) throw sqliteError('string or blob too big', 'SQLITE_TOOBIG');
  return out;
}

export function instr(haystack: SqlValue, needle: SqlValue): SqlValue {
  if (haystack === null || needle === null) return null;
  if (haystack instanceof Uint8Array && needle instanceof Uint8Array) {
    const n = needle.length;
    if (n === 0) return 1;
    outer: for (let i = 0; i + n <= haystack.length; i++) {
      for (let j = 0; j < n; j++) if (haystack[i + j] !== needle[j]) continue outer;
      return i + 1;
    }
    return 0;
  }
  const h = toText(haystack) as string;
  const nd = toText(needle) as string;
  if (nd.length === 0) return 1;
  const k = h.indexOf(nd);
  if (k < 0) return 0;
  return (hasSurrogates(h) ? charLength(h.slice(0, k)) : k) + 1;
}

export function hex(v: SqlValue): string {
  const b = v instanceof Uint8Array ? v : v === null ? new Uint8Array(0) : encodeUtf8(toText(v) as string);
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 32;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

export function unhex(x: SqlValue, pass: SqlValue | undefined): SqlValue {
  const t = toText(x);
  if (t === null) return null;
  let ignore = '';
  if (pass !== undefined) {
    const p = toText(pass);
    if (p === null) return null;
    ignore = p;
  }
  const z = cutAtNul(t);
  const out: number[] = [];
  let i = 0;
  while (i < z.length) {
    let c = z.charCodeAt(i);
    while (hexVal(c) < 0) {
      const cp = z.codePointAt(i) as number;
      if (!ignore.includes(String.fromCodePoint(cp))) return null;
      i += cp > 0xffff ? 2 : 1;
      if (i >= z.length) return new Uint8Array(out);
      c = z.charCodeAt(i);
    }
    i++;
    const d = i < z.length ? hexVal(z.charCodeAt(i)) : -1;
    if (d < 0) return null;
    i++;
    out.push((hexVal(c) << 4) | d);
  }
  return new Uint8Array(out);
}

/**
 * char(): SQLite writes each code point as UTF-8 on its own, a surrogate (U+D800..U+DFFF) too,
 * as 3 ill-formed bytes (ED A0 80 for 55296) that count as one character and read back as
 * U+FFFD (sqlite3Utf8Read). A JS string cannot hold those bytes, so a surrogate becomes U+FFFD
 * here, one character either way (a pair of them stays two characters, as in SQLite, instead
 * of joining into one code point); hex() and the bytes differ (docs/compat.md).
 */
export function charFn(args: readonly SqlValue[]): string {
  let s = '';
  for (const a of args) {
    let x = num(toInt64(a));
    if (x < 0 || x > 0x10ffff || (x >= 0xd800 && x <= 0xdfff)) x = 0xfffd;
    s += String.fromCodePoint(x);
  }
  return s;
}

export function unicode(v: SqlValue): SqlValue {
  const t = toText(v);
  if (t === null || t.length === 0 || t.charCodeAt(0) === 0) return null;
  return t.codePointAt(0) as number;
}

/** concat(...) and concat_ws(sep, ...): NULL arguments are skipped. */
export function concatWs(sep: string, args: readonly SqlValue[], from: number): string {
  let out = '';
  let any = false;
  for (let i = from; i < args.length; i++) {
    const v = args[i];
    if (v === null) continue;
    if (any && sep.length > 0) out += sep;
    out += typeof v === 'string' ? v : (toText(v) as string);
    any = true;
  }
  return out;
}

const SOUNDEX_CODE = [
  0, 0, 1, 2, 3, 0, 1, 2, 0, 0, 2, 2, 4, 5, 5, 0, 1, 2, 6, 2, 3, 0, 1, 0, 2, 0, 2,
];

function soundexCode(b: number): number {
  const c = (b & 0x7f) | 0x20; // iCode[] is the same for both cases
  const k = (b & 0x7f) >= 0x41 && (b & 0x7f) <= 0x5a ? (b & 0x7f) - 0x40 : (b & 0x7f) >= 0x61 && (b & 0x7f) <= 0x7a ? (b & 0x7f) - 0x60 : -1;
  void c;
  return k < 0 ? 0 : SOUNDEX_CODE[k];
}

export function soundex(v: SqlValue): string {
  const t = toText(v);
  const z = encodeUtf8(t === null ? '' : cutAtNul(t));
  let i = 0;
  const isAlpha = (b: number) => (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
  while (i < z.length && !isAlpha(z[i])) i++;
  if (i >= z.length) return '?000';
  let prev = soundexCode(z[i]);
  let r = String.fromCharCode(z[i] >= 97 ? z[i] - 32 : z[i]);
  for (; r.length < 4 && i < z.length; i++) {
    const code = soundexCode(z[i]);
    if (code > 0) {
      if (code !== prev) {
        prev = code;
        r += String.fromCharCode(48 + code);
      }
    } else prev = 0;
  }
  return r.padEnd(4, '0');
}

/** The SQL literal for a value (quote()): 'text' with quotes doubled, X'hex', numbers, NULL. */
export function quote(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return "'" + cutAtNul(v).replace(/'/g, "''") + "'";
  if (v instanceof Uint8Array) return "X'" + hex(v) + "'";
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  const r = v instanceof Real ? v.value : v;
  return formatFloat(r, {
    conv: 103,
    precision: 17,
    width: 0,
    leftJustify: false,
    prefix: '',
    alternate: false,
    altform2: true,
    zeroPad: true,
    thousands: false,
  });
}

function isNHex(z: string, at: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = at + k < z.length ? hexVal(z.charCodeAt(at + k)) : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

function appendCodePoint(v: number): string {
  if (v > 0x10ffff) return '\ufffd';
  if (v >= 0xd800 && v <= 0xdfff) return String.fromCharCode(v);
  return String.fromCodePoint(v);
}

/** unistr(X): \XXXX, \uXXXX, \+XXXXXX, \UXXXXXXXX and \\ escapes. */
export function unistr(v: SqlValue): SqlValue {
  const z = toText(v);
  if (z === null) return null;
  let out = '';
  let i = 0;
  for (;;) {
    const k = z.indexOf('\\', i);
    if (k < 0) return out + z.slice(i);
    out += z.slice(i, k);
    i = k;
    const next = i + 1 < z.length ? z.charCodeAt(i + 1) : 0;
    let cp: number;
    if (next === 92) {
      out += '\\';
      i += 2;
      continue;
    } else if (hexVal(next) >= 0) {
      cp = isNHex(z, i + 1, 4);
      i += 5;
    } else if (next === 43) {
      cp = isNHex(z, i + 2, 6);
      i += 8;
    } else if (next === 117) {
      cp = isNHex(z, i + 2, 4);
      i += 6;
    } else if (next === 85) {
      cp = isNHex(z, i + 2, 8);
      i += 10;
    } else cp = -1;
    if (cp < 0) throw sqliteError('invalid Unicode escape');
    out += appendCodePoint(cp);
  }
}

export function zeroblob(v: SqlValue): Uint8Array {
  let n = num(toInt64(v));
  if (n < 0) n = 0;
  if (n > 1000000000) throw sqliteError('string or blob too big', 'SQLITE_TOOBIG');
  return new Uint8Array(n);
}

function s1(name: string, impl: (a: SqlValue) => SqlValue): ScalarFunctionDef {
  return { name, nArgs: 1, deterministic: true, impl: (a) => impl(a[0]) };
}

export const textScalars: ScalarFunctionDef[] = [
  s1('length', length),
  s1('octet_length', octetLength),
  s1('upper', (v) => (v === null ? null : upperAscii(toText(v) as string))),
  s1('lower', (v) => (v === null ? null : lowerAscii(toText(v) as string))),
  { name: 'substr', nArgs: 2, deterministic: true, impl: (a) => substr(a[0], a[1], undefined) },
  { name: 'substr', nArgs: 3, deterministic: true, impl: (a) => substr(a[0], a[1], a[2]) },
  { name: 'substring', nArgs: 2, deterministic: true, impl: (a) => substr(a[0], a[1], undefined) },
  { name: 'substring', nArgs: 3, deterministic: true, impl: (a) => substr(a[0], a[1], a[2]) },
  { name: 'trim', nArgs: 1, deterministic: true, impl: (a) => trim(a[0], undefined, 3) },
  { name: 'trim', nArgs: 2, deterministic: true, impl: (a) => trim(a[0], a[1], 3) },
  { name: 'ltrim', nArgs: 1, deterministic: true, impl: (a) => trim(a[0], undefined, 1) },
  { name: 'ltrim', nArgs: 2, deterministic: true, impl: (a) => trim(a[0], a[1], 1) },
  { name: 'rtrim', nArgs: 1, deterministic: true, impl: (a) => trim(a[0], undefined, 2) },
  { name: 'rtrim', nArgs: 2, deterministic: true, impl: (a) => trim(a[0], a[1], 2) },
  { name: 'replace', nArgs: 3, deterministic: true, impl: (a) => replace(a[0], a[1], a[2]) },
  { name: 'instr', nArgs: 2, deterministic: true, impl: (a) => instr(a[0], a[1]) },
  s1('hex', hex),
  { name: 'unhex', nArgs: 1, deterministic: true, impl: (a) => unhex(a[0], undefined) },
  { name: 'unhex', nArgs: 2, deterministic: true, impl: (a) => unhex(a[0], a[1]) },
  { name: 'char', nArgs: -1, deterministic: true, impl: (a) => charFn(a) },
  s1('unicode', unicode),
  { name: 'concat', nArgs: -1, minArgs: 1, deterministic: true, impl: (a) => concatWs('', a, 0) },
  {
    name: 'concat_ws',
    nArgs: -1,
    minArgs: 2,
    deterministic: true,
    impl: (a) => {
      const sep = toText(a[0]);
      return sep === null ? null : concatWs(sep, a, 1);
    },
  },
  s1('soundex', soundex),
  s1('quote', quote),
  s1('unistr', unistr),
  s1('zeroblob', zeroblob),
];

export { decodeUtf8 };
