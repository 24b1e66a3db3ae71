/**
 * HnswGraph: one hnswlib-node HierarchicalNSW graph plus the bookkeeping hnswlib leaves to the
 * caller: which labels are live, which were deleted (their slots are reused by later inserts:
 * `allowReplaceDeleted`), capacity growth without a preset size (`resizeIndex`, doubling), and a
 * 32-bit hash of each live label's stored vector bytes so that a resync can tell which rows
 * changed without reading vectors back out of the graph.
 *
 * Labels are uint32 (hnswlib-node converts them with Uint32Value); callers map rowids to labels.
 *
 * Invariants:
 *  1. `live` holds exactly the labels present and not marked deleted in the graph.
 *  2. Every label present-but-deleted in the graph is in `maybeDeleted` (a replaced slot may
 *     leave a stale entry there; unmarking it then fails and is handled).
 *  3. `vacant` = number of deleted slots hnswlib may reuse (its deleted_elements set).
 */
import * as fs from 'node:fs';
import type { HierarchicalNSW } from 'hnswlib-node';
import { sqliteError } from '../common/errors.js';

type HnswModule = typeof import('hnswlib-node');
let hnswModule: HnswModule | undefined;

/**
 * hnswlib-node is native: loaded on first use, so that a failed native build disables HNSW
 * indexes (with a clear error) instead of the whole package.
 */
function hnswlib(): HnswModule {
  if (hnswModule) return hnswModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    hnswModule = require('hnswlib-node') as HnswModule;
    return hnswModule;
  } catch (e) {
    throw sqliteError(`HNSW indexes need the native package hnswlib-node, which failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
}

export type HnswSpace = 'l2' | 'ip';

export interface HnswParams {
  readonly space: HnswSpace;
  readonly dims: number;
  readonly m: number;
  readonly efConstruction: number;
}

const INITIAL_CAPACITY = 1024;
const SEED = 100;

export class HnswGraph {
  private readonly index: HierarchicalNSW;
  /** label -> hash of the stored vector bytes */
  readonly live = new Map<number, number>();
  private readonly maybeDeleted = new Set<number>();
  private vacant = 0;
  /** The ef last given to hnswlib (setEf is a native call: skipped when unchanged). */
  private ef = -1;

  private constructor(
    readonly params: HnswParams,
    index: HierarchicalNSW,
  ) {
    this.index = index;
  }

  static create(params: HnswParams): HnswGraph {
    const index = new (hnswlib().HierarchicalNSW)(params.space, params.dims);
    index.initIndex({ maxElements: INITIAL_CAPACITY, m: params.m, efConstruction: params.efConstruction, randomSeed: SEED, allowReplaceDeleted: true });
    return new HnswGraph(params, index);
  }

  /** Loads a graph written by `save`; `live` is the label -> hash map saved with it. */
  static load(params: HnswParams, file: string, live: Map<number, number>): HnswGraph {
    const index = new (hnswlib().HierarchicalNSW)(params.space, params.dims);
    index.readIndexSync(file, true);
    const g = new HnswGraph(params, index);
    for (const [label, hash] of live) g.live.set(label, hash);
    for (const label of index.getIdsList()) {
      if (!live.has(label)) {
        g.maybeDeleted.add(label);
        g.vacant++;
      }
    }
    return g;
  }

  save(file: string): void {
    this.index.writeIndexSync(file);
  }

  get size(): number {
    return this.live.size;
  }

  /** Bytes of the graph file hnswlib would write (for reporting). */
  static fileSize(file: string): number {
    try {
      return fs.statSync(file).size;
    } catch {
      return 0;
    }
  }

  private ensureCapacity(): void {
    if (this.vacant > 0) return;
    const max = this.index.getMaxElements();
    if (this.index.getCurrentCount() >= max) this.index.resizeIndex(max * 2);
  }

  /** Adds or replaces the vector of `label`. `point` is already in the space's form (normalised for cosine). */
  upsert(label: number, point: number[], hash: number): void {
    if (this.live.has(label)) {
      this.index.addPoint(point, label);
    } else {
      let done = false;
      if (this.maybeDeleted.has(label)) {
        this.maybeDeleted.delete(label);
        try {
          this.index.unmarkDelete(label);
          this.vacant--;
          done = true;
        } catch {
          // its slot was reused for another label: add it anew
        }
        if (done) this.index.addPoint(point, label);
      }
      if (!done) {
        this.ensureCapacity();
        this.index.addPoint(point, label, true);
        if (this.vacant > 0) this.vacant--;
      }
    }
    this.live.set(label, hash);
  }

  remove(label: number): void {
    if (!this.live.has(label)) return;
    this.index.markDelete(label);
    this.live.delete(label);
    this.maybeDeleted.add(label);
    this.vacant++;
  }

  /** The k nearest live labels (k is clamped to the live count), nearest first. */
  search(query: number[], k: number, ef: number): { neighbors: number[]; distances: number[] } {
    const n = Math.min(k, this.live.size);
    if (n <= 0) return { neighbors: [], distances: [] };
    const e = Math.max(ef, n);
    if (e !== this.ef) {
      this.index.setEf(e);
      this.ef = e;
    }
    return this.index.searchKnn(query, n);
  }
}

/** FNV-1a over bytes: detects changed vectors during a resync. */
export function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) {
    h ^= b[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
