/**
 * Test helpers: real SQLite (better-sqlite3) as the oracle, and conversion of its results to the
 * engine's value model (INTEGER / REAL decided by typeof(), so 1.0 stays REAL).
 */
import Database from 'better-sqlite3';
import { Real, integerFromBigInt, makeReal, storageClass, type SqlValue } from '../../engine/common/value.js';

export type Db = InstanceType<typeof Database>;

export function openOracle(): Db {
  const db = new Database(':memory:');
  db.defaultSafeIntegers(true);
  return db;
}

/** A raw better-sqlite3 result plus its typeof() as an engine value. */
export function fromOracle(v: unknown, type: string): SqlValue {
  switch (type) {
    case 'null':
      return null;
    case 'integer':
      return integerFromBigInt(BigInt(v as bigint));
    case 'real':
      return makeReal(Number(v));
    case 'text':
      return v as string;
    case 'blob':
      return new Uint8Array(v as Buffer);
    default:
      throw new Error(`unexpected type ${type}`);
  }
}

export type Outcome = { value: SqlValue } | { error: string };

/** Evaluates `SELECT <expr>, typeof(<expr>)` in the oracle. */
export function oracleEval(db: Db, expr: string, params: unknown[] = []): Outcome {
  try {
    const row = db.prepare(`SELECT ${expr}, typeof(${expr})`).raw().get(...params.concat(params)) as unknown[];
    return { value: fromOracle(row[0], row[1] as string) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export function ours(f: () => SqlValue): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Printable form of a value with its storage class, for assertion messages. */
export function show(v: SqlValue): string {
  const c = storageClass(v);
  if (v instanceof Uint8Array) return `blob:${Buffer.from(v).toString('hex')}`;
  if (v instanceof Real) return `real:${Object.is(v.value, -0) ? '-0' : v.value}`;
  if (typeof v === 'bigint') return `integer:${v}n`;
  if (typeof v === 'string') return `text:${JSON.stringify(v)}`;
  return `${c}:${String(v)}`;
}

export function showOutcome(o: Outcome): string {
  return 'error' in o ? `error:${o.error}` : show(o.value);
}

/** Same storage class and value (reals compare with ===, so -0 equals 0). */
export function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (storageClass(a) !== storageClass(b)) return false;
  if (a === null) return true;
  if (a instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b as Uint8Array));
  const x = a instanceof Real ? a.value : a;
  const y = b instanceof Real ? b.value : b;
  return x === y || (typeof x === 'number' && typeof y === 'number' && Number.isNaN(x) && Number.isNaN(y));
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b && a.error === b.error;
  return sameValue(a.value, b.value);
}

/**
 * Edge-case values as SQL literals and as engine values (the literal denotes exactly the value).
 */
export const EDGE_VALUES: ReadonlyArray<readonly [string, SqlValue]> = [
  ['NULL', null],
  ['0', 0],
  ['1', 1],
  ['-1', -1],
  ['2', 2],
  ['7', 7],
  ['-7', -7],
  ['64', 64],
  ['-65', -65],
  ['9007199254740993', 9007199254740993n],
  ['4503599627370497', 4503599627370497],
  ['9223372036854775807', 9223372036854775807n],
  ['(-9223372036854775807-1)', -9223372036854775808n],
  ['1.5', 1.5],
  ['-2.5', -2.5],
  ['0.0', new Real(0)],
  ['-0.0', new Real(-0)],
  ['3.0', new Real(3)],
  ['0.1', 0.1],
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['1e-300', 1e-300],
  ['1e16', 1e16],
  ['9.2233720368547758e18', 9223372036854775808],
  ['123456789.125', 123456789.125],
  ["''", ''],
  ["'abc'", 'abc'],
  ["'ABC'", 'ABC'],
  ["' 12 '", ' 12 '],
  ["'12abc'", '12abc'],
  ["'1e5'", '1e5'],
  ["'0x10'", '0x10'],
  ["'-0'", '-0'],
  ["'+5'", '+5'],
  ["' -3.5e2 '", ' -3.5e2 '],
  ["'9223372036854775808'", '9223372036854775808'],
  ["'-9223372036854775809'", '-9223372036854775809'],
  ["'1.0'", '1.0'],
  ["'3.'", '3.'],
  ["'.5'", '.5'],
  ["'1e'", '1e'],
  ["'Äöü€😀'", 'Äöü€😀'],
  ["'a''b'", "a'b"],
  ["'%_\\'", '%_\\'],
  ["x'00ff'", new Uint8Array([0, 255])],
  ["x'3132'", new Uint8Array([0x31, 0x32])],
  ["x''", new Uint8Array(0)],
];

/** The engine value of a literal list entry by its SQL text. */
export function edge(sql: string): SqlValue {
  const e = EDGE_VALUES.find((x) => x[0] === sql);
  if (!e) throw new Error(`no edge value ${sql}`);
  return e[1];
}
