/**
 * The TEMP database of one connection: a private in-memory storage holding the connection's
 * temporary tables, indexes, views and triggers (and sqlite_temp_schema on its page 1). Nothing
 * else sees it; it disappears when the connection closes.
 *
 * Trees of the temp storage are named by biased "global" root numbers (catalog/temp-root.ts),
 * so the compilers and executors stay unaware of it: `DualView` and `DualTxn` route each root
 * to the storage it belongs to. A connection that has a TEMP database writes through a DualTxn,
 * which begins, savepoints, commits and rolls back both storages together, so TEMP changes obey
 * the same transaction and statement atomicity as main ones. (SQLite opens the temp database's
 * transaction independently; here a write to a TEMP table also takes the main write lock.)
 */
import type { IndexTree, KeyInfo, PageView, Storage, TableTree, WriteTxn, HeaderFields } from '../storage/api.js';
import { openStorage } from '../storage/index.js';
import { isTempRoot, localTempRoot, tempRoot } from '../catalog/temp-root.js';
import { Schema } from '../catalog/schema.js';
import { loadSchema } from '../catalog/schema-store.js';

/** Reads through global roots: temp roots from `temp`, all others (and the header) from `main`. */
export class DualView implements PageView {
  constructor(
    readonly main: PageView,
    readonly temp: PageView,
  ) {}
  openTable(root: number): TableTree {
    return isTempRoot(root) ? this.temp.openTable(localTempRoot(root)) : this.main.openTable(root);
  }
  openIndex(root: number, keyInfo: KeyInfo): IndexTree {
    return isTempRoot(root) ? this.temp.openIndex(localTempRoot(root), keyInfo) : this.main.openIndex(root, keyInfo);
  }
  get header(): Readonly<HeaderFields> {
    return this.main.header;
  }
}

/** One write transaction over main and TEMP together; savepoint tokens are main's. */
export class DualTxn implements WriteTxn {
  /** main savepoint token -> temp savepoint token taken with it. */
  private readonly tokens = new Map<number, number>();
  /** Temp state when this transaction began (savepoints taken before TEMP existed roll back to it). */
  private readonly tempBase: number;

  constructor(
    readonly main: WriteTxn,
    readonly temp: WriteTxn,
  ) {
    this.tempBase = temp.savepoint();
  }

  get header(): HeaderFields {
    return this.main.header;
  }
  get open(): boolean {
    return this.main.open;
  }
  openTable(root: number): TableTree {
    return isTempRoot(root) ? this.temp.openTable(localTempRoot(root)) : this.main.openTable(root);
  }
  openIndex(root: number, keyInfo: KeyInfo): IndexTree {
    return isTempRoot(root) ? this.temp.openIndex(localTempRoot(root), keyInfo) : this.main.openIndex(root, keyInfo);
  }
  createTree(kind: 'table' | 'index'): number {
    return this.main.createTree(kind);
  }
  /** A new tree in the TEMP database; returns its global root. */
  createTempTree(kind: 'table' | 'index'): number {
    return tempRoot(this.temp.createTree(kind));
  }
  dropTree(root: number): void {
    if (isTempRoot(root)) this.temp.dropTree(localTempRoot(root));
    else this.main.dropTree(root);
  }
  savepoint(): number {
    const m = this.main.savepoint();
    this.tokens.set(m, this.temp.savepoint());
    return m;
  }
  rollbackTo(token: number): void {
    this.main.rollbackTo(token);
    this.temp.rollbackTo(this.tokens.get(token) ?? this.tempBase);
  }
  release(token: number): void {
    this.main.release(token);
    const t = this.tokens.get(token);
    if (t !== undefined) this.temp.release(t);
    for (const k of [...this.tokens.keys()]) if (k >= token) this.tokens.delete(k);
  }
  commit(): void {
    try {
      this.main.commit();
    } catch (e) {
      if (this.temp.open) this.temp.rollback();
      throw e;
    }
    this.temp.commit();
  }
  rollback(): void {
    if (this.main.open) this.main.rollback();
    if (this.temp.open) this.temp.rollback();
  }
}

export class TempDatabase {
  readonly storage: Storage = openStorage(':memory:', { readonly: false, fileMustExist: false });
  private readView: DualView | null = null;
  private committed: { cookie: number; schema: Schema } | null = null;
  private merged: { main: Schema; temp: Schema; schema: Schema } | null = null;

  /** The read view over `main` (a storage's read view is a stable object) and TEMP's committed state. */
  view(main: PageView): DualView {
    if (this.readView === null || this.readView.main !== main) this.readView = new DualView(main, this.storage.read());
    return this.readView;
  }

  beginWrite(main: WriteTxn): DualTxn {
    return new DualTxn(main, this.storage.beginWrite());
  }

  /** `main` merged with TEMP's committed schema (cached). */
  committedSchema(main: Schema): Schema {
    const r = this.storage.read();
    const cookie = r.header.schemaCookie;
    if (this.committed === null || this.committed.cookie !== cookie) this.committed = { cookie, schema: loadSchema(r, true) };
    const temp = this.committed.schema;
    if (this.merged === null || this.merged.main !== main || this.merged.temp !== temp) this.merged = { main, temp, schema: Schema.combine(main, temp) };
    return this.merged.schema;
  }

  close(): void {
    this.storage.close();
  }
}

/** The schema seen inside a write transaction (after DDL), TEMP merged in when present. */
export function loadTxnSchema(w: WriteTxn): Schema {
  if (w instanceof DualTxn) return Schema.combine(loadSchema(w.main), loadSchema(w.temp, true));
  return loadSchema(w);
}
