/**
 * Time travel: error cases, the SQL surface (functions, pragmas, helios_versions), what history
 * captures (savepoints, rollbacks, triggers, FK actions), schema-change refusal, hiding of the
 * internal tables, and garbage collection against the retention window.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import RealSqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Database, SqliteError } from '../../engine/api/index.js';
import { sleepSync, tempDir } from './helpers.js';

type Db = InstanceType<typeof Database>;
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function txn(db: Db): number {
  return (db.prepare('SELECT helios_txn() AS n').get() as { n: number }).n;
}

function fresh(retention = 3600): Db {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v)');
  if (retention > 0) db.pragma(`helios_retention = ${retention}`);
  return db;
}

function sqlError(f: () => unknown, re: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SqliteError);
  expect((err as Error).message).toMatch(re);
}

describe('time travel errors', () => {
  it('is unavailable without history (default retention 0)', () => {
    const db = fresh(0);
    expect(db.pragma('helios_retention', { simple: true })).toBe(0);
    db.prepare('INSERT INTO t VALUES (1, 1)').run();
    sqlError(() => db.prepare('SELECT * FROM t AS OF TRANSACTION 1').all(), /time travel is not available.*helios_retention/);
    sqlError(() => db.asOf(1), /time travel is not available/);
    // no internal tables are created while history is off
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE '_helios%'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('rejects points in the future, before the retention window, and bad values', () => {
    const db = fresh();
    db.prepare('INSERT INTO t VALUES (1, 1)').run();
    const n = txn(db);
    sqlError(() => db.prepare('SELECT * FROM t AS OF TRANSACTION ?').all(n + 5), /in the future: the last committed transaction is/);
    sqlError(() => db.prepare("SELECT * FROM t AS OF TIMESTAMP '2999-01-01 00:00:00'").all(), /is in the future/);
    sqlError(() => db.prepare("SELECT * FROM t AS OF TIMESTAMP '2000-01-01'").all(), /before the retention window/);
    sqlError(() => db.prepare('SELECT * FROM t AS OF TRANSACTION 1').all(), /before the retention window/);
    sqlError(() => db.prepare("SELECT * FROM t AS OF TIMESTAMP 'yesterday'").all(), /invalid AS OF TIMESTAMP value/);
    sqlError(() => db.prepare('SELECT * FROM t AS OF TRANSACTION -1').all(), /invalid AS OF TRANSACTION value/);
    sqlError(() => db.asOf(n + 1), /in the future/);
    expect(() => db.asOf('not a time' as unknown as number)).toThrow(SqliteError);
    expect(() => db.asOf({} as unknown as number)).toThrow(TypeError);
    db.close();
  });

  it('is read only and applies to tables only', () => {
    const db = fresh();
    db.exec('CREATE VIEW vt AS SELECT * FROM t');
    db.prepare('INSERT INTO t VALUES (1, 1)').run();
    const n = txn(db);
    expect(() => db.prepare('UPDATE t AS OF TRANSACTION 1 SET v = 2').run()).toThrow(SqliteError);
    expect(() => db.prepare('DELETE FROM t AS OF TRANSACTION 1').run()).toThrow(SqliteError);
    sqlError(() => db.prepare('SELECT * FROM vt AS OF TRANSACTION 1').all(), /AS OF applies to tables only: vt is a view/);
    sqlError(() => db.prepare('WITH c AS (SELECT 1) SELECT * FROM c AS OF TRANSACTION 1').all(), /common table expression/);
    sqlError(() => db.prepare('SELECT * FROM sqlite_master AS OF TRANSACTION 1').all(), /schema table/);
    // reading the past while writing the present is fine
    db.prepare('DELETE FROM t').run();
    db.prepare('INSERT INTO t SELECT id, v + 10 FROM t AS OF TRANSACTION ?').run(n);
    expect(db.prepare('SELECT * FROM t').all()).toEqual([{ id: 1, v: 11 }]);
    const then = db.asOf(n);
    expect(then.readonly).toBe(true);
    expect(then.prepare('SELECT * FROM t').all()).toEqual([{ id: 1, v: 1 }]);
    expect(() => then.prepare('INSERT INTO t VALUES (5, 5)').run()).toThrow(/readonly/);
    then.close();
    db.close();
  });

  it('refuses to read across a schema change of the table', () => {
    const db = fresh();
    db.prepare('INSERT INTO t VALUES (1, 1)').run();
    const before = txn(db);
    db.exec('ALTER TABLE t ADD COLUMN w DEFAULT 7');
    db.prepare('INSERT INTO t VALUES (2, 2, 2)').run();
    const after = txn(db);
    sqlError(() => db.prepare('SELECT * FROM t AS OF TRANSACTION ?').all(before), /its definition changed.*schema changes is not supported/);
    expect(db.prepare('SELECT * FROM t AS OF TRANSACTION ?').all(after)).toEqual([
      { id: 1, v: 1, w: 7 },
      { id: 2, v: 2, w: 2 },
    ]);
    // a table created later did not exist at the earlier point
    db.exec('CREATE TABLE u(a)');
    sqlError(() => db.prepare('SELECT * FROM u AS OF TRANSACTION ?').all(after), /created or its definition changed/);
    db.close();
  });
});

describe('time travel SQL surface', () => {
  it('numbers every committed write transaction and reports its time', () => {
    const db = fresh();
    const a = txn(db);
    db.prepare('INSERT INTO t VALUES (1, 1)').run();
    expect(txn(db)).toBe(a + 1);
    db.exec('BEGIN; INSERT INTO t VALUES (2, 2); INSERT INTO t VALUES (3, 3); COMMIT');
    expect(txn(db)).toBe(a + 2);
    db.exec('BEGIN; INSERT INTO t VALUES (4, 4); ROLLBACK');
    expect(txn(db)).toBe(a + 2);
    const t = db.prepare('SELECT helios_commit_time() AS t').get() as { t: string };
    expect(t.t).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(db.prepare('SELECT count(*) AS n FROM t AS OF TIMESTAMP ?').get(t.t)).toEqual({ n: 3 });
    db.close();
  });

  it('discards changes undone by savepoint rollback; captures triggers and FK actions', () => {
    const db = fresh();
    db.exec('CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(id INTEGER PRIMARY KEY, pid REFERENCES p ON DELETE CASCADE);');
    db.exec('CREATE TABLE audit(x); CREATE TRIGGER tr AFTER UPDATE ON t BEGIN INSERT INTO audit VALUES (new.v); END;');
    db.exec('INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (10, 1), (11, 1), (12, 2); INSERT INTO t VALUES (1, 1)');
    const n0 = txn(db);
    db.exec('BEGIN; UPDATE t SET v = 2; SAVEPOINT s; UPDATE t SET v = 3; INSERT INTO t VALUES (9, 9); ROLLBACK TO s; COMMIT');
    const n1 = txn(db);
    db.exec('DELETE FROM p WHERE id = 1');
    expect(db.prepare('SELECT * FROM c ORDER BY id').all()).toEqual([{ id: 12, pid: 2 }]);
    expect(db.prepare('SELECT id FROM c AS OF TRANSACTION ? ORDER BY id').all(n1)).toEqual([{ id: 10 }, { id: 11 }, { id: 12 }]);
    expect(db.prepare('SELECT * FROM audit AS OF TRANSACTION ?').all(n0)).toEqual([]);
    expect(db.prepare('SELECT * FROM audit AS OF TRANSACTION ?').all(n1)).toEqual([{ x: 2 }]);
    const versions = db.prepare("SELECT rowid, txn_from, txn_to, data FROM helios_versions('t') ORDER BY rowid, txn_from").all();
    expect(versions).toEqual([
      { rowid: 1, txn_from: n0, txn_to: n1, data: '{"id":1,"v":1}' },
      { rowid: 1, txn_from: n1, txn_to: null, data: '{"id":1,"v":2}' },
    ]);
    db.close();
  });

  it('hides the internal tables from sqlite_master; stock SQLite checks the file', () => {
    const file = path.join(dir, 'hidden.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE TABLE w(k TEXT PRIMARY KEY, n) WITHOUT ROWID');
    db.pragma('helios_retention = 60');
    db.exec("INSERT INTO t VALUES (1, 'a'); INSERT INTO w VALUES ('k', 1); UPDATE w SET n = 2; DELETE FROM t");
    expect(db.prepare('SELECT name FROM sqlite_master ORDER BY name').all()).toEqual([{ name: 't' }, { name: 'w' }]);
    expect(db.prepare('SELECT count(*) AS n FROM sqlite_schema').get()).toEqual({ n: 2 });
    expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    db.close();
    const real = new RealSqlite(file, { readonly: true });
    expect(real.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect((real.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE '_helios_%'").get() as { n: number }).n).toBe(3);
    expect(real.prepare("SELECT count(*) AS n FROM _helios_history WHERE tbl = 'w'").get()).toEqual({ n: 2 });
    real.close();
  });

  it('turning retention off drops the history', () => {
    const db = fresh();
    db.prepare('INSERT INTO t VALUES (1, 1)').run();
    const n = txn(db);
    sqlError(() => db.exec('BEGIN; PRAGMA helios_retention = 0'), /inside a transaction/);
    db.exec('ROLLBACK');
    db.pragma('helios_retention = 0');
    sqlError(() => db.prepare('SELECT * FROM t AS OF TRANSACTION ?').all(n), /not available/);
    expect(db.prepare('SELECT count(*) AS n FROM _helios_history').get()).toEqual({ n: 0 });
    db.prepare('INSERT INTO t VALUES (2, 2)').run();
    expect(txn(db)).toBe(n + 2);
    db.close();
  });
});

describe('garbage collection', () => {
  it('removes history older than the retention window, keeps what is inside it', () => {
    const file = path.join(dir, 'gc.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE INDEX tv ON t(v)');
    db.pragma('helios_retention = 1');
    const points: { n: number; ts: string; rows: unknown[] }[] = [];
    const commit = (sql: string) => {
      db.exec(sql);
      const p = db.prepare('SELECT helios_txn() AS n, helios_commit_time() AS ts').get() as { n: number; ts: string };
      points.push({ ...p, rows: db.prepare('SELECT * FROM t ORDER BY id').all() });
    };
    for (let i = 0; i < 20; i++) commit(`INSERT OR REPLACE INTO t VALUES (${i % 7}, ${i})`);
    const old = points.length;
    sleepSync(1100);
    for (let i = 0; i < 10; i++) commit(`UPDATE t SET v = v + 1 WHERE id = ${i % 7}`);
    // commits collect incrementally; PRAGMA helios_gc finishes whatever is left
    expect(db.pragma('helios_gc', { simple: true })).toBeGreaterThanOrEqual(0);
    expect(db.prepare('SELECT count(*) AS n FROM _helios_commits').get()).toEqual({ n: points.length - old + 1 });
    const horizon = (db.prepare("SELECT value FROM _helios_meta WHERE key = 'horizon'").get() as { value: number }).value;
    const micros = (ts: string) => Date.parse(ts.replace(' ', 'T').slice(0, 23) + 'Z') * 1000 + Number(ts.slice(23));
    expect(micros(points[old - 2].ts)).toBeLessThan(horizon);
    for (const p of points) {
      if (micros(p.ts) < horizon) {
        sqlError(() => db.prepare('SELECT * FROM t AS OF TIMESTAMP ?').all(p.ts), /before the retention window/);
        sqlError(() => db.prepare('SELECT * FROM t AS OF TRANSACTION ?').all(p.n), /before the retention window/);
      } else {
        expect(db.prepare('SELECT * FROM t AS OF TIMESTAMP ? ORDER BY id').all(p.ts)).toEqual(p.rows);
        expect(db.prepare('SELECT * FROM t AS OF TIMESTAMP ? WHERE v > 5 ORDER BY id').all(p.ts)).toEqual((p.rows as { v: number }[]).filter((r) => r.v > 5));
      }
    }
    db.close();
    const real = new RealSqlite(file, { readonly: true });
    expect(real.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    real.close();
  });
});

describe('AS OF in stored definitions', () => {
  it('CREATE VIEW / CREATE TRIGGER with AS OF are refused; db.asOf() reads a plain view at a point', () => {
    const db = fresh();
    db.exec('INSERT INTO t VALUES (1, 10)');
    const n = txn(db);
    db.exec('UPDATE t SET v = 11 WHERE id = 1');
    sqlError(() => db.exec(`CREATE VIEW v AS SELECT * FROM t AS OF TRANSACTION ${n}`), /cannot create view v: AS OF is not allowed/);
    sqlError(() => db.exec(`CREATE VIEW v2 AS SELECT (SELECT v FROM t FOR SYSTEM_TIME AS OF '2020-01-01' WHERE id = 1) AS x`), /AS OF is not allowed/);
    sqlError(
      () => db.exec(`CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t SELECT id + 100, v FROM t AS OF TRANSACTION ${n}; END`),
      /cannot create trigger tr: AS OF is not allowed/,
    );
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type IN ('view', 'trigger')").pluck().get()).toBe(0);
    db.exec('CREATE VIEW v AS SELECT v FROM t WHERE id = 1');
    const old = db.asOf(n);
    expect(old.prepare('SELECT v FROM v').pluck().get()).toBe(10);
    old.close();
    expect(db.prepare('SELECT v FROM v').pluck().get()).toBe(11);
    db.close();
  });
});
