/**
 * The file abstraction under the pager and the log. All calls are synchronous (the better-sqlite3
 * API is synchronous) except `syncAsync`, the durability barrier of group commit
 * (group-commit.ts), which runs off the JavaScript thread so that commits continue meanwhile. Implementations: `NodeVfs` (node:fs), `MemoryVfs` (in-process files, for
 * `:memory:`-style use and tests) and `FaultVfs` (a wrapper injecting crashes, torn writes, ENOSPC
 * and EIO for tests).
 *
 * Errors are thrown as objects with a node-style `code` ('ENOENT', 'EEXIST', 'ENOSPC', 'EIO', ...);
 * the storage layer maps them to SqliteError codes (see errors.ts `ioError`).
 */

/** How to open a file: 'r' read-only; 'rw' read-write, must exist; 'rwc' read-write, create;
 * 'wx' create exclusively (fails with EEXIST), read-write. */
export type OpenMode = 'r' | 'rw' | 'rwc' | 'wx';

export interface VfsFile {
  /** Reads up to `length` bytes at `position` into `buf[offset..]`; returns the count read (short at EOF). */
  read(buf: Uint8Array, offset: number, length: number, position: number): number;
  /** Writes all `length` bytes or throws. */
  write(buf: Uint8Array, offset: number, length: number, position: number): void;
  size(): number;
  truncate(size: number): void;
  sync(): void;
  /**
   * Starts an fsync without blocking; `done(null)` once every write completed before this call is
   * on stable storage, `done(err)` (a node-style error, or SimulatedCrash under FaultVfs) if it
   * failed. `done` is always called later, never synchronously. After `close()` it reports EBADF.
   * A `close()` while syncs are in flight releases the file only once they have finished, so the
   * operating system never reuses the descriptor under a running fsync.
   */
  syncAsync(done: (err: Error | null) => void): void;
  close(): void;
}

export interface Vfs {
  readonly name: string;
  open(path: string, mode: OpenMode): VfsFile;
  exists(path: string): boolean;
  unlink(path: string): void;
  /** Canonical absolute path used to share one engine instance per file. */
  fullPath(path: string): string;
}

export function vfsError(code: string, message: string): Error & { code: string } {
  const e = new Error(`${code}: ${message}`) as Error & { code: string };
  e.code = code;
  return e;
}

/** Reads exactly `length` bytes (zero-filling past EOF); returns the count actually read. */
export function readFully(f: VfsFile, buf: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = f.read(buf, offset + done, length - done, position + done);
    if (n <= 0) break;
    done += n;
  }
  if (done < length) buf.fill(0, offset + done, offset + length);
  return done;
}
