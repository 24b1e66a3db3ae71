/**
 * Typed errors of the storage layer. Bytes from disk never trigger an assert: a malformed page,
 * record or log becomes `SQLITE_CORRUPT`, a file that is not a database `SQLITE_NOTADB`, and an
 * operating-system failure one of the `SQLITE_IOERR_*` / `SQLITE_FULL` codes.
 */
import { SqliteError, type SqliteCode } from '../common/errors.js';

/** SQLite's wording for every structural problem found in a database file. */
export function corrupt(detail?: string): SqliteError {
  const e = new SqliteError('database disk image is malformed', 'SQLITE_CORRUPT');
  if (detail !== undefined) (e as SqliteError & { detail?: string }).detail = detail;
  return e;
}

export function notADatabase(): SqliteError {
  return new SqliteError('file is not a database', 'SQLITE_NOTADB');
}

/** Maps an error thrown by a VFS (node fs error codes) to SQLite's result code. */
export function ioError(err: unknown, op: 'read' | 'write' | 'fsync' | 'truncate' | 'open' | 'delete'): Error {
  if (err instanceof SqliteError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  // Not an operating-system error: a bug of ours, keep it visible as it is.
  if (typeof code !== 'string') return err instanceof Error ? err : new Error(String(err));
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new SqliteError('database or disk is full', 'SQLITE_FULL');
  }
  let sc: SqliteCode;
  switch (op) {
    case 'read':
      sc = 'SQLITE_IOERR_READ';
      break;
    case 'write':
    case 'truncate':
      sc = 'SQLITE_IOERR_WRITE';
      break;
    case 'fsync':
      sc = 'SQLITE_IOERR_FSYNC';
      break;
    case 'open':
      return new SqliteError('unable to open database file', 'SQLITE_CANTOPEN');
    default:
      sc = 'SQLITE_IOERR';
  }
  const e = new SqliteError('disk I/O error', sc);
  (e as SqliteError & { cause?: unknown }).cause = err;
  return e;
}
