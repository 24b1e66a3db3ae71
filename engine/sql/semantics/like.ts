/**
 * LIKE and GLOB (func.c patternCompare), compiled once per pattern into a matcher.
 *
 * LIKE: '%' any sequence, '_' one character, optional ESCAPE character; ASCII letters match
 * case-insensitively unless PRAGMA case_sensitive_like is on (other characters never fold).
 * GLOB: '*', '?', '[...]' with ranges and '^' negation; case-sensitive.
 * Text ends at the first NUL character, as in SQLite's C strings. This build of SQLite
 * (better-sqlite3) has LIKE_DOESNT_MATCH_BLOBS: a BLOB operand never matches.
 *
 * Patterns of the common shapes ('abc', 'abc%', '%abc', '%abc%') become direct string tests;
 * everything else runs a port of patternCompare over code points.
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import { toText } from './convert.js';
import { utf8Length } from './utf8.js';

export type Matcher = (s: string) => boolean;

const MATCH = 0;
const NOMATCH = 1;
const NOWILDCARDMATCH = 2;

interface CompareInfo {
  matchAll: number;
  matchOne: number;
  matchSet: number;
  noCase: boolean;
}

/** Code points of s up to its first NUL, followed by a 0 sentinel. */
function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c === 0) break;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
      }
    }
    out.push(c);
  }
  out.push(0);
  return out;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
function upper(c: number): number {
  return c >= 97 && c <= 122 ? c - 32 : c;
}

/** Port of patternCompare: pattern p from index pi against string z from index zi. */
function patternCompare(p: number[], pi: number, z: number[], zi: number, info: CompareInfo, matchOther: number): number {
  const { matchOne, matchAll, noCase } = info;
  let escapedAt = -1;
  let c: number;
  while ((c = p[pi++]) !== 0) {
    if (c === matchAll) {
      while ((c = p[pi++]) === matchAll || (c === matchOne && matchOne !== 0)) {
        if (c === matchOne && z[zi++] === 0) return NOWILDCARDMATCH;
      }
      if (c === 0) return MATCH;
      if (c === matchOther) {
        if (info.matchSet === 0) {
          c = p[pi++];
          if (c === 0) return NOWILDCARDMATCH;
        } else {
          while (z[zi] !== 0) {
            const r = patternCompare(p, pi - 1, z, zi, info, matchOther);
            if (r !== NOMATCH) return r;
            zi++;
          }
          return NOWILDCARDMATCH;
        }
      }
      if (c < 0x80) {
        const s1 = noCase ? upper(c) : c;
        const s2 = noCase ? lower(c) : c;
        for (;;) {
          let c2: number;
          while ((c2 = z[zi]) !== 0 && c2 !== s1 && c2 !== s2) zi++;
          if (c2 === 0) break;
          zi++;
          const r = patternCompare(p, pi, z, zi, info, matchOther);
          if (r !== NOMATCH) return r;
        }
      } else {
        let c2: number;
        while ((c2 = z[zi++]) !== 0) {
          if (c2 !== c) continue;
          const r = patternCompare(p, pi, z, zi, info, matchOther);
          if (r !== NOMATCH) return r;
        }
      }
      return NOWILDCARDMATCH;
    }
    if (c === matchOther) {
      if (info.matchSet === 0) {
        c = p[pi++];
        if (c === 0) return NOMATCH;
        escapedAt = pi;
      } else {
        let priorC = 0;
        let seen = false;
        let invert = false;
        c = z[zi++];
        if (c === 0) return NOMATCH;
        let c2 = p[pi++];
        if (c2 === 94) {
          invert = true;
          c2 = p[pi++];
        }
        if (c2 === 93) {
          if (c === 93) seen = true;
          c2 = p[pi++];
        }
        while (c2 !== 0 && c2 !== 93) {
          if (c2 === 45 && p[pi] !== 93 && p[pi] !== 0 && priorC > 0) {
            c2 = p[pi++];
            if (c >= priorC && c <= c2) seen = true;
            priorC = 0;
          } else {
            if (c === c2) seen = true;
            priorC = c2;
          }
          c2 = p[pi++];
        }
        if (c2 === 0 || seen === invert) return NOMATCH;
        continue;
      }
    }
    const c2 = z[zi++];
    if (c === c2) continue;
    if (noCase && c < 0x80 && c2 < 0x80 && lower(c) === lower(c2)) continue;
    if (c === matchOne && pi !== escapedAt && c2 !== 0) continue;
    return NOMATCH;
  }
  return z[zi] === 0 ? MATCH : NOMATCH;
}

function cutAtNul(s: string): string {
  const k = s.indexOf('\0');
  return k < 0 ? s : s.slice(0, k);
}

function hasAsciiLetter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** s[at..] starts with lit (lit already lower-cased), ASCII letters folded. */
function matchesFoldedAt(s: string, at: number, lit: string): boolean {
  for (let i = 0; i < lit.length; i++) {
    if (lower(s.charCodeAt(at + i)) !== lit.charCodeAt(i)) return false;
  }
  return true;
}

function indexOfFolded(s: string, lit: string): number {
  const last = s.length - lit.length;
  for (let i = 0; i <= last; i++) if (matchesFoldedAt(s, i, lit)) return i;
  return -1;
}

/**
 * Matchers for patterns of the shape [%]literal[%] (no single-character wildcards). Returns
 * null for any other shape.
 */
function simpleMatcher(lead: boolean, lit: string, trail: boolean, noCase: boolean): Matcher {
  if (noCase && hasAsciiLetter(lit)) {
    const l = lit.replace(/[A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 32));
    if (!lead && !trail) return (s) => ((s = cutAtNul(s)), s.length === l.length && matchesFoldedAt(s, 0, l));
    if (!lead) return (s) => ((s = cutAtNul(s)), s.length >= l.length && matchesFoldedAt(s, 0, l));
    if (!trail) return (s) => ((s = cutAtNul(s)), s.length >= l.length && matchesFoldedAt(s, s.length - l.length, l));
    return (s) => indexOfFolded(cutAtNul(s), l) >= 0;
  }
  if (!lead && !trail) return (s) => cutAtNul(s) === lit;
  if (!lead) return (s) => cutAtNul(s).startsWith(lit);
  if (!trail) return (s) => cutAtNul(s).endsWith(lit);
  if (lit.length === 0) return () => true;
  return (s) => cutAtNul(s).includes(lit);
}

/**
 * Splits a pattern into leading wildcard, literal, trailing wildcard when it has that shape,
 * resolving escapes; null otherwise.
 */
function simpleShape(p: number[], info: CompareInfo, matchOther: number): { lead: boolean; lit: string; trail: boolean } | null {
  let i = 0;
  let lead = false;
  while (p[i] === info.matchAll && p[i] !== 0) {
    lead = true;
    i++;
  }
  let lit = '';
  for (;;) {
    const c = p[i];
    if (c === 0) return { lead, lit, trail: false };
    if (c === info.matchAll) break;
    if (c === info.matchOne && info.matchOne !== 0) return null;
    if (c === matchOther) {
      if (info.matchSet !== 0) return null;
      const e = p[i + 1];
      if (e === 0) return null;
      lit += String.fromCodePoint(e);
      i += 2;
      continue;
    }
    lit += String.fromCodePoint(c);
    i++;
  }
  while (p[i] === info.matchAll && p[i] !== 0) i++;
  if (p[i] !== 0) return null;
  return { lead, lit, trail: true };
}

function compile(pattern: string, info: CompareInfo, matchOther: number): Matcher {
  const p = codePoints(pattern);
  const shape = simpleShape(p, info, matchOther);
  if (shape !== null) return simpleMatcher(shape.lead, shape.lit, shape.trail, info.noCase);
  return (s) => patternCompare(p, 0, codePoints(s), 0, info, matchOther) === MATCH;
}

const likeCache = new Map<string, Matcher>();
const globCache = new Map<string, Matcher>();
const CACHE_LIMIT = 256;

function remember(cache: Map<string, Matcher>, key: string, m: Matcher): Matcher {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, m);
  return m;
}

/**
 * The matcher for `x LIKE pattern [ESCAPE escape]`. `escape` is the escape character or null.
 *
 * @example compileLike('a%', null, false)('ABC') === true
 */
export function compileLike(pattern: string, escape: string | null, caseSensitive: boolean): Matcher {
  const key = (caseSensitive ? 'C' : 'c') + (escape ?? '') + '\u0000' + pattern;
  const hit = likeCache.get(key);
  if (hit !== undefined) return hit;
  const esc = escape === null ? 0 : (escape.codePointAt(0) as number);
  const info: CompareInfo = {
    matchAll: esc === 37 ? 0 : 37,
    matchOne: esc === 95 ? 0 : 95,
    matchSet: 0,
    noCase: !caseSensitive,
  };
  return remember(likeCache, key, compile(pattern, info, esc));
}

/**
 * The matcher for `x GLOB pattern`.
 *
 * @example compileGlob('[a-c]*')('bob') === true
 */
export function compileGlob(pattern: string): Matcher {
  const hit = globCache.get(pattern);
  if (hit !== undefined) return hit;
  const info: CompareInfo = { matchAll: 42, matchOne: 63, matchSet: 91, noCase: false };
  return remember(globCache, pattern, compile(pattern, info, 91));
}

/** SQLITE_MAX_LIKE_PATTERN_LENGTH in this build. */
const MAX_LIKE_PATTERN_LENGTH = 50000;

function checkPatternLength(pattern: string): void {
  if (pattern.length > MAX_LIKE_PATTERN_LENGTH / 3 && utf8Length(pattern) > MAX_LIKE_PATTERN_LENGTH) {
    throw sqliteError('LIKE or GLOB pattern too complex');
  }
}

function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * The like(pattern, string [, escape]) function, i.e. `string LIKE pattern [ESCAPE escape]`:
 * 1, 0 or NULL. Errors as SQLite: "ESCAPE expression must be a single character",
 * "LIKE or GLOB pattern too complex".
 */
export function likeMatch(pattern: SqlValue, str: SqlValue, escape: SqlValue | undefined, caseSensitive: boolean): SqlValue {
  if (pattern instanceof Uint8Array || str instanceof Uint8Array) return 0;
  const pat = toText(pattern);
  if (pat !== null) checkPatternLength(pat);
  let esc: string | null = null;
  if (escape !== undefined) {
    const e = toText(escape);
    if (e === null) return null;
    if (charCount(cutAtNul(e)) !== 1) throw sqliteError('ESCAPE expression must be a single character');
    esc = e;
  }
  const s = toText(str);
  if (pat === null || s === null) return null;
  return compileLike(pat, esc, caseSensitive)(s) ? 1 : 0;
}

/** The glob(pattern, string) function, i.e. `string GLOB pattern`: 1, 0 or NULL. */
export function globMatch(pattern: SqlValue, str: SqlValue): SqlValue {
  if (pattern instanceof Uint8Array || str instanceof Uint8Array) return 0;
  const pat = toText(pattern);
  if (pat !== null) checkPatternLength(pat);
  const s = toText(str);
  if (pat === null || s === null) return null;
  return compileGlob(pat)(s) ? 1 : 0;
}
