/** SQLite's truth test for WHERE, ON, HAVING, CASE WHEN and CHECK: NULL and zero are false. */
import type { SqlValue } from '../../common/value.js';
import { toBoolean } from '../semantics/convert.js';

export function toBool(v: SqlValue): boolean {
  if (typeof v === 'number') return v !== 0;
  if (v === null) return false;
  return toBoolean(v) === true;
}
