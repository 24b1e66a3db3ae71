/**
 * The better-sqlite3 12 API of heliosdb-lite: `Database` (callable without `new`) and
 * `SqliteError`. The package entry points (index.js / index.mjs / index.d.ts at the repository
 * root) re-export these from the build output.
 */
export { Database, DatabaseImpl, type DatabaseConstructor, type Options } from './database.js';
export { Statement, StatementIterator, type RunResult } from './statement.js';
export { SqliteError } from '../common/errors.js';
export { setSessionFactory, type SessionFactory } from './open-session.js';
