/**
 * ReadView: the latest committed state, page by page from the shared cache. It never sees a
 * WriteTxn's private pages. Its generation is the core's commit counter, so cursors re-seek
 * after every commit.
 */
import type { HeaderFields, IndexTree, KeyInfo, ReadView, TableTree } from './api.js';
import type { StorageCore } from './core.js';
import { corrupt } from './errors.js';
import { IndexTreeImpl } from './index-tree.js';
import { PT_TABLE_LEAF, type BtPage, type Geometry } from './page.js';
import type { PageSource, PageWriter } from './source.js';
import { TableTreeImpl } from './table-tree.js';

export class ReadViewImpl implements ReadView, PageSource {
  readonly genBox: { v: number };
  readonly writer: PageWriter | null = null;

  constructor(readonly core: StorageCore) {
    this.genBox = core.commitGen;
  }

  get geom(): Geometry {
    return this.core.geom;
  }
  get fmt4(): boolean {
    return this.core.header.schemaFormat >= 4;
  }
  get header(): Readonly<HeaderFields> {
    return this.core.header;
  }
  pageCount(): number {
    return this.core.header.pageCount;
  }
  page(pgno: number): BtPage {
    // txn.ts invariant 5: a reader never sees a write transaction's in-place overwrites
    this.core.writeTxn?.materializeInPlace();
    return this.core.btPage(pgno);
  }
  raw(pgno: number): Buffer {
    if (pgno < 1 || pgno > this.core.header.pageCount) throw corrupt(`page ${pgno} out of range`);
    this.core.writeTxn?.materializeInPlace();
    return this.core.rawBytes(pgno);
  }
  leafBytes(pgno: number): Buffer | null {
    // StorageCore.btPage's "first use of a read-ahead page" without the decoding (core.ts,
    // "Cold reads"): the cache keeps the raw page, now marked used
    const c = this.core.cache.get(pgno);
    if (c === undefined || c.kind !== 1 || c.accessed || !c.durable || pgno === 1 || c.bytes[0] !== PT_TABLE_LEAF) return null;
    c.accessed = true;
    return c.bytes;
  }
  openTable(root: number): TableTree {
    return new TableTreeImpl(this, root);
  }
  openIndex(root: number, keyInfo: KeyInfo): IndexTree {
    return new IndexTreeImpl(this, root, keyInfo);
  }
}
