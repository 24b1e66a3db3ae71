/**
 * Crash/recovery of vector indexes: a child process (crash-child.mjs, the engine bundled by
 * crash-build.mjs) commits vector inserts, updates and deletes with synchronous FULL while its
 * HNSW index is built, and is SIGKILLed at random moments (also while it closes, when the index
 * files are written). After each kill the database is reopened here: every acknowledged commit
 * must be present and whole, nothing rolled back visible, and the index's answers (loaded from
 * files behind the log and resynced, or rebuilt) must equal brute force over the table.
 * Short run in CI (4 rounds); more with VECTOR_CRASH_ROUNDS=50 npx vitest run test/vector/crash.test.ts
 */
import { expect, it } from 'vitest';
import { vectorIndexCounters, vectorSearchStats } from '../../engine/vector/index.js';
// @ts-expect-error plain .mjs helper without type declarations
import { buildEngineBundle, crashChild } from './crash-build.mjs';
import { runKilledChild } from '../storage/crash/kill-child.mjs';
import { bruteForce, Database, randomVectors, rng, tempDbPath } from './helpers.js';

const ROUNDS = Number(process.env.VECTOR_CRASH_ROUNDS ?? 4);
const DIMS = 16;

/** Runs the child until killed `killAfterMs` after it is ready; resolves to the last acknowledged T. */
async function runChild(entry: string, file: string, seed: number, killAfterMs: number): Promise<number> {
  let acked = 0;
  await runKilledChild(crashChild as string, [entry, file, seed], killAfterMs, (line) => {
    if (line.startsWith('C ')) acked = Math.max(acked, Number(line.slice(2)));
  });
  return acked;
}

type Row = { id: number; g: number; n: number; v: Float32Array | null };

it(`vector indexes answer like brute force after SIGKILL at random moments (${ROUNDS} rounds)`, { timeout: 60_000 + ROUNDS * 5_000 }, async () => {
  const entry = (buildEngineBundle as () => string)();
  const file = tempDbPath();
  const next = rng(99);
  const queries = randomVectors(5, DIMS, 98);
  const before = { ...vectorIndexCounters };
  let acked = 0;
  for (let round = 0; round < ROUNDS; round++) {
    acked = Math.max(acked, await runChild(entry, file, 1000 + round, 100 + Math.floor(next() * 500)));
    const db = new Database(file);
    try {
      const rows = db.prepare('SELECT id, g, n, v FROM t').all() as Row[];
      // durability and atomicity of the table itself
      const groups = new Map<number, number>();
      for (const r of rows) groups.set(r.g, (groups.get(r.g) ?? 0) + 1);
      for (const r of rows) {
        expect(r.n).toBeGreaterThan(0); // savepoint-rolled-back rows never appear
        expect(groups.get(r.g)).toBe(r.n); // a group is whole or absent
        expect(r.g).toBeLessThanOrEqual(acked + 1); // at most one commit in flight when killed
      }
      for (let g = Math.max(1, acked - 38); g <= acked; g++) expect(groups.has(g), `acknowledged group ${g}`).toBe(true);
      // the index: same answers as brute force, through the index (ef >= rows: exact on these sizes)
      db.pragma(`hnsw_ef_search = ${Math.max(64, 2 * rows.length)}`);
      const knn = db.prepare("SELECT id FROM t ORDER BY vector_distance(v, ?, 'cosine') LIMIT ?").pluck();
      for (const q of queries) {
        for (const k of [10, rows.length]) {
          const used = vectorSearchStats.indexSearches;
          expect(knn.all(q, k)).toEqual(bruteForce(rows, q, 'cosine', k));
          expect(vectorSearchStats.indexSearches).toBe(used + 1);
        }
      }
    } finally {
      db.close(); // writes the index files the next child loads
    }
  }
  expect(acked).toBeGreaterThan(0);
  // the files were used: loaded (behind the log after a kill: resynced), not only rebuilt
  if (ROUNDS >= 2) {
    expect(vectorIndexCounters.loads).toBeGreaterThan(before.loads);
    expect(vectorIndexCounters.resyncs).toBeGreaterThan(before.resyncs);
  }
});
