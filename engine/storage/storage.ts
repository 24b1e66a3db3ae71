/**
 * The `Storage` objects handed to the layers above. Every open of the same file (same VFS, same
 * canonical path) in this process shares one StorageCore (reference counted); each open gets
 * its own handle, which carries that open's read-only flag. `:memory:` and '' open a private
 * memory database each time.
 */
import { SqliteError } from '../common/errors.js';
import type { KeyInfo, ReadView, Storage, StorageOptions, SynchronousLevel, WriteTxn } from './api.js';
import { StorageCore } from './core.js';
import type { Vfs } from './vfs.js';

export class StorageHandle implements Storage {
  private closed = false;
  constructor(
    readonly core: StorageCore,
    private readonly ro: boolean,
  ) {}

  get path(): string {
    return this.core.path;
  }
  get memory(): boolean {
    return this.core.memory;
  }
  get readonly(): boolean {
    return this.ro || !this.core.canWrite;
  }
  private live(): StorageCore {
    if (this.closed) throw new SqliteError('The database connection is not open', 'SQLITE_MISUSE');
    return this.core;
  }
  read(): ReadView {
    const core = this.live();
    // txn.ts invariant 5: a reader never sees a write transaction's in-place overwrites
    core.writeTxn?.materializeInPlace();
    return core.readView;
  }
  beginWrite(): WriteTxn {
    const core = this.live();
    if (this.ro) throw new SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
    return core.beginWrite();
  }
  beginConcurrent(): WriteTxn {
    const core = this.live();
    if (this.ro) throw new SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
    return core.beginConcurrent();
  }
  get writeTxnOpen(): boolean {
    return this.core.writeTxn !== null;
  }
  get synchronous(): SynchronousLevel {
    return this.core.synchronous;
  }
  set synchronous(v: SynchronousLevel) {
    this.core.synchronous = v;
  }
  get cacheSize(): number {
    return this.core.cacheSize;
  }
  set cacheSize(v: number) {
    this.core.cacheSize = v;
  }
  get walAutocheckpoint(): number {
    return this.core.walAutocheckpoint;
  }
  set walAutocheckpoint(v: number) {
    this.core.walAutocheckpoint = v;
  }
  checkpoint(mode: 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE'): [number, number, number] {
    return this.live().checkpoint(mode);
  }
  serialize(): Uint8Array {
    const core = this.live();
    core.writeTxn?.materializeInPlace();
    return core.serialize();
  }
  stopInPlaceWrites(): void {
    this.live().writeTxn?.writeInPlace(false);
  }
  whenDurable(): Promise<void> {
    const gc = this.live().groupCommit;
    return gc === null ? Promise.resolve() : gc.whenDurable();
  }
  integrityCheck(trees: readonly { root: number; kind: 'table' | 'index'; keyInfo?: KeyInfo; name: string }[], maxErrors: number): string[] {
    return this.live().integrityCheck(trees, maxErrors);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.core.release();
  }
}

const registries = new WeakMap<Vfs, Map<string, StorageCore>>();

export function openFileStorage(vfs: Vfs, path: string, options: StorageOptions): StorageHandle {
  const full = vfs.fullPath(path);
  let reg = registries.get(vfs);
  if (!reg) {
    reg = new Map();
    registries.set(vfs, reg);
  }
  const existing = reg.get(full);
  if (existing && !existing.closed) {
    if (!options.readonly && existing.readonlyFile) {
      throw new SqliteError(
        'unable to open database file read-write: it is already open read-only in this process; close the read-only connections first',
        'SQLITE_CANTOPEN',
      );
    }
    existing.refs++;
    return new StorageHandle(existing, options.readonly);
  }
  const core = StorageCore.openFile(vfs, full, options);
  reg.set(full, core);
  const r = reg;
  core.onFinalClose = () => {
    if (r.get(full) === core) r.delete(full);
  };
  return new StorageHandle(core, options.readonly);
}

export function openMemoryStorage(options: StorageOptions): StorageHandle {
  return new StorageHandle(StorageCore.openMemory(options), options.readonly);
}
