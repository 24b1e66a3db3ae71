/**
 * Commit of a concurrent write transaction that fell behind (MVCC step B,
 * docs/internals/mvcc.md "Concurrent write transactions").
 *
 * A concurrent transaction T (storage `beginConcurrent`) wrote private pages over the committed
 * state at its snapshot S. When nothing committed since, those pages are published as they are.
 * Otherwise its pages derive from an older state and cannot be published; instead:
 *
 *   1. collectWriteSet: from T's change capture (which rows / index entries it touched) and its
 *      private trees (what they hold now), the write set: per tree, each touched key once with
 *      its final value (a row or null; an index entry present or not). Done before T's pages go.
 *   2. validateWriteSet: first committer wins. Every commit after S is in the VersionLog (T's
 *      connection holds the snapshot S open). A conflict is a commit after S that touched a row
 *      T touched (same table, same rowid), or an entry with the same key as one T touched in a
 *      UNIQUE index (columns before the rowid suffix; the primary key of a WITHOUT ROWID table),
 *      which also catches two transactions inserting the same new unique value. Commits whose
 *      changes are unknown, or that redefined a tree T touched, conflict too; with foreign keys
 *      enforced, so does a commit that changed a table linked by a foreign key to one T wrote
 *      (table granularity: conservative, but a constraint checked at S stays true).
 *   3. applyWriteSet: in an exclusive write transaction over the latest state (with the usual
 *      capture, so history and the VersionLog see the replay as an ordinary commit): rows, then
 *      index deletions, then index insertions; a UNIQUE entry that meets a committed duplicate is
 *      a conflict (a backstop for keys that differ only under a collation). sqlite_sequence rows
 *      are merged (max per table name), never conflicts.
 *
 * A conflict is returned as a description; the caller rolls T back and raises
 * SQLITE_BUSY_SNAPSHOT. Nothing here throws for a conflict.
 */
import type { SqlValue } from '../common/value.js';
import type { KeyInfo, Rowid, WriteTxn } from '../storage/api.js';
import { compareKeys, decodeRecord } from '../storage/index.js';
import type { ChangeCapture } from './capture.js';
import { decodeBytes, entryId, normRowid } from './live-overlay.js';
import type { VersionLog } from './version-log.js';

/** One tree's part of a write set. */
export interface WriteSetTree {
  readonly root: number;
  readonly index: boolean;
  /** Table trees: rowids (normalised). Index trees: entry identities (entryId). */
  readonly keys: (Rowid | string)[];
  /** Table trees: the row now, or null (deleted). Index trees: the entry (decoded). */
  readonly values: (readonly SqlValue[] | null)[];
  /** Index trees: whether the entry is present at the end of the transaction. */
  readonly present: boolean[];
  /** Index trees: how to order entries (null for tables). */
  readonly keyInfo: KeyInfo | null;
}

export type WriteSet = Map<number, WriteSetTree>;

/** What validation needs to know about the schema at S. */
export interface ConcurrentSchemaInfo {
  /** UNIQUE index (and WITHOUT ROWID table) roots -> number of key columns. */
  readonly unique: ReadonlyMap<number, number>;
  /** Root of sqlite_sequence, or 0. */
  readonly sequenceRoot: number;
  /** Table root -> roots of the tables it is linked to by a foreign key (as child or parent). */
  readonly fkLinks: ReadonlyMap<number, ReadonlySet<number>>;
}

/**
 * The write set of transaction `w` from its capture. Returns null when the transaction cannot be
 * replayed (it wrote trees the capture does not track, e.g. DDL).
 */
export function collectWriteSet(cap: ChangeCapture, w: WriteTxn): WriteSet | null {
  const logTrees = cap.logTrees;
  if (logTrees === null || cap.untracked) return null;
  const out: WriteSet = new Map();
  const seen = new Map<number, Set<Rowid | string>>();
  const { roots, keys, olds, n } = cap.raw();
  const keyInfos = w.keyInfos ?? null;
  const noteEntry = (t: WriteSetTree, s: Set<Rowid | string>, entry: readonly SqlValue[]): void => {
    const id = entryId(entry);
    if (s.has(id)) return;
    s.add(id);
    t.keys.push(id);
    t.values.push(entry);
    t.present.push(false);
  };
  for (let i = 0; i < n; i++) {
    const root = roots[i];
    const isIndex = logTrees.get(root);
    if (isIndex === undefined) continue;
    let t = out.get(root);
    let s = seen.get(root);
    if (t === undefined || s === undefined) {
      let ki: KeyInfo | null = null;
      if (isIndex) {
        ki = keyInfos?.get(root) ?? null;
        if (ki === null) return null;
      }
      t = { root, index: isIndex, keys: [], values: [], present: [], keyInfo: ki };
      s = new Set();
      out.set(root, t);
      seen.set(root, s);
    }
    if (!isIndex) {
      const k = normRowid(keys[i] as Rowid);
      if (s.has(k)) continue;
      s.add(k);
      t.keys.push(k);
      t.values.push(null);
      t.present.push(false);
      continue;
    }
    noteEntry(t, s, (keys[i] as readonly SqlValue[]).slice());
    const old = olds[i];
    if (old !== null) noteEntry(t, s, decodeBytes(old));
  }
  // the final values, read from the transaction's private trees
  for (const t of out.values()) {
    if (!t.index) {
      const tree = w.openTable(t.root);
      for (let i = 0; i < t.keys.length; i++) {
        const row = tree.get(t.keys[i] as Rowid);
        t.values[i] = row === undefined ? null : row.slice();
      }
      continue;
    }
    const tree = w.openIndex(t.root, t.keyInfo!);
    const c = tree.cursor();
    for (let i = 0; i < t.keys.length; i++) {
      const e = t.values[i]!;
      t.present[i] = c.seek(e, 'ge') && entryId(c.key()) === t.keys[i];
    }
  }
  return out;
}

function prefixId(entry: readonly SqlValue[], n: number): string | null {
  for (let i = 0; i < n; i++) if (entry[i] === null) return null; // NULLs never collide in UNIQUE
  return entryId(entry.length > n ? entry.slice(0, n) : entry);
}

/** First-committer-wins check of `ws` against every commit after `s`. Returns a conflict description or null. */
export function validateWriteSet(ws: WriteSet, log: VersionLog, s: number, info: ConcurrentSchemaInfo, foreignKeys: boolean): string | null {
  const start = log.firstAfter(s);
  if (start === log.end) return null;
  // foreign keys (when enforced): the tables linked to a table written, at table granularity
  const linked = new Set<number>();
  if (foreignKeys) {
    for (const root of ws.keys()) {
      const l = info.fkLinks.get(root);
      if (l !== undefined) for (const x of l) linked.add(x);
    }
  }
  // per touched tree: rowids (tables) or unique-key identities (unique indexes)
  const probes = new Map<number, Set<Rowid | string>>();
  for (const t of ws.values()) {
    if (!t.index) {
      if (t.root !== info.sequenceRoot) probes.set(t.root, new Set(t.keys));
      continue;
    }
    const u = info.unique.get(t.root);
    if (u === undefined) continue;
    const set = new Set<Rowid | string>();
    for (const e of t.values) {
      const p = prefixId(e!, u);
      if (p !== null) set.add(p);
    }
    probes.set(t.root, set);
  }
  for (let i = start; i < log.end; i++) {
    const c = log.at(i);
    if (c.invalid === 'all') return 'rows it cannot check (a commit made while that connection was alone)';
    for (const root of c.invalid) if (ws.has(root)) return 'the definition of a table it wrote';
    for (const [root, d] of c.trees) {
      if (linked.has(root) && d.keys.length > 0) return 'a table linked to one it wrote by a foreign key';
      const set = probes.get(root);
      if (set === undefined || set.size === 0) continue;
      const u = info.unique.get(root);
      const t = ws.get(root)!;
      if (!t.index) {
        for (const k of d.keys) if (set.has(k)) return 'the same row';
        continue;
      }
      for (const k of d.keys) {
        const b = Buffer.from(k as string, 'latin1');
        const p = prefixId(decodeRecord(b, 0, b.byteLength), u!);
        if (p !== null && set.has(p)) return 'the same unique key';
      }
    }
  }
  return null;
}

/** Replays `ws` into `nw` (an exclusive transaction over the latest state). Returns a conflict description or null. */
export function applyWriteSet(ws: WriteSet, nw: WriteTxn, info: ConcurrentSchemaInfo): string | null {
  for (const t of ws.values()) {
    if (t.index) continue;
    if (t.root === info.sequenceRoot) {
      mergeSequence(t, nw);
      continue;
    }
    const tree = nw.openTable(t.root);
    for (let i = 0; i < t.keys.length; i++) {
      const row = t.values[i];
      if (row === null) tree.delete(t.keys[i] as Rowid);
      else tree.insert(t.keys[i] as Rowid, row);
    }
  }
  for (const t of ws.values()) {
    if (!t.index) continue;
    const tree = nw.openIndex(t.root, t.keyInfo!);
    for (let i = 0; i < t.keys.length; i++) if (!t.present[i]) tree.delete(t.values[i]!);
  }
  for (const t of ws.values()) {
    if (!t.index) continue;
    const tree = nw.openIndex(t.root, t.keyInfo!);
    for (let i = 0; i < t.keys.length; i++) if (t.present[i]) tree.insert(t.values[i]!);
    const u = info.unique.get(t.root);
    if (u === undefined) continue;
    const ki = t.keyInfo!;
    const c = tree.cursor();
    for (let i = 0; i < t.keys.length; i++) {
      if (!t.present[i]) continue;
      const e = t.values[i]!;
      if (prefixId(e, u) === null) continue;
      const prefix = e.slice(0, u);
      for (let ok = c.seek(prefix, 'ge'); ok && compareKeys(c.key(), prefix, ki) === 0; ok = c.next()) {
        if (entryId(c.key()) !== t.keys[i]) return 'the same unique key';
      }
    }
  }
  return null;
}

/** sqlite_sequence: per table name, the larger of the committed and the transaction's value. */
function mergeSequence(t: WriteSetTree, nw: WriteTxn): void {
  const tree = nw.openTable(t.root);
  for (let i = 0; i < t.keys.length; i++) {
    const row = t.values[i];
    if (row === null) continue; // DELETE FROM sqlite_sequence: the committed value stays
    const name = row[0];
    const seq = row[1];
    let at: Rowid | null = null;
    let cur: SqlValue = null;
    const c = tree.cursor();
    for (let ok = c.first(); ok; ok = c.next()) {
      const r = c.record();
      if (r[0] === name) {
        at = c.rowid();
        cur = r[1];
        break;
      }
    }
    if (at === null) {
      const max = tree.maxRowid();
      tree.insert(typeof max === 'bigint' ? max + 1n : max + 1, [name, seq]);
    } else if ((typeof seq === 'number' || typeof seq === 'bigint') && (typeof cur !== 'number' && typeof cur !== 'bigint' ? true : seq > cur)) {
      tree.insert(at, [name, seq]);
    }
  }
}
