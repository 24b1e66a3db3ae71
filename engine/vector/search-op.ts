/**
 * VectorSearchOp: the access path for `ORDER BY vector_distance(col, q, metric) LIMIT k` over one
 * table (planner.ts). It produces a CANDIDATE SET of rows (each passing WHERE) into the table's
 * slot; the SELECT pipeline above it computes the exact distance of each candidate, sorts
 * (top-k) and applies LIMIT/OFFSET, so every returned distance and the order are exact, and the
 * index only decides which rows are considered.
 *
 * Candidates, for N = LIMIT + OFFSET:
 *  1. rows the connection's open transaction touched (their committed index entries are
 *     ignored): read from the connection's own view, so it sees its uncommitted vectors;
 *  2. rows the index cannot hold (NULL, malformed or zero vectors, unlabelable rowids): their
 *     NULL distances sort first, as in a full scan;
 *  3. index neighbours in rounds: k = N (2N or ef_search with a WHERE), then doubling, until N
 *     of them pass WHERE, searched with ef = max(ef_search, k) (with a WHERE: max(ef_search, 2k),
 *     since the matching rows may be in the list's less accurate tail). Each label is read back
 *     from the table (it must exist in this view).
 * Exact fallback (the ordinary plan, `fallback`) when: no usable index (uncommitted DDL, no
 * LIMIT, NULL or mismatched query vector), the transaction emptied the table or touched too many
 * rows, the widening would pass max(4N, rows/8) (a selective filter: a scan is cheaper and
 * exact), or the graph ran out of reachable neighbours before N passed. So LIMIT k returns
 * min(k, matches) rows.
 */
import type { SqlValue } from '../common/value.js';
import type { Schema } from '../catalog/schema.js';
import type { TableSchema } from '../catalog/types.js';
import type { PageView, Rowid, WriteTxn } from '../storage/api.js';
import type { Ev, Op, Runtime } from '../sql/exec/runtime.js';
import { evalLimit } from '../sql/exec/rows.js';
import { toBool } from '../sql/exec/truth.js';
import { mainTxn } from './dml-hooks.js';
import type { VectorIndexDef } from './index-method.js';
import { efSearchOf } from './pragma.js';
import { vectorState, type VectorEngine } from './state.js';
import { isProblem, vectorFromValue } from './vector-value.js';

/** The part of the connection (rt.host) a vector search uses. */
interface VectorHost {
  readonly engine: VectorEngine;
  readonly wtx: WriteTxn | null;
  /** Set on db.asOf() connections (time travel). */
  readonly fixedPoint?: number | null;
  schema(): Schema;
  view(): PageView;
}

function isVectorHost(h: unknown): h is VectorHost {
  return typeof h === 'object' && h !== null && 'engine' in h && 'wtx' in h && typeof (h as { schema?: unknown }).schema === 'function';
}

export interface VectorSearchSpec {
  readonly rt: Runtime;
  readonly slot: number;
  readonly table: TableSchema;
  readonly def: VectorIndexDef;
  readonly query: Ev;
  readonly limit: Ev;
  readonly offset: Ev | null;
  readonly where: Ev | null;
  /** The ordinary plan (scan or B-tree index, WHERE applied): the exact answer. */
  readonly fallback: Op;
}

/** Counters of the last executions (diagnostics and tests). */
export const vectorSearchStats = { indexSearches: 0, exactFallbacks: 0, rounds: 0 };

const NONE = 0;
const LIST = 1;
const FALLBACK = 2;

export class VectorSearchOp implements Op {
  private mode = NONE;
  private rows: (readonly SqlValue[])[] = [];
  private rowids: Rowid[] = [];
  private pos = 0;

  constructor(private readonly spec: VectorSearchSpec) {}

  open(): void {
    this.rows = [];
    this.rowids = [];
    this.pos = 0;
    if (this.collect()) {
      this.mode = LIST;
      vectorSearchStats.indexSearches++;
    } else {
      this.rows = [];
      this.rowids = [];
      this.mode = FALLBACK;
      vectorSearchStats.exactFallbacks++;
      this.spec.fallback.open();
    }
  }

  next(): boolean {
    if (this.mode === FALLBACK) return this.spec.fallback.next();
    if (this.pos >= this.rows.length) return false;
    const rt = this.spec.rt;
    const i = this.pos++;
    rt.rows[this.spec.slot] = this.rows[i];
    rt.rowids[this.spec.slot] = this.rowids[i];
    return true;
  }

  close(): void {
    if (this.mode === FALLBACK) this.spec.fallback.close();
    this.mode = NONE;
    this.rows = [];
    this.rowids = [];
  }

  /** Gathers the candidates; false = use the exact fallback. */
  private collect(): boolean {
    const { rt, slot, table, def, where } = this.spec;
    const host = rt.host;
    // db.asOf() connections read a fixed past point: the index holds the present (exact search)
    if (!isVectorHost(host) || host.fixedPoint != null) return false;
    const limit = evalLimit(this.spec.limit);
    if (limit < 0) return false;
    const offset = this.spec.offset ? Math.max(0, evalLimit(this.spec.offset)) : 0;
    const want = limit + offset;
    if (want === 0) return true;
    const q = this.spec.query();
    if (q === null) return false;
    const vec = vectorFromValue(q);
    if (isProblem(vec) || vec.length !== def.dims) return false;
    if (def.metric === 'cosine' && vec.every((x) => x === 0)) return false;

    const state = vectorState(host.engine);
    const own = state.openChanges(mainTxn(host.wtx), table.name);
    if (own?.all) return false;
    const idx = state.index(def, host.schema().table(def.table, 'main'));
    if (idx === null) return false;
    const tree = host.view().openTable(table.root);
    const rows = this.rows;
    const rowids = this.rowids;
    const consider = (rowid: Rowid, rec: readonly SqlValue[]): boolean => {
      if (where !== null) {
        rt.rows[slot] = rec;
        rt.rowids[slot] = rowid;
        if (!toBool(where())) return false;
      }
      rows.push(rec);
      rowids.push(rowid);
      return true;
    };

    if (own) {
      for (const r of own.rowids) {
        const rec = tree.get(r);
        if (rec !== undefined) consider(r, rec);
      }
    }
    for (const r of idx.unindexed) {
      if (own?.rowids.has(r)) continue;
      const rec = tree.get(r);
      if (rec !== undefined) consider(r, rec);
    }

    const structure = idx.structure;
    const size = structure.size;
    if (size === 0) return true;
    const ef = efSearchOf(host);
    const evaluated = new Set<number>();
    const widenLimit = Math.max(4 * want, size >>> 3);
    let k = where === null ? want : Math.max(2 * want, ef);
    let passed = 0;
    for (;;) {
      const asked = Math.min(k, size);
      // the tail of a k-list found with ef = k is unreliable (with a WHERE the wanted rows
      // may sit there): search with ef >= 2k then
      const res = structure.search(vec, asked, Math.max(ef, where === null ? asked : 2 * asked));
      vectorSearchStats.rounds++;
      const labels = res.neighbors;
      for (let i = 0; i < labels.length; i++) {
        const label = labels[i];
        if (evaluated.has(label)) continue;
        evaluated.add(label);
        if (own !== undefined && own.rowids.has(label)) continue;
        const rec = tree.get(label);
        if (rec === undefined) continue;
        if (consider(label, rec)) passed++;
      }
      if (passed >= want) return true;
      // every live label seen: the candidates are all rows there are
      if (evaluated.size >= size) return true;
      // fewer than asked (unreachable nodes) or too wide: exact
      if (labels.length < asked || k >= size) return false;
      k *= 2;
      if (k > widenLimit) return false;
    }
  }
}
