/**
 * Shared pieces of the vector tests: a seeded generator, clustered data shaped like embeddings,
 * and the brute-force oracle every vector test compares against.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type BS3 from 'better-sqlite3';
import { Database as Ours } from '../../engine/api/index.js';

export const Database = Ours as unknown as typeof BS3;
export type Db = BS3.Database;

/** mulberry32: a small deterministic generator in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(r: () => number): () => number {
  return () => {
    let u = 0;
    while (u === 0) u = r();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  };
}

export function randomVectors(n: number, dims: number, seed: number): Float32Array[] {
  const g = gaussian(rng(seed));
  return Array.from({ length: n }, () => Float32Array.from({ length: dims }, () => g()));
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  return v.map((x) => x * inv);
}

/** Shape of the synthetic embeddings (see clusteredVectors). */
export interface EmbeddingShape {
  /** Number of mixture components (cluster sizes follow exponential weights, so they vary). */
  readonly clusters: number;
  /** Rank of each cluster's own random subspace (the intrinsic dimension within a cluster). */
  readonly rank: number;
  /** Norm of the within-cluster displacement relative to the centre's (~1): > 1 means clusters overlap. */
  readonly spread: number;
  /** Norm of the isotropic full-dimension noise. */
  readonly noise: number;
}

export const EMBEDDING_SHAPE: EmbeddingShape = { clusters: 300, rank: 24, spread: 1.5, noise: 0.5 };

/**
 * A Gaussian mixture shaped like real embeddings, normalised: point = centre (a random
 * direction in R^dims) + a random rank-`rank` projection of Gaussian noise, the projection
 * drawn per cluster (each cluster spreads in its own low-dimensional subspace) + small
 * isotropic noise. With the default shape clusters overlap (spread 1.5): the nearest
 * neighbour of a held-out point has cosine similarity ~0.6, the 10th ~0.46, a random point ~0
 * (measured; bench/workloads/vector-data.mjs is the same generator).
 */
export function clusteredVectors(n: number, dims: number, seed: number, shape: EmbeddingShape = EMBEDDING_SHAPE): Float32Array[] {
  const { clusters, rank, spread, noise } = shape;
  const r = rng(seed);
  const g = gaussian(r);
  const sd = 1 / Math.sqrt(dims);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dims }, () => g() * sd));
  const bases = Array.from({ length: clusters }, () => Array.from({ length: rank }, () => Float32Array.from({ length: dims }, () => g() * sd)));
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 0; k < clusters; k++) cumulative.push((total += -Math.log(1 - r())));
  const coef = spread / Math.sqrt(rank);
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const u = r() * total;
    let k = 0;
    while (cumulative[k] < u) k++;
    const v = Float32Array.from(centres[k]);
    for (const b of bases[k]) {
      const c = g() * coef;
      for (let d = 0; d < dims; d++) v[d] += c * b[d];
    }
    for (let d = 0; d < dims; d++) v[d] += g() * noise * sd;
    out.push(normalise(v));
  }
  return out;
}

export type Metric = 'cosine' | 'l2' | 'dot';

/** The oracle's distance (float64 over the float32 components, pgvector's definitions). */
export function distance(a: Float32Array, b: Float32Array, m: Metric): number | null {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
    l2 += (a[i] - b[i]) * (a[i] - b[i]);
  }
  if (m === 'l2') return Math.sqrt(l2);
  if (m === 'dot') return -ab;
  const sim = ab / Math.sqrt(aa * bb);
  if (Number.isNaN(sim)) return null;
  return 1 - Math.min(1, Math.max(-1, sim));
}

/** Ids of the k nearest rows by brute force (ties broken by id), among rows passing `keep`. */
export function bruteForce(rows: readonly { id: number; v: Float32Array | null }[], q: Float32Array, m: Metric, k: number, keep: (id: number) => boolean = () => true): number[] {
  const scored: { id: number; d: number }[] = [];
  for (const r of rows) {
    if (!keep(r.id)) continue;
    const d = r.v === null ? null : distance(r.v, q, m);
    scored.push({ id: r.id, d: d === null ? -Infinity : d });
  }
  scored.sort((x, y) => x.d - y.d || x.id - y.id);
  return scored.slice(0, k).map((s) => s.id);
}

export function recall(got: readonly number[], want: readonly number[]): number {
  if (want.length === 0) return 1;
  const s = new Set(got);
  return want.filter((x) => s.has(x)).length / want.length;
}

let dir: string | null = null;
let counter = 0;

export function tempDbPath(): string {
  if (dir === null) dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helios-vector-'));
  return path.join(dir, `db${counter++}.db`);
}

/** Inserts vectors in one transaction; ids are 1..n. */
export function fill(db: Db, table: string, vectors: readonly Float32Array[], extra?: (i: number) => unknown): void {
  const ins = extra
    ? db.prepare(`INSERT INTO ${table}(id, v, tag) VALUES (?, ?, ?)`)
    : db.prepare(`INSERT INTO ${table}(id, v) VALUES (?, ?)`);
  db.transaction(() => {
    vectors.forEach((v, i) => (extra ? ins.run(i + 1, v, extra(i + 1)) : ins.run(i + 1, v)));
  })();
}
