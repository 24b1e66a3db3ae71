/**
 * Index key comparison: SQLite's record comparison (sqlite3VdbeRecordCompare) over decoded keys,
 * column by column with the KeyInfo's collation and direction (compareValues in value.ts). Only
 * the first `min(a.length, b.length)` columns are compared, so a shorter search key compares
 * equal to every entry it is a prefix of.
 */
import { compareValues, type SqlValue } from '../common/value.js';
import type { KeyInfo } from './api.js';

export function compareKeys(a: readonly SqlValue[], b: readonly SqlValue[], ki: KeyInfo): number {
  const n = a.length < b.length ? a.length : b.length;
  const colls = ki.collations;
  const desc = ki.desc;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    let c: number;
    if (typeof x === 'number' && typeof y === 'number') c = x < y ? -1 : x > y ? 1 : 0;
    else c = compareValues(x, y, colls[i]);
    if (c !== 0) return desc[i] ? -c : c;
  }
  return 0;
}
