/**
 * The one place the adapters reach the engine: the public better-sqlite3-shaped `Database`
 * constructor (the same module the package's index.js exports), typed as the package's own
 * declarations in index.d.ts.
 */
import type HeliosDb from 'heliosdb-lite';
import { Database as EngineDatabase, SqliteError as EngineSqliteError } from '../../engine/api/index.js';

/** A heliosdb-lite connection (the better-sqlite3 `Database` shape). */
export type HeliosDatabase = HeliosDb.Database;
/** Constructor options (the better-sqlite3 `Options` shape). */
export type HeliosDatabaseOptions = HeliosDb.Options;
/** The `{ changes, lastInsertRowid }` result of `run()`. */
export type HeliosRunResult = HeliosDb.RunResult;

/** The `Database` constructor of heliosdb-lite (callable with or without `new`). */
export const Database = EngineDatabase as unknown as typeof HeliosDb;

/** The engine's `SqliteError` class (`Database.SqliteError` of the package). */
export const SqliteError = EngineSqliteError as unknown as typeof HeliosDb.SqliteError;

/** A database given as an open connection or as a file name (`':memory:'` for a private one). */
export type DatabaseSource = HeliosDatabase | string;

/** Opens `source` when it is a file name; returns an open connection as it is. */
export function openDatabase(source: DatabaseSource | undefined, options?: HeliosDatabaseOptions): HeliosDatabase {
  if (source === undefined || typeof source === 'string') return new Database(source, options);
  return source;
}
