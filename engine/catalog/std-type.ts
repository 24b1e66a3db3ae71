import type { Affinity } from '../sql/semantics/affinity.js';

/**
 * How SQLite shows a column's declared type (PRAGMA table_info, sqlite3_column_decltype): since
 * STRICT tables (3.37) the standard type names ANY, BLOB, INT, INTEGER, REAL and TEXT are kept as
 * an upper-case code (sqlite3StdType); any other declared type is shown as written.
 */
const STD_TYPES = new Set(['ANY', 'BLOB', 'INT', 'INTEGER', 'REAL', 'TEXT']);

export function displayType(declared: string): string {
  const u = declared.toUpperCase();
  return STD_TYPES.has(u) ? u : declared;
}

/**
 * The type name SQLite writes for a column of that affinity when it makes one up: `CREATE TABLE
 * ... AS SELECT` (createTableStmt: none for BLOB) and view columns in PRAGMA table_info
 * (sqlite3SubqueryColumnTypes: "BLOB"); none without an affinity.
 */
export function affinityTypeName(a: Affinity | null, blob: '' | 'BLOB'): string {
  switch (a) {
    case 'INTEGER':
      return 'INT';
    case 'REAL':
      return 'REAL';
    case 'TEXT':
      return 'TEXT';
    case 'NUMERIC':
      return 'NUM';
    case 'BLOB':
      return blob;
    default:
      return '';
  }
}
