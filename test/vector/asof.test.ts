import { describe, expect, it } from 'vitest';
import { vectorSearchStats } from '../../engine/vector/index.js';
import { bruteForce, Database, fill, randomVectors, tempDbPath } from './helpers.js';

type Row = { id: number; v: Float32Array | null };

describe('vector search at a past point (time travel)', () => {
  it('AS OF TRANSACTION and db.asOf() return the neighbours that existed then', () => {
    const db = new Database(tempDbPath());
    db.exec('PRAGMA helios_retention = 3600');
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(8))');
    const vs = randomVectors(600, 8, 41);
    fill(db, 't', vs);
    const q = randomVectors(1, 8, 42)[0];
    const knnSql = "SELECT id FROM t ORDER BY vector_distance(v, ?, 'cosine') LIMIT 10";
    const thenRows = db.prepare('SELECT id, v FROM t').all() as Row[];
    const txn = db.prepare('SELECT helios_txn()').pluck().get() as number;
    const nearest = (db.prepare(knnSql).pluck().all(q) as number[]);
    // change the present: move the nearest rows away, delete others, add closer ones
    db.prepare('UPDATE t SET v = ? WHERE id IN (?, ?, ?)').run(q.map((x) => -x), nearest[0], nearest[1], nearest[2]);
    db.prepare('DELETE FROM t WHERE id IN (?, ?)').run(nearest[3], nearest[4]);
    db.prepare('INSERT INTO t(id, v) VALUES (1001, ?)').run(q);
    const want = bruteForce(thenRows, q, 'cosine', 10);
    const nowRows = db.prepare('SELECT id, v FROM t').all() as Row[];
    expect(db.prepare(knnSql).pluck().all(q)).toEqual(bruteForce(nowRows, q, 'cosine', 10));

    const asOfTable = db.prepare(`SELECT id FROM t AS OF TRANSACTION ${txn} ORDER BY vector_distance(v, ?, 'cosine') LIMIT 10`).pluck().all(q);
    expect(asOfTable).toEqual(want);
    const then = (db as unknown as { asOf(n: number): typeof db }).asOf(txn);
    const before = vectorSearchStats.indexSearches;
    expect(then.prepare(knnSql).pluck().all(q)).toEqual(want);
    expect(vectorSearchStats.indexSearches).toBe(before);
    then.close();
    db.close();
  });
});
