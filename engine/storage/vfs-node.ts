/**
 * VFS over node:fs with synchronous calls (openSync/readSync/writeSync/fsyncSync/ftruncateSync),
 * and `syncAsync` through fs.fsync (libuv's thread pool). A close() while async syncs are in
 * flight is deferred until the last one finishes: the descriptor stays ours (not reused by a
 * later open) while a thread may still fsync it.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { OpenMode, Vfs, VfsFile } from './vfs.js';
import { vfsError } from './vfs.js';

/** fsync calls made through NodeVfs files in this process (for benchmarks and tests). */
export const nodeSyncCount = { sync: 0, syncAsync: 0 };

class NodeFile implements VfsFile {
  /** Async syncs not finished yet. */
  private inFlight = 0;
  /** close() was called while syncs were in flight: close when the last finishes. */
  private closePending = false;
  constructor(private fd: number) {}
  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    return fs.readSync(this.fd, buf, offset, length, position);
  }
  write(buf: Uint8Array, offset: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const n = fs.writeSync(this.fd, buf, offset + done, length - done, position + done);
      if (n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
      done += n;
    }
  }
  size(): number {
    return fs.fstatSync(this.fd).size;
  }
  truncate(size: number): void {
    fs.ftruncateSync(this.fd, size);
  }
  sync(): void {
    nodeSyncCount.sync++;
    fs.fsyncSync(this.fd);
  }
  syncAsync(done: (err: Error | null) => void): void {
    if (this.fd < 0 || this.closePending) {
      setImmediate(done, vfsError('EBADF', 'file closed'));
      return;
    }
    nodeSyncCount.syncAsync++;
    this.inFlight++;
    fs.fsync(this.fd, (err) => {
      if (--this.inFlight === 0 && this.closePending) this.closeNow();
      done(err);
    });
  }
  close(): void {
    if (this.inFlight !== 0) {
      this.closePending = true;
      return;
    }
    this.closeNow();
  }
  private closeNow(): void {
    this.closePending = false;
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      fs.closeSync(fd);
    }
  }
}

const FLAGS: Record<OpenMode, string> = { r: 'r', rw: 'r+', rwc: 'a+', wx: 'wx+' };

export class NodeVfs implements Vfs {
  readonly name = 'node';
  open(path: string, mode: OpenMode): VfsFile {
    // 'a+' would force appends; create first, then reopen r+ so positioned writes work.
    if (mode === 'rwc') {
      fs.closeSync(fs.openSync(path, 'a'));
      return new NodeFile(fs.openSync(path, 'r+'));
    }
    return new NodeFile(fs.openSync(path, FLAGS[mode]));
  }
  exists(path: string): boolean {
    return fs.existsSync(path);
  }
  unlink(path: string): void {
    try {
      fs.unlinkSync(path);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
  }
  fullPath(path: string): string {
    const abs = nodePath.resolve(path);
    try {
      return fs.realpathSync(abs);
    } catch {
      try {
        return nodePath.join(fs.realpathSync(nodePath.dirname(abs)), nodePath.basename(abs));
      } catch {
        return abs;
      }
    }
  }
}

export const nodeVfs = new NodeVfs();
