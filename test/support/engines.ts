/**
 * The engines a differential test can run: real SQLite through better-sqlite3 (the oracle) and
 * heliosdb-lite's `Database` (engine/api/index.ts). Both are used through the small slice of the
 * better-sqlite3 12 API declared here, so the harness can also be fed fakes.
 *
 * Selection: `DIFF_ENGINE=sqlite` runs SQLite against itself (validates the harness);
 * `DIFF_ENGINE=helios` insists on our engine; unset means ours when engine/api/index.ts exists,
 * otherwise SQLite (with a note printed once).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export interface RunResult {
  changes: number | bigint;
  lastInsertRowid: number | bigint;
}

export interface ColumnDefinition {
  name: string;
}

/** The statement methods the harness needs (a subset of better-sqlite3's Statement). */
export interface DiffStatement {
  readonly reader: boolean;
  readonly readonly: boolean;
  raw(toggle?: boolean): DiffStatement;
  safeIntegers(toggle?: boolean): DiffStatement;
  columns(): ColumnDefinition[];
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): RunResult;
}

/** The database methods the harness needs (a subset of better-sqlite3's Database). */
export interface DiffDatabase {
  prepare(sql: string): DiffStatement;
  close(): unknown;
  readonly inTransaction: boolean;
}

/** `new Database(':memory:')`, same constructor shape for every engine. */
export type DatabaseConstructor = new (filename: string) => DiffDatabase;

export interface Engine {
  /** Short name used in reports: 'sqlite', 'helios', or a fake's name. */
  name: string;
  open(): DiffDatabase;
}

export function engineFromConstructor(name: string, ctor: DatabaseConstructor): Engine {
  return { name, open: () => new ctor(':memory:') };
}

/** Real SQLite (better-sqlite3), the oracle. */
export const sqliteEngine: Engine = engineFromConstructor('sqlite', BetterSqlite3 as unknown as DatabaseConstructor);

const repoRoot = path.resolve(__dirname, '..', '..');
/** Where our engine's public entry will live. Imported dynamically so this file compiles before it exists. */
const heliosEntry = path.join(repoRoot, 'engine', 'api', 'index.ts');

export function heliosEngineExists(): boolean {
  return existsSync(heliosEntry);
}

export async function loadHeliosEngine(): Promise<Engine> {
  const specifier = '../../engine/api/index.js';
  const mod = (await import(specifier)) as { Database?: unknown; default?: unknown };
  const ctor = (mod.Database ?? mod.default) as DatabaseConstructor | undefined;
  if (typeof ctor !== 'function') {
    throw new Error(`engine/api/index.ts does not export a Database constructor (exports: ${Object.keys(mod).join(', ')})`);
  }
  return engineFromConstructor('helios', ctor);
}

let noted = false;

/** The engine under test, chosen by DIFF_ENGINE (see the file comment). */
export async function engineUnderTest(): Promise<Engine> {
  const choice = (process.env.DIFF_ENGINE ?? '').toLowerCase();
  if (choice === 'sqlite') return sqliteEngine;
  if (choice === 'helios' || choice === 'ours') return loadHeliosEngine();
  if (choice !== '') throw new Error(`DIFF_ENGINE must be 'sqlite' or 'helios', got '${choice}'`);
  if (heliosEngineExists()) return loadHeliosEngine();
  if (!noted) {
    noted = true;
    console.warn('[diff] engine/api/index.ts not found: running SQLite against itself (DIFF_ENGINE=sqlite).');
  }
  return sqliteEngine;
}
