/**
 * Distance kernels over float32 vectors, with pgvector's definitions (sums in float64):
 *
 * | metric   | vector_distance(a, b, m)        | pgvector operator |
 * |----------|---------------------------------|-------------------|
 * | 'l2'     | sqrt(Σ (aᵢ - bᵢ)²)              | `<->`             |
 * | 'cosine' | 1 - (a·b) / (‖a‖ ‖b‖)           | `<=>`             |
 * | 'dot'    | -(a·b)  (smaller is closer)     | `<#>`             |
 *
 * Cosine distance of a zero vector is NaN in pgvector, which SQL sees as NULL (value model:
 * NaN is never a value).
 */
import { sqliteError } from '../common/errors.js';

export type Metric = 'cosine' | 'l2' | 'dot';

export const METRICS: readonly Metric[] = ['cosine', 'l2', 'dot'];

/** The metric named by a SQL string (case-insensitive), or a thrown SqliteError. */
export function metricFromName(name: unknown, fn = 'vector_distance'): Metric {
  if (typeof name === 'string') {
    const m = name.toLowerCase();
    if (m === 'cosine' || m === 'l2' || m === 'dot') return m;
  }
  throw sqliteError(`${fn}(): unknown metric ${typeof name === 'string' ? `'${name}'` : String(name)} (expected 'cosine', 'l2' or 'dot')`);
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

export function l2(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

export function norm(a: Float32Array): number {
  let s = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** 1 - cosine similarity (clamped to [-1, 1] as pgvector does); NaN when a norm is zero. */
export function cosine(a: Float32Array, b: Float32Array): number {
  // two interleaved accumulators per sum: halves the add-latency chain (float64 sums as before)
  let ab = 0;
  let aa = 0;
  let bb = 0;
  let ab2 = 0;
  let aa2 = 0;
  let bb2 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const x = a[i];
    const y = b[i];
    const x2 = a[i + 1];
    const y2 = b[i + 1];
    ab += x * y;
    aa += x * x;
    bb += y * y;
    ab2 += x2 * y2;
    aa2 += x2 * x2;
    bb2 += y2 * y2;
  }
  if (i < n) {
    const x = a[i];
    const y = b[i];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  ab += ab2;
  aa += aa2;
  bb += bb2;
  let sim = ab / Math.sqrt(aa * bb);
  if (sim !== sim) return NaN;
  if (sim > 1) sim = 1;
  else if (sim < -1) sim = -1;
  return 1 - sim;
}

export function negativeDot(a: Float32Array, b: Float32Array): number {
  return -dot(a, b);
}

export type DistanceFn = (a: Float32Array, b: Float32Array) => number;

export function distanceFn(m: Metric): DistanceFn {
  switch (m) {
    case 'cosine':
      return cosine;
    case 'l2':
      return l2;
    case 'dot':
      return negativeDot;
  }
}
