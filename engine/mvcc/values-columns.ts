/**
 * RecordColumns (storage/api.ts) over an already decoded record: what a snapshot cursor
 * (snapshot-table.ts) hands to column readers for the old versions it substitutes, so that
 * "current state minus changes after S" keeps the byte-level fast paths (SQLite's OP_Column)
 * for the rows it reads from the current B-tree. Each answer is the one the record's bytes
 * would give: serial types per the file format (2.1), integers 0 and 1 as types 8 and 9.
 */
import { Real, type SqlValue } from '../common/value.js';
import type { RecordColumns } from '../storage/api.js';

/** Serial type of an integer value (file format 2.1): the smallest that holds it. */
function intSerialType(v: number): number {
  if (v === 0) return 8;
  if (v === 1) return 9;
  if (v >= -128 && v <= 127) return 1;
  if (v >= -32768 && v <= 32767) return 2;
  if (v >= -8388608 && v <= 8388607) return 3;
  if (v >= -2147483648 && v <= 2147483647) return 4;
  if (v >= -140737488355328 && v <= 140737488355327) return 5;
  return 6;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

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
    const v = this.vals[i];
    if (v === null) return 0;
    if (typeof v === 'number') return Number.isSafeInteger(v) ? intSerialType(v) : 7;
    if (typeof v === 'bigint') return 6;
    if (typeof v === 'string') return 13 + 2 * utf8Length(v);
    if (v instanceof Real) return 7;
    return 12 + 2 * v.byteLength;
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
