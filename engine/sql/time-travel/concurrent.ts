/**
 * What the commit of a concurrent write transaction (engine/mvcc/concurrent-commit.ts) needs
 * from the schema at its snapshot: the UNIQUE key length of every unique index and WITHOUT
 * ROWID table of the main database, the tables linked by foreign keys, and where sqlite_sequence
 * is. Computed once per Schema.
 */
import type { Schema } from '../../catalog/schema.js';
import type { ConcurrentSchemaInfo } from '../../mvcc/concurrent-commit.js';

const cache = new WeakMap<Schema, ConcurrentSchemaInfo>();

export function concurrentSchemaInfo(schema: Schema): ConcurrentSchemaInfo {
  let i = cache.get(schema);
  if (i) return i;
  const main = schema.part('main') ?? schema;
  const unique = new Map<number, number>();
  for (const t of main.tables.values()) {
    if (!t.temp && t.withoutRowid && t.root > 1) unique.set(t.root, t.primaryKey.length);
  }
  for (const x of main.indexes.values()) {
    if (x.unique && x.root > 1 && !unique.has(x.root)) unique.set(x.root, x.columns.length);
  }
  // foreign keys: a child table and its parent are linked both ways (a concurrent change to either
  // may break the constraint the other transaction checked at its snapshot)
  const fkLinks = new Map<number, Set<number>>();
  const link = (a: number, b: number): void => {
    let s = fkLinks.get(a);
    if (s === undefined) fkLinks.set(a, (s = new Set()));
    s.add(b);
  };
  for (const t of main.tables.values()) {
    if (t.temp || t.root <= 1) continue;
    for (const fk of t.foreignKeys) {
      const p = main.tables.get(fk.parentTable.toLowerCase());
      if (!p || p.root <= 1 || p.root === t.root) continue;
      link(t.root, p.root);
      link(p.root, t.root);
    }
  }
  const seq = main.tables.get('sqlite_sequence');
  i = { unique, sequenceRoot: seq ? seq.root : 0, fkLinks };
  cache.set(schema, i);
  return i;
}
