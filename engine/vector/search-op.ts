/**
 * VectorSearchOp: the access path for `ORDER BY vector_distance(col, q, metric) LIMIT k` over one
 * table (planner.ts). It produces a CANDIDATE SET of rows (each passing WHERE) into the table's
 * slot; the SELECT pipeline above it computes the exact distance of each candidate, sorts
 * (top-k) and applies LIMIT/OFFSET, so every returned distance and the order are exact, and the
 * index only decides which rows are considered.
 *
 * Candidates, for N = LIMIT + OFFSET:
 *  1. STALE rows, whose version in the reader's view may differ from the index's (the latest
 *     committed state): rows the connection's open transaction touched (so it sees its own
 *     uncommitted vectors) and, for a reader at an older point (a read transaction's snapshot,
 *     a concurrent write transaction's snapshot, `t AS OF ...`, db.asOf()), the rows committed
 *     after that point. Each is read from the reader's view (its version there, or absent) and
 *     its index entry is ignored: "the index holds current versions; rows changed since are
 *     excluded from it and their old versions are searched exactly";
 *  2. rows the index cannot hold (NULL, malformed or zero vectors, unlabelable rowids): their
 *     NULL distances sort first, as in a full scan;
 *  3. index neighbours in rounds: k = N (2N or ef_search with a WHERE), then doubling, until N
 *     of them pass WHERE, searched with ef = max(ef_search, k) (with a WHERE: max(ef_search, 2k),
 *     since the matching rows may be in the list's less accurate tail). Each label is read back
 *     through the reader's view (it must exist there).
 * Exact fallback (the ordinary plan, `fallback`) when: no usable index (uncommitted DDL, no
 * LIMIT, NULL or mismatched query vector), the transaction emptied the table or touched too many
 * rows, more than max(1024, rows/8) stale rows, the widening would pass max(4N, rows/8) (a
 * selective filter: a scan is cheaper and exact), or the graph ran out of reachable neighbours
 * before N passed. So LIMIT k returns
 * min(k, matches) rows.
 */
import type { SqlValue } from '../common/value.js';
import type { Schema } from '../catalog/schema.js';
import type { TableSchema } from '../catalog/types.js';
import type { PageView, Rowid, TableTree, WriteTxn } from '../storage/api.js';
import { SnapshotTableTree } from '../mvcc/snapshot-table.js';
import type { Ev, Op, Runtime } from '../sql/exec/runtime.js';
import { evalLimit } from '../sql/exec/rows.js';
import { toBool } from '../sql/exec/truth.js';
import { mainTxn } from './dml-hooks.js';
import type { VectorIndexDef } from './index-method.js';
import { efSearchOf } from './pragma.js';
import { vectorState, type TableChanges, type VectorEngine } from './state.js';
import { isProblem, vectorFromValue } from './vector-value.js';

/** The part of the connection (rt.host) a vector search uses. */
interface VectorHost {
  readonly engine: VectorEngine;
  readonly wtx: WriteTxn | null;
  schema(): Schema;
  view(): PageView;
  /** The commit timestamp the connection reads at (its snapshot in a read or concurrent transaction). */
  readPoint?(): { readonly ts: number };
}

const STALE_TOO_MANY = 1;

/**
 * The rows whose version in the reader's `tree` may differ from the index's (which holds the
 * latest committed state), or null when none may: each is evaluated exactly from `tree` and its
 * index hits are ignored. A superset is harmless (a row costs one lookup and one distance).
 *
 *  - rows the connection's open transaction touched (`own`);
 *  - a snapshot tree (a read transaction's snapshot, `t AS OF ...`, a db.asOf() connection):
 *    the rows changed after its point, which its overlay holds;
 *  - a concurrent write transaction (PRAGMA helios_concurrent_writes) reads the committed state
 *    at its snapshot S under its own changes: the rows other connections committed after S,
 *    from the VersionLog (which keeps them while S is open).
 *
 * `root` is the table's B-tree (not an AS OF reference's routed root). STALE_TOO_MANY when they
 * are too many for the index to pay off (more than max(1024, rows/8): exact then), or unknown (a commit after S redefined the table or was not captured: the exact
 * plan reads through the snapshot, which reports that properly).
 */
function staleRows(host: VectorHost, tree: TableTree, own: TableChanges | undefined, root: number, size: number): Set<Rowid> | null | typeof STALE_TOO_MANY {
  const max = Math.max(1024, size >>> 3);
  let out: Set<Rowid> | null = own !== undefined && own.rowids.size > 0 ? own.rowids : null;
  const add = (r: Rowid): void => {
    if (out === null) out = new Set();
    else if (out === own?.rowids) out = new Set(out);
    out.add(r);
  };
  if (tree instanceof SnapshotTableTree) {
    const changed = tree.overlay.sync().changed;
    if (changed.size > max) return STALE_TOO_MANY;
    for (const r of changed.keys()) add(r);
  }
  const log = host.engine.versions;
  const mv = host.engine.mvcc;
  if (host.wtx !== null && log !== undefined && mv !== undefined && typeof host.readPoint === 'function') {
    const s = host.readPoint().ts;
    if (s < mv.lastTs) {
      let n = 0;
      for (let i = log.firstAfter(s); i < log.end; i++) {
        const c = log.at(i);
        if (c.invalid === 'all' || c.invalid.has(root)) return STALE_TOO_MANY;
        const d = c.trees.get(root);
        if (d === undefined) continue;
        n += d.keys.length;
        if (n > max) return STALE_TOO_MANY;
        for (const k of d.keys) add(k as Rowid);
      }
    }
  }
  if (out !== null && (out as Set<Rowid>).size > max + (own?.rowids.size ?? 0)) return STALE_TOO_MANY;
  return out;
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

  /** Adds a candidate when it passes WHERE; returns whether it did. */
  private consider(rowid: Rowid, rec: readonly SqlValue[]): boolean {
    const { rt, slot, where } = this.spec;
    if (where !== null) {
      rt.rows[slot] = rec;
      rt.rowids[slot] = rowid;
      if (!toBool(where())) return false;
    }
    this.rows.push(rec);
    this.rowids.push(rowid);
    return true;
  }

  /** Gathers the candidates; false = use the exact fallback. */
  private collect(): boolean {
    const { rt, table, def, where } = this.spec;
    const host = rt.host;
    if (!isVectorHost(host)) return false;
    const limit = evalLimit(this.spec.limit);
    if (limit < 0) return false;
    const offset = this.spec.offset ? Math.max(0, evalLimit(this.spec.offset)) : 0;
    const want = limit + offset;
    if (want === 0) return true;
    const q = this.spec.query();
    if (q === null) return false;
    const vec = vectorFromValue(q);
    if (isProblem(vec) || vec.length !== def.dims) return false;
    if (def.metric === 'cosine' && isZero(vec)) return false;

    const state = vectorState(host.engine);
    const own = state.openChanges(mainTxn(host.wtx), table.name);
    if (own?.all) return false;
    // the automatic/declared index is defined on the current table (an AS OF reference has a copy
    // with a routed root; time travel refuses points before the table's last definition change)
    const current = host.schema().table(def.table, 'main');
    const idx = state.index(def, current);
    if (idx === null || current === undefined) return false;
    const tree = host.view().openTable(table.root);
    const stale = staleRows(host, tree, own, current.root, idx.structure.size);
    if (stale === STALE_TOO_MANY) return false;

    if (stale !== null) {
      for (const r of stale) {
        const rec = tree.get(r);
        if (rec !== undefined) this.consider(r, rec);
      }
    }
    for (const r of idx.unindexed) {
      if (stale?.has(r)) continue;
      const rec = tree.get(r);
      if (rec !== undefined) this.consider(r, rec);
    }

    const structure = idx.structure;
    const size = structure.size;
    if (size === 0) return true;
    const ef = efSearchOf(host);
    // labels already evaluated by an earlier round (made on the first widening)
    let evaluated: Set<number> | null = null;
    const widenLimit = Math.max(4 * want, size >>> 3);
    let k = where === null ? want : Math.max(2 * want, ef);
    let passed = 0;
    let prev: readonly number[] | null = null;
    for (;;) {
      const asked = Math.min(k, size);
      // the tail of a k-list found with ef = k is unreliable (with a WHERE the wanted rows
      // may sit there): search with ef >= 2k then
      const res = structure.search(vec, asked, Math.max(ef, where === null ? asked : 2 * asked));
      vectorSearchStats.rounds++;
      const labels = res.neighbors;
      if (prev !== null) {
        if (evaluated === null) evaluated = new Set(prev);
        else for (let i = 0; i < prev.length; i++) evaluated.add(prev[i]);
      }
      for (let i = 0; i < labels.length; i++) {
        const label = labels[i];
        if (evaluated !== null && evaluated.has(label)) continue;
        if (stale !== null && stale.has(label)) continue;
        const rec = tree.get(label);
        if (rec === undefined) continue;
        if (this.consider(label, rec)) passed++;
      }
      if (passed >= want) return true;
      // every live label seen (a round's labels include every earlier round's): all rows there are
      if (labels.length >= size) return true;
      // fewer than asked (unreachable nodes) or too wide: exact
      if (labels.length < asked || k >= size) return false;
      prev = labels;
      k *= 2;
      if (k > widenLimit) return false;
    }
  }
}

function isZero(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}
