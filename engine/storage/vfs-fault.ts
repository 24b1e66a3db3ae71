/**
 * Fault-injecting VFS wrapper for tests. Counts write and sync calls (sync and syncAsync alike;
 * `asyncSyncs` counts the latter alone) across all files and, when the configured operation
 * number is reached, injects:
 *   'crash' - the call does nothing and throws `SimulatedCrash`; every later call throws too
 *             (the process is "dead"; inspect the underlying VFS's crash image);
 *   'torn'  - a write stores only its first half (rounded down to 512 bytes), then crashes;
 *   'ENOSPC' / 'EIO' - the call throws a node-style error with that code; later calls work
 *             unless `sticky` is set (then every write/sync fails until `clear()`).
 * An async sync decides its fault when it is called and reports on a later turn (setImmediate);
 * a 'crash' there kills the "process" at once, and the callback gets the SimulatedCrash.
 */
import type { OpenMode, Vfs, VfsFile } from './vfs.js';
import { vfsError } from './vfs.js';

export class SimulatedCrash extends Error {
  readonly code = 'ESIMULATEDCRASH';
  constructor() {
    super('simulated crash');
  }
}

export type FaultKind = 'crash' | 'torn' | 'ENOSPC' | 'EIO';

export interface FaultPlan {
  /** Which calls are counted towards `at`. */
  op: 'write' | 'sync' | 'any';
  /** 1-based number of the counted call that fails. */
  at: number;
  kind: FaultKind;
  /** For ENOSPC/EIO: keep failing every write and sync until clear(). */
  sticky?: boolean;
  /** Only count calls on files whose path ends with this suffix. */
  pathSuffix?: string;
}

export class FaultVfs implements Vfs {
  readonly name = 'fault';
  writes = 0;
  syncs = 0;
  asyncSyncs = 0;
  counted = 0;
  dead = false;
  plan: FaultPlan | undefined;
  private failing: FaultKind | undefined;

  constructor(readonly inner: Vfs) {}

  clear(): void {
    this.plan = undefined;
    this.failing = undefined;
  }

  /** Called before each write/sync; returns the fault to inject, if any. */
  fault(op: 'write' | 'sync', path: string): FaultKind | undefined {
    if (this.dead) throw new SimulatedCrash();
    if (op === 'write') this.writes++;
    else this.syncs++;
    if (this.failing) return this.failing;
    const p = this.plan;
    if (!p) return undefined;
    if (p.pathSuffix !== undefined && !path.endsWith(p.pathSuffix)) return undefined;
    if (p.op !== 'any' && p.op !== op) return undefined;
    this.counted++;
    if (this.counted !== p.at) return undefined;
    if ((p.kind === 'ENOSPC' || p.kind === 'EIO') && p.sticky) this.failing = p.kind;
    return p.kind;
  }

  open(path: string, mode: OpenMode): VfsFile {
    if (this.dead) throw new SimulatedCrash();
    return new FaultFile(this, this.inner.open(path, mode), path);
  }
  exists(path: string): boolean {
    return this.inner.exists(path);
  }
  unlink(path: string): void {
    if (this.dead) throw new SimulatedCrash();
    this.inner.unlink(path);
  }
  fullPath(path: string): string {
    return this.inner.fullPath(path);
  }
}

class FaultFile implements VfsFile {
  constructor(
    private readonly vfs: FaultVfs,
    private readonly f: VfsFile,
    private readonly path: string,
  ) {}
  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (this.vfs.dead) throw new SimulatedCrash();
    return this.f.read(buf, offset, length, position);
  }
  write(buf: Uint8Array, offset: number, length: number, position: number): void {
    const k = this.vfs.fault('write', this.path);
    switch (k) {
      case undefined:
        return this.f.write(buf, offset, length, position);
      case 'crash':
        this.vfs.dead = true;
        throw new SimulatedCrash();
      case 'torn': {
        const half = Math.floor(length / 2 / 512) * 512 || Math.floor(length / 2);
        if (half > 0) this.f.write(buf, offset, half, position);
        this.vfs.dead = true;
        throw new SimulatedCrash();
      }
      default:
        throw vfsError(k, 'injected write failure');
    }
  }
  size(): number {
    if (this.vfs.dead) throw new SimulatedCrash();
    return this.f.size();
  }
  truncate(size: number): void {
    const k = this.vfs.fault('write', this.path);
    if (k === 'crash' || k === 'torn') {
      this.vfs.dead = true;
      throw new SimulatedCrash();
    }
    if (k) throw vfsError(k, 'injected truncate failure');
    this.f.truncate(size);
  }
  sync(): void {
    const k = this.vfs.fault('sync', this.path);
    if (k === 'crash' || k === 'torn') {
      this.vfs.dead = true;
      throw new SimulatedCrash();
    }
    if (k) throw vfsError(k, 'injected fsync failure');
    this.f.sync();
  }
  syncAsync(done: (err: Error | null) => void): void {
    let k: FaultKind | undefined;
    try {
      k = this.vfs.fault('sync', this.path);
    } catch (e) {
      setImmediate(done, e as Error);
      return;
    }
    this.vfs.asyncSyncs++;
    if (k === 'crash' || k === 'torn') {
      this.vfs.dead = true;
      setImmediate(done, new SimulatedCrash());
      return;
    }
    if (k) {
      setImmediate(done, vfsError(k, 'injected fsync failure'));
      return;
    }
    this.f.syncAsync(done);
  }
  close(): void {
    if (this.vfs.dead) return;
    this.f.close();
  }
}
