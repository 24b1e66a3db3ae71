import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vectorIndexCounters, vectorSearchStats } from '../../engine/vector/index.js';
import { bruteForce, Database, fill, randomVectors, tempDbPath, type Db } from './helpers.js';

const DIMS = 8;
const base = randomVectors(500, DIMS, 21);
const q = randomVectors(1, DIMS, 22)[0];
/** A vector nearer to q than anything in `base` (cosine): q itself, slightly scaled. */
const near = (s: number): Float32Array => q.map((x) => x * s);

type Row = { id: number; v: Float32Array | null };

describe('vector search inside transactions', () => {
  let file: string;
  let a: Db;
  let b: Db;
  let rows: Row[];
  const knn = (db: Db, k = 5, where = ''): number[] => {
    const before = vectorSearchStats.indexSearches + vectorSearchStats.exactFallbacks;
    const ids = (db.prepare(`SELECT id FROM t ${where} ORDER BY vector_distance(v, ?, 'cosine') LIMIT ?`).all(q, k) as { id: number }[]).map((r) => r.id);
    expect(vectorSearchStats.indexSearches + vectorSearchStats.exactFallbacks).toBe(before + 1);
    return ids;
  };
  /** The oracle over what `db` sees now. */
  const oracle = (db: Db, k = 5): number[] => {
    const all = (db.prepare('SELECT id, v FROM t').all() as Row[]);
    return bruteForce(all, q, 'cosine', k);
  };

  beforeEach(() => {
    file = tempDbPath();
    a = new Database(file);
    b = new Database(file);
    a.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(8))');
    fill(a, 't', base);
    rows = base.map((v, i) => ({ id: i + 1, v }));
    a.prepare('PRAGMA hnsw_ef_search = 400').run();
    b.prepare('PRAGMA hnsw_ef_search = 400').run();
    expect(knn(a)).toEqual(bruteForce(rows, q, 'cosine', 5)); // builds the index
  });
  afterEach(() => {
    a.close();
    b.close();
  });

  it('a transaction sees its own uncommitted vectors; others do not; rollback forgets them', () => {
    const committed = knn(b);
    a.exec('BEGIN');
    a.prepare('INSERT INTO t(id, v) VALUES (1001, ?), (1002, ?)').run(near(1), near(2));
    expect(knn(a).slice(0, 2).sort()).toEqual([1001, 1002]);
    expect(knn(a)).toEqual(oracle(a));
    expect(knn(b)).toEqual(committed);
    a.exec('ROLLBACK');
    expect(knn(a)).toEqual(committed);
    expect(knn(b)).toEqual(committed);
    expect(knn(a, 500).includes(1001)).toBe(false);
  });

  it('committed inserts, updates and deletes reach every connection', () => {
    a.exec('BEGIN');
    a.prepare('INSERT INTO t(id, v) VALUES (1001, ?)').run(near(1));
    const victim = knn(a)[1];
    a.prepare('DELETE FROM t WHERE id = ?').run(victim);
    const moved = knn(a)[1];
    a.prepare('UPDATE t SET v = ? WHERE id = ?').run(q.map((x) => -x), moved);
    expect(knn(a)).toEqual(oracle(a));
    expect(knn(a)).not.toContain(moved);
    a.exec('COMMIT');
    for (const db of [a, b]) {
      const got = knn(db);
      expect(got[0]).toBe(1001);
      expect(got).not.toContain(victim);
      expect(got).not.toContain(moved);
      expect(got).toEqual(oracle(db));
    }
  });

  it('COMMIT brings the committed rows to the index (no search needed); ROLLBACK brings none', () => {
    a.exec('BEGIN');
    a.prepare('INSERT INTO t(id, v) VALUES (1001, ?), (1002, ?)').run(near(1), near(2));
    a.prepare('UPDATE t SET v = ? WHERE id = 3').run(near(3));
    a.prepare('DELETE FROM t WHERE id = 4').run();
    const before = vectorIndexCounters.applied;
    a.exec('COMMIT');
    expect(vectorIndexCounters.applied - before).toBe(4);
    // autocommit statements too, and through the other connection
    b.prepare('INSERT INTO t(id, v) VALUES (1003, ?)').run(near(4));
    expect(vectorIndexCounters.applied - before).toBe(5);
    const applied = vectorIndexCounters.applied;
    const got = knn(b);
    expect(vectorIndexCounters.applied).toBe(applied); // the search found nothing left to apply
    expect(got.slice(0, 3).sort()).toEqual([1001, 1002, 1003]);
    expect(got).toEqual(oracle(b));
    a.exec('BEGIN');
    a.prepare('INSERT INTO t(id, v) VALUES (1004, ?)').run(near(5));
    a.exec('ROLLBACK');
    b.prepare('INSERT INTO t(id, v) VALUES (1005, ?)').run(near(6));
    expect(knn(a)).toEqual(oracle(a));
    expect(knn(a, 600)).not.toContain(1004);
  });

  it('an update seen only by its transaction: the old vector stays for the others', () => {
    const first = knn(b)[0];
    a.exec('BEGIN');
    a.prepare('UPDATE t SET v = ? WHERE id = ?').run(q.map((x) => -x), first);
    expect(knn(a)).not.toContain(first);
    expect(knn(b)[0]).toBe(first);
    a.exec('COMMIT');
    expect(knn(b)).not.toContain(first);
  });

  it('savepoints: ROLLBACK TO forgets the vectors written since', () => {
    a.exec('BEGIN');
    a.prepare('INSERT INTO t(id, v) VALUES (1001, ?)').run(near(1));
    a.exec('SAVEPOINT s');
    a.prepare('INSERT INTO t(id, v) VALUES (1002, ?)').run(near(1.5));
    a.prepare('DELETE FROM t WHERE id = 1001').run();
    expect(knn(a)[0]).toBe(1002);
    a.exec('ROLLBACK TO s');
    expect(knn(a)[0]).toBe(1001);
    expect(knn(a)).not.toContain(1002);
    expect(knn(a)).toEqual(oracle(a));
    a.exec('COMMIT');
    expect(knn(b)[0]).toBe(1001);
    expect(knn(b)).not.toContain(1002);
  });

  it('a failed statement leaves no trace in the answers', () => {
    const committed = knn(a);
    expect(() => a.prepare('INSERT INTO t(id, v) VALUES (1001, ?), (1, ?)').run(near(1), near(1))).toThrow(/UNIQUE/);
    expect(knn(a)).toEqual(committed);
    expect(knn(b)).toEqual(committed);
  });

  it('DELETE FROM t (whole table) inside a transaction, then rollback', () => {
    const committed = knn(a);
    a.exec('BEGIN');
    a.exec('DELETE FROM t');
    expect(knn(a)).toEqual([]);
    a.prepare('INSERT INTO t(id, v) VALUES (7, ?)').run(near(1));
    expect(knn(a)).toEqual([7]);
    expect(knn(b)).toEqual(committed);
    a.exec('ROLLBACK');
    expect(knn(a)).toEqual(committed);
    a.exec('DELETE FROM t');
    expect(knn(b)).toEqual([]);
  });

  it('filters combine with the transaction’s own rows', () => {
    a.exec('BEGIN');
    a.prepare('INSERT INTO t(id, v) VALUES (2001, ?), (2002, ?)').run(near(1), near(1.1));
    expect(knn(a, 3, 'WHERE id % 2 = 0')).toEqual(bruteForce((a.prepare('SELECT id, v FROM t').all() as Row[]), q, 'cosine', 3, (id) => id % 2 === 0));
    expect(knn(a, 3, 'WHERE id % 2 = 0')[0]).toBe(2002);
    a.exec('COMMIT');
  });
});
