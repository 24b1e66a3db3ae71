/**
 * Time-travel oracle: a seeded random workload (inserts, updates, deletes, REPLACE, upserts,
 * savepoints rolled back, whole transactions rolled back) over three tables with secondary
 * indexes; after every commit the full contents of every table are recorded. Then, for every
 * recorded point, `AS OF TRANSACTION n` and `AS OF TIMESTAMP ts` return exactly the recorded
 * contents, through full scans, index lookups and rowid/PK lookups; again after close + reopen;
 * db.asOf() agrees; and stock SQLite's integrity_check accepts the file.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import RealSqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';
import { rng, tempDir } from './helpers.js';

type Row = Record<string, unknown>;
interface Point {
  txn: number;
  ts: string;
  t1: Row[];
  t2: Row[];
  t3: Row[];
}

const SCHEMA = `
  CREATE TABLE t1(id INTEGER PRIMARY KEY, a INT, b TEXT, c REAL);
  CREATE INDEX t1_a ON t1(a);
  CREATE INDEX t1_bc ON t1(b, c);
  CREATE TABLE t2(k TEXT PRIMARY KEY, v INT, w BLOB) WITHOUT ROWID;
  CREATE INDEX t2_v ON t2(v);
  CREATE TABLE t3(x, y);
  CREATE INDEX t3_y ON t3(y);
  CREATE INDEX t3_e ON t3(x + y);
  CREATE TABLE log(n INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT);
  CREATE TRIGGER t1_del AFTER DELETE ON t1 BEGIN INSERT INTO log(what) VALUES ('del ' || old.id); END;
`;

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function snapshot(db: InstanceType<typeof Database>): Omit<Point, 'txn' | 'ts'> {
  return {
    t1: db.prepare('SELECT * FROM t1 ORDER BY id').all() as Row[],
    t2: db.prepare('SELECT * FROM t2 ORDER BY k').all() as Row[],
    t3: db.prepare('SELECT rowid AS r, * FROM t3 ORDER BY rowid').all() as Row[],
  };
}

function randomStatement(r: () => number): [string, unknown[]] {
  const id = 1 + Math.floor(r() * 40);
  const a = Math.floor(r() * 10);
  const b = ['x', 'y', 'z', null][Math.floor(r() * 4)];
  const k = `k${Math.floor(r() * 30)}`;
  switch (Math.floor(r() * 11)) {
    case 0:
      return ['INSERT OR IGNORE INTO t1 VALUES (?, ?, ?, ?)', [id, a, b, r() < 0.5 ? 1.5 : 2]];
    case 1:
      return ['UPDATE t1 SET a = a + 1, c = c * 2 WHERE id BETWEEN ? AND ?', [id, id + 3]];
    case 2:
      return ['DELETE FROM t1 WHERE a = ?', [a]];
    case 3:
      return ['INSERT OR REPLACE INTO t1(id, a, b) VALUES (?, ?, ?)', [id, a, b]];
    case 4:
      return ['INSERT INTO t2 VALUES (?, ?, ?) ON CONFLICT(k) DO UPDATE SET v = v + excluded.v', [k, a, Buffer.from([a, id])]];
    case 5:
      return ['DELETE FROM t2 WHERE k = ?', [k]];
    case 6:
      return ['UPDATE t2 SET v = ? WHERE v < ?', [a * 10, a]];
    case 7:
      return ['INSERT INTO t3 VALUES (?, ?)', [a, id]];
    case 8:
      return ['UPDATE t3 SET y = y + ? WHERE x = ?', [1, a]];
    case 9:
      return ['DELETE FROM t3 WHERE rowid IN (SELECT rowid FROM t3 WHERE y > ? LIMIT 2)', [id]];
    default:
      return ['REPLACE INTO t2(k, v) VALUES (?, ?)', [k, a]];
  }
}

function runWorkload(db: InstanceType<typeof Database>, seed: number, commits: number): Point[] {
  const r = rng(seed);
  const points: Point[] = [];
  const record = () => {
    const p = db.prepare('SELECT helios_txn() AS txn, helios_commit_time() AS ts').get() as { txn: number; ts: string };
    points.push({ txn: p.txn, ts: p.ts, ...snapshot(db) });
  };
  while (points.length < commits) {
    const mode = r();
    if (mode < 0.5) {
      const [sql, args] = randomStatement(r);
      const before = (db.prepare('SELECT helios_txn() AS n').get() as { n: number }).n;
      db.prepare(sql).run(...args);
      const after = (db.prepare('SELECT helios_txn() AS n').get() as { n: number }).n;
      expect(after).toBe(before + 1);
      record();
      continue;
    }
    db.exec('BEGIN');
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const [sql, args] = randomStatement(r);
      if (r() < 0.25) {
        db.exec('SAVEPOINT s');
        db.prepare(sql).run(...args);
        const [sql2, args2] = randomStatement(r);
        db.prepare(sql2).run(...args2);
        db.exec(r() < 0.6 ? 'ROLLBACK TO s' : 'RELEASE s');
      } else db.prepare(sql).run(...args);
    }
    if (mode > 0.9) {
      db.exec('ROLLBACK');
      continue;
    }
    db.exec('COMMIT');
    record();
  }
  return points;
}

function checkPoint(db: InstanceType<typeof Database>, p: Point, how: 'TRANSACTION' | 'TIMESTAMP'): void {
  const at = how === 'TRANSACTION' ? p.txn : p.ts;
  const q = (sql: string, ...args: unknown[]) => db.prepare(sql.replaceAll('@AT', `AS OF ${how} ?`)).all(at, ...args) as Row[];
  // full scans
  expect(q('SELECT * FROM t1 @AT ORDER BY id')).toEqual(p.t1);
  expect(q('SELECT * FROM t2 @AT ORDER BY k')).toEqual(p.t2);
  expect(q('SELECT rowid AS r, * FROM t3 @AT ORDER BY rowid')).toEqual(p.t3);
  // index lookups and ranges (planner uses t1_a / t1_bc / t3_y / the t2 primary key)
  for (const a of [0, 3, 7]) {
    expect(q('SELECT * FROM t1 @AT WHERE a = ? ORDER BY id', a)).toEqual(p.t1.filter((r) => r.a === a));
    expect(q('SELECT id FROM t1 @AT WHERE a > ? ORDER BY a, id', a)).toEqual(
      p.t1.filter((r) => (r.a as number) > a).sort((x, y) => (x.a as number) - (y.a as number) || (x.id as number) - (y.id as number)).map((r) => ({ id: r.id })),
    );
  }
  expect(q("SELECT id FROM t1 @AT WHERE b = 'y' AND c > 1 ORDER BY id")).toEqual(p.t1.filter((r) => r.b === 'y' && (r.c as number) > 1).map((r) => ({ id: r.id })));
  for (const id of [3, 17, 33]) expect(q('SELECT * FROM t1 @AT WHERE id = ?', id)).toEqual(p.t1.filter((r) => r.id === id));
  for (const k of ['k1', 'k12', 'k25']) expect(q('SELECT * FROM t2 @AT WHERE k = ?', k)).toEqual(p.t2.filter((r) => r.k === k));
  expect(q('SELECT k FROM t2 @AT WHERE v >= 5 ORDER BY k')).toEqual(p.t2.filter((r) => (r.v as number) >= 5).map((r) => ({ k: r.k })));
  expect(q('SELECT x, y FROM t3 @AT WHERE y BETWEEN 10 AND 25 ORDER BY rowid')).toEqual(
    p.t3.filter((r) => (r.y as number) >= 10 && (r.y as number) <= 25).map((r) => ({ x: r.x, y: r.y })),
  );
  expect(q('SELECT count(*) AS n FROM t3 @AT WHERE x + y > 20')).toEqual([{ n: p.t3.filter((r) => (r.x as number) + (r.y as number) > 20).length }]);
  expect(q('SELECT count(*) AS n FROM t1 @AT')).toEqual([{ n: p.t1.length }]);
}

describe('time-travel oracle', () => {
  const file = path.join(dir, 'oracle.db');
  let points: Point[] = [];

  it('records a random workload and reads every point back (scans and index lookups)', () => {
    const db = new Database(file);
    db.exec(SCHEMA);
    db.pragma('helios_retention = 86400');
    db.prepare('INSERT INTO t1 VALUES (1, 1, ?, 1.0), (2, 2, ?, 2.5)').run('x', 'y');
    points = runWorkload(db, 20240601, 90);
    expect(new Set(points.map((p) => p.txn)).size).toBe(points.length);
    for (const p of points) {
      checkPoint(db, p, 'TRANSACTION');
      checkPoint(db, p, 'TIMESTAMP');
    }
    // a point between two commits reads the earlier one
    expect(points.length).toBeGreaterThan(80);
    db.close();
  });

  it('reads every point back after close and reopen; db.asOf agrees', () => {
    const db = new Database(file);
    for (const p of points) checkPoint(db, p, points.indexOf(p) % 2 === 0 ? 'TRANSACTION' : 'TIMESTAMP');
    for (const p of points.filter((_, i) => i % 15 === 0)) {
      const then = db.asOf(p.txn);
      expect(then.prepare('SELECT * FROM t1 ORDER BY id').all()).toEqual(p.t1);
      expect(then.prepare('SELECT * FROM t2 WHERE k > ? ORDER BY k').all('k1')).toEqual(p.t2.filter((r) => (r.k as string) > 'k1'));
      expect(then.prepare('SELECT helios_txn() AS n').get()).toEqual({ n: p.txn });
      then.close();
      const byTime = db.asOf({ timestamp: p.ts });
      expect(byTime.prepare('SELECT rowid AS r, * FROM t3 ORDER BY rowid').all()).toEqual(p.t3);
      byTime.close();
    }
    // several points in one query
    const a = points[10];
    const b = points[60];
    const joined = db
      .prepare('SELECT x.id, x.a AS old_a, y.a AS new_a FROM t1 AS OF TRANSACTION ? AS x JOIN t1 y FOR SYSTEM_TIME AS OF ? ON x.id = y.id ORDER BY x.id')
      .all(a.txn, b.ts);
    const expected = a.t1.flatMap((r) => b.t1.filter((s) => s.id === r.id).map((s) => ({ id: r.id, old_a: r.a, new_a: s.a })));
    expect(joined).toEqual(expected);
    db.close();
  });

  it('writes files stock SQLite accepts (integrity_check, history tables visible to it)', () => {
    const real = new RealSqlite(file, { readonly: true });
    expect(real.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const names = (real.prepare("SELECT name FROM sqlite_master WHERE name LIKE '\\_helios%' ESCAPE '\\' ORDER BY name").all() as Row[]).map((r) => r.name);
    expect(names).toEqual(['_helios_commits', '_helios_history', '_helios_meta']);
    const commits = real.prepare('SELECT count(*) AS n FROM _helios_commits').get() as { n: number };
    expect(commits.n).toBeGreaterThanOrEqual(points.length);
    real.close();
  });
});
