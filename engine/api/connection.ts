/**
 * The per-connection state shared by a Database, its Statements, iterators and transaction
 * wrappers. It mirrors the flags better-sqlite3 keeps in its native `Database` object
 * (src/objects/database.hpp): `busy` while a statement is stepping (so that user functions
 * called from SQL cannot re-enter the connection), `iterators` for open `iterate()` cursors
 * (which forbid mutations unless `unsafeMode`), and the default safe-integers flag.
 */
import type { Session } from '../sql/session-api.js';

export interface Connection {
  readonly session: Session;
  open: boolean;
  /** A statement of this connection is stepping right now. */
  busy: boolean;
  /** Number of live `iterate()` iterators. */
  iterators: number;
  unsafe: boolean;
  /** Default safe-integers flag for statements prepared from now on. */
  safeIntegers: boolean;
  /** The `verbose` option: called with the expanded SQL of each statement executed. */
  readonly verbose: ((sql: string) => void) | null;
}

export const MAX_ITERATORS = 0xffff;

export function requireOpen(c: Connection): void {
  if (!c.open) throw new TypeError('The database connection is not open');
}

export function requireNotBusy(c: Connection): void {
  if (c.busy) throw new TypeError('This database connection is busy executing a query');
}

export function requireNoIterators(c: Connection): void {
  if (c.iterators !== 0) throw new TypeError('This database connection is busy executing a query');
}

export function requireNoIteratorsUnlessUnsafe(c: Connection): void {
  if (!c.unsafe && c.iterators !== 0) throw new TypeError('This database connection is busy executing a query');
}

/** open + not busy + no iterators: the guard of every connection-wide mutation. */
export function requireIdle(c: Connection): void {
  requireOpen(c);
  requireNotBusy(c);
  requireNoIterators(c);
}
