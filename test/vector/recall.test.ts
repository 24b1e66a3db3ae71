/**
 * Recall of the HNSW path against brute force with DEFAULT parameters on 20 000 vectors shaped
 * like real embeddings (helpers.ts clusteredVectors: 300 overlapping clusters, each spreading in
 * its own 24-dimensional subspace, plus isotropic noise, normalised), at dimensions 128 and 384,
 * fixed seeds; and filtered queries at selectivities 0.1%, 1%, 10% and 50%, which must return
 * exactly min(k, matches) rows. Also prints recall on uniformly random vectors (no bar: the
 * worst case for any HNSW).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EF_SEARCH, HNSW_DEFAULT_EF_CONSTRUCTION, HNSW_DEFAULT_M, vectorSearchStats } from '../../engine/vector/index.js';
import { bruteForce, clusteredVectors, Database, randomVectors, recall, rng, type Db } from './helpers.js';

const N = 20_000;
const K = 10;
const QUERIES = 50;
const FILTERED_QUERIES = 25;
const defaults = `m ${HNSW_DEFAULT_M}, ef_construction ${HNSW_DEFAULT_EF_CONSTRUCTION}, ef_search ${DEFAULT_EF_SEARCH}`;

for (const dims of [128, 384]) {
  describe(`recall@10 on 20k x ${dims} embedding-like vectors (defaults: ${defaults})`, () => {
    const data = clusteredVectors(N + QUERIES, dims, 1234 + dims);
    const vectors = data.slice(0, N);
    const queries = data.slice(N);
    const bucketRng = rng(99 + dims);
    const buckets = Array.from({ length: N }, () => Math.floor(bucketRng() * 1000));
    const rows = vectors.map((v, i) => ({ id: i + 1, v }));
    let db: Db;
    beforeAll(() => {
      db = new Database(':memory:');
      db.exec(`CREATE TABLE docs(id INTEGER PRIMARY KEY, v VECTOR(${dims}), bucket INTEGER)`);
      const ins = db.prepare('INSERT INTO docs VALUES (?, ?, ?)');
      db.transaction(() => vectors.forEach((v, i) => ins.run(i + 1, v, buckets[i])))();
    });
    afterAll(() => db.close());

    it('unfiltered: recall >= 0.95', () => {
      const stmt = db.prepare("SELECT id FROM docs ORDER BY vector_distance(v, ?, 'cosine') LIMIT 10").pluck();
      const t0 = performance.now();
      stmt.all(queries[0]); // builds the index
      const buildMs = performance.now() - t0;
      const before = vectorSearchStats.indexSearches;
      let total = 0;
      let ms = 0;
      for (const q of queries) {
        const t1 = performance.now();
        const got = stmt.all(q) as number[];
        ms += performance.now() - t1;
        expect(got).toHaveLength(K);
        total += recall(got, bruteForce(rows, q, 'cosine', K));
      }
      const r = total / queries.length;
      console.log(`recall@10 20k x ${dims}: ${r.toFixed(4)} (build ${(buildMs / 1000).toFixed(1)} s, ${(ms / queries.length).toFixed(2)} ms/query through SQL)`);
      expect(vectorSearchStats.indexSearches - before).toBe(queries.length);
      expect(r).toBeGreaterThanOrEqual(0.95);
    });

    for (const [label, limit] of [['0.1%', 1], ['1%', 10], ['10%', 100], ['50%', 500]] as const) {
      it(`filtered at ${label}: exactly min(k, matches) rows, recall >= 0.95`, () => {
        const stmt = db.prepare("SELECT id FROM docs WHERE bucket < ? ORDER BY vector_distance(v, ?, 'cosine') LIMIT 10").pluck();
        let total = 0;
        for (const q of queries.slice(0, FILTERED_QUERIES)) {
          const got = stmt.all(limit, q) as number[];
          const want = bruteForce(rows, q, 'cosine', K, (id) => buckets[id - 1] < limit);
          expect(got.length).toBe(Math.min(K, want.length));
          expect(got.every((id) => buckets[id - 1] < limit)).toBe(true);
          total += recall(got, want);
        }
        const r = total / FILTERED_QUERIES;
        console.log(`recall@10 20k x ${dims} filtered ${label}: ${r.toFixed(4)}`);
        expect(r).toBeGreaterThanOrEqual(0.95);
      });
    }
  });
}

describe('uniform random vectors (reported, no bar)', () => {
  it('recall@10 on 5k x 128 uniform random vectors', () => {
    const u = new Database(':memory:');
    const vs = randomVectors(5000, 128, 4321);
    const qs = randomVectors(20, 128, 4322);
    u.exec('CREATE TABLE r(id INTEGER PRIMARY KEY, v VECTOR(128))');
    const ins = u.prepare('INSERT INTO r VALUES (?, ?)');
    u.transaction(() => vs.forEach((v, i) => ins.run(i + 1, v)))();
    const stmt = u.prepare("SELECT id FROM r ORDER BY vector_distance(v, ?, 'cosine') LIMIT 10").pluck();
    const rs = vs.map((v, i) => ({ id: i + 1, v }));
    const truth = qs.map((q) => bruteForce(rs, q, 'cosine', K));
    const line: string[] = [];
    for (const ef of [DEFAULT_EF_SEARCH, 256]) {
      u.prepare(`PRAGMA hnsw_ef_search = ${ef}`).run();
      let total = 0;
      qs.forEach((q, i) => (total += recall(stmt.all(q) as number[], truth[i])));
      line.push(`ef_search ${ef}: ${(total / qs.length).toFixed(4)}`);
      expect(total / qs.length).toBeGreaterThan(0);
    }
    console.log(`recall@10 uniform random 5k x 128: ${line.join(', ')}`);
    u.close();
  });
});
