/**
 * Root pages of the TEMP database. A connection's temporary database is a private in-memory
 * storage with its own page numbers; the schema and the executors name its trees by "global"
 * root numbers: the temp page number plus TEMP_ROOT_BIAS (above any page number of a real SQLite
 * file, which are < 2^32). The connection's views route a global root to the right storage.
 * sqlite_temp_schema is temp page 1, i.e. global TEMP_SCHEMA_ROOT.
 */
export const TEMP_ROOT_BIAS = 0x1_0000_0000;
export const TEMP_SCHEMA_ROOT = TEMP_ROOT_BIAS + 1;

export function isTempRoot(root: number): boolean {
  return root >= TEMP_ROOT_BIAS;
}

/** Global root of temp page `local`. */
export function tempRoot(local: number): number {
  return local + TEMP_ROOT_BIAS;
}

/** Temp page number of a global temp root. */
export function localTempRoot(root: number): number {
  return root - TEMP_ROOT_BIAS;
}
