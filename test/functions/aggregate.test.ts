import { afterAll, describe, expect, it } from 'vitest';
import type { SqlValue } from '../../engine/common/value.js';
import { builtinRegistry } from '../../engine/sql/functions/builtins.js';
import { EDGE_VALUES, fromOracle, openOracle, ours, sameOutcome, showOutcome, type Outcome } from '../semantics/oracle.js';

const db = openOracle();
afterAll(() => db.close());

const reg = builtinRegistry();

/** Deterministic subsets of the edge values (and of a numeric-only pool). */
function* subsets(pool: ReadonlyArray<readonly [string, SqlValue]>, count: number, seed: number): Generator<Array<readonly [string, SqlValue]>> {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s);
  for (let i = 0; i < count; i++) {
    const n = next() % 9;
    yield Array.from({ length: n }, () => pool[next() % pool.length]);
  }
}

const NUMERIC = EDGE_VALUES.filter(([, v]) => typeof v === 'number' || typeof v === 'bigint' || (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) || v === null);

function load(rows: Array<readonly [string, SqlValue]>): void {
  db.exec('DROP TABLE IF EXISTS t; CREATE TABLE t(id INTEGER PRIMARY KEY, x, s)');
  rows.forEach(([lit], i) => db.exec(`INSERT INTO t(x, s) VALUES (${lit}, ${i % 2 ? "'-'" : "';'"})`));
}

function oracleAll(sql: string): Outcome[] {
  try {
    const rows = db.prepare(sql).raw().all() as unknown[][];
    return rows.map((r) => ({ value: fromOracle(r[0], r[1] as string) }));
  } catch (e) {
    return [{ error: (e as Error).message }];
  }
}

const CASES: Array<[string, string, (row: readonly [string, SqlValue], i: number) => SqlValue[]]> = [
  ['count', 'x', ([, v]) => [v]],
  ['sum', 'x', ([, v]) => [v]],
  ['total', 'x', ([, v]) => [v]],
  ['avg', 'x', ([, v]) => [v]],
  ['min', 'x', ([, v]) => [v]],
  ['max', 'x', ([, v]) => [v]],
  ['group_concat', 'x', ([, v]) => [v]],
  ['group_concat', 'x, s', ([, v], i) => [v, i % 2 ? '-' : ';']],
  ['string_agg', 'x, s', ([, v], i) => [v, i % 2 ? '-' : ';']],
  ['median', 'x', ([, v]) => [v]],
  ['percentile', 'x, 25', ([, v]) => [v, 25]],
  ['percentile_cont', 'x, 0.75', ([, v]) => [v, 0.75]],
  ['percentile_disc', 'x, 0.4', ([, v]) => [v, 0.4]],
];

describe('aggregates against SQLite', () => {
  for (const [name, argSql, argsOf] of CASES) {
    it(`${name}(${argSql}) over random row sets, whole-group and sliding windows`, () => {
      const failures: string[] = [];
      const pools = name.startsWith('percentile') || name === 'median' ? [NUMERIC] : [EDGE_VALUES, NUMERIC];
      for (const pool of pools) {
        for (const rows of subsets(pool, 60, name.length * 31 + pool.length)) {
          load(rows);
          const nArgs = argSql.split(',').length;
          const def = reg.aggregate(name, nArgs)!;
          // whole group
          const want = oracleAll(`SELECT ${name}(${argSql}), typeof(${name}(${argSql})) FROM t`)[0];
          const got = ours(() => {
            const acc = def.create();
            rows.forEach((r, i) => acc.step(argsOf(r, i)));
            return acc.final();
          });
          if (!sameOutcome(want, got)) failures.push(`${name} over [${rows.map((r) => r[0])}]: ${showOutcome(want)} vs ${showOutcome(got)}`);
          // sliding window of 3 rows using inverse()
          if (!def.hasInverse || rows.length === 0) continue;
          const win = `${name}(${argSql}) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`;
          const wantW = oracleAll(`SELECT ${win}, typeof(${win}) FROM t ORDER BY id`);
          const gotW: Outcome[] = [];
          try {
            const acc = def.create();
            rows.forEach((r, i) => {
              // SQLite removes the row leaving the frame before adding the one entering it
              if (i >= 3) acc.inverse!(argsOf(rows[i - 3], i - 3));
              acc.step(argsOf(r, i));
              gotW.push({ value: acc.value() });
            });
          } catch (e) {
            gotW.length = 0;
            gotW.push({ error: (e as Error).message });
          }
          const a = wantW.map(showOutcome).join(' ');
          const b = gotW.map(showOutcome).join(' ');
          if (wantW.length !== gotW.length || !wantW.every((w, i) => sameOutcome(w, gotW[i]))) {
            failures.push(`window ${name} over [${rows.map((r) => r[0])}]: ${a} vs ${b}`);
          }
        }
      }
      expect(failures.slice(0, 10)).toEqual([]);
    });
  }

  it('sum() integer overflow is an error, total() is not', () => {
    load([['9223372036854775807', 9223372036854775807n], ['1', 1]]);
    const acc = reg.aggregate('sum', 1)!.create();
    acc.step([9223372036854775807n]);
    acc.step([1]);
    expect(() => acc.final()).toThrow('integer overflow');
    expect(() => db.prepare('SELECT sum(x) FROM t').get()).toThrow('integer overflow');
    const tot = reg.aggregate('total', 1)!.create();
    tot.step([9223372036854775807n]);
    tot.step([1]);
    expect(tot.final()).toBe(Number(db.prepare('SELECT total(x) FROM t').pluck().get()));
  });

  it('percentile argument errors match SQLite', () => {
    load([['1', 1]]);
    for (const [sql, args] of [
      ["percentile(x, 101)", [1, 101]], ["percentile(x, 'a')", [1, 'a']], ["median('a')", ['a']], ["percentile_cont(x, 2)", [1, 2]],
    ] as Array<[string, SqlValue[]]>) {
      const want = oracleAll(`SELECT ${sql}, 1 FROM t`)[0];
      const name = sql.slice(0, sql.indexOf('('));
      const got = ours(() => {
        const acc = reg.aggregate(name, args.length)!.create();
        acc.step(args);
        return acc.final();
      });
      expect(showOutcome(got)).toBe(showOutcome(want));
    }
  });
});
