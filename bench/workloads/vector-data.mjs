// Data and measuring helpers of the vector suite (vector-knn.mjs).
//
// embeddings(): the generator of test/vector/helpers.ts clusteredVectors, kept identical so the
// benchmark measures the data the recall tests check: a Gaussian mixture of 300 overlapping
// clusters, each spreading in its own random 24-dimensional subspace, plus isotropic noise,
// normalised (nearest neighbour cosine similarity ~0.6, random pairs ~0).

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(r) {
  return () => {
    let u = 0;
    while (u === 0) u = r();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  };
}

export function embeddings(n, dims, seed, { clusters = 300, rank = 24, spread = 1.5, noise = 0.5 } = {}) {
  const r = rng(seed);
  const g = gaussian(r);
  const sd = 1 / Math.sqrt(dims);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dims }, () => g() * sd));
  const bases = Array.from({ length: clusters }, () => Array.from({ length: rank }, () => Float32Array.from({ length: dims }, () => g() * sd)));
  const cumulative = [];
  let total = 0;
  for (let k = 0; k < clusters; k++) cumulative.push((total += -Math.log(1 - r())));
  const coef = spread / Math.sqrt(rank);
  const out = [];
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
    let s = 0;
    for (let d = 0; d < dims; d++) s += v[d] * v[d];
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dims; d++) v[d] *= inv;
    out.push(v);
  }
  return out;
}

/** Cosine distance of two float32 vectors (float64 sums), as vector_distance(..., 'cosine'). */
export function cosineDistance(a, b) {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return 1 - ab / Math.sqrt(aa * bb);
}

/** Exact top-k ids (1-based) by cosine distance: the JS brute force and the recall oracle. */
export function bruteForceTopK(vectors, q, k) {
  const ids = new Int32Array(k).fill(-1);
  const ds = new Float64Array(k).fill(Infinity);
  for (let i = 0; i < vectors.length; i++) {
    const d = cosineDistance(vectors[i], q);
    if (d >= ds[k - 1]) continue;
    let j = k - 1;
    while (j > 0 && ds[j - 1] > d) {
      ds[j] = ds[j - 1];
      ids[j] = ids[j - 1];
      j--;
    }
    ds[j] = d;
    ids[j] = i + 1;
  }
  return Array.from(ids);
}

export function recallAt(got, want) {
  const s = new Set(got);
  let hit = 0;
  for (const x of want) if (s.has(x)) hit++;
  return hit / want.length;
}

/** Latencies (ms) of `fn(q)` over the queries: p50, p99, QPS (sequential), and the answers. */
export function timeQueries(queries, fn, warmup = 20) {
  for (let i = 0; i < Math.min(warmup, queries.length); i++) fn(queries[i]);
  const ms = [];
  const answers = [];
  const t0 = performance.now();
  for (const q of queries) {
    const t = performance.now();
    answers.push(fn(q));
    ms.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  ms.sort((a, b) => a - b);
  const at = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
  return { p50: at(0.5), p99: at(0.99), qps: (1000 * queries.length) / total, answers };
}
