/**
 * The implementations every API test runs against: real better-sqlite3 (the reference: every
 * test must pass on it) and heliosdb-lite's API layer (over the fake Session until the engine
 * is switched in).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BS3 from 'better-sqlite3';
import { Database as Ours, SqliteError as OurSqliteError } from '../../engine/api/index.js';

export interface Impl {
  readonly name: string;
  readonly Database: typeof BS3;
  readonly SqliteError: typeof BS3.SqliteError;
}

export const impls: readonly Impl[] = [
  { name: 'better-sqlite3', Database: BS3, SqliteError: BS3.SqliteError },
  {
    name: 'heliosdb-lite',
    Database: Ours as unknown as typeof BS3,
    SqliteError: OurSqliteError as unknown as typeof BS3.SqliteError,
  },
];

let dir: string | null = null;
let counter = 0;

/** A fresh database file path in a per-process temporary directory. */
export function tempFile(ext = 'db'): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'heliosdb-api-'));
  return path.join(dir, `t${++counter}.${ext}`);
}

/** Runs `f` and returns what it threw (fails the test if nothing was thrown). */
export function thrown(f: () => unknown): Error & { code?: string } {
  try {
    f();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected an exception');
}
