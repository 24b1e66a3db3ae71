/** Collation lookup for compilers: undefined means BINARY (the fast path). */
import type { Collation } from '../common/value.js';
import { getCollation } from './semantics/collation.js';

export function collationFor(name: string | null): Collation | undefined {
  if (name === null) return undefined;
  const u = name.toUpperCase();
  if (u === 'BINARY') return undefined;
  return getCollation(name); // throws SQLITE_ERROR_MISSING_COLLSEQ
}
