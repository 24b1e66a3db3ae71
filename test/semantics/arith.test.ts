import { afterAll, describe, expect, it } from 'vitest';
import * as arith from '../../engine/sql/semantics/arith.js';
import type { SqlValue } from '../../engine/common/value.js';
import { EDGE_VALUES, oracleEval, openOracle, ours, sameOutcome, showOutcome } from './oracle.js';

const db = openOracle();
afterAll(() => db.close());

const BINARY: ReadonlyArray<readonly [string, (a: SqlValue, b: SqlValue) => SqlValue]> = [
  ['+', arith.add],
  ['-', arith.subtract],
  ['*', arith.multiply],
  ['/', arith.divide],
  ['%', arith.remainder],
  ['&', arith.bitAnd],
  ['|', arith.bitOr],
  ['<<', arith.shiftLeft],
  ['>>', arith.shiftRight],
  ['||', arith.concat],
];

describe('binary operators against SQLite', () => {
  for (const [op, f] of BINARY) {
    it(`${op} over all edge-value pairs`, () => {
      const failures: string[] = [];
      let n = 0;
      for (const [la, a] of EDGE_VALUES) {
        for (const [lb, b] of EDGE_VALUES) {
          const expr = `(${la} ${op} ${lb})`;
          const want = oracleEval(db, expr);
          const got = ours(() => f(a, b));
          n++;
          if (!sameOutcome(want, got)) failures.push(`${expr}: sqlite ${showOutcome(want)} ours ${showOutcome(got)}`);
        }
      }
      expect(n).toBe(EDGE_VALUES.length ** 2);
      expect(failures.slice(0, 20)).toEqual([]);
    });
  }
});

describe('unary operators against SQLite', () => {
  const UNARY: ReadonlyArray<readonly [string, (a: SqlValue) => SqlValue]> = [
    ['-', arith.negate],
    ['~', arith.bitNot],
    ['NOT ', arith.logicalNot],
  ];
  for (const [op, f] of UNARY) {
    it(`${op.trim()} over edge values`, () => {
      const failures: string[] = [];
      for (const [la, a] of EDGE_VALUES) {
        // a column-free non-literal operand, so that SQLite does not fold "-<literal>" in the parser
        const expr = `(${op}(${la} + 0 - 0 || '' ) )`;
        void expr;
        const e2 = `(${op}coalesce(${la}, NULL))`;
        const want = oracleEval(db, e2);
        const got = ours(() => f(a));
        if (!sameOutcome(want, got)) failures.push(`${e2}: sqlite ${showOutcome(want)} ours ${showOutcome(got)}`);
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('shifts and 64-bit wrap-around', () => {
  it('matches SQLite for shift amounts -70..70', () => {
    const failures: string[] = [];
    for (const base of [1, -1, 5, -5, 9223372036854775807n, -9223372036854775808n, 123456789]) {
      for (let k = -70; k <= 70; k += 3) {
        for (const [op, f] of [['<<', arith.shiftLeft], ['>>', arith.shiftRight]] as const) {
          const lit = typeof base === 'bigint' && base < 0n ? '(-9223372036854775807-1)' : String(base);
          const want = oracleEval(db, `(${lit} ${op} ${k})`);
          const got = ours(() => f(typeof base === 'bigint' ? base : base, k));
          if (!sameOutcome(want, got)) failures.push(`${lit} ${op} ${k}: ${showOutcome(want)} vs ${showOutcome(got)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('integer overflow falls back to REAL for random large operands', () => {
    const failures: string[] = [];
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed);
    for (let i = 0; i < 300; i++) {
      const a = BigInt(rnd()) * BigInt(rnd()) * BigInt(rnd() % 5000) * (i % 2 ? 1n : -1n);
      const b = BigInt(rnd()) * BigInt(rnd() % 3000);
      const x = a >= -9007199254740991n && a <= 9007199254740991n ? Number(a) : a;
      const y = b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
      if (a > 9223372036854775807n || a < -9223372036854775808n || b > 9223372036854775807n) continue;
      for (const [op, f] of BINARY.slice(0, 5)) {
        const want = oracleEval(db, `(${a} ${op} ${b})`);
        const got = ours(() => f(x, y));
        if (!sameOutcome(want, got)) failures.push(`${a} ${op} ${b}: ${showOutcome(want)} vs ${showOutcome(got)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
