import { afterAll, describe, expect, it } from 'vitest';
import { Real, makeReal, type SqlValue } from '../../engine/common/value.js';
import { castTo, toBoolean, toText } from '../../engine/sql/semantics/convert.js';
import { atoF, renderReal } from '../../engine/sql/semantics/fp.js';
import { affinityOfType, applyAffinity, compareWithAffinity, comparisonAffinity, type Affinity } from '../../engine/sql/semantics/affinity.js';
import { EDGE_VALUES, fromOracle, oracleEval, openOracle, ours, sameOutcome, showOutcome } from './oracle.js';

const db = openOracle();
afterAll(() => db.close());

/** Deterministic pseudo-random doubles covering the whole exponent range. */
function* randomDoubles(n: number, seed: number): Generator<number> {
  const buf = new Float64Array(1);
  const u = new Uint32Array(buf.buffer);
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s);
  for (let i = 0; i < n; i++) {
    switch (i % 4) {
      case 0:
        u[0] = next();
        u[1] = next();
        if (!Number.isFinite(buf[0])) continue;
        yield buf[0];
        break;
      case 1:
        yield (next() / 4294967296) * 10 ** ((next() % 60) - 30);
        break;
      case 2:
        yield Math.round(next() / 1000) / [10, 100, 1000, 8, 3][next() % 5];
        break;
      default:
        yield -(next() % 100000) / 7;
    }
  }
}

describe('REAL to text (vdbeMemRenderNum, "%!.17g")', () => {
  it('matches SQLite on chosen values', () => {
    const values = [0.1 + 0.2, 1e15, 1e16, 1e17, 1.5e-7, 1e308, 2.0, 0.1, 1 / 3, 100, 1e-5, 5e-324, 1.7976931348623157e308,
      123456789012345678, 49.47, 9007199254740993, 0.30000000000000004, 1e21, 1e-4, 12345.678, -0.5, 4.35, 2.675, 1e100, Infinity, -Infinity];
    const st = db.prepare('SELECT CAST(? AS TEXT)').pluck();
    for (const v of values) expect(`${v} -> ${renderReal(v)}`).toBe(`${v} -> ${st.get(v)}`);
  });

  it('matches SQLite on 6000 pseudo-random doubles', () => {
    const st = db.prepare('SELECT CAST(? AS TEXT)').pluck();
    const failures: string[] = [];
    let n = 0;
    for (const v of randomDoubles(6000, 7)) {
      n++;
      const want = st.get(v) as string;
      const got = toText(makeReal(v));
      if (want !== got) failures.push(`${v}: ${want} vs ${got}`);
    }
    expect(n).toBeGreaterThan(5000);
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('integral REALs keep ".0"', () => {
    for (const v of [0, 1, -1, 2 ** 52, 2 ** 53 - 1, -(2 ** 53 - 1), 999999999999999, 1e14]) {
      expect(toText(new Real(v))).toBe(db.prepare('SELECT CAST(CAST(? AS REAL) AS TEXT)').pluck().get(BigInt(v)));
    }
  });
});

describe('text to number (sqlite3AtoF)', () => {
  it('matches CAST(text AS REAL) for random decimal strings incl. > 19 digits', () => {
    const st = db.prepare('SELECT CAST(? AS REAL)').pluck();
    const failures: string[] = [];
    let s = 99;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s);
    for (let i = 0; i < 3000; i++) {
      const nd = 1 + (next() % 26);
      let digits = '';
      for (let k = 0; k < nd; k++) digits += String(next() % 10);
      const dot = next() % (nd + 1);
      const text = `${i % 3 === 0 ? '-' : ''}${digits.slice(0, dot)}.${digits.slice(dot)}e${(next() % 640) - 320}`;
      const want = st.get(text) as number;
      const got = atoF(text).value;
      if (!Object.is(want, got) && !(want === 0 && got === 0)) failures.push(`${text}: ${want} vs ${got}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});

describe('CAST against SQLite', () => {
  const TYPES = ['INTEGER', 'REAL', 'TEXT', 'BLOB', 'NUMERIC', 'INT', 'VARCHAR(10)', 'DOUBLE PRECISION', 'FLOATING POINT', 'BOOLEAN', 'DATETIME', 'CHARINT', 'BLOBBY', 'FOO'];
  for (const type of TYPES) {
    it(`CAST(x AS ${type}) over edge values`, () => {
      const failures: string[] = [];
      for (const [lit, v] of EDGE_VALUES) {
        const want = oracleEval(db, `CAST(${lit} AS ${type})`);
        const got = ours(() => castTo(v, type));
        if (!sameOutcome(want, got)) failures.push(`CAST(${lit} AS ${type}): ${showOutcome(want)} vs ${showOutcome(got)}`);
      }
      expect(failures).toEqual([]);
    });
  }

  it('CAST of random numeric-looking text to INTEGER, REAL and NUMERIC', () => {
    const failures: string[] = [];
    const pieces = [' ', '', '-', '+', '0', '00', '1', '9', '12', '922337203685477580', '9223372036854775807', '9223372036854775808', '.', '.5', 'e', 'e5', 'E-3', 'x', '1e400', '\t'];
    let s = 5;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s);
    for (let i = 0; i < 600; i++) {
      let t = '';
      const k = 1 + (next() % 4);
      for (let j = 0; j < k; j++) t += pieces[next() % pieces.length];
      for (const type of ['INTEGER', 'REAL', 'NUMERIC']) {
        const row = db.prepare(`SELECT CAST(? AS ${type}), typeof(CAST(? AS ${type}))`).raw().get(t, t) as unknown[];
        const want = { value: fromOracle(row[0], row[1] as string) };
        const got = ours(() => castTo(t, type));
        if (!sameOutcome(want, got)) failures.push(`CAST(${JSON.stringify(t)} AS ${type}): ${showOutcome(want)} vs ${showOutcome(got)}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});

describe('truthiness', () => {
  it('matches CASE WHEN x THEN 1 ELSE 0 END', () => {
    for (const [lit, v] of EDGE_VALUES) {
      const want = db.prepare(`SELECT CASE WHEN ${lit} THEN 1 WHEN NOT ${lit} THEN 0 ELSE NULL END`).pluck().get();
      const b = toBoolean(v);
      expect(`${lit}: ${b === null ? null : b ? 1 : 0}`).toBe(`${lit}: ${want === null ? null : Number(want)}`);
    }
  });
});

describe('type affinity', () => {
  const DECLS = ['INTEGER', 'INT', 'TINYINT', 'BIGINT', 'INT8', 'TEXT', 'VARCHAR(255)', 'CHARACTER(20)', 'NCHAR', 'CLOB', 'BLOB', '',
    'REAL', 'DOUBLE', 'DOUBLE PRECISION', 'FLOAT', 'NUMERIC', 'DECIMAL(10,5)', 'BOOLEAN', 'DATE', 'DATETIME', 'JSON', 'FLOATING POINT',
    'STRING', 'SERIAL', 'TIMESTAMPTZ', 'BLOBTEXT', 'TEXTBLOB', 'REALINT', 'ÜINT', 'VECTOR(3)', 'CHARBLOB'];

  it('column affinity applied on INSERT matches SQLite for every declared type and edge value', () => {
    const failures: string[] = [];
    db.exec(`CREATE TABLE aff(${DECLS.map((d, i) => `c${i} ${d}`).join(', ')})`);
    for (const [lit, v] of EDGE_VALUES) {
      db.exec('DELETE FROM aff');
      db.exec(`INSERT INTO aff VALUES (${DECLS.map(() => lit).join(', ')})`);
      const cols = DECLS.map((_, i) => `c${i}, typeof(c${i})`).join(', ');
      const row = db.prepare(`SELECT ${cols} FROM aff`).raw().get() as unknown[];
      DECLS.forEach((d, i) => {
        const want = { value: fromOracle(row[2 * i], row[2 * i + 1] as string) };
        const got = ours(() => applyAffinity(v, affinityOfType(d === '' ? null : d)));
        if (!sameOutcome(want, got)) failures.push(`${d} <- ${lit}: ${showOutcome(want)} vs ${showOutcome(got)}`);
      });
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('comparison affinity between columns and expressions matches SQLite', () => {
    const kinds: Array<[string, Affinity | null]> = [['INTEGER', 'INTEGER'], ['TEXT', 'TEXT'], ['BLOB', 'BLOB'], ['REAL', 'REAL'], ['NUMERIC', 'NUMERIC']];
    db.exec(`CREATE TABLE cmp(${kinds.map(([t], i) => `k${i} ${t}`).join(', ')})`);
    const sample = EDGE_VALUES.filter((_, i) => i % 2 === 0);
    const failures: string[] = [];
    for (const [lit, v] of sample) {
      db.exec('DELETE FROM cmp');
      db.exec(`INSERT INTO cmp VALUES (${kinds.map(() => lit).join(', ')})`);
      const stored = kinds.map(([, aff]) => applyAffinity(v, aff as Affinity));
      for (const [lit2, w] of sample) {
        for (let i = 0; i < kinds.length; i++) {
          // column vs expression
          const want = db.prepare(`SELECT k${i} < ${lit2}, k${i} = ${lit2} FROM cmp`).raw().get() as unknown[];
          const aff = comparisonAffinity(kinds[i][1], null);
          const c = compareWithAffinity(stored[i], w, aff);
          const got = c === null ? [null, null] : [c < 0 ? 1n : 0n, c === 0 ? 1n : 0n];
          if (String(want) !== String(got)) failures.push(`k${i}(${kinds[i][0]})=${lit} vs ${lit2}: ${want} / ${got}`);
          // column vs column
          const j = (i + 1) % kinds.length;
          const want2 = db.prepare(`SELECT k${i} = k${j} FROM cmp`).pluck().get();
          const c2 = compareWithAffinity(stored[i], stored[j], comparisonAffinity(kinds[i][1], kinds[j][1]));
          const got2 = c2 === null ? null : c2 === 0 ? 1n : 0n;
          if (want2 !== got2) failures.push(`k${i}=k${j} with ${lit}: ${want2} / ${got2}`);
        }
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });
});

describe('value to text', () => {
  it('matches CAST(x AS TEXT) for edge values', () => {
    for (const [lit, v] of EDGE_VALUES) {
      const want = db.prepare(`SELECT CAST(${lit} AS TEXT)`).pluck().get() as string | null;
      expect(`${lit}: ${toText(v as SqlValue)}`).toBe(`${lit}: ${want}`);
    }
  });
});
