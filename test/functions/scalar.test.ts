import { afterAll, describe, expect, it } from 'vitest';
import { Real, type SqlValue } from '../../engine/common/value.js';
import { coreScalars } from '../../engine/sql/functions/scalar.js';
import { textScalars } from '../../engine/sql/functions/text.js';
import { mathScalars } from '../../engine/sql/functions/math.js';
import { builtinRegistry } from '../../engine/sql/functions/builtins.js';
import type { FunctionContext, ScalarFunctionDef } from '../../engine/sql/functions/registry.js';
import { EDGE_VALUES, oracleEval, openOracle, ours, sameOutcome, showOutcome, type Outcome } from '../semantics/oracle.js';

const db = openOracle();
afterAll(() => db.close());

const ctx: FunctionContext = {
  now: () => 0,
  lastInsertRowid: () => 0,
  changes: () => 0,
  totalChanges: () => 0,
  caseSensitiveLike: () => false,
};

const SKIP = new Set(['random', 'randomblob', 'changes', 'total_changes', 'last_insert_rowid', 'likelihood']);
const DEFS: ScalarFunctionDef[] = [...coreScalars, ...textScalars, ...mathScalars].filter((d) => !SKIP.has(d.name));

function call(def: ScalarFunctionDef, args: SqlValue[]): SqlValue {
  return def.impl(args, ctx);
}

/**
 * V8's Math.log/sin/pow/... (fdlibm) are not always correctly rounded while glibc's are, so these
 * may differ from SQLite in the last bits: compared within 4 ulp (storage class still exact).
 */
const TRANSCENDENTAL = new Set(['ln', 'log', 'log10', 'log2', 'exp', 'pow', 'power', 'acos', 'asin', 'atan', 'atan2', 'cos', 'sin', 'tan',
  'cosh', 'sinh', 'tanh', 'acosh', 'asinh', 'atanh']);

function close(want: Outcome, got: Outcome): boolean {
  if ('error' in want || 'error' in got || !(want.value instanceof Real || typeof want.value === 'number')) return sameOutcome(want, got);
  const a = want.value instanceof Real ? want.value.value : (want.value as number);
  const g = got.value instanceof Real ? got.value.value : typeof got.value === 'number' ? got.value : NaN;
  return a === g || Math.abs(a - g) <= 4 * Number.EPSILON * Math.abs(a);
}

function check(def: ScalarFunctionDef, lits: string[], vals: SqlValue[], failures: string[]): void {
  const expr = `${def.name}(${lits.join(', ')})`;
  const want = oracleEval(db, expr);
  const got = ours(() => call(def, vals));
  const ok = TRANSCENDENTAL.has(def.name) ? close(want, got) : sameOutcome(want, got);
  if (!ok) failures.push(`${expr}: sqlite ${showOutcome(want)} ours ${showOutcome(got)}`);
}

const SMALL = EDGE_VALUES.filter((_, i) => i % 3 !== 1);

describe('scalar functions against SQLite', () => {
  for (const def of DEFS) {
    const arity = def.nArgs === -1 ? 'variadic' : `${def.nArgs}`;
    it(`${def.name}/${arity}`, () => {
      const failures: string[] = [];
      if (def.nArgs === 0) check(def, [], [], failures);
      else if (def.nArgs === 1) for (const [l, v] of EDGE_VALUES) check(def, [l], [v], failures);
      else if (def.nArgs === 2) {
        for (const [l1, v1] of SMALL) for (const [l2, v2] of SMALL) check(def, [l1, l2], [v1, v2], failures);
      } else if (def.nArgs === 3) {
        const few = EDGE_VALUES.filter((_, i) => i % 4 === 0);
        for (const [l1, v1] of few) for (const [l2, v2] of few) for (const [l3, v3] of few) check(def, [l1, l2, l3], [v1, v2, v3], failures);
      } else {
        const min = Math.max(def.minArgs ?? 0, 1);
        for (let n = min; n <= min + 2; n++) {
          for (let k = 0; k < SMALL.length; k++) {
            const picked = Array.from({ length: n }, (_, j) => SMALL[(k + j * 7) % SMALL.length]);
            check(def, picked.map((p) => p[0]), picked.map((p) => p[1]), failures);
          }
        }
      }
      expect(failures.slice(0, 15)).toEqual([]);
    });
  }
});

describe('text functions on chosen cases', () => {
  const cases: string[] = [
    "substr('hello', 0)", "substr('hello', 0, 2)", "substr('hello', -2)", "substr('hello', -2, 5)", "substr('hello', 2, -1)", "substr('hello', -10, 12)",
    "substr('😀a😀b', 2, 2)", "substr('😀a😀b', -1)", "substr(x'0102030405', 2, 2)", "substr(x'0102030405', -2)", "substr('abc', 2, NULL)", "substr('abc', NULL)",
    "trim('  x  ')", "ltrim('xxaxx', 'x')", "rtrim('xxaxx', 'x')", "trim('äaä', 'ä')", "trim('abc', '')", "trim('😀a😀', '😀')",
    "replace('aaa', 'a', 'bb')", "replace('abc', '', 'x')", "replace('abc', 'b', NULL)", "replace(NULL, 'a', 'b')", "replace(123, 2, 9)",
    "instr('hello', 'l')", "instr('😀hello', 'l')", "instr(x'010203', x'03')", "instr('abc', '')", "instr(x'3132', '2')",
    "hex('ä')", "hex(12.5)", "hex(NULL)", "unhex('4142')", "unhex('41 42', ' ')", "unhex('4 142', ' ')", "unhex('zz')", "unhex('414')", "unhex('41-42', '-')",
    "char(65, 0x1F600, -1, 1114112, 97)", "char()", "unicode('😀')", "unicode('')", "length('a' || char(0) || 'b')", "octet_length('ä')",
    "quote('it''s')", "quote(x'00ff')", "quote(1.0)", "quote(1e300)", "quote(0.1)", "quote(1e999)", "quote(-1e999)", "quote(-0.0)",
    "soundex('Robert')", "soundex('Tymczak')", "soundex('Pfister')", "soundex('')", "soundex('123')", "soundex('Äbc')",
    "concat('a', NULL, 1, 2.5)", "concat_ws('-', 'a', NULL, 'b')", "concat_ws(NULL, 'a')", "concat_ws('', 'a', 'b')",
    "unistr('a\\0041\\u00e4\\+01F600\\U0001F600\\\\')", "unistr('\\x')", "unistr('\\12')",
    "upper('äbc')", "lower('ÄBC')", "round(2.5)", "round(-2.5)", "round(1.005, 2)", "round(2.675, 2)", "round(1e300, 2)", "round(0.5e-9, 10)",
    "round(123.456, -1)", "round(123.456, 40)", "round('3.7')", "round(NULL, 1)", "round(1, NULL)",
    "abs(-9223372036854775807-1)", "abs('-5')", "abs(x'2d35')", "sign('-3')", "sign('abc')", "sign(x'35')",
    "max(1, 'a', x'00')", "min(1, 'a', x'00')", "max('a', 'B')", "min(1, NULL, 2)", "max(1.5, 2)", "nullif(1, 1.0)", "nullif('a', 'A')",
    "iif(0, 1, 0, 2, 3)", "iif(0, 1)", "iif(NULL, 1, 2)", "coalesce(NULL, NULL, 3)", "ifnull(NULL, 'x')",
    "sqlite_version()", "sqlite_compileoption_used('ENABLE_FTS5')", "sqlite_compileoption_used('SQLITE_THREADSAFE')", "sqlite_compileoption_used('FOO')",
    "sqlite_compileoption_get(0)", "sqlite_compileoption_get(1000)", "zeroblob(3)", "zeroblob(-1)", "typeof(zeroblob(2))",
    "log(8)", "log(2, 8)", "log(1, 8)", "log(0)", "ln(-1)", "log2(1024)", "pow(2, 10)", "pow(10, -5)", "pow(10, 22)", "power(-8, 1.0/3)", "mod(7.5, 2)", "mod(-7, 0)",
    "ceil(1.2)", "ceil(-1.2)", "ceil(5)", "floor('2.5')", "trunc(-2.7)", "sqrt(2)", "sqrt(-1)", "pi()", "degrees(pi())", "radians(180)", "exp(1)", "acos(2)",
    "atan2(1, 2)", "sin(1)", "cos(1)", "tan(1)", "sinh(1)", "cosh(1)", "tanh(1)", "asinh(1)", "acosh(2)", "atanh(0.5)",
  ];
  it('matches SQLite', () => {
    const failures: string[] = [];
    const reg = builtinRegistry();
    for (const c of cases) {
      const want = oracleEval(db, c);
      // evaluate ours by parsing the call with SQLite's help: argument values come from the oracle
      const m = /^(\w+)\((.*)\)$/s.exec(c);
      if (!m) throw new Error(c);
      const name = m[1];
      const argSql = m[2].trim();
      let args: SqlValue[] = [];
      if (argSql.length > 0) {
        const row = db.prepare(`SELECT ${argSql}`).raw().get() as unknown[];
        const types = db.prepare(`SELECT ${splitArgs(argSql).map((a) => `typeof(${a})`).join(', ')}`).raw().get() as string[];
        args = row.map((v, i) => fromOracleAny(v, types[i]));
      }
      const r = ours(() => {
        const f = reg.resolve(name, args.length);
        if (f.kind !== 'scalar') throw new Error('not scalar');
        return f.def.impl(args, ctx);
      });
      if (!(TRANSCENDENTAL.has(name) ? close(want, r) : sameOutcome(want, r))) failures.push(`${c}: sqlite ${showOutcome(want)} ours ${showOutcome(r)}`);
    }
    expect(failures).toEqual([]);
  });
});

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const ch of s) {
    if (quote) {
      cur += ch;
      if (ch === "'") quote = false;
      continue;
    }
    if (ch === "'") quote = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}

import { fromOracle } from '../semantics/oracle.js';
function fromOracleAny(v: unknown, t: string): SqlValue {
  return fromOracle(v, t);
}

describe('registry', () => {
  it('resolves by arity with SQLite error texts', () => {
    const reg = builtinRegistry();
    expect(() => reg.resolve('foo', 1)).toThrow('no such function: foo');
    expect(() => reg.resolve('ABS', 2)).toThrow('wrong number of arguments to function ABS()');
    expect(() => reg.resolve('max', 0)).toThrow('wrong number of arguments to function max()');
    expect(() => reg.resolve('coalesce', 1)).toThrow('wrong number of arguments to function coalesce()');
    expect(() => reg.resolve('concat', 0)).toThrow('wrong number of arguments to function concat()');
    expect(reg.resolve('max', 1).kind).toBe('aggregate');
    expect(reg.resolve('max', 3).kind).toBe('scalar');
    expect(reg.resolve('count', 0).kind).toBe('aggregate');
    expect(reg.resolve('Substr', 2).kind).toBe('scalar');
    expect(reg.resolve('printf', 0).kind).toBe('scalar');
    // and SQLite agrees about which of these are errors
    expect(() => db.prepare('SELECT max()').get()).toThrow('wrong number of arguments to function max()');
    expect(() => db.prepare('SELECT coalesce(1)').get()).toThrow('wrong number of arguments to function coalesce()');
  });
});
