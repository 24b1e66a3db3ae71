import { afterAll, describe, expect, it } from 'vitest';
import { sqlPrintf } from '../../engine/sql/functions/printf.js';
import { EDGE_VALUES, oracleEval, openOracle, ours, sameOutcome, showOutcome } from '../semantics/oracle.js';

const db = openOracle();
afterAll(() => db.close());

const VALUES = EDGE_VALUES.filter((_, i) => i % 4 === 1 || i % 7 === 0);

describe('printf / format against SQLite', () => {
  it('generated conversions x flags x widths x precisions', () => {
    const convs = ['d', 'i', 'u', 'x', 'X', 'o', 'f', 'e', 'E', 'g', 'G', 's', 'z', 'q', 'Q', 'w', 'c', '%', 'p', 'r', 'n'];
    const flags = ['', '-', '+', ' ', '#', '0', ',', '!', '-0', '+0', '#0', ',0', '!-'];
    const widths = ['', '1', '7', '24'];
    const precs = ['', '.', '.0', '.2', '.17', '.25'];
    const failures: string[] = [];
    let n = 0;
    let k = 0;
    for (const c of convs) {
      for (const f of flags) {
        for (const w of widths) {
          for (const p of precs) {
            const fmt = `<%${f}${w}${p}${c}>`;
            // a rotating selection of values keeps the run short while covering every value often
            for (let j = 0; j < 3; j++) {
              const [lit, v] = VALUES[k++ % VALUES.length];
              const want = oracleEval(db, `printf('${fmt}', ${lit})`);
              const got = ours(() => sqlPrintf([fmt, v]));
              n++;
              if (!sameOutcome(want, got)) failures.push(`printf('${fmt}', ${lit}): ${showOutcome(want)} vs ${showOutcome(got)}`);
            }
          }
        }
      }
    }
    expect(n).toBeGreaterThan(10000);
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('chosen formats', () => {
    const cases: Array<[string, string[]]> = [
      ['', []], ['%s', ["''"]], ['%s', ['NULL']], ['%d', []], ['%n', []], ['x%T', []], ['%5!s', ["'ab'"]], ['abc%', []], ['%5', []],
      ['%*d|%-*d|%.*f|%*.*f', ['5', '42', '5', '42', '2', '3.14159', '8', '3', '2.71828']], ['%*d', ['-6', '1']], ['%.*f', ['-3', '2.5']],
      ['%c%c|%5c|%-5c|%.3c|%5.3c|%c', ["'hello'", "'ä'", "'x'", "'y'", "'z'", "'w'", "''"]],
      ['%#q|%#Q|%#Q', ["'a\\b' || char(10)", "'x' || char(9)", "'plain'"]],
      ['%.20f|%.30e|%!.20f|%!g|%!.3g|%f', ['0.1', '0.1', '0.1', '2.0', '100.0', '1e300']],
      ['%s %s %s', ['1e100', '-0.0', '9223372036854775807']], ['%d %d', ['1e19', '-1e19']], ['%f %e %g', ["'abc'", "'1e3x'", 'x\'3132\'']],
      ['%5s|%-5s|%.2s|%!.2s|%.1s', ["'ä'", "'ä'", "'äb'", "'äb'", "'😀'"]], ['%,.3f|%,f|%,g', ['1234567.891', '-9876543.21', '1e10']],
      ['%08.2f|%-08.2f|%+08.2f|% 08.2f', ['-1.5', '1.5', '1.5', '1.5']], ['%#x|%#X|%#o|%#o', ['0', '0', '0', '1']],
      ['%f|%e|%g|%+f|%010f|%-10e|', ['1e999', '-1e999', '1e999', '1e999', '-1e999', '1e999']], ['%.0f %.0f %.0f %.0f', ['0.5', '1.5', '2.5', '-0.5']],
      ['%!.0f|%#.0f|%#.0e|%#g', ['2.0', '3.0', '4.0', '0.0001']], ['%llx %lld', ['-1', '-1']], ['%1000d', ['1']],
    ];
    const failures: string[] = [];
    for (const [fmt, args] of cases) {
      const sql = `printf(${[`'${fmt}'`, ...args].join(', ')})`;
      const want = oracleEval(db, sql);
      const vals = args.length ? (db.prepare(`SELECT ${args.join(', ')}`).raw().get() as unknown[]) : [];
      const types = args.length ? (db.prepare(`SELECT ${args.map((a) => `typeof(${a})`).join(', ')}`).raw().get() as string[]) : [];
      const got = ours(() => sqlPrintf([fmt, ...vals.map((v, i) => fromOracleValue(v, types[i]))]));
      if (!sameOutcome(want, got)) failures.push(`${sql}: ${showOutcome(want)} vs ${showOutcome(got)}`);
    }
    expect(failures).toEqual([]);
  });
});

import { fromOracle } from '../semantics/oracle.js';
import type { SqlValue } from '../../engine/common/value.js';
function fromOracleValue(v: unknown, t: string): SqlValue {
  return fromOracle(v, t);
}
