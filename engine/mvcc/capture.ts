/**
 * ChangeCapture: the storage RowChangeSink of one write transaction. It appends, for every
 * write to a tracked table, (table root, row key, previous record bytes or null) to parallel
 * arrays; nothing is decided per row. Savepoints mark the length and rolling back truncates, so
 * the log always describes the transaction's current state. At commit, `firstChanges()` keeps the
 * first entry per row: the row's version before the transaction.
 */
import type { SqlValue } from '../common/value.js';
import type { RowChangeSink, Rowid } from '../storage/api.js';
import { encodeRecord } from '../storage/index.js';
import { decodeBytes, entryId, normRowid } from './live-overlay.js';
import type { TreeDelta } from './version-log.js';

export interface TrackedTree {
  /** Table name as declared. */
  readonly name: string;
  readonly withoutRowid: boolean;
  /** Number of primary key columns (WITHOUT ROWID tables; 0 otherwise). */
  readonly nPk: number;
}

/** The rows one commit changed in one table: keys (rowid, or PK record bytes) and old records. */
export interface TableChanges {
  readonly name: string;
  readonly keys: (Rowid | Uint8Array)[];
  readonly olds: (Uint8Array | null)[];
}

export class ChangeCapture implements RowChangeSink {
  private roots: number[] = [];
  private keys: (Rowid | readonly SqlValue[])[] = [];
  private olds: (Uint8Array | null)[] = [];
  private n = 0;
  /** Whether the changes also go to the persisted history (retention > 0). */
  persist = true;
  /**
   * Set when the transaction wrote a tree this capture does not track (sqlite_schema, internal
   * tables, trees created by the transaction): its row changes alone do not describe it, so a
   * concurrent commit cannot replay it (concurrent-commit.ts). Only maintained with logTrees.
   */
  untracked = false;

  constructor(
    readonly trees: ReadonlyMap<number, TrackedTree>,
    /** Trees whose changes go to the in-memory VersionLog: root -> whether it is an index B-tree. */
    readonly logTrees: ReadonlyMap<number, boolean> | null = null,
  ) {}

  get length(): number {
    return this.n;
  }

  tracks(root: number): boolean {
    if (this.trees.has(root)) return true;
    const lt = this.logTrees;
    if (lt === null) return false;
    if (lt.has(root)) return true;
    this.untracked = true;
    return false;
  }

  tableRow(root: number, rowid: Rowid, old: Uint8Array | null): void {
    const i = this.n++;
    this.roots[i] = root;
    this.keys[i] = rowid;
    this.olds[i] = old;
  }

  indexRow(root: number, key: readonly SqlValue[], old: Uint8Array | null): void {
    const i = this.n++;
    this.roots[i] = root;
    // the whole entry when the VersionLog needs it (index entry identity); else the primary key
    this.keys[i] = this.logTrees !== null ? key.slice() : key.slice(0, this.trees.get(root)!.nPk);
    this.olds[i] = old;
  }

  mark(): number {
    return this.n;
  }

  truncate(mark: number): void {
    if (mark >= this.n) return;
    this.n = mark;
    this.roots.length = mark;
    this.keys.length = mark;
    this.olds.length = mark;
  }

  /** The raw log (for logChanges). */
  raw(): { roots: readonly number[]; keys: readonly (Rowid | readonly SqlValue[])[]; olds: readonly (Uint8Array | null)[]; n: number } {
    return { roots: this.roots, keys: this.keys, olds: this.olds, n: this.n };
  }

  /** Per table, each changed row once with its version before the transaction (first capture wins). */
  firstChanges(): TableChanges[] {
    const byRoot = new Map<number, { out: TableChanges; seen: Map<Rowid | string, true> }>();
    for (let i = 0; i < this.n; i++) {
      const root = this.roots[i];
      let e = byRoot.get(root);
      if (e === undefined) {
        if (!this.trees.has(root)) continue; // an index or internal tree: VersionLog only
        e = { out: { name: this.trees.get(root)!.name, keys: [], olds: [] }, seen: new Map() };
        byRoot.set(root, e);
      }
      const k = this.keys[i];
      let key: Rowid | Uint8Array;
      let id: Rowid | string;
      if (typeof k === 'object') {
        key = encodeRecord(k.length > this.trees.get(root)!.nPk ? k.slice(0, this.trees.get(root)!.nPk) : k);
        id = Buffer.from(key).toString('latin1');
      } else {
        key = k;
        id = k;
      }
      if (e.seen.has(id)) continue;
      e.seen.set(id, true);
      e.out.keys.push(key);
      e.out.olds.push(this.olds[i]);
    }
    const out: TableChanges[] = [];
    for (const e of byRoot.values()) out.push(e.out);
    return out;
  }
}

/**
 * The transaction's changes for the VersionLog: per tree, each entry once with its version before
 * the transaction (bytes copied: page buffers are not the log's to keep). Index trees: an insert
 * or delete of K that replaced or removed stored entry O means O existed before (unless touched
 * earlier) and K, when not O itself, did not.
 */
export function logChanges(cap: ChangeCapture): Map<number, TreeDelta> {
  const out = new Map<number, TreeDelta>();
  const seen = new Map<number, Set<Rowid | string>>();
  const logTrees = cap.logTrees;
  if (logTrees === null) return out;
  const { roots, keys, olds, n } = cap.raw();
  for (let i = 0; i < n; i++) {
    const root = roots[i];
    const isIndex = logTrees.get(root);
    if (isIndex === undefined) continue;
    let d = out.get(root);
    let s = seen.get(root);
    if (d === undefined || s === undefined) {
      d = { keys: [], olds: [] };
      s = new Set();
      out.set(root, d);
      seen.set(root, s);
    }
    const old = olds[i];
    if (!isIndex) {
      const k = normRowid(keys[i] as Rowid);
      if (s.has(k)) continue;
      s.add(k);
      d.keys.push(k);
      d.olds.push(old === null ? null : old.slice());
      continue;
    }
    const idK = entryId(keys[i] as readonly SqlValue[]);
    let idO: string | null = null;
    if (old !== null) {
      const oldEntry = decodeBytes(old);
      idO = entryId(oldEntry);
      if (!s.has(idO)) {
        s.add(idO);
        d.keys.push(idO);
        d.olds.push(encodeRecord(oldEntry));
      }
    }
    if (idK !== idO && !s.has(idK)) {
      s.add(idK);
      d.keys.push(idK);
      d.olds.push(null);
    }
  }
  return out;
}
