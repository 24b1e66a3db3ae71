import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onVectorIndexProgress, vectorIndexCounters, vectorSearchStats } from '../../engine/vector/index.js';
import { bruteForce, Database, fill, randomVectors, recall, tempDbPath, type Db } from './helpers.js';

const DIMS = 12;
const vectors = randomVectors(3000, DIMS, 31);
const queries = randomVectors(10, DIMS, 32);

type Row = { id: number; v: Float32Array | null };

function knn(db: Db, q: Float32Array, k = 10): number[] {
  return (db.prepare("SELECT id FROM t ORDER BY vector_distance(v, ?, 'cosine') LIMIT ?").all(q, k) as { id: number }[]).map((r) => r.id);
}

function meanRecall(db: Db): number {
  const rows = db.prepare('SELECT id, v FROM t').all() as Row[];
  let s = 0;
  for (const q of queries) s += recall(knn(db, q), bruteForce(rows, q, 'cosine', 10));
  return s / queries.length;
}

function snapshot(): typeof vectorIndexCounters {
  return { ...vectorIndexCounters };
}

function open(file: string): Db {
  const db = new Database(file);
  db.prepare('PRAGMA hnsw_ef_search = 300').run();
  return db;
}

describe('index persistence', () => {
  it('is written at close, loaded at reopen without a rebuild, and answers the same', () => {
    const file = tempDbPath();
    let db = open(file);
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(12))');
    fill(db, 't', vectors);
    const before = snapshot();
    const first = queries.map((q) => knn(db, q));
    expect(vectorIndexCounters.builds - before.builds).toBe(1);
    db.close();
    const files = fs.readdirSync(`${file}-hvec`).sort();
    expect(files).toEqual(['hnsw_autoindex_t_v.graph', 'hnsw_autoindex_t_v.labels', 'hnsw_autoindex_t_v.meta']);

    db = open(file);
    const mid = snapshot();
    expect(queries.map((q) => knn(db, q))).toEqual(first);
    expect(vectorIndexCounters.loads - mid.loads).toBe(1);
    expect(vectorIndexCounters.builds - mid.builds).toBe(0);
    expect(vectorIndexCounters.resyncs - mid.resyncs).toBe(0);
    db.close();
  });

  it('an index behind the database (commits after its save) is resynced before it answers', () => {
    const file = tempDbPath();
    let db = open(file);
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(12))');
    fill(db, 't', vectors.slice(0, 2000));
    knn(db, queries[0]);
    db.close();
    db = open(file);
    // changes committed before the first search: the saved index does not have them
    const ins = db.prepare('INSERT INTO t(id, v) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 2000; i < 3000; i++) ins.run(i + 1, vectors[i]);
    })();
    db.prepare('DELETE FROM t WHERE id <= 100').run();
    const mid = snapshot();
    expect(meanRecall(db)).toBeGreaterThanOrEqual(0.95);
    expect(vectorIndexCounters.loads - mid.loads).toBe(1);
    expect(vectorIndexCounters.resyncs - mid.resyncs).toBe(1);
    db.close();
  });

  it('after a crash (files copied while open) the index is brought up to date', () => {
    const file = tempDbPath();
    const db = open(file);
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(12))');
    fill(db, 't', vectors.slice(0, 1500));
    knn(db, queries[0]);
    db.close();
    const live = open(file);
    knn(live, queries[0]); // loaded
    // committed work the saved index never saw, then "crash": copy the files as they are now
    const ins = live.prepare('INSERT INTO t(id, v) VALUES (?, ?)');
    live.transaction(() => {
      for (let i = 1500; i < 2400; i++) ins.run(i + 1, vectors[i]);
    })();
    for (let i = 2400; i < 2500; i++) ins.run(i + 1, vectors[i]);
    live.prepare('UPDATE t SET v = ? WHERE id = 1').run(vectors[2999]);
    const crashed = tempDbPath();
    for (const suffix of ['', '-hlog']) if (fs.existsSync(file + suffix)) fs.copyFileSync(file + suffix, crashed + suffix);
    fs.mkdirSync(`${crashed}-hvec`);
    for (const f of fs.readdirSync(`${file}-hvec`)) fs.copyFileSync(path.join(`${file}-hvec`, f), path.join(`${crashed}-hvec`, f));
    live.close();

    const reopened = open(crashed);
    expect(reopened.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2500);
    const mid = snapshot();
    expect(meanRecall(reopened)).toBeGreaterThanOrEqual(0.95);
    expect(knn(reopened, vectors[2999], 1)).toEqual([1]);
    expect(vectorIndexCounters.resyncs - mid.resyncs).toBe(1);
    reopened.close();
  });

  it('damaged or mismatched index files mean a rebuild, never a wrong answer', () => {
    const file = tempDbPath();
    let db = open(file);
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(12))');
    fill(db, 't', vectors.slice(0, 1000));
    knn(db, queries[0]);
    db.close();
    const base = path.join(`${file}-hvec`, 'hnsw_autoindex_t_v');
    fs.truncateSync(`${base}.graph`, 100);
    db = open(file);
    let mid = snapshot();
    expect(meanRecall(db)).toBeGreaterThanOrEqual(0.95);
    expect(vectorIndexCounters.builds - mid.builds).toBe(1);
    db.close();
    fs.writeFileSync(`${base}.meta`, '{not json');
    db = open(file);
    mid = snapshot();
    expect(meanRecall(db)).toBeGreaterThanOrEqual(0.95);
    expect(vectorIndexCounters.builds - mid.builds).toBe(1);
    db.close();
  });

  it('declared indexes persist with their definition; DROP INDEX removes their files', () => {
    const file = tempDbPath();
    let db = open(file);
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(12))');
    fill(db, 't', vectors.slice(0, 1000));
    db.exec("CREATE INDEX t_l2 ON t USING hnsw (v) WITH (metric = 'l2', m = 8)");
    const q = queries[1];
    const sql = "SELECT id FROM t ORDER BY vector_distance(v, ?, 'l2') LIMIT 10";
    const first = db.prepare(sql).all(q);
    db.close();
    expect(fs.existsSync(path.join(`${file}-hvec`, 't_l2.graph'))).toBe(true);
    db = open(file);
    const before = vectorSearchStats.indexSearches;
    const mid = snapshot();
    expect(db.prepare(sql).all(q)).toEqual(first);
    expect(vectorSearchStats.indexSearches - before).toBe(1);
    expect(vectorIndexCounters.loads - mid.loads).toBe(1);
    db.exec('DROP INDEX t_l2');
    db.close();
    expect(fs.existsSync(path.join(`${file}-hvec`, 't_l2.graph'))).toBe(false);
  });

  it('reports progress for long builds and large committed batches', () => {
    const file = tempDbPath();
    const db = open(file);
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(4))');
    const small = randomVectors(10_000, 4, 33);
    fill(db, 't', small);
    const seen: number[] = [];
    const off = onVectorIndexProgress((p) => {
      if (p.index === 'hnsw_autoindex_t_v' && p.phase === 'build') seen.push(p.done);
    });
    try {
      knn(db, Float32Array.from([1, 0, 0, 0]));
    } finally {
      off();
    }
    expect(seen).toEqual([10_000, 10_000]);
    // a committed batch of 10 000 rows or more reports its application to the built index
    const commits: number[] = [];
    const off2 = onVectorIndexProgress((p) => {
      if (p.index === 'hnsw_autoindex_t_v' && p.phase === 'commit') commits.push(p.done);
    });
    try {
      const up = db.prepare('UPDATE t SET v = ? WHERE id = ?');
      const fresh = randomVectors(10_000, 4, 34);
      db.transaction(() => fresh.forEach((v, i) => up.run(v, i + 1)))();
    } finally {
      off2();
    }
    expect(commits).toEqual([10_000, 10_000]);
    db.close();
  });
});
