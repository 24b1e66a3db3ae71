/**
 * `db.backup(destination, { attached, progress })` as better-sqlite3 (lib/methods/backup.js):
 * an async copy in steps, one step per event-loop turn (setImmediate). The first step copies
 * nothing; then `progress({ totalPages, remainingPages })` is called after each step that left
 * pages to copy, and may return the number of pages for the next step (default 100).
 *
 * The engine has no incremental page-level backup: the steps are accounted over the page count of
 * the serialized image (`Session.serialize()`), and the image, taken again when the last step
 * completes so that changes made meanwhile are included, is written to the destination at the end.
 * A destination created by this backup is removed if the backup fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqliteError } from '../common/errors.js';
import { requireNotBusy, requireOpen, type Connection } from './connection.js';

export interface BackupMetadata {
  totalPages: number;
  remainingPages: number;
}

type ProgressHandler = (info: BackupMetadata) => unknown;

/** Number of pages of a SQLite image (page size from header bytes 16..17, big-endian; 1 = 65536). */
export function imagePageCount(image: Uint8Array): number {
  if (image.length < 100) return 0;
  const raw = (image[16] << 8) | image[17];
  const pageSize = raw === 1 ? 65536 : raw;
  return pageSize > 0 ? Math.ceil(image.length / pageSize) : 0;
}

export async function backup(conn: Connection, filename: unknown, options: unknown): Promise<BackupMetadata> {
  if (options == null) options = {};
  if (typeof filename !== 'string') throw new TypeError('Expected first argument to be a string');
  if (typeof options !== 'object') throw new TypeError('Expected second argument to be an options object');
  const opts = options as Record<string, unknown>;
  filename = filename.trim();
  const file = filename as string;
  const attachedName = 'attached' in opts ? opts.attached : 'main';
  const handler = 'progress' in opts ? opts.progress : null;
  if (!file) throw new TypeError('Backup filename cannot be an empty string');
  if (file === ':memory:') throw new TypeError('Invalid backup filename ":memory:"');
  if (typeof attachedName !== 'string') throw new TypeError('Expected the "attached" option to be a string');
  if (!attachedName) throw new TypeError('The "attached" option cannot be an empty string');
  if (handler != null && typeof handler !== 'function') throw new TypeError('Expected the "progress" option to be a function');

  await fs.promises.access(path.dirname(file)).catch(() => {
    throw new TypeError('Cannot save backup because the directory does not exist');
  });
  const isNewFile = await fs.promises.access(file).then(
    () => false,
    () => true,
  );

  requireOpen(conn);
  requireNotBusy(conn);
  if (attachedName !== 'main') throw new SqliteError(`unknown database ${attachedName}`, 'SQLITE_ERROR');
  return runBackup(conn, file, isNewFile, (handler as ProgressHandler | null) ?? null);
}

function runBackup(conn: Connection, file: string, isNewFile: boolean, handler: ProgressHandler | null): Promise<BackupMetadata> {
  let rate = 0;
  let useDefault = true;
  let totalPages = -1;
  let remainingPages = 0;

  const transfer = (pages: number): BackupMetadata => {
    requireOpen(conn);
    if (totalPages < 0) {
      totalPages = imagePageCount(conn.session.serialize());
      remainingPages = totalPages;
    }
    remainingPages = Math.max(0, remainingPages - pages);
    if (remainingPages === 0) fs.writeFileSync(file, conn.session.serialize());
    return { totalPages, remainingPages };
  };

  return new Promise((resolve, reject) => {
    setImmediate(function step() {
      try {
        const progress = transfer(rate);
        if (!progress.remainingPages) {
          resolve(progress);
          return;
        }
        if (useDefault) {
          useDefault = false;
          rate = 100;
        }
        if (handler) {
          const ret = handler(progress);
          if (ret !== undefined) {
            if (typeof ret === 'number' && ret === ret) rate = Math.max(0, Math.min(0x7fffffff, Math.round(ret)));
            else throw new TypeError('Expected progress callback to return a number or undefined');
          }
        }
        setImmediate(step);
      } catch (err) {
        if (isNewFile) fs.rmSync(file, { force: true });
        reject(err);
      }
    });
  });
}
