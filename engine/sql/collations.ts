/** Collation lookup for compilers: undefined means BINARY (the fast path). */
import { sqliteError } from '../common/errors.js';
import type { Collation } from '../common/value.js';
import { findCollation } from './semantics/collation.js';

export function collationFor(name: string | null): Collation | undefined {
  if (name === null) return undefined;
  const u = name.toUpperCase();
  if (u === 'BINARY') return undefined;
  const c = findCollation(name);
  if (!c) throw sqliteError(`no such collation sequence: ${name}`);
  return c;
}
