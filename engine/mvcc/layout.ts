/**
 * The history store: internal tables in the database file itself. They are ordinary SQLite
 * tables (stock SQLite reads them and `PRAGMA integrity_check` verifies them); the engine's
 * `sqlite_master` hides every `_helios_*` name from applications.
 *
 *   _helios_meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID
 *       'retention'      seconds of history to keep (0 = none)
 *       'horizon'        oldest readable point (µs): when history began, raised by GC
 *       'table:<name>'   commit ts of the last definition change of table <name> (lower case)
 *   _helios_commits(txn INTEGER PRIMARY KEY, ts INTEGER NOT NULL, tables TEXT NOT NULL)
 *       one row per committed write transaction: its number, commit timestamp (µs) and the
 *       names of the tables whose rows it changed (JSON array, for GC)
 *   _helios_history(tbl TEXT, ts INTEGER, key, old BLOB, PRIMARY KEY(tbl, ts, key)) WITHOUT ROWID
 *       one row per (table, commit, row) the commit changed: `key` is the rowid (INTEGER) or,
 *       for a WITHOUT ROWID table, its primary key as a SQLite record (BLOB); `old` is the
 *       row's record as it was before that commit, byte for byte as the table stored it, or
 *       NULL when the row did not exist.
 *
 * Invariants:
 *  1. Rows of _helios_history with the same tbl are ordered by commit ts, so "every change of
 *     table T after S" is one range scan starting at (T, S+1).
 *  2. For each (tbl, key), the entry with the smallest ts > S holds the row's version at S.
 *  3. Every point S >= horizon has all the entries invariant 2 needs (GC only removes commits
 *     whose ts <= the new horizon, and raises the horizon first).
 */
import type { KeyInfo } from '../storage/api.js';

export const META_TABLE = '_helios_meta';
export const COMMITS_TABLE = '_helios_commits';
export const HISTORY_TABLE = '_helios_history';

/** Prefix of every internal table name. */
export const INTERNAL_PREFIX = '_helios_';

export const HISTORY_DDL: readonly string[] = [
  `CREATE TABLE ${META_TABLE}(key TEXT PRIMARY KEY, value) WITHOUT ROWID`,
  `CREATE TABLE ${COMMITS_TABLE}(txn INTEGER PRIMARY KEY, ts INTEGER NOT NULL, tables TEXT NOT NULL)`,
  `CREATE TABLE ${HISTORY_TABLE}(tbl TEXT NOT NULL, ts INTEGER NOT NULL, key NOT NULL, old BLOB, PRIMARY KEY(tbl, ts, key)) WITHOUT ROWID`,
];

/** Root pages of the history tables in one schema. */
export interface HistoryRoots {
  readonly meta: number;
  readonly commits: number;
  readonly history: number;
}

export const META_KEYINFO: KeyInfo = { collations: [undefined], desc: [false] };
export const HISTORY_KEYINFO: KeyInfo = { collations: [undefined, undefined, undefined], desc: [false, false, false] };

export const META_RETENTION = 'retention';
export const META_HORIZON = 'horizon';
export function metaTableKey(table: string): string {
  return `table:${table.toLowerCase()}`;
}

export function isInternalName(name: string): boolean {
  return name.length >= INTERNAL_PREFIX.length && name.slice(0, INTERNAL_PREFIX.length).toLowerCase() === INTERNAL_PREFIX;
}
