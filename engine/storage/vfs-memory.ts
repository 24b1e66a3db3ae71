/**
 * In-memory VFS. Each file keeps its current bytes and, for crash simulation, the list of writes
 * since its last sync (`pending`): `crashImage('synced')` rebuilds the files as a power loss would
 * leave them (only synced data), `crashImage('all')` as a process crash would (every completed
 * write survives). Truncation and unlink take effect immediately and durably.
 */
import type { OpenMode, Vfs, VfsFile } from './vfs.js';
import { vfsError } from './vfs.js';

class MemData {
  bytes = new Uint8Array(0);
  size = 0;
  /** Durable image (as of the last sync). */
  synced = new Uint8Array(0);
  syncedSize = 0;

  ensure(n: number): void {
    if (n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(n, this.bytes.length * 2, 4096));
    next.set(this.bytes.subarray(0, this.size));
    this.bytes = next;
  }
  sync(): void {
    this.synced = this.bytes.slice(0, this.size);
    this.syncedSize = this.size;
  }
}

class MemFile implements VfsFile {
  private closed = false;
  constructor(
    private readonly data: MemData,
    private readonly writable: boolean,
  ) {}
  private check(): void {
    if (this.closed) throw vfsError('EBADF', 'file closed');
  }
  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    this.check();
    const d = this.data;
    if (position >= d.size) return 0;
    const n = Math.min(length, d.size - position);
    buf.set(d.bytes.subarray(position, position + n), offset);
    return n;
  }
  write(buf: Uint8Array, offset: number, length: number, position: number): void {
    this.check();
    if (!this.writable) throw vfsError('EBADF', 'file opened read-only');
    const d = this.data;
    const end = position + length;
    d.ensure(end);
    if (position > d.size) d.bytes.fill(0, d.size, position);
    d.bytes.set(buf.subarray(offset, offset + length), position);
    if (end > d.size) d.size = end;
  }
  size(): number {
    this.check();
    return this.data.size;
  }
  truncate(size: number): void {
    this.check();
    const d = this.data;
    if (size > d.size) {
      d.ensure(size);
      d.bytes.fill(0, d.size, size);
    }
    d.size = size;
    if (d.syncedSize > size) d.syncedSize = size;
  }
  sync(): void {
    this.check();
    this.data.sync();
  }
  /** Captures the durable image now (what the fsync covers), reports on a later turn. */
  syncAsync(done: (err: Error | null) => void): void {
    if (this.closed) {
      setImmediate(done, vfsError('EBADF', 'file closed'));
      return;
    }
    this.data.sync();
    setImmediate(done, null);
  }
  close(): void {
    this.closed = true;
  }
}

export class MemoryVfs implements Vfs {
  readonly name = 'memory';
  private files = new Map<string, MemData>();

  open(path: string, mode: OpenMode): VfsFile {
    let d = this.files.get(path);
    if (mode === 'wx' && d) throw vfsError('EEXIST', `file exists: ${path}`);
    if (!d) {
      if (mode === 'r' || mode === 'rw') throw vfsError('ENOENT', `no such file: ${path}`);
      d = new MemData();
      this.files.set(path, d);
    }
    return new MemFile(d, mode !== 'r');
  }
  exists(path: string): boolean {
    return this.files.has(path);
  }
  unlink(path: string): void {
    this.files.delete(path);
  }
  fullPath(path: string): string {
    return path;
  }
  /** Current bytes of a file (for tests). */
  contents(path: string): Uint8Array | undefined {
    const d = this.files.get(path);
    return d ? d.bytes.slice(0, d.size) : undefined;
  }
  writeFile(path: string, bytes: Uint8Array): void {
    const d = new MemData();
    d.ensure(bytes.length);
    d.bytes.set(bytes);
    d.size = bytes.length;
    d.sync();
    this.files.set(path, d);
  }
  list(): string[] {
    return [...this.files.keys()];
  }
  /** A new VFS holding what a crash would leave: 'all' = every completed write, 'synced' = only synced data. */
  crashImage(mode: 'all' | 'synced'): MemoryVfs {
    const v = new MemoryVfs();
    for (const [p, d] of this.files) {
      v.writeFile(p, mode === 'all' ? d.bytes.slice(0, d.size) : d.synced.slice(0, d.syncedSize));
    }
    return v;
  }
}
