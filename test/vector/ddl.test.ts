/**
 * Table DDL and vector index definitions: ALTER TABLE RENAME (table and column) keeps declared
 * HNSW indexes, DROP COLUMN and DROP TABLE drop them (and their files), all transactionally.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vectorIndexCounters, vectorSearchStats } from '../../engine/vector/index.js';
import { bruteForce, Database, fill, randomVectors, tempDbPath, type Db } from './helpers.js';

const DIMS = 8;
const vectors = randomVectors(800, DIMS, 51);
const q = randomVectors(1, DIMS, 52)[0];
const rows = vectors.map((v, i) => ({ id: i + 1, v }));
const want = bruteForce(rows, q, 'l2', 10);

function setup(file = ':memory:'): Db {
  const db = new Database(file);
  db.prepare('PRAGMA hnsw_ef_search = 200').run();
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(8), note TEXT)');
  fill(db, 't', vectors);
  db.exec("CREATE INDEX t_l2 ON t USING hnsw (v) WITH (metric = 'l2', m = 8)");
  return db;
}

/** The EXPLAIN QUERY PLAN detail and the answer of an l2 top-10 over `table`.`col`. */
function l2Query(db: Db, table = 't', col = 'v'): { plan: string; ids: number[]; indexed: boolean } {
  const sql = `SELECT id FROM ${table} ORDER BY vector_distance(${col}, ?, 'l2') LIMIT 10`;
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(q) as { detail: string }[]).map((r) => r.detail).join('; ');
  const before = vectorSearchStats.indexSearches;
  const ids = db.prepare(sql).pluck().all(q) as number[];
  return { plan, ids, indexed: vectorSearchStats.indexSearches > before };
}

const definitions = (db: Db): unknown[] => db.prepare('SELECT name, tbl, col, sql FROM _helios_vector_indexes ORDER BY name').raw().all();

describe('vector index definitions follow table DDL', () => {
  it('ALTER TABLE RENAME TO keeps declared indexes (and reuses the built graph)', () => {
    const db = setup();
    expect(l2Query(db).ids).toEqual(want); // builds t_l2
    const built = vectorIndexCounters.builds;
    db.exec('ALTER TABLE t RENAME TO docs');
    expect(definitions(db)).toEqual([['t_l2', 'docs', 'v', `CREATE INDEX "t_l2" ON "docs" USING hnsw ("v") WITH (metric = 'l2', m = 8, ef_construction = 64)`]]);
    const r = l2Query(db, 'docs');
    expect(r.plan).toMatch(/^SCAN docs USING HNSW INDEX t_l2 \(l2\)/);
    expect(r.indexed).toBe(true);
    expect(r.ids).toEqual(want);
    // the automatic index follows the new name too
    expect((db.prepare("EXPLAIN QUERY PLAN SELECT id FROM docs ORDER BY vector_distance(v, ?, 'cosine') LIMIT 3").all(q) as { detail: string }[])[0].detail).toBe(
      'SCAN docs USING HNSW INDEX hnsw_autoindex_docs_v (cosine)',
    );
    expect(db.prepare("SELECT id FROM docs ORDER BY vector_distance(v, ?, 'cosine') LIMIT 10").pluck().all(q)).toEqual(bruteForce(rows, q, 'cosine', 10));
    expect(vectorIndexCounters.builds - built).toBe(1); // only the automatic cosine index was built
    // the old name is free again and has no index
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(8))');
    expect(l2Query(db).plan).not.toMatch(/HNSW/);
    db.close();
  });

  it('a rename rolled back leaves the definition on the old name', () => {
    const db = setup();
    db.exec('BEGIN');
    db.exec('ALTER TABLE t RENAME TO docs');
    expect(l2Query(db, 'docs').ids).toEqual(want);
    db.exec('ROLLBACK');
    expect(definitions(db)).toEqual([['t_l2', 't', 'v', "CREATE INDEX t_l2 ON t USING hnsw (v) WITH (metric = 'l2', m = 8)"]]);
    const r = l2Query(db);
    expect(r.plan).toMatch(/^SCAN t USING HNSW INDEX t_l2 \(l2\)/);
    expect(r.ids).toEqual(want);
    db.close();
  });

  it('RENAME COLUMN keeps declared indexes on the column', () => {
    const db = setup();
    db.exec('ALTER TABLE t RENAME COLUMN v TO embedding');
    expect((definitions(db)[0] as unknown[]).slice(0, 3)).toEqual(['t_l2', 't', 'embedding']);
    const r = l2Query(db, 't', 'embedding');
    expect(r.plan).toMatch(/^SCAN t USING HNSW INDEX t_l2 \(l2\)/);
    expect(r.indexed).toBe(true);
    expect(r.ids).toEqual(want);
    db.close();
  });

  it('DROP COLUMN drops the indexes on that column only', () => {
    const db = setup();
    db.exec('ALTER TABLE t ADD COLUMN w VECTOR(8)');
    db.exec("CREATE INDEX t_w ON t USING hnsw (w) WITH (metric = 'l2')");
    db.exec('ALTER TABLE t DROP COLUMN v');
    expect(definitions(db).map((d) => (d as unknown[])[0])).toEqual(['t_w']);
    // a new column of the old name is not indexed by the old definition
    db.exec('ALTER TABLE t ADD COLUMN v VECTOR(8)');
    expect(l2Query(db).plan).not.toMatch(/t_l2/);
    db.close();
  });

  it('DROP TABLE drops its definitions and, at close, their files', () => {
    const file = tempDbPath();
    let db = setup(file);
    expect(l2Query(db).ids).toEqual(want);
    db.close();
    const dir = `${file}-hvec`;
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('t_l2.'))).toHaveLength(3);
    db = new Database(file);
    db.exec('DROP TABLE t'); // never loaded in this session
    expect(definitions(db)).toEqual([]);
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(8))');
    fill(db, 't', vectors);
    const r = l2Query(db);
    expect(r.plan).not.toMatch(/HNSW/);
    expect(r.ids).toEqual(want); // exact
    db.close();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a renamed table’s files are reused after reopening under the new name', () => {
    const file = tempDbPath();
    let db = setup(file);
    expect(l2Query(db).ids).toEqual(want);
    db.close();
    db = new Database(file);
    db.prepare('PRAGMA hnsw_ef_search = 200').run();
    db.exec('ALTER TABLE t RENAME TO docs');
    const r = l2Query(db, 'docs');
    expect(r.indexed).toBe(true);
    expect(r.ids).toEqual(want);
    db.close();
    expect(fs.readdirSync(`${file}-hvec`).sort()).toEqual(['t_l2.graph', 't_l2.labels', 't_l2.meta']);
  });
});
