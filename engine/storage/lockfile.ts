/**
 * The lock file `<database>-hlock`: one process owns a database file.
 *
 * Format: the owner's pid in decimal ASCII (followed by a newline). It is created with O_EXCL
 * ('wx'), so exactly one process can create it. A process that finds it:
 *   - owner pid alive (process.kill(pid, 0) succeeds or fails with EPERM): SQLITE_BUSY, naming
 *     the pid and server mode;
 *   - owner pid dead (ESRCH), unreadable, empty or torn content (no final newline), or our own
 *     pid without a live engine instance in this process (a leftover of a crashed instance):
 *     the lock is stale; it is removed and creation retried once.
 * The owner removes it on its final close. Read-only opens take the lock as well (our cached
 * pages would otherwise go stale under another process's log); when the directory is not
 * writable (EACCES, EROFS) a read-only open proceeds without it, since no process can then
 * create the log either.
 */
import { SqliteError } from '../common/errors.js';
import { ioError } from './errors.js';
import { readFully, type Vfs } from './vfs.js';

export class LockFile {
  private held = false;
  constructor(
    readonly vfs: Vfs,
    readonly path: string,
  ) {}

  acquire(readonly: boolean): void {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const f = this.vfs.open(this.path, 'wx');
        try {
          const b = Buffer.from(`${process.pid}\n`, 'latin1');
          f.write(b, 0, b.length, 0);
          f.close();
        } catch (e) {
          try {
            f.close();
            this.vfs.unlink(this.path);
          } catch {
            /* a lock file without a pid is treated as stale */
          }
          throw ioError(e, 'write');
        }
        this.held = true;
        return;
      } catch (e) {
        if (e instanceof SqliteError) throw e;
        const code = (e as { code?: string }).code;
        if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
          if (readonly) return;
          throw new SqliteError('unable to open database file: cannot create lock file ' + this.path, 'SQLITE_CANTOPEN');
        }
        if (code !== 'EEXIST') throw ioError(e, 'open');
      }
      const pid = this.readOwner();
      if (pid !== undefined && pid !== process.pid && isAlive(pid)) {
        throw new SqliteError(
          `database is locked: in use by process ${pid}; use heliosdb-lite server mode to share a database between processes`,
          'SQLITE_BUSY',
        );
      }
      // stale: the owner is gone (or it is a leftover of this process)
      try {
        this.vfs.unlink(this.path);
      } catch {
        /* retry anyway */
      }
    }
    throw new SqliteError('database is locked: could not take over the lock file ' + this.path, 'SQLITE_BUSY');
  }

  private readOwner(): number | undefined {
    try {
      const f = this.vfs.open(this.path, 'r');
      const b = Buffer.alloc(32);
      const n = readFully(f, b, 0, 32, 0);
      f.close();
      // Only a complete record counts: a torn write ("63" of "6312\n") must not name a live
      // unrelated process.
      const m = /^(\d+)\n$/.exec(b.toString('latin1', 0, n));
      const pid = m ? Number(m[1]) : NaN;
      return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      this.vfs.unlink(this.path);
    } catch {
      /* ignore */
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}
