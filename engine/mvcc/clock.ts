/**
 * The hybrid clock of one database: commit timestamps are wall-clock microseconds since the Unix
 * epoch (UTC), forced strictly increasing, and every commit also gets the next transaction
 * number. Both floors are seeded from what the file has persisted (the last commit row and the
 * history horizon, history.ts), so neither ever goes backwards across a reopen, even when the
 * system clock does.
 *
 * @example
 *   const c = new HybridClock();
 *   c.observe(lastTs, lastTxn);   // from the file
 *   const { txn, ts } = c.tick(); // ts > every earlier ts, txn = previous txn + 1
 */

/** Wall-clock microseconds since 1970-01-01 UTC (sub-millisecond from the monotonic clock). */
export function wallMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

export class HybridClock {
  /** Timestamp of the last commit (or the largest floor observed), microseconds. */
  lastTs = 0;
  /** Number of the last committed transaction (0 = none yet). */
  lastTxn = 0;

  constructor(private readonly wall: () => number = wallMicros) {}

  /** Raises the floors to persisted values. */
  observe(ts: number, txn: number): void {
    if (ts > this.lastTs) this.lastTs = ts;
    if (txn > this.lastTxn) this.lastTxn = txn;
  }

  /** The current time (never earlier than the last commit); does not advance the clock. */
  now(): number {
    const w = this.wall();
    return w > this.lastTs ? w : this.lastTs;
  }

  /** A fresh timestamp, strictly greater than every one handed out before. */
  nextTs(): number {
    const w = this.wall();
    this.lastTs = w > this.lastTs ? w : this.lastTs + 1;
    return this.lastTs;
  }

  /** The (transaction number, commit timestamp) of a new commit. */
  tick(): { txn: number; ts: number } {
    const ts = this.nextTs();
    return { txn: ++this.lastTxn, ts };
  }
}
