/**
 * One table as of a point S, built from one range scan of its history ("current state minus
 * changes after S"): the row overlay, and on demand each index's overlay. Trees opened through
 * it read the current B-trees of the given view and substitute the versions valid at S.
 */
import type { SqlValue } from '../../common/value.js';
import type { IndexTree, KeyInfo, PageView, Rowid, TableTree } from '../../storage/api.js';
import { compareKeys, decodeRecord, encodeRecord } from '../../storage/index.js';
import type { TableSchema } from '../../catalog/types.js';
import type { HistoryRoots } from '../../mvcc/layout.js';
import { forEachChangeAfter } from '../../mvcc/history.js';
import { RowOverlay, SnapshotTableTree } from '../../mvcc/snapshot-table.js';
import { SnapshotIndexTree, type IndexOverlay } from '../../mvcc/snapshot-index.js';

/** Builds the key of a secondary index entry from a row (record, rowid); null when the row has no entry. */
export type IndexKeyOf = (rec: readonly SqlValue[], rowid: Rowid) => SqlValue[];

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function decode(u: Uint8Array): SqlValue[] {
  return decodeRecord(asBuffer(u), 0, u.byteLength);
}

function keyId(key: readonly SqlValue[]): string {
  return encodeRecord(key).toString('latin1');
}

export class TableSnapshot {
  /** Rowid tables: rowid -> version at S. */
  private readonly rows: Map<Rowid, readonly SqlValue[] | null> | null = null;
  private readonly overlay: RowOverlay | null = null;
  /** WITHOUT ROWID tables: PK identity -> version at S (the full record, PK columns first). */
  private readonly pkRows: Map<string, readonly SqlValue[] | null> | null = null;
  private readonly indexOverlays = new Map<number, IndexOverlay>();

  constructor(
    view: PageView,
    roots: HistoryRoots,
    readonly table: TableSchema,
    readonly point: number,
    /** Key builders of the secondary indexes usable at S, by root. */
    private readonly keyOf: ReadonlyMap<number, IndexKeyOf>,
    /** The view's change counter when built (a commit after that invalidates it). */
    readonly builtAt: number,
  ) {
    if (!table.withoutRowid) {
      const rows = new Map<Rowid, readonly SqlValue[] | null>();
      forEachChangeAfter(view, roots, table.name, point, (_ts, key, old) => {
        if (key instanceof Uint8Array || rows.has(key)) return;
        rows.set(key, old === null ? null : decode(old));
      });
      this.rows = rows;
      this.overlay = new RowOverlay(rows);
    } else {
      const pkRows = new Map<string, readonly SqlValue[] | null>();
      forEachChangeAfter(view, roots, table.name, point, (_ts, key, old) => {
        if (!(key instanceof Uint8Array)) return;
        const id = asBuffer(key).toString('latin1');
        if (pkRows.has(id)) return;
        pkRows.set(id, old === null ? null : decode(old));
      });
      this.pkRows = pkRows;
    }
  }

  /** How many rows changed after S (the extra work a read at S does). */
  get changedRows(): number {
    return this.rows ? this.rows.size : this.pkRows!.size;
  }

  openTable(view: PageView, root: number): TableTree {
    const base = view.openTable(root);
    return this.overlay ? new SnapshotTableTree(base, this.overlay) : base;
  }

  openIndex(view: PageView, root: number, keyInfo: KeyInfo): IndexTree {
    const base = view.openIndex(root, keyInfo);
    let o = this.indexOverlays.get(root);
    if (o === undefined) {
      o = this.buildIndexOverlay(root, keyInfo);
      this.indexOverlays.set(root, o);
    }
    return new SnapshotIndexTree(base, o);
  }

  private buildIndexOverlay(root: number, keyInfo: KeyInfo): IndexOverlay {
    const extra: SqlValue[][] = [];
    let hidden: (key: readonly SqlValue[]) => boolean;
    if (this.pkRows) {
      // the primary-key tree of a WITHOUT ROWID table: entries are whole records
      const pkRows = this.pkRows;
      const nPk = this.table.primaryKey.length;
      for (const rec of pkRows.values()) if (rec !== null) extra.push(rec as SqlValue[]);
      hidden = pkRows.size === 0 ? () => false : (key) => pkRows.has(keyId(key.slice(0, nPk)));
    } else {
      const rows = this.rows!;
      const keyOf = this.keyOf.get(root);
      if (!keyOf) throw new Error(`time travel: index root ${root} of ${this.table.name} has no key builder`);
      for (const [rowid, rec] of rows) if (rec !== null) extra.push(keyOf(rec, rowid));
      hidden = rows.size === 0 ? () => false : (key) => rows.has(key[key.length - 1] as Rowid);
    }
    extra.sort((a, b) => compareKeys(a, b, keyInfo));
    return { hidden, extra };
  }
}
