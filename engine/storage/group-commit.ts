/**
 * Group commit: asynchronous durability acknowledgements (`Database#whenDurable()`), one per
 * StorageCore (a database file, shared by every connection of the process on it).
 *
 * The better-sqlite3 API is synchronous: at `synchronous = FULL` every COMMIT fsyncs the log
 * before it returns, so no two commits can share an fsync. Group commit separates the two: at
 * NORMAL a commit writes its log frames without fsync and returns; a caller that needs the
 * commit on stable storage awaits `whenDurable()`. Commits that arrive while an fsync is in
 * flight share the next one, so N concurrent async clients need far fewer than N fsyncs.
 *
 * Sequence numbers. Every commit that appends to the log takes the next number of `committed`
 * (monotonic for the life of the core, across log resets and checkpoints; unrelated to the log's
 * own per-generation commit count). `durable` is the largest n such that commits 1..n are on
 * stable storage.
 *
 * State machine of the durability sync (one per core):
 *
 *     idle --whenDurable(), durable < committed--> scheduled
 *     scheduled --next check phase (setImmediate)--> in flight (target = committed at start),
 *                             or idle if markDurable settled every waiter meanwhile
 *     in flight --done(ok)--> durable = max(durable, target); resolve waiters with seq <= durable;
 *                             waiters left ? scheduled : idle
 *     in flight --done(err)--> reject waiters with seq <= target (SQLITE_IOERR_FSYNC);
 *                             waiters left ? scheduled : idle
 *
 * Why "scheduled" (a sync starts on the next check phase, not at once): the clients a completed
 * sync released resume in the microtasks right after its callback and commit again; starting
 * the next sync at once would cover only the one commit that was already waiting and leave them
 * for the sync after (batches alternating 1 and K-1). Starting it after the microtasks and I/O
 * callbacks of this turn lets it cover all of them, at no added latency beyond the turn.
 *     any --shutdown(err)--> closed: waiters with seq <= durable resolve, the others reject
 *
 * Invariants:
 *   1. durable <= committed, and both only grow.
 *   2. At most one durability sync is in flight, and at most one start is scheduled. It covers exactly the commits numbered up to its
 *      target (those whose log writes completed before it started); later commits wait for the
 *      next one.
 *   3. A waiter registered when committed = n resolves only once durable >= n; it rejects only
 *      if the sync covering n failed, or the core closed with durable < n. Waiters are queued in
 *      ascending n, so settling is a walk from the head.
 *   4. Synchronous durability events advance `durable` directly (`markDurable`): a commit whose
 *      log append fsynced (synchronous >= FULL), a checkpoint that synced the log and the main
 *      file. An in-flight sync that completes after them is then a no-op for the waiters they
 *      settled (durable never decreases).
 *   5. What must be synced is the core's business (`StartSync`): the log file, plus the main file
 *      when a checkpoint copied pages into it without syncing (synchronous = OFF). A checkpoint
 *      that runs while this scheduler is busy syncs (core.ts), so the log is never reset under
 *      an in-flight sync whose commits only the log held.
 *   6. After `shutdown`, no sync starts; a completion arriving later is ignored (the VFS keeps
 *      the descriptor until then, see vfs.ts `syncAsync`).
 */
import { SqliteError } from '../common/errors.js';
import { ioError } from './errors.js';

/** Starts one durability sync of everything written so far; `done` is called later, once. */
export type StartSync = (done: (err: Error | null) => void) => void;

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

const RESOLVED: Promise<void> = Promise.resolve();

export class GroupCommit {
  /** Commits appended to the log by this core (invariant 1). */
  committed = 0;
  /** Commits known to be on stable storage. */
  durable = 0;
  /** Durability syncs started (for tests and benchmarks). */
  syncs = 0;
  private inFlight = false;
  private scheduled = false;
  private closed = false;
  /** Pending waiters, ascending seq, from `head` on (settled ones before it are dropped lazily). */
  private waiters: Waiter[] = [];
  private head = 0;

  constructor(private readonly startSync: StartSync) {}

  /** Whether a sync is in flight or someone waits: a checkpoint must then sync (invariant 5). */
  get busy(): boolean {
    return this.inFlight || this.head < this.waiters.length;
  }

  private readonly kick = (): void => {
    this.scheduled = false;
    if (!this.inFlight && !this.closed && this.head < this.waiters.length) this.start();
  };

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.kick);
  }

  /** A commit was appended to the log; `synced`: its append fsynced everything before it too. */
  noteCommit(synced: boolean): void {
    this.committed++;
    if (synced) this.markDurable(this.committed);
  }

  /** Everything numbered up to `n` is on stable storage. */
  markDurable(n: number): void {
    if (n <= this.durable) return;
    this.durable = n;
    const w = this.waiters;
    let h = this.head;
    while (h < w.length && w[h].seq <= n) w[h++].resolve();
    this.advance(h);
  }

  /** Resolves once every commit made so far is on stable storage (see the top comment). */
  whenDurable(): Promise<void> {
    if (this.durable >= this.committed) return RESOLVED;
    if (this.closed) return Promise.reject(closedError(null));
    const seq = this.committed;
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      this.schedule();
    });
  }

  private start(): void {
    const target = this.committed;
    this.inFlight = true;
    this.syncs++;
    let called = false;
    const done = (err: Error | null): void => {
      if (called) return;
      called = true;
      this.finish(target, err);
    };
    try {
      this.startSync(done);
    } catch (e) {
      setImmediate(done, e instanceof Error ? e : new Error(String(e)));
    }
  }

  private finish(target: number, err: Error | null): void {
    this.inFlight = false;
    if (this.closed) return;
    if (err === null) this.markDurable(target);
    else {
      const e = ioError(err, 'fsync');
      const w = this.waiters;
      let h = this.head;
      while (h < w.length && w[h].seq <= target) w[h++].reject(e);
      this.advance(h);
    }
    if (this.head < this.waiters.length) this.schedule();
  }

  private advance(h: number): void {
    if (h === this.waiters.length) {
      this.waiters.length = 0;
      this.head = 0;
    } else if (h > 1024 && h * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(h);
      this.head = 0;
    } else this.head = h;
  }

  /**
   * The core closed (or was abandoned): after its last checkpoint, which called markDurable if
   * it made everything durable. Remaining waiters reject; `cause` says why (a failed checkpoint).
   */
  shutdown(cause: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    const w = this.waiters;
    if (this.head < w.length) {
      const e = closedError(cause);
      for (let h = this.head; h < w.length; h++) w[h].reject(e);
    }
    this.waiters = [];
    this.head = 0;
  }
}

function closedError(cause: Error | null): SqliteError {
  const e = new SqliteError(
    `the database was closed before its commits were durable${cause ? ` (the closing checkpoint failed: ${cause.message})` : ''}`,
    cause instanceof SqliteError ? cause.code : 'SQLITE_IOERR_FSYNC',
  );
  if (cause) (e as SqliteError & { cause?: unknown }).cause = cause;
  return e;
}
