/**
 * engine/vector: VECTOR(n) columns, vector functions, and vector indexes (HNSW on hnswlib-node)
 * behind an index-method interface. See docs/vectors.md. Hooks into the rest of the engine are
 * marked `// vector:` where they are called.
 */
export { MAX_VECTOR_DIMS, vectorTypeDims, parseVectorText, formatVector, vectorFromBlob, vectorToBlob, coerceVectorColumn } from './vector-value.js';
export { cosine, l2, negativeDot, norm, distanceFn, metricFromName, type Metric } from './distance.js';
export { vectorScalars } from './functions.js';
export { registerIndexMethod, indexMethod, type VectorIndexDef, type VectorIndexMethod, type VectorIndexStructure } from './index-method.js';
export { hnswMethod, HNSW_DEFAULT_M, HNSW_DEFAULT_EF_CONSTRUCTION } from './hnsw-method.js';
export { vectorIndexDefs, VECTOR_INDEX_TABLE, autoIndexName } from './catalog.js';
export { onVectorIndexProgress, vectorIndexCounters, vectorState, type VectorIndexProgress } from './state.js';
export { vectorSearchStats } from './search-op.js';
export { DEFAULT_EF_SEARCH } from './pragma.js';

/**
 * A Float32Array for binding a vector given as numbers (arrays are flattened into positional
 * parameters by the better-sqlite3 API, so a vector must be bound as a typed array or text).
 * @example db.prepare('INSERT INTO t(v) VALUES (?)').run(toVector([0.1, 0.2]))
 */
export function toVector(values: readonly number[]): Float32Array {
  return Float32Array.from(values);
}
