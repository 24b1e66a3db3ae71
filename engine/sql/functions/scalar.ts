/**
 * Core scalar functions of https://sqlite.org/lang_corefunc.html other than the text functions
 * (text.ts): types, NULL handling, numbers, randomness, connection state, LIKE/GLOB, printf.
 */
import { sqliteError } from '../../common/errors.js';
import {
  INT64_MIN,
  Real,
  compareValues,
  makeReal,
  storageClass,
  type Collation,
  type SqlValue,
} from '../../common/value.js';
import { applyNumericAffinity, toBoolean, toInt64, toReal, toText } from '../semantics/convert.js';
import { atoF, formatFloat } from '../semantics/fp.js';
import { globMatch, likeMatch } from '../semantics/like.js';
import { sqlPrintf } from './printf.js';
import type { ScalarFunctionDef } from './registry.js';

export const SQLITE_VERSION = '3.53.2';
export const SQLITE_SOURCE_ID = '2026-06-03 19:12:13 d6e03d8c777cfa2d35e3b60d8ec3e0187f3e9f99d8e2ee9cac695fd6fcdf1a24';

/** The compile options of the SQLite build that better-sqlite3 12 bundles (PRAGMA compile_options). */
export const COMPILE_OPTIONS: readonly string[] = (
  'ATOMIC_INTRINSICS=1 COMPILER=gcc-12.2.0 DEFAULT_AUTOVACUUM DEFAULT_CACHE_SIZE=-16000 ' +
  'DEFAULT_FILE_FORMAT=4 DEFAULT_FOREIGN_KEYS DEFAULT_JOURNAL_SIZE_LIMIT=-1 DEFAULT_MEMSTATUS=0 ' +
  'DEFAULT_MMAP_SIZE=0 DEFAULT_PAGE_SIZE=4096 DEFAULT_PCACHE_INITSZ=20 DEFAULT_RECURSIVE_TRIGGERS ' +
  'DEFAULT_SECTOR_SIZE=4096 DEFAULT_SYNCHRONOUS=2 DEFAULT_WAL_AUTOCHECKPOINT=1000 DEFAULT_WAL_SYNCHRONOUS=1 ' +
  'DEFAULT_WORKER_THREADS=0 DIRECT_OVERFLOW_READ DQS=0 ENABLE_COLUMN_METADATA ENABLE_DBSTAT_VTAB ' +
  'ENABLE_FTS3 ENABLE_FTS3_PARENTHESIS ENABLE_FTS4 ENABLE_FTS5 ENABLE_GEOPOLY ENABLE_MATH_FUNCTIONS ' +
  'ENABLE_PERCENTILE ENABLE_RTREE ENABLE_STAT4 ENABLE_UPDATE_DELETE_LIMIT LIKE_DOESNT_MATCH_BLOBS ' +
  'MALLOC_SOFT_LIMIT=1024 MAX_ATTACHED=10 MAX_COLUMN=2000 MAX_COMPOUND_SELECT=500 ' +
  'MAX_DEFAULT_PAGE_SIZE=8192 MAX_EXPR_DEPTH=1000 MAX_FUNCTION_ARG=1000 MAX_LENGTH=1000000000 ' +
  'MAX_LIKE_PATTERN_LENGTH=50000 MAX_MMAP_SIZE=0x7fff0000 MAX_PAGE_COUNT=0xfffffffe MAX_PAGE_SIZE=65536 ' +
  'MAX_SQL_LENGTH=1000000000 MAX_TRIGGER_DEPTH=1000 MAX_VARIABLE_NUMBER=32766 MAX_VDBE_OP=250000000 ' +
  'MAX_WORKER_THREADS=8 MUTEX_PTHREADS OMIT_DEPRECATED OMIT_PROGRESS_CALLBACK OMIT_SHARED_CACHE ' +
  'OMIT_TCL_VARIABLE SOUNDEX SYSTEM_MALLOC TEMP_STORE=1 THREADSAFE=2 USE_URI'
).split(' ');

/** sqlite3_value_numeric_type: TEXT that looks like a number counts as that number. */
export function numericArg(v: SqlValue): number | bigint | Real | null {
  if (v === null || v instanceof Uint8Array) return null;
  if (typeof v === 'string') {
    const n = applyNumericAffinity(v, false);
    return typeof n === 'string' ? null : (n as number | bigint | Real);
  }
  return v;
}

export function abs(v: SqlValue): SqlValue {
  if (v === null) return null;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v < 0 ? -v : v;
  if (typeof v === 'bigint') {
    if (v === INT64_MIN) throw sqliteError('integer overflow');
    return v < 0n ? -v : v;
  }
  const r = toReal(v);
  return makeReal(r < 0 ? -r : r);
}

/** round(X [, N]) exactly as roundFunc: "%!.*f" then back through sqlite3AtoF. */
export function round(x: SqlValue, digits: SqlValue | undefined): SqlValue {
  let n = 0;
  if (digits !== undefined) {
    if (digits === null) return null;
    const d = toInt64(digits);
    n = d > 30 ? 30 : d < 0 ? 0 : Number(d);
  }
  if (x === null) return null;
  let r = toReal(x);
  if (r < -4503599627370496.0 || r > 4503599627370496.0) {
    // no fractional part
  } else if (n === 0) {
    r = Math.trunc(r + (r < 0 ? -0.5 : 0.5)) + 0;
  } else {
    const text = formatFloat(r, {
      conv: 102,
      precision: n,
      width: 0,
      leftJustify: false,
      prefix: '',
      alternate: false,
      altform2: true,
      zeroPad: false,
      thousands: false,
    });
    r = atoF(text).value;
  }
  return makeReal(r);
}

export function sign(v: SqlValue): SqlValue {
  const n = numericArg(v);
  if (n === null) return null;
  const x = n instanceof Real ? n.value : Number(n);
  return x < 0 ? -1 : x > 0 ? 1 : 0;
}

function minmax(args: readonly SqlValue[], max: boolean, coll: Collation | undefined): SqlValue {
  let best = args[0];
  if (best === null) return null;
  for (let i = 1; i < args.length; i++) {
    const v = args[i];
    if (v === null) return null;
    const c = compareValues(best, v, coll);
    if (max ? c < 0 : c >= 0) best = v;
  }
  return best;
}

export function nullif(a: SqlValue, b: SqlValue, coll?: Collation): SqlValue {
  if (a === null) return null;
  if (b === null) return a;
  return compareValues(a, b, coll) !== 0 ? a : null;
}

/** iif(C1, V1 [, C2, V2 ...] [, ELSE]) */
export function iif(args: readonly SqlValue[]): SqlValue {
  let i = 0;
  for (; i + 1 < args.length; i += 2) {
    if (toBoolean(args[i]) === true) return args[i + 1];
  }
  return i < args.length ? args[i] : null;
}

export function coalesce(args: readonly SqlValue[]): SqlValue {
  for (const a of args) if (a !== null) return a;
  return null;
}

function randomInt64(): number | bigint {
  const hi = (Math.random() * 0x100000000) >>> 0;
  const lo = (Math.random() * 0x100000000) >>> 0;
  const v = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

export function randomblob(v: SqlValue): Uint8Array {
  let n = Number(toInt64(v));
  if (n < 1) n = 1;
  if (n > 1000000000) throw sqliteError('string or blob too big', 'SQLITE_TOOBIG');
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (Math.random() * 256) >>> 0;
  return b;
}

export function likelihood(x: SqlValue, p: SqlValue): SqlValue {
  const r = p === null || p instanceof Uint8Array || typeof p === 'string' ? -1 : toReal(p);
  if (!(r >= 0 && r <= 1)) throw sqliteError('second argument to likelihood() must be a constant between 0.0 and 1.0');
  return x;
}

function compileOptionName(v: SqlValue): string | null {
  const t = toText(v);
  if (t === null) return null;
  return /^sqlite_/i.test(t) ? t.slice(7) : t;
}

export function compileOptionUsed(v: SqlValue): SqlValue {
  const name = compileOptionName(v);
  if (name === null) return null;
  const n = name.length;
  for (const opt of COMPILE_OPTIONS) {
    if (opt.slice(0, n).toLowerCase() === name.toLowerCase() && (opt.length === n || opt[n] === '=')) return 1;
  }
  return 0;
}

export const coreScalars: ScalarFunctionDef[] = [
  { name: 'typeof', nArgs: 1, deterministic: true, impl: (a) => storageClass(a[0]) },
  { name: 'abs', nArgs: 1, deterministic: true, impl: (a) => abs(a[0]) },
  { name: 'round', nArgs: 1, deterministic: true, impl: (a) => round(a[0], undefined) },
  { name: 'round', nArgs: 2, deterministic: true, impl: (a) => round(a[0], a[1]) },
  { name: 'sign', nArgs: 1, deterministic: true, impl: (a) => sign(a[0]) },
  {
    name: 'max',
    nArgs: -1,
    minArgs: 2,
    deterministic: true,
    impl: (a) => minmax(a, true, undefined),
    withCollation: (c) => (a) => minmax(a, true, c),
  },
  {
    name: 'min',
    nArgs: -1,
    minArgs: 2,
    deterministic: true,
    impl: (a) => minmax(a, false, undefined),
    withCollation: (c) => (a) => minmax(a, false, c),
  },
  {
    name: 'nullif',
    nArgs: 2,
    deterministic: true,
    impl: (a) => nullif(a[0], a[1]),
    withCollation: (c) => (a) => nullif(a[0], a[1], c),
  },
  { name: 'coalesce', nArgs: -1, minArgs: 2, deterministic: true, impl: coalesce },
  { name: 'ifnull', nArgs: 2, deterministic: true, impl: coalesce },
  { name: 'iif', nArgs: -1, minArgs: 2, deterministic: true, impl: iif },
  { name: 'if', nArgs: -1, minArgs: 2, deterministic: true, impl: iif },
  { name: 'likely', nArgs: 1, deterministic: true, impl: (a) => a[0] },
  { name: 'unlikely', nArgs: 1, deterministic: true, impl: (a) => a[0] },
  { name: 'likelihood', nArgs: 2, deterministic: true, impl: (a) => likelihood(a[0], a[1]) },
  { name: 'random', nArgs: 0, deterministic: false, impl: () => randomInt64() },
  { name: 'randomblob', nArgs: 1, deterministic: false, impl: (a) => randomblob(a[0]) },
  { name: 'changes', nArgs: 0, deterministic: false, impl: (_a, ctx) => ctx.changes() },
  { name: 'total_changes', nArgs: 0, deterministic: false, impl: (_a, ctx) => ctx.totalChanges() },
  { name: 'last_insert_rowid', nArgs: 0, deterministic: false, impl: (_a, ctx) => ctx.lastInsertRowid() },
  { name: 'sqlite_version', nArgs: 0, deterministic: true, impl: () => SQLITE_VERSION },
  { name: 'sqlite_source_id', nArgs: 0, deterministic: true, impl: () => SQLITE_SOURCE_ID },
  { name: 'sqlite_compileoption_used', nArgs: 1, deterministic: true, impl: (a) => compileOptionUsed(a[0]) },
  {
    name: 'sqlite_compileoption_get',
    nArgs: 1,
    deterministic: true,
    impl: (a) => {
      const i = Number(BigInt.asIntN(32, BigInt(toInt64(a[0])))); // sqlite3_value_int
      return i >= 0 && i < COMPILE_OPTIONS.length ? COMPILE_OPTIONS[i] : null;
    },
  },
  { name: 'printf', nArgs: -1, deterministic: true, impl: (a) => sqlPrintf(a) },
  { name: 'format', nArgs: -1, deterministic: true, impl: (a) => sqlPrintf(a) },
  { name: 'like', nArgs: 2, deterministic: true, impl: (a, ctx) => likeMatch(a[0], a[1], undefined, ctx.caseSensitiveLike()) },
  { name: 'like', nArgs: 3, deterministic: true, impl: (a, ctx) => likeMatch(a[0], a[1], a[2], ctx.caseSensitiveLike()) },
  { name: 'glob', nArgs: 2, deterministic: true, impl: (a) => globMatch(a[0], a[1]) },
];
