/**
 * What the commit of a concurrent write transaction (engine/mvcc/concurrent-commit.ts) needs
 * from a schema: the UNIQUE key length of every unique index and WITHOUT ROWID table of the main
 * database, the tables some foreign key references, how each index entry names its row, and
 * where sqlite_sequence is. Computed once per Schema.
 */
import type { Schema } from '../../catalog/schema.js';
import type { IndexSchema, TableSchema } from '../../catalog/types.js';
import type { KeyInfo } from '../../storage/api.js';
import type { ConcurrentSchemaInfo, EntryRow } from '../../mvcc/concurrent-commit.js';
import { collationFor } from '../collations.js';

/** How index `idx` of `table` orders its entries (as compile/access-path.ts keyInfoFor, without a compile context). */
export function indexKeyInfo(table: TableSchema, idx: IndexSchema): KeyInfo {
  const collations = idx.columns.map((c) => collationFor(c.collation));
  const desc = idx.columns.map((c) => c.desc);
  if (table.withoutRowid) {
    for (const pk of table.primaryKey) {
      if (idx.origin === 'pk') break;
      if (idx.columns.some((c) => c.column === pk)) continue;
      collations.push(collationFor(table.columns[pk].collation));
      desc.push(false);
    }
  } else {
    collations.push(undefined);
    desc.push(false);
  }
  return { collations, desc };
}

const cache = new WeakMap<Schema, ConcurrentSchemaInfo>();

export function concurrentSchemaInfo(schema: Schema): ConcurrentSchemaInfo {
  let i = cache.get(schema);
  if (i) return i;
  const main = schema.part('main') ?? schema;
  const unique = new Map<number, number>();
  const entryRows = new Map<number, EntryRow>();
  const keyInfos = new Map<number, KeyInfo>();
  for (const t of main.tables.values()) {
    if (t.temp || t.root <= 1 || !t.withoutRowid) continue;
    unique.set(t.root, t.primaryKey.length);
    entryRows.set(t.root, { table: t.root, pk: t.primaryKey.map((_, k) => k) });
  }
  for (const x of main.indexes.values()) {
    if (x.root <= 1) continue;
    if (x.unique && !unique.has(x.root)) unique.set(x.root, x.columns.length);
    const t = main.tables.get(x.table.toLowerCase());
    if (!t || t.temp || t.root <= 1) continue;
    if (!keyInfos.has(x.root)) {
      try {
        keyInfos.set(x.root, indexKeyInfo(t, x));
      } catch {
        // an unknown collation: this index cannot be replayed here (the commit conflicts instead)
      }
    }
    if (entryRows.has(x.root)) continue;
    if (!t.withoutRowid) {
      entryRows.set(x.root, { table: t.root, pk: null });
      continue;
    }
    // a secondary index of a WITHOUT ROWID table: its columns, then the PK columns not among them
    const pk: number[] = [];
    let suffix = x.columns.length;
    for (const p of t.primaryKey) {
      const at = x.columns.findIndex((c) => c.column === p);
      pk.push(at >= 0 ? at : suffix++);
    }
    entryRows.set(x.root, { table: t.root, pk });
  }
  const fkParents = new Set<number>();
  for (const t of main.tables.values()) {
    if (t.temp || t.root <= 1) continue;
    for (const fk of t.foreignKeys) {
      const p = main.tables.get(fk.parentTable.toLowerCase());
      if (p && p.root > 1) fkParents.add(p.root);
    }
  }
  const seq = main.tables.get('sqlite_sequence');
  i = { unique, sequenceRoot: seq ? seq.root : 0, fkParents, entryRows, keyInfos };
  cache.set(schema, i);
  return i;
}
