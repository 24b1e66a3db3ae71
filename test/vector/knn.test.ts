import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vectorSearchStats } from '../../engine/vector/index.js';
import { bruteForce, Database, distance, fill, randomVectors, recall, type Db, type Metric } from './helpers.js';

const N = 2000;
const DIMS = 16;
const vectors = randomVectors(N, DIMS, 7);
const queries = randomVectors(20, DIMS, 8);
const tagOf = (id: number): string => (id % 10 === 0 ? 'ten' : id % 3 === 0 ? 'three' : 'other');
const rows = vectors.map((v, i) => ({ id: i + 1, v }));

let db: Db;
beforeAll(() => {
  db = new Database(':memory:');
  db.exec('CREATE TABLE items(id INTEGER PRIMARY KEY, v VECTOR(16), tag TEXT)');
  db.exec('CREATE INDEX items_tag ON items(tag)');
  fill(db, 'items', vectors, tagOf);
});
afterAll(() => db.close());

type Hit = { id: number; d: number | null };

/** Checks that each returned distance is the oracle's and the list is sorted. */
function checkExactDistances(hits: Hit[], q: Float32Array, m: Metric): void {
  for (const h of hits) expect(h.d).toBeCloseTo(distance(vectors[h.id - 1], q, m)!, 9);
  for (let i = 1; i < hits.length; i++) expect(hits[i].d!).toBeGreaterThanOrEqual(hits[i - 1].d!);
}

describe('kNN through SQL', () => {
  it('exact search (no index for the metric) equals brute force', () => {
    const before = vectorSearchStats.indexSearches;
    const stmt = db.prepare("SELECT id, vector_distance(v, ?, 'dot') AS d FROM items ORDER BY d LIMIT 10");
    for (const q of queries) {
      const hits = stmt.all(q) as Hit[];
      expect(hits.map((h) => h.id)).toEqual(bruteForce(rows, q, 'dot', 10));
      checkExactDistances(hits, q, 'dot');
    }
    expect(vectorSearchStats.indexSearches).toBe(before);
  });

  it('the automatic cosine index answers with exact distances and high recall', () => {
    db.prepare('PRAGMA hnsw_ef_search = 200').run();
    const before = vectorSearchStats.indexSearches;
    let total = 0;
    for (const q of queries) {
      const hits = db.prepare("SELECT id, vector_distance(v, ?, 'cosine') AS d FROM items ORDER BY d LIMIT 10").all(q) as Hit[];
      expect(hits).toHaveLength(10);
      checkExactDistances(hits, q, 'cosine');
      total += recall(hits.map((h) => h.id), bruteForce(rows, q, 'cosine', 10));
    }
    expect(vectorSearchStats.indexSearches - before).toBe(queries.length);
    expect(total / queries.length).toBeGreaterThanOrEqual(0.99);
    db.prepare('PRAGMA hnsw_ef_search = 64').run();
  });

  it('ORDER BY forms: direct call, alias, position, reversed arguments, text query, OFFSET', () => {
    const q = queries[0];
    const want = bruteForce(rows, q, 'cosine', 15);
    const qt = `[${Array.from(q).join(',')}]`;
    const forms: [string, unknown][] = [
      ["SELECT id FROM items ORDER BY vector_distance(v, ?, 'cosine') LIMIT 10", q],
      ["SELECT id, vector_distance(v, ?, 'cosine') AS dist FROM items ORDER BY dist LIMIT 10", q],
      ["SELECT id, vector_distance(v, ?, 'cosine') FROM items ORDER BY 2 LIMIT 10", q],
      ["SELECT id FROM items ORDER BY vector_distance(?, v, 'COSINE') LIMIT 10", q],
      ["SELECT id FROM items ORDER BY vector_distance(v, vector(?), 'cosine') LIMIT 10", qt],
    ];
    for (const [sql, arg] of forms) {
      const before = vectorSearchStats.indexSearches;
      const got = (db.prepare(sql).all(arg) as { id: number }[]).map((r) => r.id);
      expect(vectorSearchStats.indexSearches - before, sql).toBe(1);
      expect(recall(got, want.slice(0, 10)), sql).toBeGreaterThanOrEqual(0.9);
    }
    const page = (db.prepare("SELECT id FROM items ORDER BY vector_distance(v, ?, 'cosine') LIMIT 5 OFFSET 10").all(q) as { id: number }[]).map((r) => r.id);
    expect(page).toHaveLength(5);
    expect(recall(page, want.slice(10, 15))).toBeGreaterThanOrEqual(0.6);
  });

  it('filtered queries return exactly min(k, matches) rows', () => {
    db.prepare('PRAGMA hnsw_ef_search = 200').run();
    const filters: [string, (id: number) => boolean][] = [
      ["tag = 'ten'", (id) => tagOf(id) === 'ten'],
      ["tag = 'three'", (id) => tagOf(id) === 'three'],
      ['id % 100 = 7', (id) => id % 100 === 7],
      ['id = 5 OR id = 1999', (id) => id === 5 || id === 1999],
      ["tag = 'none'", () => false],
    ];
    for (const [where, keep] of filters) {
      for (const k of [1, 10, 50]) {
        const q = queries[k % queries.length];
        const hits = db.prepare(`SELECT id, vector_distance(v, ?, 'cosine') AS d FROM items WHERE ${where} ORDER BY d LIMIT ?`).all(q, k) as Hit[];
        const want = bruteForce(rows, q, 'cosine', k, keep);
        expect(hits.length, `${where} k=${k}`).toBe(want.length);
        for (const h of hits) expect(keep(h.id)).toBe(true);
        checkExactDistances(hits, q, 'cosine');
        expect(recall(hits.map((h) => h.id), want), `${where} k=${k}`).toBeGreaterThanOrEqual(0.9);
      }
    }
    db.prepare('PRAGMA hnsw_ef_search = 64').run();
  });

  it('rows with NULL vectors sort first, as in a full scan', () => {
    db.exec('CREATE TABLE withnull(id INTEGER PRIMARY KEY, v VECTOR(16))');
    fill(db, 'withnull', vectors.slice(0, 300));
    db.exec('UPDATE withnull SET v = NULL WHERE id IN (17, 200)');
    const q = queries[3];
    const got = (db.prepare("SELECT id FROM withnull ORDER BY vector_distance(v, ?, 'cosine') LIMIT 4").all(q) as { id: number }[]).map((r) => r.id);
    const exact = (db.prepare("SELECT id FROM withnull ORDER BY vector_distance(v, ?, 'cosine') + 0 LIMIT 4").all(q) as { id: number }[]).map((r) => r.id);
    expect(got.slice(0, 2)).toEqual([17, 200]);
    expect(got).toEqual(exact);
  });

  it('a declared l2 index is used for l2 and dropped by DROP INDEX', () => {
    db.exec("CREATE INDEX items_l2 ON items USING hnsw (v) WITH (metric = 'l2', m = 12, ef_construction = 100)");
    const sql = "SELECT id, vector_distance(v, ?, 'l2') AS d FROM items ORDER BY d LIMIT 10";
    let before = vectorSearchStats.indexSearches;
    const hits = db.prepare(sql).all(queries[5]) as Hit[];
    expect(vectorSearchStats.indexSearches - before).toBe(1);
    checkExactDistances(hits, queries[5], 'l2');
    expect(recall(hits.map((h) => h.id), bruteForce(rows, queries[5], 'l2', 10))).toBeGreaterThanOrEqual(0.9);
    db.exec('DROP INDEX items_l2');
    before = vectorSearchStats.indexSearches;
    const exact = db.prepare(sql).all(queries[5]) as Hit[];
    expect(vectorSearchStats.indexSearches).toBe(before);
    expect(exact.map((h) => h.id)).toEqual(bruteForce(rows, queries[5], 'l2', 10));
  });

  it('index DDL errors', () => {
    const msg = (sql: string): string => {
      try {
        db.exec(sql);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg('CREATE INDEX x ON items USING ivf (v)')).toBe('no such index method: ivf');
    expect(msg('CREATE INDEX x ON items USING hnsw (tag)')).toBe('column items.tag is not a VECTOR(n) column');
    expect(msg("CREATE INDEX x ON items USING hnsw (v) WITH (metric = 'manhattan')")).toMatch(/unknown metric 'manhattan'/);
    expect(msg('CREATE INDEX x ON items USING hnsw (v) WITH (m = 1)')).toMatch(/m must be an integer/);
    expect(msg('CREATE INDEX x ON items USING hnsw (v) WITH (lists = 100)')).toMatch(/unknown hnsw parameter: lists/);
    expect(msg('CREATE INDEX items_tag ON items USING hnsw (v)')).toBe('index items_tag already exists');
    expect(msg('DROP INDEX hnsw_autoindex_items_v')).toMatch(/cannot be dropped/);
    db.exec('CREATE INDEX IF NOT EXISTS items_tag ON items USING hnsw (v)');
    // declared definitions are not in sqlite_schema
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%hnsw%'").pluck().get()).toBe(0);
  });

  it('EXPLAIN QUERY PLAN names the HNSW index, or the scan when the search is exact', () => {
    const plan = (sql: string): string[] => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(queries[0]) as { detail: string }[]).map((r) => r.detail);
    expect(plan("SELECT id FROM items ORDER BY vector_distance(v, ?, 'cosine') LIMIT 3")).toContain('SCAN items USING HNSW INDEX hnsw_autoindex_items_v (cosine)');
    expect(plan("SELECT id FROM items WHERE tag = 'ten' ORDER BY vector_distance(v, ?, 'cosine') LIMIT 3")).toContain('SCAN items USING HNSW INDEX hnsw_autoindex_items_v (cosine)');
    for (const exact of [
      "SELECT id FROM items ORDER BY vector_distance(v, ?, 'l2') LIMIT 3", // no l2 index
      "SELECT id FROM items ORDER BY vector_distance(v, ?, 'cosine') DESC LIMIT 3", // farthest first
      "SELECT id FROM items ORDER BY vector_distance(v, ?, 'cosine')", // no LIMIT
      "SELECT DISTINCT tag FROM items ORDER BY vector_distance(v, ?, 'cosine') LIMIT 3",
    ]) {
      expect(plan(exact).join('\n'), exact).not.toMatch(/HNSW/);
    }
  });

  it('PRAGMA hnsw_ef_search is per connection', () => {
    expect(db.prepare('PRAGMA hnsw_ef_search').pluck().get()).toBe(64);
    db.prepare('PRAGMA hnsw_ef_search = 123').run();
    expect(db.prepare('PRAGMA hnsw_ef_search').pluck().get()).toBe(123);
    const other = new Database(':memory:');
    expect(other.prepare('PRAGMA hnsw_ef_search').pluck().get()).toBe(64);
    other.close();
    expect(() => db.prepare('PRAGMA hnsw_ef_search = 0').run()).toThrow(/between 1 and/);
    db.prepare('PRAGMA hnsw_ef_search = 64').run();
  });
});
