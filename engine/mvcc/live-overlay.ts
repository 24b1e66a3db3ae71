/**
 * Live overlays: the "changes after S" of one B-tree for an open read snapshot S, kept up to
 * date from the VersionLog (version-log.ts) as other connections commit. A snapshot tree
 * (snapshot-table.ts, snapshot-index.ts) asks `sync()` before every cursor operation; when new
 * commits touched its tree, the overlay grows (first change after S wins: later commits only add
 * entries not seen yet) and a new overlay object is returned, so open cursors re-seek.
 *
 *   table trees:  rowid -> row at S (null = did not exist)                     (RowOverlay)
 *   index trees:  entry identity -> entry at S (null = did not exist);
 *                 hidden(k) = k's identity changed after S; extra = entries that existed at S
 *
 * A commit that redefined the tree (DDL) or whose changes are unknown makes every later sync
 * throw (the snapshot can no longer be read correctly; retrying the transaction takes a new one).
 */
import { SqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import type { KeyInfo, Rowid } from '../storage/api.js';
import { compareKeys, decodeRecord, encodeRecord } from '../storage/index.js';
import { RowOverlay, type RowOverlaySource } from './snapshot-table.js';
import type { IndexOverlay, IndexOverlaySource } from './snapshot-index.js';
import type { LoggedCommit, VersionLog } from './version-log.js';

/** The identity of an index entry (or of a record): its canonical record encoding. */
export function entryId(key: readonly SqlValue[]): string {
  return encodeRecord(key).toString('latin1');
}

/** Rowids as map keys: safe integers as numbers. */
export function normRowid(r: Rowid): Rowid {
  return typeof r === 'bigint' && r >= -9007199254740991n && r <= 9007199254740991n ? Number(r) : r;
}

export function decodeBytes(u: Uint8Array): SqlValue[] {
  const b = Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  return decodeRecord(b, 0, b.byteLength);
}

export function snapshotStale(what: string): SqliteError {
  return new SqliteError(
    `database schema has changed: ${what} was redefined by another connection after this read transaction's snapshot was taken; retry the transaction`,
    'SQLITE_SCHEMA',
  );
}

/** Follows the log for one tree from snapshot S on. */
abstract class LiveTree {
  private pos: number;
  private broken = false;

  constructor(
    protected readonly log: VersionLog,
    protected readonly root: number,
    protected readonly s: number,
    private readonly name: string,
  ) {
    this.pos = log.firstAfter(s);
  }

  /** Consumes new commits; returns whether the overlay gained entries. */
  protected advance(): boolean {
    const log = this.log;
    const end = log.end;
    if (this.pos === end && !this.broken) return false;
    let grew = false;
    for (let i = this.pos; i < end; i++) {
      const c: LoggedCommit = log.at(i);
      if (c.invalid === 'all' || c.invalid.has(this.root)) this.broken = true;
      const d = c.trees.get(this.root);
      if (d !== undefined && this.absorb(d.keys, d.olds)) grew = true;
    }
    this.pos = end;
    if (this.broken) throw snapshotStale(this.name);
    return grew;
  }

  protected abstract absorb(keys: readonly (Rowid | string)[], olds: readonly (Uint8Array | null)[]): boolean;
}

/** The changed rows of one table B-tree since S. */
export class LiveRows extends LiveTree implements RowOverlaySource {
  readonly changed = new Map<Rowid, readonly SqlValue[] | null>();
  private overlay: RowOverlay;

  constructor(log: VersionLog, root: number, s: number, name: string) {
    super(log, root, s, name);
    this.advance();
    this.overlay = new RowOverlay(this.changed);
  }

  sync(): RowOverlay {
    if (this.advance()) this.overlay = new RowOverlay(this.changed);
    return this.overlay;
  }

  protected absorb(keys: readonly (Rowid | string)[], olds: readonly (Uint8Array | null)[]): boolean {
    const ch = this.changed;
    let grew = false;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as Rowid;
      if (ch.has(k)) continue;
      const o = olds[i];
      ch.set(k, o === null ? null : decodeBytes(o));
      grew = true;
    }
    return grew;
  }
}

/** The changed entries of one index B-tree since S. */
export class LiveEntries extends LiveTree implements IndexOverlaySource {
  private readonly changed = new Map<string, SqlValue[] | null>();
  private overlay: IndexOverlay;

  constructor(
    log: VersionLog,
    root: number,
    s: number,
    name: string,
    private readonly keyInfo: KeyInfo,
    /** For a secondary index of a rowid table: that table's rows (an entry can only change with its row). */
    private readonly rows: LiveRows | null,
  ) {
    super(log, root, s, name);
    this.advance();
    this.overlay = this.build();
  }

  sync(): IndexOverlay {
    if (this.rows !== null) this.rows.sync();
    if (this.advance()) this.overlay = this.build();
    return this.overlay;
  }

  protected absorb(keys: readonly (Rowid | string)[], olds: readonly (Uint8Array | null)[]): boolean {
    const ch = this.changed;
    let grew = false;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if (ch.has(k)) continue;
      const o = olds[i];
      ch.set(k, o === null ? null : decodeBytes(o));
      grew = true;
    }
    return grew;
  }

  private build(): IndexOverlay {
    const ch = this.changed;
    const extra: SqlValue[][] = [];
    for (const v of ch.values()) if (v !== null) extra.push(v);
    const ki = this.keyInfo;
    extra.sort((a, b) => compareKeys(a, b, ki));
    if (ch.size === 0) return { hidden: () => false, extra };
    const rows = this.rows;
    const hidden = rows
      ? (key: readonly SqlValue[]) => rows.changed.has(normRowid(key[key.length - 1] as Rowid)) && ch.has(entryId(key))
      : (key: readonly SqlValue[]) => ch.has(entryId(key));
    return { hidden, extra };
  }
}
