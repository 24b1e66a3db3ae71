/**
 * JavaScript <-> SqlValue conversion and parameter binding, as better-sqlite3 12 does it
 * (src/util/binder.cpp, src/util/data.cpp).
 *
 * JS -> SQL: number -> REAL (always, even 1), bigint -> INTEGER (RangeError outside int64),
 * string -> TEXT, any ArrayBufferView -> BLOB (copied: the caller may reuse its buffer),
 * null/undefined -> NULL, anything else -> TypeError.
 *
 * SQL -> JS: INTEGER -> number (lossy beyond 2^53) or BigInt under safe integers, REAL -> number,
 * TEXT -> string, BLOB -> a fresh Buffer, NULL -> null.
 *
 * Parameters: anonymous `?` slots take positional arguments in order (arrays are flattened);
 * named slots (`:a`, `@a`, `$a`, and `?NNN`, whose name is `NNN`) take values from one plain
 * object keyed without the prefix. Mixed forms are allowed.
 */
import {
  INT64_MAX,
  INT64_MIN,
  Real,
  integerFromBigInt,
  makeReal,
  type SqlValue,
} from '../common/value.js';

declare global {
  interface String {
    isWellFormed(): boolean;
  }
}

/** Thrown as a marker by `toSqlValueOrFail`; callers turn it into their own message. */
const INVALID = Symbol('invalid');
const TOO_BIG = Symbol('too big');
type Failure = typeof INVALID | typeof TOO_BIG;

/** Converts a JS value to a SqlValue or returns a failure marker (no throw on the hot path). */
export function convertJsValue(v: unknown): SqlValue | Failure {
  switch (typeof v) {
    case 'number':
      return makeReal(v);
    case 'string':
      return v.isWellFormed() ? v : replaceLoneSurrogates(v);
    case 'bigint':
      return v >= INT64_MIN && v <= INT64_MAX ? integerFromBigInt(v) : TOO_BIG;
    case 'undefined':
      return null;
    case 'object':
      if (v === null) return null;
      if (ArrayBuffer.isView(v)) return copyBytes(v);
      return INVALID;
    default:
      return INVALID;
  }
}

/**
 * better-sqlite3 hands a lone surrogate to SQLite as its 3-byte (invalid) UTF-8 form, which reads
 * back as three U+FFFD: what applications observe after a round trip, so we store that.
 */
function replaceLoneSurrogates(v: string): string {
  return v.replace(/[\ud800-\udfff]/gu, '\ufffd\ufffd\ufffd');
}

function copyBytes(v: ArrayBufferView): Uint8Array {
  const out = new Uint8Array(v.byteLength);
  out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return out;
}

/** JS -> SqlValue for bound parameters, throwing better-sqlite3's errors. */
export function toSqlValue(v: unknown): SqlValue {
  const r = convertJsValue(v);
  if (r === INVALID) throw new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null');
  if (r === TOO_BIG) throw new RangeError('The bound string, buffer, or bigint is too big');
  return r;
}

/**
 * JS -> SqlValue for values returned by user functions and virtual tables; `prefix` names the
 * producer as better-sqlite3 does: `User-defined function f() returned`.
 */
export function resultToSqlValue(v: unknown, prefix: string): SqlValue {
  const r = convertJsValue(v);
  if (r === INVALID) throw new TypeError(`${prefix} an invalid value`);
  if (r === TOO_BIG) throw new RangeError(`${prefix} a bigint that was too big`);
  return r;
}

/** SqlValue -> JS with numbers for integers. */
export function toJsNumber(v: SqlValue): unknown {
  if (typeof v !== 'object') return typeof v === 'bigint' ? Number(v) : v;
  if (v === null) return null;
  if (v instanceof Real) return v.value;
  return Buffer.from(v);
}

/** SqlValue -> JS with BigInt for integers (safe integers mode). */
export function toJsBigInt(v: SqlValue): unknown {
  switch (typeof v) {
    case 'number':
      return Number.isSafeInteger(v) ? BigInt(v) : v;
    case 'object':
      if (v === null) return null;
      if (v instanceof Real) return v.value;
      return Buffer.from(v);
    default:
      return v;
  }
}

export type ToJs = (v: SqlValue) => unknown;

export function converter(safeIntegers: boolean): ToJs {
  return safeIntegers ? toJsBigInt : toJsNumber;
}

/** Converts an argument list for a user function (`args` are engine values). */
export function argsToJs(args: readonly SqlValue[], toJs: ToJs): unknown[] {
  const n = args.length;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = toJs(args[i]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parameter binding

/** What binding needs to know about a compiled statement's parameters; computed once. */
export interface BindMap {
  readonly count: number;
  /** `names[slot-1]` is the slot's name or null for an anonymous slot. */
  readonly names: readonly (string | null)[];
  /** Named slots: key (name without its prefix character) and 1-based slot. */
  readonly keys: readonly string[];
  readonly slots: readonly number[];
}

export function makeBindMap(parameterNames: readonly (string | null)[], parameterCount: number): BindMap {
  const keys: string[] = [];
  const slots: number[] = [];
  for (let i = 0; i < parameterCount; i++) {
    const name = parameterNames[i];
    if (name != null) {
      keys.push(name.slice(1));
      slots.push(i + 1);
    }
  }
  return { count: parameterCount, names: parameterNames, keys, slots };
}

const EMPTY: readonly SqlValue[] = Object.freeze([]) as readonly SqlValue[];

/**
 * Binds call arguments to slot values (index slot-1), mirroring better-sqlite3's Binder:
 * the same order of checks and the same errors.
 */
export function bindParameters(map: BindMap, args: ArrayLike<unknown>): readonly SqlValue[] {
  const argc = args.length;
  const n = map.count;
  if (n === 0 && argc === 0) return EMPTY;
  if (argc === n && map.keys.length === 0) {
    // common case: one scalar argument per anonymous slot, in order (no closures, one array)
    let i = 0;
    for (; i < argc; i++) {
      const a = args[i];
      if ((typeof a === 'object' && a !== null) || typeof a === 'function') break;
    }
    if (i === argc) {
      const fast = new Array<SqlValue>(n);
      for (let k = 0; k < n; k++) fast[k] = toSqlValue(args[k]);
      return fast;
    }
  }
  const out = new Array<SqlValue>(n);
  for (let i = 0; i < n; i++) out[i] = null;
  const names = map.names;
  let anon = 0;
  let count = 0;
  let boundObject = false;

  const nextAnon = (): number => {
    do anon++;
    while (anon <= n && names[anon - 1] != null);
    return anon;
  };
  const put = (value: unknown, slot: number): void => {
    const v = toSqlValue(value);
    if (slot > n) throw new RangeError('Too many parameter values were provided');
    out[slot - 1] = v;
  };

  for (let i = 0; i < argc; i++) {
    const arg = args[i];
    if (Array.isArray(arg)) {
      const len = arg.length;
      for (let j = 0; j < len; j++) put(arg[j], nextAnon());
      count += len;
      continue;
    }
    if ((typeof arg === 'object' && arg !== null) || typeof arg === 'function') {
      if (!ArrayBuffer.isView(arg)) {
        if (isPlainObject(arg)) {
          if (boundObject) throw new TypeError('You cannot specify named parameters in two different objects');
          boundObject = true;
          count += bindObject(map, arg as Record<string, unknown>, out);
          continue;
        }
        if (map.keys.length !== 0) throw new TypeError('Named parameters can only be passed within plain objects');
      }
    }
    put(arg, nextAnon());
    count += 1;
  }

  if (count !== n) {
    if (count < n) {
      if (!boundObject && map.keys.length !== 0) throw new TypeError('Missing named parameters');
      throw new RangeError('Too few parameter values were provided');
    }
    throw new RangeError('Too many parameter values were provided');
  }
  return out;
}

function bindObject(map: BindMap, obj: Record<string, unknown>, out: SqlValue[]): number {
  const keys = map.keys;
  const slots = map.slots;
  const len = keys.length;
  for (let i = 0; i < len; i++) {
    const key = keys[i];
    if (!Object.prototype.hasOwnProperty.call(obj, key)) {
      throw new RangeError(`Missing named parameter "${key}"`);
    }
    out[slots[i] - 1] = toSqlValue(obj[key]);
  }
  return len;
}

/** Object.prototype or null prototype, also for objects from another realm (vm contexts). */
function isPlainObject(obj: object): boolean {
  const proto: unknown = Object.getPrototypeOf(obj);
  if (proto === Object.prototype || proto === null) return true;
  return (
    typeof proto === 'object' &&
    Object.getPrototypeOf(proto) === null &&
    typeof (proto as { constructor?: unknown }).constructor === 'function' &&
    (proto as { constructor: { name: string } }).constructor.name === 'Object'
  );
}
