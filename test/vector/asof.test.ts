/**
 * Vector search at older points: `t AS OF ...`, db.asOf() connections and read transactions of
 * other connections (snapshots). The index holds the current versions; the rows changed after
 * the point are excluded from it and their old versions are evaluated exactly, so every answer
 * must equal brute force over the rows as they were at that point. The counters prove the index
 * was used (and the exact plan when too many rows changed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { vectorSearchStats } from '../../engine/vector/index.js';
import { bruteForce, Database, fill, randomVectors, tempDbPath, type Db } from './helpers.js';

type Row = { id: number; v: Float32Array | null; tag?: number | null };

const N = 600;
const DIMS = 8;
const knnSql = (from: string, where = ''): string => `SELECT id FROM ${from} ${where} ORDER BY vector_distance(v, ?, 'cosine') LIMIT 10`;
const open: Db[] = [];

function db(file = tempDbPath()): Db {
  const d = new Database(file);
  // ef >= rows: the graph search is exact on these sizes, so answers can be compared with ==
  d.pragma(`hnsw_ef_search = ${2 * N}`);
  open.push(d);
  return d;
}

afterEach(() => {
  while (open.length) {
    const d = open.pop()!;
    if (d.open) d.close();
  }
});

/** Runs `fn` and returns [its result, whether the index answered it]. */
function viaIndex<T>(fn: () => T): [T, boolean] {
  const before = vectorSearchStats.indexSearches;
  const fb = vectorSearchStats.exactFallbacks;
  const r = fn();
  expect(vectorSearchStats.indexSearches - before + vectorSearchStats.exactFallbacks - fb).toBe(1);
  return [r, vectorSearchStats.indexSearches > before];
}

const snapshotOf = (d: Db, from = 't'): Row[] => d.prepare(`SELECT * FROM ${from}`).all() as Row[];

/** Moves the nearest rows of q away, deletes others, inserts closer ones and a NULL vector. */
function churn(d: Db, q: Float32Array, seed: number): void {
  const nearest = d.prepare(knnSql('t')).pluck().all(q) as number[];
  const far = q.map((x) => -x);
  const up = d.prepare('UPDATE t SET v = ? WHERE id = ?');
  d.transaction(() => {
    for (const id of nearest.slice(0, 3)) up.run(far, id);
    d.prepare('DELETE FROM t WHERE id IN (?, ?)').run(nearest[3], nearest[4]);
    const more = randomVectors(5, DIMS, seed);
    more.forEach((v, i) => d.prepare('INSERT INTO t(id, v) VALUES (?, ?)').run(10_000 + seed * 10 + i, v.map((x, j) => q[j] + 0.05 * x)));
    d.prepare('UPDATE t SET v = NULL WHERE id = ?').run(nearest[5]);
  })();
}

describe('vector search at a past point (time travel)', () => {
  it('AS OF TRANSACTION and db.asOf() use the index and return the neighbours that existed then', () => {
    const d = db();
    d.exec('PRAGMA helios_retention = 3600');
    d.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(${DIMS}), tag INTEGER)`);
    fill(d, 't', randomVectors(N, DIMS, 41), (i) => i % 3);
    const queries = randomVectors(6, DIMS, 42);
    const points: { txn: number; rows: Row[] }[] = [];
    for (let round = 0; round < 3; round++) {
      points.push({ txn: d.prepare('SELECT helios_txn()').pluck().get() as number, rows: snapshotOf(d) });
      churn(d, queries[round], round + 1);
    }
    const now = snapshotOf(d);
    for (const q of queries) {
      const [ids, used] = viaIndex(() => d.prepare(knnSql('t')).pluck().all(q));
      expect(used).toBe(true);
      expect(ids).toEqual(bruteForce(now, q, 'cosine', 10));
      for (const p of points) {
        const [asOf, usedAsOf] = viaIndex(() => d.prepare(knnSql(`t AS OF TRANSACTION ${p.txn}`)).pluck().all(q));
        expect(usedAsOf).toBe(true);
        expect(asOf).toEqual(bruteForce(p.rows, q, 'cosine', 10));
        // with a WHERE clause and an offset
        const tagged = p.rows.filter((r) => r.tag === 1);
        const [f] = viaIndex(() => d.prepare(`${knnSql(`t AS OF TRANSACTION ${p.txn}`, 'WHERE tag = 1')} OFFSET 2`).pluck().all(q));
        expect(f).toEqual(bruteForce(tagged, q, 'cosine', 12).slice(2));
      }
    }
    // a db.asOf() connection reads every table at its point
    const then = (d as unknown as { asOf(n: number): Db }).asOf(points[1].txn);
    then.pragma(`hnsw_ef_search = ${2 * N}`);
    for (const q of queries) {
      const [ids, used] = viaIndex(() => then.prepare(knnSql('t')).pluck().all(q));
      expect(used).toBe(true);
      expect(ids).toEqual(bruteForce(points[1].rows, q, 'cosine', 10));
    }
    then.close();
  });

  it('searches exactly when too many rows changed since the point', () => {
    const d = db();
    d.exec('PRAGMA helios_retention = 3600');
    d.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(${DIMS}))`);
    const n = 3000;
    fill(d, 't', randomVectors(n, DIMS, 51));
    const txn = d.prepare('SELECT helios_txn()').pluck().get() as number;
    const before = snapshotOf(d);
    const fresh = randomVectors(n, DIMS, 52);
    const up = d.prepare('UPDATE t SET v = ? WHERE id = ?');
    d.transaction(() => fresh.slice(0, 1500).forEach((v, i) => up.run(v, i + 1)))(); // > max(1024, n/8)
    const q = randomVectors(1, DIMS, 53)[0];
    const [ids, used] = viaIndex(() => d.prepare(knnSql(`t AS OF TRANSACTION ${txn}`)).pluck().all(q));
    expect(used).toBe(false);
    expect(ids).toEqual(bruteForce(before, q, 'cosine', 10));
  });
});

describe('vector search in read transactions of other connections (snapshots)', () => {
  for (const on of [true, false]) {
    // ON (the default): the reader's explicit transaction is a concurrent write transaction at S
    // (rows committed after S come from the VersionLog); OFF: a read snapshot (overlay trees)
    it(`a reader keeps its snapshot while another connection updates, deletes and inserts (concurrent writes ${on ? 'ON' : 'OFF'})`, () => {
      const file = tempDbPath();
      const w = db(file);
      const r = db(file);
      w.pragma(`helios_concurrent_writes = ${on ? 'ON' : 'OFF'}`);
      w.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(${DIMS}))`);
      fill(w, 't', randomVectors(N, DIMS, 61));
      const queries = randomVectors(4, DIMS, 62);
      expect(viaIndex(() => w.prepare(knnSql('t')).pluck().all(queries[0]))[1]).toBe(true); // builds the index
      r.exec('BEGIN');
      const then = snapshotOf(r);
      for (let i = 0; i < queries.length; i++) {
        churn(w, queries[i], i + 1);
        for (const q of queries) {
          const [ids, used] = viaIndex(() => r.prepare(knnSql('t')).pluck().all(q));
          expect(used).toBe(true);
          expect(ids).toEqual(bruteForce(then, q, 'cosine', 10));
          expect(w.prepare(knnSql('t')).pluck().all(q)).toEqual(bruteForce(snapshotOf(w), q, 'cosine', 10));
        }
      }
      r.exec('COMMIT');
      for (const q of queries) expect(r.prepare(knnSql('t')).pluck().all(q)).toEqual(bruteForce(snapshotOf(w), q, 'cosine', 10));
    });
  }
});

describe('concurrent writers (PRAGMA helios_concurrent_writes)', () => {
  for (const on of [true, false]) {
    it(`interleaved vector transactions of two connections, both committed (pragma ${on ? 'ON' : 'OFF'})`, () => {
      const file = tempDbPath();
      const a = db(file);
      const b = db(file);
      a.pragma(`helios_concurrent_writes = ${on ? 'ON' : 'OFF'}`);
      a.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(${DIMS}))`);
      fill(a, 't', randomVectors(N, DIMS, 71));
      const queries = randomVectors(5, DIMS, 72);
      expect(viaIndex(() => a.prepare(knnSql('t')).pluck().all(queries[0]))[1]).toBe(true);
      const ins = (d: Db, id: number, v: Float32Array): unknown => d.prepare('INSERT INTO t(id, v) VALUES (?, ?)').run(id, v);
      const fresh = randomVectors(40, DIMS, 73);
      for (let round = 0; round < 3; round++) {
        if (on) {
          a.exec('BEGIN');
          b.exec('BEGIN');
          for (let i = 0; i < 10; i++) {
            // a and b write disjoint rows, interleaved; each sees its own writes, not the other's
            ins(a, 20_000 + round * 100 + i, fresh[i].map((x, j) => queries[round][j] + 0.01 * x));
            b.prepare('UPDATE t SET v = ? WHERE id = ?').run(fresh[10 + round * 10 + i], 1 + round * 40 + i);
            if (i % 3 === 0) a.prepare('DELETE FROM t WHERE id = ?').run(300 + round * 40 + i);
          }
          // a also moves away (and deletes) the rows nearest to b's queries that b does not write
          const bIds = new Set(Array.from({ length: 10 }, (_, i) => 1 + round * 40 + i));
          for (const q of queries) {
            const near = bruteForce(snapshotOf(a), q, 'cosine', 20).filter((id) => !bIds.has(id) && id < 20_000);
            a.prepare('UPDATE t SET v = ? WHERE id = ?').run(q.map((x) => -x), near[0]);
            a.prepare('DELETE FROM t WHERE id = ?').run(near[1]);
          }
          for (const d of [a, b]) {
            for (const q of queries) expect(d.prepare(knnSql('t')).pluck().all(q)).toEqual(bruteForce(snapshotOf(d), q, 'cosine', 10));
          }
          a.exec('COMMIT');
          // b's snapshot predates a's commit: its search must not see a's rows
          for (const q of queries) expect(b.prepare(knnSql('t')).pluck().all(q)).toEqual(bruteForce(snapshotOf(b), q, 'cosine', 10));
          b.exec('COMMIT');
        } else {
          a.transaction(() => {
            for (let i = 0; i < 10; i++) ins(a, 20_000 + round * 100 + i, fresh[i].map((x, j) => queries[round][j] + 0.01 * x));
          })();
          b.transaction(() => {
            for (let i = 0; i < 10; i++) b.prepare('UPDATE t SET v = ? WHERE id = ?').run(fresh[10 + round * 10 + i], 1 + round * 40 + i);
          })();
        }
        const all = snapshotOf(a);
        for (const q of queries) {
          for (const d of [a, b]) {
            const [ids, used] = viaIndex(() => d.prepare(knnSql('t')).pluck().all(q));
            expect(used).toBe(true);
            expect(ids).toEqual(bruteForce(all, q, 'cosine', 10));
          }
        }
      }
      expect(snapshotOf(b).length).toBe(snapshotOf(a).length);
    });
  }
});
