// ESM entry point: default export = Database (as better-sqlite3's CommonJS module seen from ESM),
// plus the named export SqliteError.
import Database from './index.js';

export const SqliteError = Database.SqliteError;
export default Database;
