/** Shared helpers for the JSON function tests: a seeded RNG, random JSON, and an oracle runner. */
import Database from 'better-sqlite3';
import { SqliteError } from '../../../engine/common/errors.js';
import { Real, type SqlValue } from '../../../engine/common/value.js';
import type { FunctionContext, ScalarFunctionDef } from '../../../engine/sql/functions/json/types.js';

export const db = new Database(':memory:');
db.defaultSafeIntegers(true);

export const ctx: FunctionContext = {
  now: () => Date.UTC(2024, 0, 15, 12, 30, 45, 123),
  lastInsertRowid: () => 0,
  changes: () => 0,
  totalChanges: () => 0,
  caseSensitiveLike: () => false,
};

/** mulberry32 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Outcome = { v: unknown } | { err: string };

/** Normalise one of our values to what better-sqlite3 (safeIntegers) returns. */
export function norm(v: SqlValue): unknown {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (v instanceof Real) return v.value;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex') + ':blob';
  return v;
}

function normOracle(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex') + ':blob';
  return v;
}

const stmtCache = new Map<string, Database.Statement>();
/** Runs `sql` (which may use ?1, ?2 ... any number of times) with params; first column of the row. */
export function oracle(sqlN: string, paramsN: readonly unknown[]): Outcome {
  const order: number[] = [];
  const sql = sqlN.replace(/\?(\d+)/g, (_m, d: string) => {
    order.push(Number(d) - 1);
    return '?';
  });
  const params = order.map((i) => paramsN[i]);
  try {
    let st = stmtCache.get(sql);
    if (!st) {
      st = db.prepare(sql);
      st.raw(true);
      stmtCache.set(sql, st);
    }
    const row = st.get(...(params as unknown[])) as unknown[];
    return { v: normOracle(row[0]) };
  } catch (e) {
    return { err: (e as Error).message };
  }
}

export function ours(f: () => SqlValue): Outcome {
  try {
    return { v: norm(f()) };
  } catch (e) {
    if (e instanceof SqliteError) return { err: e.message };
    throw e;
  }
}

/** Our value for a bound parameter as better-sqlite3 would bind it. */
export function toSql(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  if (typeof v === 'number') return Number.isInteger(v) ? new Real(v) : v;
  if (Buffer.isBuffer(v)) return new Uint8Array(v);
  return v as SqlValue;
}

export function findFn(list: readonly ScalarFunctionDef[], name: string, nArgs: number): ScalarFunctionDef {
  const f = list.find((d) => d.name === name && (d.nArgs === nArgs || d.nArgs === -1));
  if (!f) throw new Error(`no function ${name}/${nArgs}`);
  return f;
}

const KEYS = ['a', 'b', 'c', 'key', 'x y', 'é', '$id', '_u', '1', '', 'a"b', 'a.b', 'a[0]', '\u{1F600}', 'tab\t'];
const STRINGS = ['', 'hello', 'with "quotes"', 'back\\slash', 'new\nline', 'uni\u00e9\u4e2d', 'emoji \u{1F600}', "it's", 'ctl\u0001\u001f', '/slash'];

/** A random JSON value as a JS structure; numbers are kept as source text. */
export function randomJsonText(r: () => number, depth = 0, json5 = false): string {
  const k = Math.floor(r() * (depth > 3 ? 6 : 9));
  const ws = (): string => (r() < 0.15 ? [' ', '\n', '\t', '\r\n  '][Math.floor(r() * 4)] : '') +
    (json5 && r() < 0.05 ? ['/* c */', '// line\n'][Math.floor(r() * 2)] : '');
  switch (k) {
    case 0:
      return 'null';
    case 1:
      return r() < 0.5 ? 'true' : 'false';
    case 2:
      return randomNumberText(r, json5);
    case 3:
    case 4:
      return randomStringText(r, json5);
    case 5:
      return randomNumberText(r, json5);
    case 6:
    case 7: {
      const n = Math.floor(r() * 5);
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(ws() + randomJsonText(r, depth + 1, json5) + ws());
      return '[' + items.join(',') + (json5 && n > 0 && r() < 0.2 ? ',' : '') + ']';
    }
    default: {
      const n = Math.floor(r() * 5);
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        const key = KEYS[Math.floor(r() * KEYS.length)];
        let kt = JSON.stringify(key);
        if (json5 && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) && r() < 0.5) kt = key;
        else if (json5 && r() < 0.2) kt = "'" + key.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
        items.push(ws() + kt + ws() + ':' + ws() + randomJsonText(r, depth + 1, json5));
      }
      return '{' + items.join(',') + (json5 && n > 0 && r() < 0.2 ? ',' : '') + '}';
    }
  }
}

export function randomNumberText(r: () => number, json5: boolean): string {
  const k = Math.floor(r() * (json5 ? 14 : 8));
  switch (k) {
    case 0: return String(Math.floor(r() * 100));
    case 1: return String(-Math.floor(r() * 1e6));
    case 2: return (r() * 1000).toFixed(Math.floor(r() * 6) + 1);
    case 3: return ['9223372036854775807', '-9223372036854775808', '9223372036854775808', '123456789012345678901234', '-0', '0'][Math.floor(r() * 6)];
    case 4: return `${Math.floor(r() * 10)}.${Math.floor(r() * 1000)}e${Math.floor(r() * 40) - 20}`;
    case 5: return `${Math.floor(r() * 10)}E+${Math.floor(r() * 400)}`;
    case 6: return String(r() * 10 ** (Math.floor(r() * 40) - 20));
    case 7: return '1.5e-7';
    case 8: return '0x' + Math.floor(r() * 0xffffff).toString(16);
    case 9: return '+' + Math.floor(r() * 100);
    case 10: return '.' + Math.floor(r() * 100);
    case 11: return Math.floor(r() * 100) + '.';
    case 12: return ['Infinity', '-Infinity', 'NaN', '-inf', 'QNaN', '0X7fffffffffffffff', '-0x8000000000000000', '0xfffffffffffffffff'][Math.floor(r() * 8)];
    default: return '-.5e3';
  }
}

export function randomStringText(r: () => number, json5: boolean): string {
  const s = STRINGS[Math.floor(r() * STRINGS.length)];
  const k = Math.floor(r() * (json5 ? 5 : 3));
  if (k === 0) return JSON.stringify(s);
  if (k === 1) {
    // escape some characters with \\u
    let out = '"';
    for (const ch of s) {
      const c = ch.codePointAt(0) as number;
      if (c > 0xffff) out += ch.split('').map((u) => '\\u' + u.charCodeAt(0).toString(16).padStart(4, '0')).join('');
      else if (r() < 0.3 || c < 0x20 || ch === '"' || ch === '\\') out += '\\u' + c.toString(16).padStart(4, r() < 0.5 ? '0' : '0').toUpperCase();
      else out += ch;
    }
    return out + '"';
  }
  if (k === 2) return JSON.stringify(s).replace(/\//g, '\\/');
  if (k === 3) return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'";
  return '"' + ['\\x41\\v\\0', "\\'q", 'line\\\nnext', 'raw\ttab', 'a\\u00e9'][Math.floor(r() * 5)] + '"';
}

/** A random mutation of a text (for malformed inputs). */
export function mutate(r: () => number, s: string): string {
  // never split a surrogate pair: lone surrogates are not representable in SQLite text
  let i = Math.floor(r() * (s.length + 1));
  if (i > 0 && i < s.length && s.charCodeAt(i) >= 0xdc00 && s.charCodeAt(i) <= 0xdfff) i++;
  const k = Math.floor(r() * 3);
  const junk = ['{', '}', '[', ']', ',', ':', '"', "'", 'x', '\\', '0', '.', 'e', '-', ' ', '\u00e9'];
  if (k === 0) {
    const w = s.codePointAt(i) !== undefined && (s.codePointAt(i) as number) > 0xffff ? 2 : 1;
    return s.slice(0, i) + s.slice(i + w);
  }
  if (k === 1) return s.slice(0, i) + junk[Math.floor(r() * junk.length)] + s.slice(i);
  return s.slice(0, i);
}

/** Paths that exist in a parsed JS value, plus some that do not or are malformed. */
export function randomPath(r: () => number, value: unknown): string {
  let path = '$';
  let v = value;
  const steps = Math.floor(r() * 4);
  for (let s = 0; s < steps; s++) {
    if (Array.isArray(v) && v.length > 0) {
      const i = Math.floor(r() * (v.length + 1));
      const form = Math.floor(r() * 3);
      path += form === 0 ? `[${i}]` : form === 1 ? `[#-${v.length - i}]` : `[${i}]`;
      v = v[i];
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v as object);
      const key = keys.length > 0 && r() < 0.85 ? keys[Math.floor(r() * keys.length)] : KEYS[Math.floor(r() * KEYS.length)];
      path += /^[A-Za-z0-9_$]+$/.test(key) && r() < 0.7 ? '.' + key : '.' + JSON.stringify(key);
      v = (v as Record<string, unknown>)[key];
    } else {
      break;
    }
  }
  const x = r();
  if (x < 0.04) return path + '.';
  if (x < 0.06) return path + '[';
  if (x < 0.08) return path + '[x]';
  if (x < 0.10) return 'a' + path;
  if (x < 0.12) return path + '[#]';
  if (x < 0.14) return path + '.nope';
  if (x < 0.16) return path + '[99]';
  if (x < 0.18) return path + '."unterminated';
  return path;
}
