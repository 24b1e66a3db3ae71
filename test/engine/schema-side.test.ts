/**
 * Schema-side behaviour the differential case files do not pin: the TEMP database (private to
 * its connection, gone after close, shadowing main, transactional), INSTEAD OF triggers,
 * statement-level foreign key counting, and SQLite's table-hash order. Where a result is
 * deterministic it is compared with real SQLite (better-sqlite3) running the same script.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BS3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';
import { tableHashOrder } from '../../engine/catalog/table-hash-order.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helios-schema-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => path.join(dir, `s${++n}.db`);

interface Db {
  exec(sql: string): unknown;
  prepare(sql: string): { all(...a: unknown[]): unknown[]; run(...a: unknown[]): unknown };
  close(): unknown;
}

/** Runs `steps` on both engines: strings are executed, `['q', sql]` queried; returns the outcomes. */
function both(steps: (string | ['q', string])[]): { ours: unknown[]; sqlite: unknown[] } {
  const run = (db: Db): unknown[] =>
    steps.map((s) => {
      try {
        if (typeof s === 'string') return db.exec(s) && 'ok';
        return db.prepare(s[1]).all();
      } catch (e) {
        return `error: ${(e as { code?: string }).code} ${(e as Error).message}`;
      }
    });
  const a = new Database(':memory:') as unknown as Db;
  const b = new BS3(':memory:') as unknown as Db;
  try {
    return { ours: run(a), sqlite: run(b) };
  } finally {
    a.close();
    b.close();
  }
}

describe('TEMP database', () => {
  it('is private to its connection and gone after close', () => {
    const f = file();
    const a = new Database(f);
    const b = new Database(f);
    a.exec('CREATE TABLE m (x); CREATE TEMP TABLE t (x); INSERT INTO t VALUES (1), (2)');
    expect(a.prepare('SELECT count(*) AS c FROM t').get()).toEqual({ c: 2 });
    expect(() => b.prepare('SELECT * FROM t')).toThrow('no such table: t');
    expect(b.prepare('SELECT count(*) AS c FROM sqlite_temp_master').get()).toEqual({ c: 0 });
    // b may create its own TEMP table of the same name
    b.exec('CREATE TEMP TABLE t (y, z)');
    expect(b.prepare('SELECT * FROM t').columns().map((c) => c.name)).toEqual(['y', 'z']);
    expect(a.prepare('SELECT * FROM t').columns().map((c) => c.name)).toEqual(['x']);
    a.close();
    const c = new Database(f);
    expect(() => c.prepare('SELECT * FROM t')).toThrow('no such table: t');
    expect(c.prepare("SELECT name FROM sqlite_master").all()).toEqual([{ name: 'm' }]);
    c.close();
    b.close();
    // the main file holds no trace of TEMP objects
    const s = new BS3(f);
    expect(s.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    expect(s.prepare('SELECT name FROM sqlite_master').all()).toEqual([{ name: 'm' }]);
    s.close();
  });

  it('shadows main objects and resolves qualified names as SQLite does', () => {
    const r = both([
      'CREATE TABLE x (a); INSERT INTO x VALUES (1)',
      'CREATE TEMP TABLE x (b); INSERT INTO x VALUES (2)',
      ['q', 'SELECT * FROM x'],
      ['q', 'SELECT * FROM main.x'],
      ['q', 'SELECT * FROM temp.x'],
      'INSERT INTO main.x VALUES (3)',
      ['q', 'SELECT * FROM main.x ORDER BY a'],
      'CREATE INDEX temp.xi ON x (b)',
      ['q', 'SELECT type, name, tbl_name, sql FROM sqlite_temp_master ORDER BY name'],
      'DROP TABLE x',
      ['q', 'SELECT * FROM x'],
      'DROP TABLE x',
      ['q', 'SELECT * FROM x'],
      'CREATE TABLE temp.y (c)',
      ['q', 'SELECT schema, name, type FROM pragma_table_list ORDER BY schema, name'],
    ]);
    expect(r.ours).toEqual(r.sqlite);
  });

  it('follows transactions and savepoints', () => {
    const r = both([
      'CREATE TEMP TABLE t (x)',
      'BEGIN; INSERT INTO t VALUES (1); SAVEPOINT s; INSERT INTO t VALUES (2); CREATE TEMP TABLE u (y); ROLLBACK TO s; COMMIT',
      ['q', 'SELECT * FROM t'],
      ['q', 'SELECT name FROM sqlite_temp_master'],
      'BEGIN; CREATE TEMP VIEW v AS SELECT x * 10 AS x10 FROM t; INSERT INTO t VALUES (5); ROLLBACK',
      ['q', 'SELECT * FROM t'],
      ['q', 'SELECT name FROM sqlite_temp_master'],
    ]);
    expect(r.ours).toEqual(r.sqlite);
  });

  it('holds TEMP triggers, also on main tables', () => {
    const r = both([
      'CREATE TABLE m (x); CREATE TEMP TABLE log (what)',
      "CREATE TEMP TRIGGER m_ai AFTER INSERT ON m BEGIN INSERT INTO log VALUES ('ins ' || NEW.x); END",
      'INSERT INTO m VALUES (1), (2)',
      ['q', 'SELECT * FROM log ORDER BY what'],
      ['q', 'SELECT type, name, tbl_name FROM sqlite_temp_master ORDER BY name'],
      ['q', 'SELECT name FROM sqlite_master'],
    ]);
    expect(r.ours).toEqual(r.sqlite);
  });

  it('never shadows the tables a main view or trigger names (SQLite fixes them to main)', () => {
    const r = both([
      'CREATE TABLE log (x); CREATE TABLE t (a); CREATE TABLE src (v); INSERT INTO src VALUES (10), (20)',
      'CREATE VIEW v AS SELECT v FROM src WHERE v > (SELECT count(*) FROM log)',
      `CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN
         INSERT INTO log SELECT NEW.a + (SELECT count(*) FROM src);
         UPDATE log SET x = x + 1 WHERE x IN (SELECT v FROM src);
         DELETE FROM log WHERE x < 0 AND EXISTS (SELECT 1 FROM log);
       END`,
      `CREATE TRIGGER t_ad AFTER DELETE ON t BEGIN
         WITH src(v) AS (SELECT 1000) INSERT INTO log SELECT v FROM src;
       END`,
      // TEMP objects of the same names: the main view and triggers must not see them
      'CREATE TEMP TABLE log (x); CREATE TEMP TABLE src (v); INSERT INTO temp.src VALUES (1)',
      'INSERT INTO t VALUES (1), (2)',
      'DELETE FROM t WHERE a = 1',
      ['q', 'SELECT x FROM main.log ORDER BY x'],
      ['q', 'SELECT x FROM temp.log ORDER BY x'],
      ['q', 'SELECT * FROM v'],
      // a TEMP view resolves names as usual: temp first
      'CREATE TEMP VIEW tv AS SELECT v FROM src',
      ['q', 'SELECT * FROM tv'],
      // a main trigger's target that exists only in temp: no such table main.x
      'CREATE TABLE u (a); DROP TABLE main.log',
      'INSERT INTO t VALUES (3)',
      ['q', 'SELECT x FROM temp.log ORDER BY x'],
      // naming another database in a main view or trigger is refused when it is created
      'CREATE VIEW w AS SELECT * FROM temp.src',
      'CREATE VIEW w AS SELECT (SELECT count(*) FROM Temp.src) AS n',
      'CREATE TRIGGER u_ai AFTER INSERT ON u BEGIN SELECT * FROM temp.log; END',
      'CREATE TRIGGER u_ai AFTER INSERT ON u WHEN EXISTS (SELECT 1 FROM temp.src) BEGIN SELECT 1; END',
      'CREATE TEMP TRIGGER u_ai AFTER INSERT ON u BEGIN INSERT INTO log SELECT v FROM temp.src; END',
      'CREATE TEMP VIEW w AS SELECT * FROM main.src, temp.src AS s2',
      'INSERT INTO u VALUES (0)',
      ['q', 'SELECT x FROM temp.log ORDER BY x'],
      ['q', 'SELECT * FROM w'],
    ]);
    expect(r.ours).toEqual(r.sqlite);
  });
});

describe('stored schema text', () => {
  it('keeps what follows an index or view up to the semicolon as SQLite does', () => {
    const r = both([
      'CREATE TABLE t0 (x)',
      'CREATE INDEX i1 ON t0 (x) ',
      'CREATE INDEX i2 ON t0 (x)  ;  ',
      'CREATE UNIQUE INDEX i3 ON t0 (x) WHERE x > 1 /* c */ ',
      'CREATE INDEX i4 ON t0 (x) -- comment',
      'CREATE VIEW v1 AS SELECT 1 -- c\n',
      'CREATE VIEW v2 AS SELECT 2 \n\t ',
      'CREATE TABLE t1 (x) /* c */ ',
      'CREATE TRIGGER tr AFTER INSERT ON t0 BEGIN SELECT 1; END -- c',
      ['q', 'SELECT name, sql FROM sqlite_master ORDER BY name'],
    ]);
    expect(r.ours).toEqual(r.sqlite);
  });
});

describe('INSTEAD OF triggers', () => {
  it('route writes on a view, and a view without them stays read-only', () => {
    const r = both([
      'CREATE TABLE t (id INTEGER PRIMARY KEY, a, b)',
      'CREATE VIEW v AS SELECT id, a, b, a + b AS s FROM t',
      'INSERT INTO v (a, b) VALUES (1, 2)',
      "CREATE TRIGGER v_ins INSTEAD OF INSERT ON v BEGIN INSERT INTO t (a, b) VALUES (NEW.a, coalesce(NEW.b, 'none')); END",
      'CREATE TRIGGER v_upd INSTEAD OF UPDATE OF a ON v BEGIN UPDATE t SET a = NEW.a, b = OLD.s WHERE id = OLD.id; END',
      'INSERT INTO v (a) VALUES (1), (2); INSERT INTO v (a, b) SELECT 10, 20',
      'UPDATE v SET a = a * 100 WHERE id > 1',
      'UPDATE v SET b = 0',
      ['q', 'SELECT * FROM t ORDER BY id'],
      'DELETE FROM v',
    ]);
    expect(r.ours).toEqual(r.sqlite);
  });
});

describe('foreign keys are counted per statement', () => {
  it('a statement may break and repair a constraint', () => {
    const r = both([
      'CREATE TABLE node (id INTEGER PRIMARY KEY, parent INT REFERENCES node (id))',
      'INSERT INTO node VALUES (1, NULL), (2, 1), (3, 2)',
      'DELETE FROM node WHERE id = 2',
      'DELETE FROM node',
      ['q', 'SELECT count(*) AS c FROM node'],
      'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (pid REFERENCES p (id))',
      'INSERT INTO c VALUES (1)',
      'INSERT INTO c SELECT 7 UNION ALL SELECT 8',
      'INSERT INTO p VALUES (1); INSERT INTO c VALUES (1), (1)',
      'UPDATE p SET id = 2',
      ['q', 'SELECT * FROM c'],
    ]);
    expect(r.ours).toEqual(r.sqlite);
  });
});

describe("SQLite's table-hash order", () => {
  it('matches PRAGMA table_list of real SQLite for growing schemas', () => {
    const s = new BS3(':memory:');
    const names: string[] = [];
    for (let i = 0; i < 40; i++) {
      const name = `t${(i * 7919) % 97}_${i}`;
      names.push(name);
      s.exec(`CREATE TABLE ${name} (x)`);
      const expected = s.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main'").pluck().all();
      const ours = tableHashOrder(['sqlite_master', ...names]).map((x) => (x === 'sqlite_master' ? 'sqlite_schema' : x));
      expect(ours).toEqual(expected);
    }
    s.close();
  });
});
