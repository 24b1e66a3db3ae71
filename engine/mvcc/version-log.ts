/**
 * VersionLog: the in-memory history that serves open read snapshots of other connections
 * (MVCC increment 2). It holds, for each commit made while some snapshot was open, every B-tree
 * entry the commit changed with the version it replaced, so that a reader at snapshot S can
 * compute "current state minus changes after S" exactly as time travel does from the persisted
 * `_helios_history` (history.ts), but at any retention setting (0 included) and for every tree of
 * the main database: table B-trees (keyed by rowid) and index B-trees (secondary indexes and
 * WITHOUT ROWID tables, keyed by the entry itself).
 *
 * Invariants:
 *  1. Commits are appended in commit-timestamp order, with strictly increasing `ts`.
 *  2. While a snapshot S is open, every commit with ts > S made since S was taken is in the log
 *     (the committer appends whenever `needed` is true; a commit whose changes were not captured
 *     appends an entry with `invalid === 'all'`, which makes every read at an older S fail
 *     rather than return a wrong answer).
 *  3. `gc()` drops only commits with ts <= the oldest open snapshot: no open snapshot needs them.
 *  4. Within one commit, each entry appears once, with its version before the commit (the first
 *     change the transaction made to it wins).
 *
 * Positions are absolute (`end` only grows), so readers remember how far they have consumed
 * the log across garbage collection.
 *
 * @example
 *   const log = new VersionLog();
 *   log.open(S);                       // a reader takes snapshot S
 *   log.append({ ts, trees, invalid }) // a writer commits (log.needed was true)
 *   for (let i = log.firstAfter(S); i < log.end; i++) log.at(i)
 *   log.close(S);                      // the reader ends; the log is collected
 */
import type { Rowid } from '../storage/api.js';

/** The entries one commit changed in one B-tree. */
export interface TreeDelta {
  /** Table trees: rowids (safe integers as numbers). Index trees: entry identities (entryId()). */
  readonly keys: (Rowid | string)[];
  /** The version before the commit: record bytes (a row, or an index entry), or null (absent). */
  readonly olds: (Uint8Array | null)[];
}

export interface LoggedCommit {
  readonly ts: number;
  /** By root page. */
  readonly trees: ReadonlyMap<number, TreeDelta>;
  /** Roots created, dropped or redefined by the commit (DDL), or 'all' when its changes are unknown. */
  readonly invalid: ReadonlySet<number> | 'all';
}

export class VersionLog {
  private commits: LoggedCommit[] = [];
  /** Absolute position of commits[0]. */
  private base = 0;
  /** Open snapshot points (a multiset). */
  private readonly snaps = new Map<number, number>();
  private nSnaps = 0;
  /** Timestamp of the last commit appended (kept across gc for invariant 1). */
  private lastTs = -Infinity;

  /** Absolute position after the last commit. */
  get end(): number {
    return this.base + this.commits.length;
  }

  /** The commit at absolute position `i` (base <= i < end). */
  at(i: number): LoggedCommit {
    return this.commits[i - this.base];
  }

  /** Number of open snapshots. */
  get openSnapshots(): number {
    return this.nSnaps;
  }

  /** Absolute position of the first logged commit with ts > s. */
  firstAfter(s: number): number {
    const a = this.commits;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid].ts <= s) lo = mid + 1;
      else hi = mid;
    }
    return this.base + lo;
  }

  open(s: number): void {
    this.snaps.set(s, (this.snaps.get(s) ?? 0) + 1);
    this.nSnaps++;
  }

  close(s: number): void {
    const n = this.snaps.get(s);
    if (n === undefined) return;
    if (n <= 1) this.snaps.delete(s);
    else this.snaps.set(s, n - 1);
    this.nSnaps--;
    this.gc();
  }

  /**
   * Whether a commit now must be logged: some snapshot other than the committer's own is open.
   * `own` = 1 when the committing connection itself holds an open snapshot.
   */
  needed(own: number): boolean {
    return this.nSnaps > own;
  }

  append(c: LoggedCommit): void {
    if (c.ts <= this.lastTs) throw new Error('VersionLog: commits out of order');
    this.lastTs = c.ts;
    this.commits.push(c);
  }

  /** The oldest open snapshot point, or Infinity. */
  oldest(): number {
    let m = Infinity;
    for (const s of this.snaps.keys()) if (s < m) m = s;
    return m;
  }

  /** Drops every commit no open snapshot needs (ts <= the oldest open snapshot). */
  gc(): void {
    const a = this.commits;
    if (a.length === 0) return;
    if (this.nSnaps === 0) {
      this.base += a.length;
      this.commits = [];
      return;
    }
    const keep = this.firstAfter(this.oldest()) - this.base;
    if (keep > 0) {
      this.commits = a.slice(keep);
      this.base += keep;
    }
  }
}
