/**
 * The page access interfaces the B-tree code runs on. A `PageSource` reads pages (the latest
 * committed state for a ReadView; the transaction's own state for a WriteTxn). A `PageWriter`
 * (only a WriteTxn) hands out private, writable copies of pages (copy-on-write), allocates and
 * frees pages. `genBox.v` changes whenever what the source shows may have changed; cursors
 * compare it to re-seek.
 */
import type { RowChangeSink } from './api.js';
import type { BtPage, Geometry, RawPage } from './page.js';
import type { U_CELL_INSERTED, U_CELL_REMOVED, U_CELL_REPLACED } from './undo.js';

export interface PageSource {
  readonly geom: Geometry;
  readonly genBox: { v: number };
  /** Schema format 4 allows serial types 8 and 9. */
  readonly fmt4: boolean;
  /** A B-tree page (SQLITE_CORRUPT if the page is not one). */
  page(pgno: number): BtPage;
  /** The bytes of any page (overflow and freelist pages). Must not be modified. */
  raw(pgno: number): Buffer;
  /**
   * Optional, for forward scans: the image of table leaf `pgno` when the cache holds only its
   * bytes and this is its first use (read ahead, not decoded yet), marking it used as page()
   * would; else null (call page()). The bytes are not validated beyond the page type: the
   * reader checks every cell it reads as decodePage does. Must not be modified.
   */
  leafBytes?(pgno: number): Buffer | null;
  pageCount(): number;
  /** The writer when this source is a write transaction. */
  readonly writer: PageWriter | null;
}

export interface PageWriter extends PageSource {
  /** The transaction's row change capture, if any (api.ts RowChangeSink). */
  readonly changeSink: RowChangeSink | null;
  /** Concurrent transactions (txn.ts invariant 4): shared per-table rowid high-water marks; else null/absent. */
  readonly rowidHwm?: Map<number, number | bigint> | null;
  /** A private copy of the page, changed wholesale (the undo log keeps its previous state). */
  writable(pgno: number): BtPage;
  /** A private copy of a leaf for one cell-level change, logged first with `noteCell`. */
  cellWritable(pgno: number): BtPage;
  /** Logs (for savepoints) a change of cell `pos` of a page from `cellWritable`, before it is made. */
  noteCell(kind: typeof U_CELL_INSERTED | typeof U_CELL_REPLACED | typeof U_CELL_REMOVED, p: BtPage, pos: number): void;
  writableRaw(pgno: number): RawPage;
  newBtPage(type: number): BtPage;
  newRawPage(): RawPage;
  freePage(pgno: number): void;
}

/** Trees deeper than this are corrupt (a cycle in child pointers). SQLite uses 20. */
export const MAX_DEPTH = 40;
