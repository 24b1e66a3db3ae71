/**
 * The `hnsw` index method (index-method.ts) on hnswlib-node.
 *
 * Spaces: 'l2' for the l2 metric (hnswlib reports squared distances: same order); 'ip' for
 * 'dot' (1 - a·b: same order as -a·b) and for 'cosine' with vectors normalised here (so
 * 1 - a·b is the cosine distance). Zero vectors have no direction: the engine keeps them out of
 * cosine indexes (they are searched exactly, see state.ts).
 *
 * Files: `<base>.graph` (hnswlib's own format) and `<base>.labels` (little-endian: u32 magic,
 * u32 count, u64 byte size of the graph file, then count (u32 label, u32 hash) pairs for the
 * live labels). A labels file that does not match its graph file's size means "rebuild".
 */
import * as fs from 'node:fs';
import { sqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import { HnswGraph, type HnswParams } from './hnsw-graph.js';
import { registerIndexMethod, type VectorIndexDef, type VectorIndexMethod, type VectorIndexStructure } from './index-method.js';
import type { Metric } from './distance.js';

export const HNSW_DEFAULT_M = 16;
/** `.labels` file: u32 magic 'HVL1', u32 count, u64 size of the `.graph` file (two u32), then count (label, hash) u32 pairs. */
const LABELS_MAGIC = 0x314c5648;
const LABELS_HEADER = 16;
/** pgvector's default: on embedding-like data recall@10 at ef_search 64 stays >= 0.99 (test/vector/recall.test.ts) while builds are ~2.5x faster than at 200. */
export const HNSW_DEFAULT_EF_CONSTRUCTION = 64;

function intParam(name: string, v: SqlValue, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw sqliteError(`hnsw parameter ${name} must be an integer between ${min} and ${max}`);
  return n;
}

/** A point as hnswlib wants it: a plain array, normalised for cosine. */
function point(v: Float32Array, normalise: boolean): number[] {
  const n = v.length;
  const out = new Array<number>(n);
  if (!normalise) {
    for (let i = 0; i < n; i++) out[i] = v[i];
    return out;
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i] * v[i];
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < n; i++) out[i] = Math.fround(v[i] * inv);
  return out;
}

class HnswStructure implements VectorIndexStructure {
  constructor(
    private readonly graph: HnswGraph,
    private readonly normalise: boolean,
  ) {}

  get size(): number {
    return this.graph.size;
  }

  hashOf(label: number): number | undefined {
    return this.graph.live.get(label);
  }

  labels(): IterableIterator<number> {
    return this.graph.live.keys();
  }

  upsert(label: number, vector: Float32Array, hash: number): void {
    this.graph.upsert(label, point(vector, this.normalise), hash);
  }

  remove(label: number): void {
    this.graph.remove(label);
  }

  search(query: Float32Array, k: number, ef: number): { neighbors: number[]; distances: number[] } {
    return this.graph.search(point(query, this.normalise), k, ef);
  }

  save(base: string): number {
    const graphFile = `${base}.graph`;
    this.graph.save(graphFile);
    const graphBytes = HnswGraph.fileSize(graphFile);
    const live = this.graph.live;
    const buf = Buffer.alloc(LABELS_HEADER + live.size * 8);
    buf.writeUInt32LE(LABELS_MAGIC, 0);
    buf.writeUInt32LE(live.size, 4);
    buf.writeUInt32LE(graphBytes % 0x100000000, 8);
    buf.writeUInt32LE(Math.floor(graphBytes / 0x100000000), 12);
    let o = LABELS_HEADER;
    for (const [label, hash] of live) {
      buf.writeUInt32LE(label, o);
      buf.writeUInt32LE(hash, o + 4);
      o += 8;
    }
    fs.writeFileSync(`${base}.labels`, buf);
    return graphBytes + buf.length;
  }
}

function paramsOf(def: VectorIndexDef): HnswParams {
  return {
    space: def.metric === 'l2' ? 'l2' : 'ip',
    dims: def.dims,
    m: def.params.m ?? HNSW_DEFAULT_M,
    efConstruction: def.params.ef_construction ?? HNSW_DEFAULT_EF_CONSTRUCTION,
  };
}

export const hnswMethod: VectorIndexMethod = {
  name: 'hnsw',
  params(raw) {
    const out: Record<string, number> = { m: HNSW_DEFAULT_M, ef_construction: HNSW_DEFAULT_EF_CONSTRUCTION };
    for (const p of raw) {
      const k = p.name.toLowerCase();
      if (k === 'm') out.m = intParam('m', p.value, 2, 100);
      else if (k === 'ef_construction') out.ef_construction = intParam('ef_construction', p.value, 4, 4000);
      else if (k !== 'metric') throw sqliteError(`unknown hnsw parameter: ${p.name} (expected metric, m, ef_construction)`);
    }
    return out;
  },
  supports(metric: Metric) {
    return metric === 'cosine' || metric === 'l2' || metric === 'dot';
  },
  create(def) {
    return new HnswStructure(HnswGraph.create(paramsOf(def)), def.metric === 'cosine');
  },
  load(def, base) {
    try {
      const bytes = fs.readFileSync(`${base}.labels`);
      if (bytes.length < LABELS_HEADER || bytes.readUInt32LE(0) !== LABELS_MAGIC) return null;
      const count = bytes.readUInt32LE(4);
      if (bytes.length !== LABELS_HEADER + count * 8) return null;
      // hnswlib trusts its file: never hand it one whose size differs from what we wrote
      const graphBytes = bytes.readUInt32LE(8) + bytes.readUInt32LE(12) * 0x100000000;
      if (graphBytes === 0 || HnswGraph.fileSize(`${base}.graph`) !== graphBytes) return null;
      const live = new Map<number, number>();
      for (let o = LABELS_HEADER; o < bytes.length; o += 8) live.set(bytes.readUInt32LE(o), bytes.readUInt32LE(o + 4));
      return new HnswStructure(HnswGraph.load(paramsOf(def), `${base}.graph`, live), def.metric === 'cosine');
    } catch {
      return null;
    }
  },
};

registerIndexMethod(hnswMethod);
