/**
 * RecordColumns (storage/api.ts) over an already decoded record: what a snapshot cursor
 * (snapshot-table.ts) hands to column readers for the old versions it substitutes, so that
 * "current state minus changes after S" keeps the byte-level fast paths (SQLite's OP_Column)
 * for the rows it reads from the current B-tree. Each answer is the one the record's bytes
 * would give: serial types per the file format (2.1), integers 0 and 1 as types 8 and 9.
 */
import { Real, type SqlValue } from '../common/value.js';
import type { RecordColumns } from '../storage/api.js';
import { serialType as serialTypeOf } from '../storage/index.js';

export class ValuesColumns implements RecordColumns {
  n = 0;
  private vals: readonly SqlValue[] = [];

  /** Points the reader at `vals` (at most `limit` columns). */
  load(vals: readonly SqlValue[], limit: number): this {
    this.vals = vals;
    this.n = vals.length < limit ? vals.length : limit;
    return this;
  }

  serialType(i: number): number {
    return serialTypeOf(this.vals[i], true);
  }

  smallInt(i: number): number {
    const v = this.vals[i];
    return typeof v === 'number' ? v : 0;
  }

  textLength(i: number): number {
    const v = this.vals[i];
    if (typeof v !== 'string') return -1;
    for (let k = 0; k < v.length; k++) {
      const c = v.charCodeAt(k);
      if (c === 0) return k;
      if (c > 0x7f) return -1;
    }
    return v.length;
  }

  isNaN(i: number): boolean {
    const v = this.vals[i];
    return typeof v === 'number' ? Number.isNaN(v) : v instanceof Real ? Number.isNaN(v.value) : false;
  }
}
