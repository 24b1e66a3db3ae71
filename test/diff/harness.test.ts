/**
 * The harness itself: tokenizer and splitter, value comparison, SQLite-vs-SQLite agreement, the
 * determinism probe, and, with deliberately wrong engines, that every kind of divergence is caught.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqliteEngine, type Engine } from '../support/engines.js';
import { splitStatements, topLevelClauses } from '../support/sql-tokens.js';
import { valueKey, valuesEqual } from '../support/values.js';
import { parseCaseFile, runCaseFile } from './cases.js';
import { fakeEngine } from './fake-engine.js';
import { runGenerated } from './generator.js';
import { DiffHarness, formatComparison } from './harness.js';

function compare(engine: Engine, setup: string[], sql: string) {
  const h = new DiffHarness(engine);
  try {
    for (const s of setup) expect(h.exec(s).status).toBe('match');
    return h.exec(sql);
  } finally {
    h.close();
  }
}

const SETUP = [
  'CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, r REAL, s TEXT, b BLOB)',
  "INSERT INTO t (a, r, s, b) VALUES (1, 1.0, 'x', x'00ff'), (2, 2.5, 'y', x'01'), (3, NULL, 'z', NULL), (4, 4.0, 'w', x'')",
];

describe('tokenizer and splitter', () => {
  it('splits at semicolons outside strings, comments and trigger bodies', () => {
    const script = [
      "-- error",
      "SELECT 'a;b', \"c;d\", [e;f], `g;h`; /* ; */ SELECT 2;",
      'CREATE TRIGGER tr AFTER INSERT ON t BEGIN',
      "  UPDATE t SET a = CASE WHEN new.a > 1 THEN 1 ELSE 2 END;",
      '  DELETE FROM t WHERE 0;',
      'END;',
      '-- eqp-shape',
      'SELECT 3',
    ].join('\n');
    const stmts = splitStatements(script);
    expect(stmts.map((s) => s.sql.split('\n')[0])).toEqual([
      "SELECT 'a;b', \"c;d\", [e;f], `g;h`",
      'SELECT 2',
      'CREATE TRIGGER tr AFTER INSERT ON t BEGIN',
      'SELECT 3',
    ]);
    expect(stmts[2].sql.endsWith('END')).toBe(true);
    expect(stmts[0].leadingComments).toEqual(['error']);
    expect(stmts[2].line).toBe(3);
    const parsed = parseCaseFile(script);
    expect(parsed.map((p) => [p.expectError, p.eqpShape])).toEqual([[true, false], [false, false], [false, false], [false, true]]);
  });

  it('finds only top-level ORDER BY and LIMIT', () => {
    expect(topLevelClauses('SELECT * FROM (SELECT a FROM t ORDER BY a LIMIT 1)')).toEqual({ orderBy: false, limit: false, verb: 'SELECT' });
    expect(topLevelClauses('WITH c AS (SELECT 1) SELECT row_number() OVER (ORDER BY x) FROM c ORDER BY 1 LIMIT 2')).toEqual({
      orderBy: true,
      limit: true,
      verb: 'WITH',
      ordinalOrder: { before: 'WITH c AS (SELECT 1) SELECT row_number() OVER (ORDER BY x) FROM c ', terms: '1', after: 'LIMIT 2' },
    });
    expect(topLevelClauses('SELECT a, b FROM t ORDER BY 2 DESC NULLS LAST, 1 COLLATE NOCASE').ordinalOrder?.terms).toBe('2 DESC NULLS LAST, 1 COLLATE NOCASE');
    expect(topLevelClauses('SELECT a, b FROM t ORDER BY 2, a').ordinalOrder).toBeUndefined();
    expect(topLevelClauses("SELECT 'ORDER BY' -- ORDER BY\n").orderBy).toBe(false);
  });
});

describe('values', () => {
  it('distinguishes INTEGER from REAL, -0 from 0 and compares blobs bytewise', () => {
    expect(valueKey(1n)).not.toBe(valueKey(1));
    expect(valuesEqual(0, -0)).toBe(false);
    expect(valuesEqual(Buffer.from([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(valuesEqual(Buffer.from([1, 2]), Buffer.from([1, 3]))).toBe(false);
    expect(valuesEqual('1', 1n)).toBe(false);
  });
});

describe('SQLite against itself', () => {
  it('matches, comparing ORDER BY results in order and others as multisets', () => {
    const ordered = compare(sqliteEngine, SETUP, 'SELECT a, r FROM t ORDER BY a DESC');
    expect(ordered.status).toBe('match');
    expect(ordered.ordered).toBe(true);
    const unordered = compare(sqliteEngine, SETUP, 'SELECT a FROM t');
    expect(unordered.ordered).toBe(false);
    expect(compare(sqliteEngine, SETUP, 'INSERT INTO t (a) VALUES (9)').status).toBe('match');
    const err = compare(sqliteEngine, SETUP, 'SELECT nope FROM t');
    expect(err.status).toBe('match');
    expect(err.expected.kind).toBe('error');
  });

  it('treats an ORDER BY with ties as a multiset and a LIMIT over ties as nondeterministic', () => {
    const setup = [...SETUP, 'CREATE TABLE u (k INT, v INT)', 'INSERT INTO u VALUES (1, 1), (1, 2), (2, 3)'];
    const ties = compare(sqliteEngine, setup, 'SELECT k, v FROM u ORDER BY 1');
    expect(ties.status).toBe('match');
    expect(ties.ordered).toBe(false);
    expect(compare(sqliteEngine, setup, 'SELECT k, v FROM u ORDER BY 1 LIMIT 1').status).toBe('nondeterministic');
    expect(compare(sqliteEngine, setup, 'SELECT k, v FROM u ORDER BY 1 DESC, 2 LIMIT 1').status).toBe('match');
    expect(compare(sqliteEngine, setup, 'SELECT (SELECT v FROM u)').status).toBe('nondeterministic');
    expect(compare(sqliteEngine, setup, 'SELECT k, v FROM u ORDER BY k, v LIMIT 1').status).toBe('match');
  });

  it('probes DML for order dependence without changing the state', () => {
    const setup = ['CREATE TABLE q (id INTEGER PRIMARY KEY, u UNIQUE)', 'INSERT INTO q VALUES (1, 1), (2, 2), (3, 3)'];
    expect(compare(sqliteEngine, setup, 'UPDATE q SET u = u + 1').status).toBe('nondeterministic');
    const h = new DiffHarness(sqliteEngine);
    for (const s of setup) h.exec(s);
    expect(h.exec('UPDATE q SET u = u + 10 WHERE id = 2').status).toBe('match');
    expect(h.compareState().every((c) => c.status === 'match')).toBe(true);
    const rows = h.oracle.prepare('SELECT u FROM q ORDER BY id').raw(true).all() as unknown[][];
    expect(rows.map((r) => r[0])).toEqual([1, 12, 3]);
    h.close();
  });

  it('runs generated statements without divergence', () => {
    const r = runGenerated(sqliteEngine, { seed: 7, count: 600 });
    expect(r.divergences).toEqual([]);
    expect(r.statements).toBe(600);
    expect(r.matched).toBeGreaterThan(550);
  });
});

describe('deliberately wrong engines are caught', () => {
  const cases: [string, Engine, string[], string, RegExp][] = [
    [
      'INTEGER returned as REAL',
      fakeEngine('int-as-real', { rows: (_s, rows) => rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v))) }),
      SETUP,
      'SELECT a FROM t',
      /differ/,
    ],
    [
      'REAL 1.0 returned as INTEGER',
      fakeEngine('real-as-int', { rows: (_s, rows) => rows.map((r) => r.map((v) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v))) }),
      SETUP,
      'SELECT r FROM t WHERE a = 1',
      /rows differ/,
    ],
    ['wrong row order under ORDER BY', fakeEngine('reversed', { rows: (_s, rows) => rows.slice().reverse() }), SETUP, 'SELECT a FROM t ORDER BY a', /in order/],
    ['a missing row', fakeEngine('drop-row', { rows: (_s, rows) => rows.slice(1) }), SETUP, 'SELECT a FROM t', /row count/],
    [
      'a flipped blob byte',
      fakeEngine('blob', { rows: (_s, rows) => rows.map((r) => r.map((v) => (v instanceof Uint8Array && v.length > 0 ? Buffer.from([v[0] ^ 1, ...v.subarray(1)]) : v))) }),
      SETUP,
      'SELECT b FROM t',
      /rows differ/,
    ],
    ['a renamed column', fakeEngine('cols', { columns: (_s, cols) => cols.map((c) => ({ ...c, name: c.name.toUpperCase() })) }), SETUP, 'SELECT a FROM t', /column names/],
    ['wrong changes', fakeEngine('changes', { run: (_s, r) => ({ ...r, changes: Number(r.changes) + 1 }) }), [], 'CREATE TABLE z (a)', /changes/],
    ['wrong error message', fakeEngine('msg', { error: (_s, e) => Object.assign(new Error(e.message + '!'), { name: e.name, code: (e as { code?: string }).code }) }), [], 'SELECT * FROM missing', /message/],
    ['wrong error code', fakeEngine('code', { error: (_s, e) => Object.assign(new Error(e.message), { name: e.name, code: 'SQLITE_MISUSE' }) }), [], 'SELECT * FROM missing', /code/],
    ['accepting what SQLite rejects', fakeEngine('lenient', { error: () => undefined }), [], 'SELECT * FROM missing', /outcome kind/],
  ];
  for (const [what, engine, setup, sql, reason] of cases) {
    it(what, () => {
      const c = compare(engine, setup, sql);
      expect(c.status, formatComparison(c)).toBe('mismatch');
      expect(c.reason).toMatch(reason);
    });
  }

  describe('known SQLite bugs are intended divergences only when SQLite confirms them', () => {
    // SQLite 3.53: NOT IN over an index on c1 DESC misses the NULL (it sorts last there).
    const setup = ['CREATE TABLE t1 (c1)', 'CREATE INDEX i1 ON t1 (c1 DESC)', 'INSERT INTO t1 VALUES (1), (NULL)'];
    const sql = 'SELECT 5 NOT IN (SELECT c1 FROM t1) AS r';
    const answering = (v: unknown) => fakeEngine('not-in', { rows: (q, rows) => (q === sql ? [[v]] : rows) });
    it('the SQL-correct answer (NULL) is intended', () => {
      const c = compare(answering(null), setup, sql);
      expect(c.status, formatComparison(c)).toBe('intended');
      expect(c.reason).toMatch(/known SQLite bug/);
    });
    it('any other answer is still a mismatch', () => {
      const c = compare(answering(0n), setup, sql);
      expect(c.status, formatComparison(c)).toBe('mismatch');
    });
    it('also for DML (changes compared; last_insert_rowid of the original connection)', () => {
      const del = 'DELETE FROM t1 WHERE 5 NOT IN (SELECT c1 FROM t1)';
      const fake = (n: number) => fakeEngine('not-in-dml', { run: (q, r) => (q === del ? { ...r, changes: n } : r) });
      expect(compare(fake(0), setup, del).status).toBe('intended');
      expect(compare(fake(1), setup, del).status).toBe('mismatch');
    });
    it('the check leaves SQLite unchanged', () => {
      const h = new DiffHarness(answering(null));
      try {
        for (const s of setup) h.exec(s);
        expect(h.exec(sql).status).toBe('intended');
        expect(h.oracle.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'i1'").raw(true).all()).toEqual([[1]]);
      } finally {
        h.close();
      }
    });
  });

  it('LIKE on an INTEGER PRIMARY KEY in a LEFT JOIN: the outer rows are intended, other answers are not', () => {
    const setup = ['CREATE TABLE t0 (id INTEGER PRIMARY KEY, c0)', 'CREATE TABLE t1 (c1)', 'INSERT INTO t0 VALUES (1, 2)', 'INSERT INTO t1 VALUES (5), (6)'];
    const sql = "SELECT * FROM t1 LEFT JOIN t0 ON t0.id LIKE 'a%'";
    const answering = (rows: unknown[][]) => fakeEngine('like', { rows: (q, r) => (q === sql ? rows : r) });
    expect(compare(answering([[5n, null, null], [6n, null, null]]), setup, sql).status).toBe('intended');
    expect(compare(answering([[5n, null, null]]), setup, sql).status).toBe('mismatch');
  });

  it('a reordered multiset is not a divergence', () => {
    expect(compare(fakeEngine('reversed', { rows: (_s, rows) => rows.slice().reverse() }), SETUP, 'SELECT a FROM t').status).toBe('match');
  });

  it('the generator finds a subtle bug and writes a reproduction script', () => {
    // Off-by-one in large results only: drops the last row when there are more than 5.
    const engine = fakeEngine('subtle', { rows: (_s, rows) => (rows.length > 5 ? rows.slice(0, -1) : rows) });
    const reproDir = path.join(os.tmpdir(), `heliosdb-diff-selftest-${process.pid}`);
    const r = runGenerated(engine, { seed: 11, count: 2000, maxDivergences: 1, reproDir });
    expect(r.divergences.length).toBe(1);
    expect(r.divergences[0]).toMatch(/DIFF_SEED=11 session \d+ .*statement \d+/);
    const file = /reproduction script: (.*)$/m.exec(r.divergences[0])?.[1] ?? '';
    expect(existsSync(file)).toBe(true);
    // The script is itself a case file that reproduces the divergence.
    const replay = runCaseFile(file, engine);
    expect(replay.mismatches.length).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8')).toContain('CREATE TABLE');
  });

  it('case files report divergences with file and line', () => {
    const engine = fakeEngine('int-as-real', { rows: (_s, rows) => rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v))) });
    const file = path.join(__dirname, 'cases', '01-ddl-tables.sql');
    const r = runCaseFile(file, engine);
    expect(r.mismatches.length).toBeGreaterThan(0);
    expect(r.mismatches[0]).toMatch(/01-ddl-tables\.sql:\d+/);
  });
});
