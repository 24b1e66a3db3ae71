/**
 * The storage layer's public contract: what the layers above (txn/, catalog/, sql/) may use.
 * Everything else in engine/storage/ is private to it.
 *
 * Model: one `Storage` per database file (shared by every connection of the process on that
 * path). Pages live in a bounded cache in decoded form. A `WriteTxn` sees its own changes
 * (copy-on-write pages private to it) and publishes them atomically at commit, through the
 * write-ahead log. A `ReadView` sees the latest committed state at the time of each call, and
 * never sees uncommitted pages of a writer. At most one WriteTxn is open at a time per Storage.
 *
 * Trees: a table B-tree maps a 64-bit rowid to a record (a row of SqlValues). An index B-tree
 * holds keys (records) ordered by a KeyInfo; WITHOUT ROWID tables are index B-trees too.
 *
 * Cursors survive modification of their tree (by the same transaction, or by commits becoming
 * visible to a ReadView): they remember their current key and re-seek when the tree changed.
 */
import type { SqlValue, Collation } from '../common/value.js';

/** How the entries of an index B-tree are ordered: per key column, a collation and a direction. */
export interface KeyInfo {
  /** Collation per key column (undefined = BINARY). Length = number of key columns compared. */
  readonly collations: readonly (Collation | undefined)[];
  /** true = DESC for that column. */
  readonly desc: readonly boolean[];
}

export type Rowid = number | bigint;

export interface TableCursor {
  /** Moves to the first entry; false if the tree is empty. */
  first(): boolean;
  last(): boolean;
  next(): boolean;
  prev(): boolean;
  /**
   * Positions at `rowid` if present (returns true), else at the smallest entry greater than it
   * (returns false; `valid` tells whether such an entry exists).
   */
  seek(rowid: Rowid): boolean;
  readonly valid: boolean;
  rowid(): Rowid;
  /** The decoded record at the cursor. The array is shared and must not be mutated. */
  record(): readonly SqlValue[];
  /**
   * Optional fast path: column `i` of the record at the cursor (record()[i]) without decoding
   * (or caching) the whole record when it is not decoded yet; undefined when the record has
   * fewer columns (rows written before ALTER TABLE ADD COLUMN). For filters and aggregates that
   * read a few columns of many rows, e.g. `SELECT count(*) FROM t WHERE a < 5`.
   * @example const a = cur.column ? cur.column(1) : cur.record()[1];
   */
  column?(i: number): SqlValue | undefined;
  /**
   * Optional fast path: the record at the cursor, its header parsed once (at most `limit`
   * columns), for reading several columns of many rows from the bytes (SQLite's OP_Column with
   * its cached row header). The reader is owned by the cursor and reloaded by the next call;
   * it is valid until the cursor moves.
   * @example const r = cur.columns(3); if (r.n > 1 && r.serialType(1) === 1) sum += r.smallInt(1);
   */
  columns?(limit: number): RecordColumns;
  /**
   * Optional hint, before positioning: the cursor will step forward reading rows through
   * columns(), so leaves the cache holds only as bytes may be read without being decoded.
   */
  scanBytes?(): void;
  /**
   * Optional fast path: the record at the cursor with only the columns `wanted[i] !== 0`
   * decoded and NULL in the others (same length as record()), for scans whose query reads a
   * known subset of the columns; record() itself when that is at hand decoded already. Shared;
   * do not mutate.
   */
  partialRecord?(wanted: Uint8Array): readonly SqlValue[];
}

/**
 * One record's columns after one header parse (TableCursor.columns). Column i < n exists in the
 * record; a record may have fewer columns than its table (rows written before ADD COLUMN).
 */
export interface RecordColumns {
  /** Columns parsed: the record's column count, at most the limit asked for. */
  readonly n: number;
  /**
   * Serial type of column i < n (file format 2.1): 0 NULL, 1-6 integers of 1/2/3/4/6/8 bytes,
   * 7 REAL, 8 and 9 the integers 0 and 1, 10 and 11 reserved (corrupt), N >= 12 even a BLOB of
   * (N-12)/2 bytes, N >= 13 odd a TEXT of (N-13)/2 bytes.
   */
  serialType(i: number): number;
  /** The integer in column i < n, whose serial type is 1-5, 8 or 9 (always a safe integer). */
  smallInt(i: number): number;
  /**
   * length() of the TEXT in column i < n, in characters up to the first NUL, when the text is
   * ASCII (so no string is made); -1 otherwise (decode the value and count instead).
   */
  textLength(i: number): number;
  /** Whether the REAL (serial type 7) in column i < n is a NaN, which reads as NULL. */
  isNaN(i: number): boolean;
}

export interface IndexCursor {
  first(): boolean;
  last(): boolean;
  next(): boolean;
  prev(): boolean;
  /**
   * Positions relative to `key`, comparing only the first key.length columns (a prefix):
   * 'ge' first entry >= key, 'gt' first entry > key, 'le' last entry <= key, 'lt' last entry < key.
   * Returns `valid`.
   */
  seek(key: readonly SqlValue[], bias: 'ge' | 'gt' | 'le' | 'lt'): boolean;
  readonly valid: boolean;
  /** The full decoded key (for a rowid index the last element is the rowid). Shared; do not mutate. */
  key(): readonly SqlValue[];
}

export interface TableTree {
  readonly root: number;
  cursor(): TableCursor;
  /** Point lookup; undefined if absent. The array is shared and must not be mutated. */
  get(rowid: Rowid): readonly SqlValue[] | undefined;
  /** Largest rowid in the tree, or 0 if empty. */
  maxRowid(): Rowid;
  count(): number;
  /**
   * Insert or overwrite. Only on a WriteTxn. `owned`: the caller gives the record array away (it
   * is new and nobody changes it afterwards), so the tree may keep it as the row's decoded form.
   */
  insert(rowid: Rowid, record: readonly SqlValue[], owned?: boolean): void;
  /** Returns whether the row existed. Only on a WriteTxn. */
  delete(rowid: Rowid): boolean;
  /** Removes every entry (keeps the root page). Only on a WriteTxn. */
  clear(): void;
}

export interface IndexTree {
  readonly root: number;
  readonly keyInfo: KeyInfo;
  cursor(): IndexCursor;
  count(): number;
  /** Insert a key (an exact duplicate is replaced). Only on a WriteTxn. */
  insert(key: readonly SqlValue[]): void;
  /** Delete the entry equal to the full key; returns whether it existed. Only on a WriteTxn. */
  delete(key: readonly SqlValue[]): boolean;
  clear(): void;
}

/** The fields of the SQLite database header that the layers above read or set. */
export interface HeaderFields {
  readonly pageSize: number;
  /** File change counter (offset 24). */
  readonly changeCounter: number;
  readonly pageCount: number;
  readonly freelistCount: number;
  /** Offset 40. Incremented by every schema change. */
  schemaCookie: number;
  /** Offset 44: 4 for new databases. */
  readonly schemaFormat: number;
  /** Offset 56: 1 = UTF-8 (the only encoding supported). */
  readonly textEncoding: number;
  /** Offset 60. */
  userVersion: number;
  /** Offset 68. */
  applicationId: number;
  /** Offset 52: non-zero when auto_vacuum / incremental vacuum is on. */
  readonly autoVacuum: number;
  /** Offset 48: suggested cache size. */
  readonly defaultCacheSize: number;
}

/** Read access to the latest committed state (or, on a WriteTxn, to the transaction's own state). */
export interface PageView {
  openTable(root: number): TableTree;
  openIndex(root: number, keyInfo: KeyInfo): IndexTree;
  readonly header: Readonly<HeaderFields>;
}

export interface ReadView extends PageView {}

/**
 * Receives the row-level changes of a write transaction (the MVCC history capture, engine/mvcc).
 * The storage layer calls it for trees it tracks, *before* the change is made, with the row's
 * previous record exactly as stored (SQLite record bytes; null when the row did not exist).
 * Rows of WITHOUT ROWID tables are entries of index B-trees: `key` is the entry being written or
 * deleted. The byte arrays must not be modified. Savepoints of the transaction call `mark()` and
 * rolling back to one calls `truncate(mark)`, so captured changes follow the transaction's state.
 */
export interface RowChangeSink {
  /** Whether changes of the tree rooted at `root` are reported. */
  tracks(root: number): boolean;
  tableRow(root: number, rowid: Rowid, old: Uint8Array | null): void;
  indexRow(root: number, key: readonly SqlValue[], old: Uint8Array | null): void;
  mark(): number;
  truncate(mark: number): void;
}

export interface WriteTxn extends PageView {
  readonly header: HeaderFields;
  /** Row change capture (null/absent = none). Set right after beginWrite(), before any savepoint. */
  changeSink?: RowChangeSink | null;
  /** Allocates a new empty tree and returns its root page number (page 1 is sqlite_schema). */
  createTree(kind: 'table' | 'index'): number;
  /** Frees every page of the tree. (SQLite's root-page moving for auto_vacuum is not done.) */
  dropTree(root: number): void;
  /** Nested savepoints over page state; names are the caller's business. Returns a depth token. */
  savepoint(): number;
  /** Undo everything since savepoint `token` was taken; the savepoint stays open. */
  rollbackTo(token: number): void;
  /** Forget savepoint `token` (and deeper ones), keeping their changes. */
  release(token: number): void;
  /** Durably commit (per the synchronous level) and publish. Throws SqliteError on I/O failure (the txn is then rolled back). */
  commit(): void;
  rollback(): void;
  readonly open: boolean;
  /**
   * Concurrent transactions (Storage.beginConcurrent) only: whether another transaction committed
   * since this one began, so that `commit()` would fail with SQLITE_BUSY_SNAPSHOT (its row
   * changes must be replayed in an exclusive transaction instead). Absent/false otherwise.
   */
  readonly behind?: boolean;
  /** Concurrent transactions only: the KeyInfo of every index opened on this transaction, by root. */
  readonly keyInfos?: ReadonlyMap<number, KeyInfo> | null;
  /**
   * Allows (true) or stops (false) overwriting leaf cells in the committed pages themselves
   * (txn.ts invariant 5) instead of private copies: only while nothing but this transaction's
   * connection can read the database. Off by default.
   */
  writeInPlace?(allow: boolean): void;
}

export type SynchronousLevel = 0 | 1 | 2 | 3; // OFF, NORMAL, FULL, EXTRA

export interface StorageOptions {
  readonly readonly: boolean;
  /** Refuse to create the file if it does not exist (SQLITE_CANTOPEN). */
  readonly fileMustExist: boolean;
  /** Page size for a new database. Default 4096. */
  readonly pageSize?: number;
}

export interface Storage {
  readonly path: string;
  readonly memory: boolean;
  readonly readonly: boolean;
  read(): ReadView;
  /** Throws SQLITE_BUSY if another WriteTxn is open, SQLITE_READONLY on a read-only storage. */
  beginWrite(): WriteTxn;
  readonly writeTxnOpen: boolean;
  /**
   * MVCC step B: a write transaction that takes no write lock. Any number may be open at once
   * (SQLITE_BUSY while the exclusive WriteTxn is open). It reads the committed state as of its
   * start plus its own changes, whatever commits meanwhile; it can publish its pages only while
   * nothing else committed since it began (`behind`).
   */
  beginConcurrent(): WriteTxn;
  synchronous: SynchronousLevel;
  /** PRAGMA cache_size semantics: positive = pages, negative = KiB. */
  cacheSize: number;
  /** Pages of log after which a commit triggers a checkpoint (0 disables). */
  walAutocheckpoint: number;
  /** Copies logged pages into the main file. Returns [busy, logFrames, checkpointedFrames] as PRAGMA wal_checkpoint does. */
  checkpoint(mode: 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE'): [number, number, number];
  /** The whole database as a SQLite-format image (committed state), as sqlite3_serialize gives. */
  serialize(): Uint8Array;
  /** Verifies the file structure; returns problems in SQLite's wording, empty when ok. `trees` are the roots the schema names, with how to order index keys. */
  integrityCheck(trees: readonly { root: number; kind: 'table' | 'index'; keyInfo?: KeyInfo; name: string }[], maxErrors: number): string[];
  /** Another connection may read from now on: the open write transaction stops writing in place (WriteTxn.writeInPlace). */
  stopInPlaceWrites(): void;
  /**
   * Group commit (group-commit.ts): resolves once every transaction committed before the call
   * is on stable storage; at once for memory databases and when nothing waits for the disk.
   */
  whenDurable(): Promise<void>;
  close(): void;
}
