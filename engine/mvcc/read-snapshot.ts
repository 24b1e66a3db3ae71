/**
 * ReadSnapshot: one connection's read transaction at snapshot S (the commit timestamp of the
 * last commit when it began), read as "current state minus changes after S" from the
 * VersionLog. `view(base)` wraps the latest committed view: every tree the snapshot knows
 * (`trees`: the main database's tables and indexes when S was taken) opens as a snapshot tree
 * with a live overlay; other roots (sqlite_schema, internal tables) read the base view.
 *
 * Lifecycle: `new ReadSnapshot(...)` registers S with the log (so committers log their
 * changes); `close()` unregisters it (and lets the log collect). Overlays are built lazily, per
 * tree, on first open, and shared by every statement of the transaction.
 */
import type { HeaderFields, IndexTree, KeyInfo, PageView, TableTree } from '../storage/api.js';
import { LiveEntries, LiveRows, snapshotStale } from './live-overlay.js';
import { SnapshotIndexTree } from './snapshot-index.js';
import { SnapshotTableTree } from './snapshot-table.js';
import type { VersionLog } from './version-log.js';

/** A tree a snapshot reads through an overlay. */
export interface SnapshotTree {
  /** Table or index name, for error messages. */
  readonly name: string;
  readonly index: boolean;
  /** For a secondary index of a rowid table: the table's root; else 0. */
  readonly tableRoot: number;
}

export class ReadSnapshot {
  private readonly rows = new Map<number, LiveRows>();
  private readonly entries = new Map<number, LiveEntries>();
  private lastBase: PageView | null = null;
  private lastView: SnapshotView | null = null;
  open = true;

  constructor(
    readonly log: VersionLog,
    /** The snapshot point: commit timestamp of the last commit it sees. */
    readonly ts: number,
    readonly trees: ReadonlyMap<number, SnapshotTree>,
  ) {
    log.open(ts);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.log.close(this.ts);
  }

  /** Whether another connection committed after S (a write would act on a stale snapshot). */
  stale(lastTs: number): boolean {
    return lastTs > this.ts;
  }

  /** The view the connection's statements read through (cached per base view). */
  view(base: PageView): PageView {
    if (base !== this.lastBase || this.lastView === null) {
      this.lastBase = base;
      this.lastView = new SnapshotView(base, this);
    }
    return this.lastView;
  }

  liveRows(root: number, t: SnapshotTree): LiveRows {
    let r = this.rows.get(root);
    if (r === undefined) {
      if (!this.open) throw snapshotStale(t.name);
      r = new LiveRows(this.log, root, this.ts, t.name);
      this.rows.set(root, r);
    }
    return r;
  }

  liveEntries(root: number, t: SnapshotTree, keyInfo: KeyInfo): LiveEntries {
    let e = this.entries.get(root);
    if (e === undefined) {
      if (!this.open) throw snapshotStale(t.name);
      const tt = t.tableRoot !== 0 ? this.trees.get(t.tableRoot) : undefined;
      const rows = tt !== undefined ? this.liveRows(t.tableRoot, tt) : null;
      e = new LiveEntries(this.log, root, this.ts, t.name, keyInfo, rows);
      this.entries.set(root, e);
    }
    return e;
  }
}

class SnapshotView implements PageView {
  constructor(
    private readonly base: PageView,
    private readonly snap: ReadSnapshot,
  ) {}

  get header(): Readonly<HeaderFields> {
    return this.base.header;
  }

  openTable(root: number): TableTree {
    const t = this.snap.trees.get(root);
    const base = this.base.openTable(root);
    if (t === undefined) return base;
    if (t.index) return base; // a WITHOUT ROWID table is opened with openIndex
    return new SnapshotTableTree(base, this.snap.liveRows(root, t));
  }

  openIndex(root: number, keyInfo: KeyInfo): IndexTree {
    const t = this.snap.trees.get(root);
    const base = this.base.openIndex(root, keyInfo);
    if (t === undefined) return base;
    return new SnapshotIndexTree(base, this.snap.liveEntries(root, t, keyInfo));
  }
}
