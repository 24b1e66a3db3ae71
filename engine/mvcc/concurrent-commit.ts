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
 *      changes are unknown, or that redefined a tree T touched, conflict too. Under the
 *      last-writer-wins policy (PRAGMA helios_conflict) the same-row and same-unique-key checks
 *      are skipped: T's version of each row it wrote replaces whatever was committed since.
 *   3. applyWriteSet: in an exclusive write transaction over the latest state (with the usual
 *      capture, so history and the VersionLog see the replay as an ordinary commit): rows, then
 *      index deletions, then index insertions; a UNIQUE entry that meets a committed duplicate of
 *      another row is a conflict (under first-committer-wins a backstop for keys that differ only
 *      under a collation; under last-writer-wins the unique check itself). sqlite_sequence rows
 *      are merged (max per table name), never conflicts. Under last-writer-wins, index entries
 *      of T's rows that other commits changed after S (lastWriterFixups) are set back to their
 *      state at S first, so every index holds exactly the entries of T's version of the row.
 *   4. Foreign keys (time-travel/fk-replay.ts, SQL-level): checked on the replayed state, for the
 *      rows T wrote only.
 *
 * A conflict is returned as a description; the caller rolls T back and raises
 * SQLITE_BUSY_SNAPSHOT. Nothing here throws for a conflict.
 */
import type { SqlValue } from '../common/value.js';
import type { IndexCursor, KeyInfo, Rowid, WriteTxn } from '../storage/api.js';
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
  /**
   * Table trees asked for in collectWriteSet's `wantOlds` (foreign key parents): each row's
   * version before the transaction (null: it did not exist). Else null.
   */
  readonly olds: (readonly SqlValue[] | null)[] | null;
}

export type WriteSet = Map<number, WriteSetTree>;

/** PRAGMA helios_conflict: what a COMMIT does when another connection changed the same row after its snapshot. */
export type ConflictPolicy = 'first_committer_wins' | 'last_writer_wins';

/** Where the row an index entry belongs to is named inside the entry. */
export interface EntryRow {
  /** Root of the table (for a WITHOUT ROWID table's own tree: itself). */
  readonly table: number;
  /** Positions of the primary key columns in the entry (WITHOUT ROWID), or null: the last value is the rowid. */
  readonly pk: readonly number[] | null;
}

/** What validation needs to know about the schema at S. */
export interface ConcurrentSchemaInfo {
  /** UNIQUE index (and WITHOUT ROWID table) roots -> number of key columns. */
  readonly unique: ReadonlyMap<number, number>;
  /** Root of sqlite_sequence, or 0. */
  readonly sequenceRoot: number;
  /** Roots of the tables some foreign key references (their rows' old versions are collected). */
  readonly fkParents: ReadonlySet<number>;
  /** Every index tree (and WITHOUT ROWID table tree) -> how its entries name their row. */
  readonly entryRows: ReadonlyMap<number, EntryRow>;
  /** Every index tree (and WITHOUT ROWID table tree) -> how it orders entries. */
  readonly keyInfos: ReadonlyMap<number, KeyInfo>;
}

/**
 * The write set of transaction `w` from its capture. Returns null when the transaction cannot be
 * replayed (it wrote trees the capture does not track, e.g. DDL). Table trees in `wantOlds` also
 * get each row's version before the transaction.
 */
export function collectWriteSet(cap: ChangeCapture, w: WriteTxn, wantOlds: ReadonlySet<number> | null = null): WriteSet | null {
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
      const wantOld = !isIndex && wantOlds !== null && wantOlds.has(root);
      t = { root, index: isIndex, keys: [], values: [], present: [], keyInfo: ki, olds: wantOld ? [] : null };
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
      if (t.olds !== null) {
        const o = olds[i];
        t.olds.push(o === null ? null : decodeBytes(o));
      }
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

/**
 * Checks `ws` against every commit after `s`. First-committer-wins: a commit that touched a row
 * or a unique key `ws` touched is a conflict. Last-writer-wins: only commits whose changes are
 * unknown or that redefined a tree `ws` wrote are. Returns a conflict description or null.
 * (Foreign keys are checked on the replayed state: time-travel/fk-replay.ts.)
 */
export function validateWriteSet(ws: WriteSet, log: VersionLog, s: number, info: ConcurrentSchemaInfo, policy: ConflictPolicy = 'first_committer_wins'): string | null {
  const start = log.firstAfter(s);
  if (start === log.end) return null;
  const lww = policy === 'last_writer_wins';
  // per touched tree: rowids (tables) or unique-key identities (unique indexes)
  const probes = new Map<number, Set<Rowid | string>>();
  if (!lww) {
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
  }
  for (let i = start; i < log.end; i++) {
    const c = log.at(i);
    if (c.invalid === 'all') return 'rows it cannot check (a commit made while that connection was alone)';
    for (const root of c.invalid) if (ws.has(root)) return 'the definition of a table it wrote';
    if (lww) continue;
    for (const [root, d] of c.trees) {
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

/**
 * Whether an index was created, after S, on a table `ws` wrote (its entries for the rows `ws`
 * replays would go stale): such a commit cannot be replayed.
 */
export function indexAddedSince(ws: WriteSet, atS: ConcurrentSchemaInfo, latest: ConcurrentSchemaInfo): boolean {
  if (atS === latest) return false;
  for (const [root, how] of latest.entryRows) {
    if (atS.entryRows.has(root)) continue;
    if (ws.has(how.table)) return true;
  }
  return false;
}

/** Index entries to set back to their state at S before a last-writer-wins replay: per index root. */
export type EntryFixups = Map<number, { readonly entries: SqlValue[][]; readonly present: boolean[] }>;

function decodeId(id: string): SqlValue[] {
  const b = Buffer.from(id, 'latin1');
  return decodeRecord(b, 0, b.byteLength);
}

function rowIdOf(entry: readonly SqlValue[], how: EntryRow): Rowid | string {
  if (how.pk === null) return normRowid(entry[entry.length - 1] as Rowid);
  return entryId(how.pk.map((p) => entry[p]));
}

/**
 * Last-writer-wins: the index entries of rows `ws` wrote that commits after `s` changed and `ws`
 * did not touch, each with its state at S (the first logged change after S holds it). The
 * transaction's version of such a row has exactly its S-state entries in those indexes, so the
 * replay restores them (deleting entries other commits added, re-inserting ones they removed).
 */
export function lastWriterFixups(ws: WriteSet, log: VersionLog, s: number, info: ConcurrentSchemaInfo): EntryFixups {
  const out: EntryFixups = new Map();
  // the rows the transaction wrote, per table root
  const rows = new Map<number, Set<Rowid | string>>();
  for (const t of ws.values()) {
    if (!t.index) {
      if (t.root !== info.sequenceRoot) rows.set(t.root, new Set(t.keys));
      continue;
    }
    const how = info.entryRows.get(t.root);
    if (how === undefined || how.table !== t.root) continue; // a WITHOUT ROWID table's own tree
    const set = new Set<Rowid | string>();
    for (const e of t.values) set.add(rowIdOf(e!, how));
    rows.set(t.root, set);
  }
  if (rows.size === 0) return out;
  const seen = new Map<number, Set<string>>();
  const owned = new Map<number, Set<Rowid | string>>();
  for (let i = log.firstAfter(s); i < log.end; i++) {
    for (const [root, d] of log.at(i).trees) {
      const how = info.entryRows.get(root);
      if (how === undefined) continue;
      const mine = rows.get(how.table);
      if (mine === undefined) continue;
      let sn = seen.get(root);
      if (sn === undefined) seen.set(root, (sn = new Set()));
      let own = owned.get(root);
      if (own === undefined) owned.set(root, (own = new Set(ws.get(root)?.keys ?? [])));
      for (let j = 0; j < d.keys.length; j++) {
        const id = d.keys[j] as string;
        if (sn.has(id)) continue;
        sn.add(id);
        if (own.has(id)) continue;
        const entry = decodeId(id);
        if (!mine.has(rowIdOf(entry, how))) continue;
        let f = out.get(root);
        if (f === undefined) out.set(root, (f = { entries: [], present: [] }));
        f.entries.push(entry);
        f.present.push(d.olds[j] !== null);
      }
    }
  }
  return out;
}

/** Whether the tree holds exactly `entry` (identity, not only an equal key). */
function holds(c: IndexCursor, entry: readonly SqlValue[], id: string): boolean {
  return c.seek(entry, 'ge') && entryId(c.key()) === id;
}

/**
 * Replays `ws` into `nw` (an exclusive transaction over the latest state), after setting the
 * `fixups` entries (last-writer-wins) to their state at S. Returns a conflict description or null.
 */
export function applyWriteSet(ws: WriteSet, nw: WriteTxn, info: ConcurrentSchemaInfo, fixups: EntryFixups | null = null): string | null {
  for (const t of ws.values()) {
    if (t.index) continue;
    if (t.root === info.sequenceRoot) {
      mergeSequence(t, nw);
      continue;
    }
    const tree = nw.openTable(t.root);
    const sink = nw.changeSink ?? null;
    for (let i = 0; i < t.keys.length; i++) {
      const row = t.values[i];
      if (row !== null) tree.insert(t.keys[i] as Rowid, row);
      else if (!tree.delete(t.keys[i] as Rowid) && sink !== null && sink.tracks(t.root)) {
        // a row T inserted and deleted again is absent here too, but T did write it: the capture
        // says so (absent before), as T's own pages would have, so that transactions that wrote
        // it concurrently still meet T's commit (first committer wins)
        sink.tableRow(t.root, t.keys[i] as Rowid, null);
      }
    }
  }
  const keyInfoOf = (root: number): KeyInfo | null => ws.get(root)?.keyInfo ?? info.keyInfos.get(root) ?? null;
  if (fixups !== null) {
    for (const [root, f] of fixups) {
      const ki = keyInfoOf(root);
      if (ki === null) return 'an index it cannot replay';
      const tree = nw.openIndex(root, ki);
      const c = tree.cursor();
      for (let i = 0; i < f.entries.length; i++) {
        if (f.present[i]) continue;
        const e = f.entries[i];
        if (holds(c, e, entryId(e))) tree.delete(e);
      }
    }
  }
  for (const t of ws.values()) {
    if (!t.index) continue;
    const tree = nw.openIndex(t.root, t.keyInfo!);
    const c = tree.cursor();
    for (let i = 0; i < t.keys.length; i++) if (!t.present[i] && holds(c, t.values[i]!, t.keys[i] as string)) tree.delete(t.values[i]!);
  }
  const inserted = new Map<number, SqlValue[][]>();
  if (fixups !== null) {
    for (const [root, f] of fixups) {
      const tree = nw.openIndex(root, keyInfoOf(root)!);
      const c = tree.cursor();
      const list: SqlValue[][] = [];
      for (let i = 0; i < f.entries.length; i++) {
        if (!f.present[i]) continue;
        const e = f.entries[i];
        if (!holds(c, e, entryId(e))) tree.insert(e);
        list.push(e);
      }
      inserted.set(root, list);
    }
  }
  for (const t of ws.values()) {
    if (!t.index) continue;
    const tree = nw.openIndex(t.root, t.keyInfo!);
    let list = inserted.get(t.root);
    if (list === undefined) inserted.set(t.root, (list = []));
    for (let i = 0; i < t.keys.length; i++) {
      if (!t.present[i]) continue;
      tree.insert(t.values[i]!);
      list.push(t.values[i] as SqlValue[]);
    }
  }
  // unique keys: an entry written must be the only one with its key
  for (const [root, list] of inserted) {
    const u = info.unique.get(root);
    if (u === undefined || list.length === 0) continue;
    const ki = keyInfoOf(root)!;
    const c = nw.openIndex(root, ki).cursor();
    for (const e of list) {
      if (prefixId(e, u) === null) continue;
      const id = entryId(e);
      const prefix = e.slice(0, u);
      for (let ok = c.seek(prefix, 'ge'); ok && compareKeys(c.key(), prefix, ki) === 0; ok = c.next()) {
        if (entryId(c.key()) !== id) return 'the same unique key';
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
