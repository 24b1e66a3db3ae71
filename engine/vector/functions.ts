/**
 * SQL functions on vectors (registered with the built-ins through functions/builtins.ts):
 *
 *   vector(x)                  BLOB   x (TEXT '[1,2]' or a vector BLOB) validated, as the stored BLOB
 *   vector_to_json(v)          TEXT   '[1,2.5]'
 *   vector_dims(v)             INTEGER
 *   vector_norm(v)             REAL   Euclidean norm
 *   vector_distance(a, b, m)   REAL   m = 'cosine' | 'l2' | 'dot' (distance.ts)
 *
 * NULL arguments give NULL. Bad vectors, dimension mismatches and unknown metrics are
 * SQLITE_ERROR with a message naming the function.
 */
import { sqliteError } from '../common/errors.js';
import { makeReal, type SqlValue } from '../common/value.js';
import type { ScalarFunctionDef } from '../sql/functions/registry.js';
import { distanceFn, metricFromName } from './distance.js';
import { norm } from './distance.js';
import { checkFinite, formatVector, isProblem, vectorFromValueUnchecked, vectorToBlob, type VectorProblem } from './vector-value.js';

/**
 * Decoding with a one-entry memo per argument position: in `ORDER BY vector_distance(v, ?,
 * 'l2')` the query argument is the same value for every row and is decoded and checked once.
 * TEXT is remembered by value, BLOBs by identity (BLOB values are never mutated once made: the
 * record decoder and the API hand out fresh copies).
 */
class VectorArg {
  private last: SqlValue = null;
  private lastVec: Float32Array | VectorProblem | null = null;

  get(v: SqlValue, fn: string, checked = true): Float32Array {
    let r: Float32Array | VectorProblem;
    if (v === this.last && this.lastVec !== null) r = this.lastVec;
    else {
      r = vectorFromValueUnchecked(v);
      if (checked && !isProblem(r)) r = checkFinite(r) ?? r;
      // a remembered vector is always fully checked (an unchecked one is not remembered)
      if (checked || isProblem(r)) {
        this.last = v;
        this.lastVec = r;
      }
    }
    if (isProblem(r)) throw sqliteError(`${fn}(): ${r.message}`);
    return r;
  }
}

const argA = new VectorArg();
const argB = new VectorArg();

export const vectorScalars: readonly ScalarFunctionDef[] = [
  {
    name: 'vector',
    nArgs: 1,
    deterministic: true,
    impl: (a) => {
      if (a[0] === null) return null;
      const v = argA.get(a[0], 'vector');
      return a[0] instanceof Uint8Array ? a[0] : vectorToBlob(v);
    },
  },
  {
    name: 'vector_to_json',
    nArgs: 1,
    deterministic: true,
    impl: (a) => (a[0] === null ? null : formatVector(argA.get(a[0], 'vector_to_json'))),
  },
  {
    name: 'vector_dims',
    nArgs: 1,
    deterministic: true,
    impl: (a) => (a[0] === null ? null : argA.get(a[0], 'vector_dims').length),
  },
  {
    name: 'vector_norm',
    nArgs: 1,
    deterministic: true,
    impl: (a) => (a[0] === null ? null : makeReal(norm(argA.get(a[0], 'vector_norm')))),
  },
  {
    name: 'vector_distance',
    nArgs: 3,
    deterministic: true,
    impl: (a) => {
      if (a[0] === null || a[1] === null || a[2] === null) return null;
      const m = metricFromName(a[2]);
      // components are checked for NaN/Infinity only when the distance is not finite: every
      // metric's sums are NaN or infinite when a component is (float32 values cannot overflow
      // the float64 sums otherwise), and a cosine of a zero vector is NaN too
      const x = argA.get(a[0], 'vector_distance', false);
      const y = argB.get(a[1], 'vector_distance', false);
      if (x.length !== y.length) throw sqliteError(`vector_distance(): different vector dimensions ${x.length} and ${y.length}`);
      const d = distanceFn(m)(x, y);
      if (d - d !== 0) {
        const bad = checkFinite(x) ?? checkFinite(y);
        if (bad !== null) throw sqliteError(`vector_distance(): ${bad.message}`);
      }
      return makeReal(d);
    },
  },
];
