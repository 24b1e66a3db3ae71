/**
 * The index-method interface: what the engine needs from a kind of vector index, so that a kind
 * other than HNSW (IVF, a flat index, DiskANN) can be added by registering one more method.
 *
 * An index method builds *structures* over (label, vector) pairs. Labels are uint32 (the engine
 * maps rowids to labels, index.ts); vectors arrive as float32 values of the stored BLOB, and the
 * structure reports approximate nearest labels for a query under its metric. Everything about
 * SQL, rows, transactions and persistence policy stays in the engine (state.ts, search-op.ts):
 * a structure is a pure in-memory index that can save itself to and load itself from files.
 */
import { sqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import type { Metric } from './distance.js';

/** A declared or automatic vector index, as the catalog (catalog.ts) describes it. */
export interface VectorIndexDef {
  /** Index name as declared (automatic: hnsw_autoindex_<table>_<column>). */
  readonly name: string;
  readonly table: string;
  readonly column: string;
  /** n of the column's VECTOR(n) type. */
  readonly dims: number;
  /** Index method name ('hnsw'). */
  readonly method: string;
  readonly metric: Metric;
  /** Method parameters after validation (hnsw: m, ef_construction). */
  readonly params: Readonly<Record<string, number>>;
  /** True for the index kept automatically for every VECTOR column. */
  readonly automatic: boolean;
}

export interface VectorIndexStructure {
  /** Number of live labels. */
  readonly size: number;
  /** Hash of the vector stored for `label` (see hashBytes), or undefined when absent. */
  hashOf(label: number): number | undefined;
  /** Live labels. */
  labels(): IterableIterator<number>;
  upsert(label: number, vector: Float32Array, hash: number): void;
  remove(label: number): void;
  /**
   * Approximate k nearest live labels to `query`, nearest first, exploring with breadth `ef`
   * (ef >= k). `distances` are the method's own (monotone in the metric's distance).
   */
  search(query: Float32Array, k: number, ef: number): { readonly neighbors: readonly number[]; readonly distances: readonly number[] };
  /** Writes the structure to files named `<base>.*`; returns the bytes written. */
  save(base: string): number;
}

export interface VectorIndexMethod {
  readonly name: string;
  /** Validates `WITH (...)` parameters (unknown names and bad values are SQLITE_ERROR). */
  params(raw: readonly { readonly name: string; readonly value: SqlValue }[]): Record<string, number>;
  /** Whether the structure can answer queries under this metric. */
  supports(metric: Metric): boolean;
  create(def: VectorIndexDef): VectorIndexStructure;
  /** Loads a structure saved by `save(base)`, or returns null when the files are missing or unusable. */
  load(def: VectorIndexDef, base: string): VectorIndexStructure | null;
}

const methods = new Map<string, VectorIndexMethod>();

export function registerIndexMethod(m: VectorIndexMethod): void {
  methods.set(m.name.toLowerCase(), m);
}

/** The method named in `USING name`, or SQLITE_ERROR `no such index method: name`. */
export function indexMethod(name: string): VectorIndexMethod {
  const m = methods.get(name.toLowerCase());
  if (!m) throw sqliteError(`no such index method: ${name}`);
  return m;
}
