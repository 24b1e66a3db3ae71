/**
 * Binding: an ORM instance whose every statement runs at one place in the database's history.
 * Today that is a point in time (`{ asOf }`, through the engine's `db.asOf(point)`, a read-only
 * connection fixed at that commit); branches (a later issue) slot in as `{ branch }`, which
 * until then fails with a SqliteError. Every adapter has the same entry:
 *
 *   bound(ormInstance, { asOf: { transaction: 42 } })   // read-only, as of transaction 42
 *   bound(ormInstance, { branch: 'dev' })               // SqliteError: branches are not available yet
 *
 * and its factory accepts `{ branch }` (only `'main'`, the default, today).
 */
import { type AsOfPoint, engineAsOfPoint } from './as-of.js';
import { type HeliosDatabase, SqliteError } from './database.js';

/** Where a bound connection or ORM instance reads (and, for branches, writes). */
export type Binding = { readonly asOf: AsOfPoint; readonly branch?: never } | { readonly branch: string; readonly asOf?: never };

/** The error for a branch binding until branches exist (SQLITE_ERROR, like unknown SQL objects). */
export function branchesUnavailable(branch: string): Error {
  return new SqliteError(`cannot bind to branch "${branch}": branches are not available yet in heliosdb-lite`, 'SQLITE_ERROR');
}

/** Checks a binding's shape (API argument: a TypeError when malformed). */
export function checkBinding(binding: Binding): void {
  if (binding === null || typeof binding !== 'object') throw new TypeError('A binding is { asOf: point } or { branch: name }');
  const hasAsOf = 'asOf' in binding && binding.asOf !== undefined;
  const hasBranch = 'branch' in binding && binding.branch !== undefined;
  if (hasAsOf === hasBranch) throw new TypeError('A binding is { asOf: point } or { branch: name }, exactly one of them');
  if (hasBranch && typeof binding.branch !== 'string') throw new TypeError('A branch name must be a string');
}

/**
 * A new connection bound as `binding` says, on the database of `db` (which stays open and
 * unchanged; close both when done). `{ asOf }` gives the engine's read-only `db.asOf(point)`
 * connection: writes fail with SQLITE_READONLY, a point outside the retained history with
 * SqliteError. `{ branch }` throws SqliteError until branches land.
 * @example const then = bindDatabase(db, { asOf: { transaction: 42 } }); then.prepare('SELECT * FROM t').all(); then.close();
 */
export function bindDatabase(db: HeliosDatabase, binding: Binding): HeliosDatabase {
  checkBinding(binding);
  if (binding.branch !== undefined) throw branchesUnavailable(binding.branch);
  if (typeof (db as Partial<HeliosDatabase>).asOf !== 'function') {
    throw new TypeError('Binding needs a heliosdb-lite connection (this one has no asOf(): is it better-sqlite3?)');
  }
  return db.asOf(engineAsOfPoint(binding.asOf as AsOfPoint));
}

/**
 * The `{ branch }` option of the adapters' factories (`drizzle(db, { branch })`,
 * `new HeliosDialect({ database, branch })`, `heliosDataSourceOptions({ ..., branch })`);
 * omitted or `'main'` = the main branch.
 */
export interface BranchBinding {
  /** The branch to read and write; omitted = the main branch. */
  readonly branch?: string;
}

/** Until branches land, a factory bound to a branch other than `main` throws SqliteError. */
export function checkBranch(binding: BranchBinding | undefined): void {
  const b = binding?.branch;
  if (b !== undefined && b !== 'main') throw branchesUnavailable(b);
}
