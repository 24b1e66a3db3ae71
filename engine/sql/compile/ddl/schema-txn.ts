/**
 * Schema changes of one database (main or TEMP) inside the connection's write transaction:
 * new and dropped trees, sqlite_schema / sqlite_temp_schema rows, the schema cookie. Roots are
 * global (catalog/temp-root.ts) on this side and local to the database in its schema rows.
 */
import { assert } from '../../../common/errors.js';
import { bumpSchemaCookie, deleteSchemaRows, insertSchemaRow, readSchemaRows, updateSchemaRows } from '../../../catalog/schema-store.js';
import { isTempRoot, localTempRoot, tempRoot } from '../../../catalog/temp-root.js';
import type { SchemaRow } from '../../../catalog/types.js';
import type { WriteTxn } from '../../../storage/api.js';
import type { Connection } from '../../connection.js';
import { DualTxn } from '../../temp-database.js';

export class SchemaTxn {
  /** The transaction of this database alone (its own page numbers). */
  private readonly own: WriteTxn;

  constructor(
    /** The connection's transaction: reads and writes rows by global root. */
    readonly tx: WriteTxn,
    readonly temp: boolean,
  ) {
    if (temp) {
      assert(tx instanceof DualTxn, 'TEMP schema change without a TEMP database');
      this.own = tx.temp;
    } else {
      this.own = tx instanceof DualTxn ? tx.main : tx;
    }
  }

  createTree(kind: 'table' | 'index'): number {
    return this.temp ? (this.tx as DualTxn).createTempTree(kind) : this.tx.createTree(kind);
  }

  dropTree(root: number): void {
    this.tx.dropTree(root);
  }

  private toLocal(r: SchemaRow): SchemaRow {
    return this.temp && isTempRoot(r.rootpage) ? { ...r, rootpage: localTempRoot(r.rootpage) } : r;
  }

  private toGlobal(r: SchemaRow): SchemaRow {
    return this.temp && r.rootpage > 0 ? { ...r, rootpage: tempRoot(r.rootpage) } : r;
  }

  insert(row: SchemaRow): void {
    insertSchemaRow(this.own, this.toLocal(row));
  }

  /** Deletes the rows matching `pred`; returns them (global roots). */
  delete(pred: (r: SchemaRow) => boolean): SchemaRow[] {
    return deleteSchemaRows(this.own, (r) => pred(this.toGlobal(r))).map((r) => this.toGlobal(r));
  }

  update(f: (r: SchemaRow) => SchemaRow | null): void {
    updateSchemaRows(this.own, (r) => {
      const n = f(this.toGlobal(r));
      return n ? this.toLocal(n) : null;
    });
  }

  rows(): SchemaRow[] {
    return readSchemaRows(this.own).rows.map((r) => this.toGlobal(r));
  }

  /** Bumps the cookie and reloads the connection's schema. */
  done(conn: Connection): void {
    bumpSchemaCookie(this.own);
    conn.schemaChanged();
  }
}

/** The schema transaction of database `temp ? TEMP : main`, starting the write transaction if needed. */
export function schemaTxn(conn: Connection, temp: boolean): SchemaTxn {
  return new SchemaTxn(conn.ensureWriteTxn(), temp);
}
