/**
 * Entry point of the storage layer. See api.ts for the contract and docs/file-format.md for the
 * on-disk formats.
 *
 * @example
 *   const st = openStorage('app.db', { readonly: false, fileMustExist: false });
 *   const tx = st.beginWrite();
 *   const root = tx.createTree('table');
 *   tx.openTable(root).insert(1, ['hello']);
 *   tx.commit();
 *   st.read().openTable(root).get(1); // ['hello']
 *   st.close();
 */
import type { Storage, StorageOptions } from './api.js';
import { openFileStorage, openMemoryStorage } from './storage.js';
import type { Vfs } from './vfs.js';
import { nodeVfs } from './vfs-node.js';

export type { Vfs, VfsFile, OpenMode } from './vfs.js';
export { MemoryVfs } from './vfs-memory.js';
export { FaultVfs, SimulatedCrash, type FaultPlan, type FaultKind } from './vfs-fault.js';
export { NodeVfs, nodeVfs } from './vfs-node.js';
export { encodeRecord, decodeRecord, serialType } from './record.js';
export { compareKeys } from './keycompare.js';
export * from './api.js';

export interface OpenStorageOptions extends StorageOptions {
  /** File system to use (default: node fs). Ignored for ':memory:' and ''. */
  readonly vfs?: Vfs;
}

/**
 * Opens a database. `':memory:'` or `''` gives a private in-memory database; any other path a
 * file, shared by every open of the same path in this process (reference counted: each handle's
 * close() releases it; the last one checkpoints the log into the main file and removes it).
 */
export function openStorage(path: string, options: OpenStorageOptions): Storage {
  if (path === ':memory:' || path === '') return openMemoryStorage(options);
  return openFileStorage(options.vfs ?? nodeVfs, path, options);
}
