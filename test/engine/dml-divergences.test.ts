/**
 * Regressions for DML/schema divergences the random differential generator found: each script
 * runs on our engine and on real SQLite (better-sqlite3), and every outcome (rows with exact
 * types, -0.0 included; run results; error code and message) must be equal.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BS3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helios-dml-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Stmt {
  reader: boolean;
  columns(): { name: string }[];
  raw(on: boolean): Stmt;
  safeIntegers(on: boolean): Stmt;
  all(): unknown[];
  run(): { changes: number; lastInsertRowid: number | bigint };
}
interface Db {
  prepare(sql: string): Stmt;
  close(): unknown;
}

const show = (v: unknown): unknown =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : Object.is(x, -0) ? '-0' : x instanceof Uint8Array ? `x'${Buffer.from(x).toString('hex')}'` : x));

function outcomes(db: Db, script: string[]): unknown[] {
  return script.map((sql) => {
    try {
      const st = db.prepare(sql);
      if (st.reader) return show(st.raw(true).safeIntegers(true).all());
      const r = st.run();
      return show({ changes: r.changes, lastInsertRowid: BigInt(r.lastInsertRowid) });
    } catch (e) {
      return `error: ${(e as { code?: string }).code} ${(e as Error).message}`;
    }
  });
}

function sameAsSqlite(script: string[]): unknown[] {
  const a = new Database(':memory:') as unknown as Db;
  const b = new BS3(':memory:') as unknown as Db;
  try {
    const ours = outcomes(a, script);
    const theirs = outcomes(b, script);
    expect(ours).toEqual(theirs);
    return theirs;
  } finally {
    a.close();
    b.close();
  }
}

describe('DML divergences found by the generator', () => {
  it('stores -0.0 in a REAL column as 0.0 (integer 0 on disk)', () => {
    const r = sameAsSqlite([
      'CREATE TABLE t (a REAL, b NUMERIC, c INTEGER, d TEXT, e)',
      'INSERT INTO t VALUES (-0.0, -0.0, -0.0, -0.0, -0.0) RETURNING *',
      'SELECT a, b, c, d, e FROM t',
    ]);
    expect(r[2]).toBe(show([[0, 0n, 0n, '0.0', -0]]));
  });

  it('UPDATE of the INTEGER PRIMARY KEY to NULL or a non-integer is datatype mismatch', () => {
    const r = sameAsSqlite([
      'CREATE TABLE t (id INTEGER PRIMARY KEY, c TEXT)',
      "INSERT INTO t VALUES (1, 'a'), (2, '7'), (3, 'x')",
      'UPDATE t SET id = NULL WHERE id = 1',
      'UPDATE OR IGNORE t SET id = NULL',
      'UPDATE t SET id = c WHERE id = 2',
      'UPDATE t SET id = c WHERE id = 3',
      'SELECT * FROM t ORDER BY id',
    ]);
    expect(r[2]).toMatch(/SQLITE_MISMATCH datatype mismatch/);
  });

  it('checks a WITHOUT ROWID primary key in its place among the UNIQUE constraints', () => {
    sameAsSqlite([
      'CREATE TABLE a (c0 UNIQUE, c1, PRIMARY KEY (c0, c1)) WITHOUT ROWID',
      'CREATE TABLE b (c0, c1, PRIMARY KEY (c0, c1), UNIQUE (c0)) WITHOUT ROWID',
      'CREATE TABLE c (c0, c1, PRIMARY KEY (c0, c1)) WITHOUT ROWID',
      'CREATE UNIQUE INDEX cu ON c (c0)',
      'INSERT INTO a VALUES (1, 1), (2, 1)',
      'INSERT INTO b VALUES (1, 1), (2, 1)',
      'INSERT INTO c VALUES (1, 1), (2, 1)',
      'INSERT INTO a VALUES (1, 1)',
      'INSERT INTO b VALUES (1, 1)',
      'INSERT INTO c VALUES (1, 1)',
      'UPDATE a SET c0 = 1',
      'UPDATE b SET c0 = 1',
    ]);
  });

  it('STRICT tables: PRIMARY KEY columns are NOT NULL; NOT NULL is checked before the type', () => {
    sameAsSqlite([
      'CREATE TABLE s (a INT, b TEXT, c REAL NOT NULL, d BLOB, PRIMARY KEY (a, b)) STRICT',
      'CREATE TABLE i (id INTEGER PRIMARY KEY, x INT) STRICT',
      "INSERT INTO s VALUES (NULL, 'x', 1, NULL)",
      "INSERT INTO s VALUES (1, 'x', NULL, 'text')",
      "INSERT INTO s VALUES (1, 'x', 'abc', NULL)",
      "INSERT INTO s VALUES (1, 'x', 1, 5)",
      'INSERT INTO i VALUES (NULL, 1), (NULL, 2)',
      "INSERT OR IGNORE INTO s VALUES (NULL, 'y', 1, NULL), (2, 'y', 2, NULL)",
      'SELECT * FROM s',
      'SELECT * FROM i',
    ]);
  });

  it('upserts on WITHOUT ROWID tables, with RETURNING', () => {
    sameAsSqlite([
      'CREATE TABLE w (k TEXT PRIMARY KEY, u INT UNIQUE, v) WITHOUT ROWID',
      "INSERT INTO w VALUES ('a', 1, 'x'), ('b', 2, 'y')",
      "INSERT INTO w VALUES ('a', 5, 'z') ON CONFLICT (k) DO UPDATE SET v = excluded.v RETURNING *",
      "INSERT INTO w VALUES ('c', 2, 'q') ON CONFLICT (u) DO UPDATE SET v = excluded.v || v, k = 'bb' RETURNING k, v",
      "INSERT INTO w VALUES ('d', 1, 'r') ON CONFLICT (k) DO NOTHING ON CONFLICT DO NOTHING",
      "INSERT INTO w VALUES ('a', 9, 'n') ON CONFLICT DO UPDATE SET u = u + 10",
      'SELECT * FROM w ORDER BY k',
    ]);
  });

  it('UPDATE ... FROM updates each WITHOUT ROWID row once', () => {
    sameAsSqlite([
      'CREATE TABLE w (a UNIQUE, b, PRIMARY KEY (a, b)) WITHOUT ROWID',
      'CREATE TABLE f (x)',
      "INSERT INTO w VALUES (1, 'p'), (2, 'q')",
      'INSERT INTO f VALUES (1), (2), (3)',
      "UPDATE w SET b = b || 'z' FROM f WHERE x > 1 RETURNING *",
      'UPDATE w SET a = 5 FROM f',
      'SELECT * FROM w ORDER BY a',
    ]);
  });

  it('UPDATE OR REPLACE skips rows that a REPLACE already deleted', () => {
    sameAsSqlite([
      'CREATE TABLE t (id INTEGER PRIMARY KEY, c UNIQUE)',
      "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 10), (4, 'd')",
      'UPDATE OR REPLACE t SET c = 10',
      'SELECT * FROM t',
    ]);
  });

  it('STRICT type errors name the value type as SQLite does (INT)', () => {
    sameAsSqlite(['CREATE TABLE s (a BLOB, b INTEGER) STRICT', 'INSERT INTO s VALUES (1, 1)', "INSERT INTO s VALUES (x'00', 'no')"]);
  });
});

describe('ANALYZE', () => {
  it('creates sqlite_stat1 and sqlite_stat4 and fills sqlite_stat1 as SQLite does', () => {
    sameAsSqlite([
      'CREATE TABLE e (a, b)',
      'CREATE INDEX ei ON e (a)',
      'CREATE TABLE n (a, b)',
      'CREATE TABLE p (a INTEGER PRIMARY KEY, b UNIQUE, c)',
      'CREATE INDEX pp ON p (c) WHERE c > 1',
      'CREATE INDEX px ON p (c + 1, b COLLATE NOCASE)',
      'CREATE TABLE w (a, b, c, PRIMARY KEY (b, a)) WITHOUT ROWID',
      'CREATE INDEX wi ON w (c)',
      "INSERT INTO n VALUES (1, 2), (3, 4)",
      "INSERT INTO p VALUES (1, 'a', 1), (2, 'A', 2), (3, NULL, 3), (4, NULL, 3), (5, 'b', NULL)",
      "INSERT INTO w VALUES (1, 2, 3), (4, 5, 6), ('x', 'y', NULL), (7, 8, 3)",
      'ANALYZE',
      'SELECT type, name, tbl_name, sql FROM sqlite_schema',
      'SELECT rowid, * FROM sqlite_stat1',
      'ANALYZE p',
      'SELECT rowid, * FROM sqlite_stat1',
      'DELETE FROM sqlite_stat1',
      'ANALYZE pp',
      'ANALYZE main.w',
      'SELECT rowid, * FROM sqlite_stat1',
      'ANALYZE main',
      'SELECT * FROM sqlite_stat1 ORDER BY tbl, idx',
      'ANALYZE nope',
      'ANALYZE temp',
    ]);
  });

  it('keeps an estimate of 1 when rows per key are between 1.0 and 1.1', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `(${i === 29 ? 0 : i})`).join(', ');
    sameAsSqlite(['CREATE TABLE t (a)', 'CREATE INDEX ta ON t (a)', `INSERT INTO t VALUES ${rows}`, 'ANALYZE', 'SELECT * FROM sqlite_stat1']);
  });

});

describe('schema statements found by the generator', () => {
  it('ALTER TABLE ADD COLUMN is a reader exactly when SQLite re-verifies the table', () => {
    const cases: [string, string][] = [
      ['CREATE TABLE t (a CHECK (a > 0))', 'ALTER TABLE t ADD COLUMN b'],
      ['CREATE TABLE t (a, CHECK (a > 0))', 'ALTER TABLE t ADD COLUMN b NUMERIC DEFAULT -0.0'],
      ['CREATE TABLE t (a)', 'ALTER TABLE t ADD COLUMN b CHECK (b > 0)'],
      ['CREATE TABLE t (a)', 'ALTER TABLE t ADD COLUMN b CONSTRAINT x CHECK (b > 0)'],
      ['CREATE TABLE t (a INT) STRICT', 'ALTER TABLE t ADD COLUMN b INT'],
      ['CREATE TABLE t (a INT PRIMARY KEY, b INT) WITHOUT ROWID, STRICT', 'ALTER TABLE t ADD COLUMN c TEXT'],
      ['CREATE TEMP TABLE t (a INT) STRICT', 'ALTER TABLE t ADD COLUMN b ANY'],
      ['CREATE TABLE t (a)', 'ALTER TABLE t ADD COLUMN b AS (a + 1) NOT NULL'],
      ['CREATE TABLE t (a)', 'ALTER TABLE t ADD COLUMN b NOT NULL GENERATED ALWAYS AS (a) VIRTUAL'],
      ['CREATE TABLE t (a)', 'ALTER TABLE t ADD COLUMN b AS (a + 1)'],
      ['CREATE TABLE t (a)', 'ALTER TABLE t ADD COLUMN b NOT NULL DEFAULT 1'],
      ['CREATE TABLE t (a, b AS (a) NOT NULL, CHECK (a > 0))', 'ALTER TABLE t ADD COLUMN c DEFAULT 2'],
      ['CREATE TABLE t (a PRIMARY KEY) WITHOUT ROWID', 'ALTER TABLE t ADD COLUMN b REFERENCES t(a)'],
    ];
    let readers = 0;
    for (const [create, alter] of cases) {
      const shape = (db: Db): unknown => {
        db.prepare(create).run();
        db.prepare('INSERT INTO t (a) VALUES (1)').run();
        const st = db.prepare(alter);
        const out = { reader: st.reader, columns: st.reader ? st.columns().map((c) => c.name) : [], rows: st.reader ? st.all() : st.run().changes };
        return show(out);
      };
      const a = new Database(':memory:') as unknown as Db;
      const b = new BS3(':memory:') as unknown as Db;
      try {
        const theirs = shape(b);
        expect(shape(a), `${create}; ${alter}`).toEqual(theirs);
        if ((theirs as string).includes('"reader":true')) readers++;
      } finally {
        a.close();
        b.close();
      }
    }
    expect(readers).toBe(7);
  });

  it('opens a file whose automatic indexes SQLite numbered (merged UNIQUE and PRIMARY KEY constraints)', () => {
    const file = path.join(dir, 'autoindex.db');
    const ddl = [
      'CREATE TABLE a1 (c0 NUMERIC UNIQUE, c1, c3 UNIQUE, PRIMARY KEY (c0)) WITHOUT ROWID',
      'CREATE TABLE a2 (c0 UNIQUE, c1 PRIMARY KEY, c2, UNIQUE (c1), UNIQUE (c2, c0))',
      'CREATE TABLE a3 (id INTEGER PRIMARY KEY, a UNIQUE, b UNIQUE, UNIQUE (id)) WITHOUT ROWID',
    ];
    const s = new BS3(file);
    for (const d of ddl) s.exec(d);
    s.exec("INSERT INTO a1 VALUES (1, 'x', 1); INSERT INTO a2 VALUES (1, 1, 1); INSERT INTO a3 VALUES (1, 1, 1)");
    s.close();
    const script = [
      ...['a1', 'a2', 'a3'].map((t) => `SELECT name, "unique", origin FROM pragma_index_list('${t}') ORDER BY name`),
      "INSERT INTO a1 VALUES (2, 'y', 1)",
      "INSERT INTO a1 VALUES (1, 'y', 2)",
      'INSERT INTO a2 VALUES (2, 1, 5)',
      'INSERT INTO a2 VALUES (2, 2, 1)',
      'INSERT INTO a3 VALUES (1, 2, 2)',
      'INSERT INTO a3 VALUES (2, 2, 1)',
      'SELECT * FROM a1',
      'PRAGMA integrity_check',
    ];
    const run = (db: Db) => {
      try {
        return outcomes(db, script);
      } finally {
        db.close();
      }
    };
    const copy = path.join(dir, 'autoindex-copy.db');
    fs.copyFileSync(file, copy);
    expect(run(new Database(file) as unknown as Db)).toEqual(run(new BS3(copy) as unknown as Db));
  });
});
