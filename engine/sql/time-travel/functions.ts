/**
 * SQL functions of time travel (per connection):
 *
 *   helios_txn()          number of the last committed write transaction this connection reads
 *                         (for a db.asOf() connection: the last one at its point); 0 before any
 *   helios_commit_time()  that transaction's commit time, 'YYYY-MM-DD HH:MM:SS.ffffff' UTC (NULL before any)
 *   helios_versions('t')  table-valued: every version of every row of t kept in history, columns
 *                         rowid (the rowid, or the primary key as a JSON array for WITHOUT ROWID),
 *                         valid_from / valid_to (commit times; valid_from NULL = since before the
 *                         history began, valid_to NULL = current), txn_from / txn_to (the
 *                         transactions that created and replaced it), data (the row as a JSON
 *                         object; BLOBs as hex text)
 */
import { sqliteError } from '../../common/errors.js';
import { Real, type SqlValue } from '../../common/value.js';
import type { PageView, Rowid } from '../../storage/api.js';
import { decodeRecord, encodeRecord } from '../../storage/index.js';
import type { TableSchema } from '../../catalog/types.js';
import type { ScalarFunctionDef, TableValuedFunctionDef } from '../functions/registry.js';
import type { Connection } from '../connection.js';
import { forEachChangeAfter, metaNumber } from '../../mvcc/history.js';
import { metaTableKey, type HistoryRoots } from '../../mvcc/layout.js';
import { formatMicros } from '../../mvcc/time.js';
import { historyRoots } from './tracked.js';

function jsonValue(v: SqlValue | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Real) return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
  return JSON.stringify(Buffer.from(v).toString('hex'));
}

function rowJson(t: TableSchema, rec: readonly SqlValue[], rowid: Rowid | null): string {
  const parts: string[] = [];
  t.columns.forEach((c, ci) => {
    const v = ci === t.rowidAlias && rowid !== null ? rowid : c.recordIndex >= 0 && c.recordIndex < rec.length ? rec[c.recordIndex] : null;
    parts.push(`${JSON.stringify(c.name)}:${jsonValue(v)}`);
  });
  return `{${parts.join(',')}}`;
}

function decode(u: Uint8Array): SqlValue[] {
  const b = Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  return decodeRecord(b, 0, b.byteLength);
}

/** Commit ts -> txn for every kept commit. */
function txnByTs(view: PageView, roots: HistoryRoots): Map<number, number> {
  const m = new Map<number, number>();
  const c = view.openTable(roots.commits).cursor();
  for (let ok = c.first(); ok; ok = c.next()) m.set(Number(c.record()[1]), Number(c.rowid()));
  return m;
}

function versions(conn: Connection, name: SqlValue): SqlValue[][] {
  if (typeof name !== 'string') throw sqliteError('helios_versions() expects a table name');
  const view = conn.engine.storage.read();
  const schema = conn.engine.schemaOf(view);
  const t = schema.table(name, 'main');
  if (!t || t.temp) throw sqliteError(`no such table: ${name}`);
  const roots = historyRoots(schema);
  const out: SqlValue[][] = [];
  const nPk = t.primaryKey.length;
  const pkOf = (rec: readonly SqlValue[]): string => `[${rec.slice(0, nPk).map(jsonValue).join(',')}]`;
  // key identity -> versions [ts, old] in commit order
  const chains = new Map<Rowid | string, { key: Rowid | null; ts: number[]; olds: (Uint8Array | null)[] }>();
  const txns = roots ? txnByTs(view, roots) : new Map<number, number>();
  if (roots) {
    const since = metaNumber(view, roots, metaTableKey(t.name)) ?? -1;
    forEachChangeAfter(view, roots, t.name, since, (ts, key, old) => {
      const id = key instanceof Uint8Array ? Buffer.from(key).toString('latin1') : key;
      let ch = chains.get(id);
      if (!ch) chains.set(id, (ch = { key: key instanceof Uint8Array ? null : key, ts: [], olds: [] }));
      ch.ts.push(ts);
      ch.olds.push(old);
    });
  }
  const emit = (rowid: SqlValue, rec: readonly SqlValue[], from: number | null, to: number | null) => {
    out.push([
      rowid,
      from === null ? null : formatMicros(from),
      to === null ? null : formatMicros(to),
      from === null ? null : (txns.get(from) ?? null),
      to === null ? null : (txns.get(to) ?? null),
      rowJson(t, rec, typeof rowid === 'string' ? null : (rowid as Rowid)),
    ]);
  };
  const current = new Map<Rowid | string, readonly SqlValue[]>();
  if (!t.withoutRowid) {
    const c = view.openTable(t.root).cursor();
    for (let ok = c.first(); ok; ok = c.next()) current.set(c.rowid(), c.record());
  } else {
    const pk = [...schema.indexes.values()].find((i) => i.table === t.name && i.origin === 'pk' && i.root === t.root);
    if (pk) {
      const c = view.openIndex(t.root, { collations: pk.columns.map(() => undefined), desc: pk.columns.map(() => false) }).cursor();
      for (let ok = c.first(); ok; ok = c.next()) {
        const rec = c.key();
        current.set(Buffer.from(encodeKey(rec.slice(0, nPk))).toString('latin1'), rec);
      }
    }
  }
  for (const [id, ch] of chains) {
    let prev: number | null = null;
    let label: SqlValue = ch.key as SqlValue;
    for (let i = 0; i < ch.ts.length; i++) {
      const old = ch.olds[i];
      if (old !== null) {
        const rec = decode(old);
        if (label === null) label = pkOf(rec);
        emit(label, rec, prev, ch.ts[i]);
      }
      prev = ch.ts[i];
    }
    const cur = current.get(id);
    if (cur !== undefined) {
      if (label === null) label = pkOf(cur);
      emit(label, cur, prev, null);
      current.delete(id);
    }
  }
  for (const [id, rec] of current) emit(typeof id === 'string' ? pkOf(rec) : id, rec, null, null);
  return out;
}

function encodeKey(values: readonly SqlValue[]): Uint8Array {
  return encodeRecord(values);
}

export interface TimeTravelFunctions {
  scalar(name: string, nArgs: number): ScalarFunctionDef | undefined;
  tableValued(name: string): TableValuedFunctionDef | undefined;
  known(name: string): boolean;
}

export function timeTravelFunctions(conn: Connection): TimeTravelFunctions {
  const point = (): { txn: number; ts: number } => conn.readPoint();
  const txn: ScalarFunctionDef = { name: 'helios_txn', nArgs: 0, deterministic: false, impl: () => point().txn };
  const time: ScalarFunctionDef = {
    name: 'helios_commit_time',
    nArgs: 0,
    deterministic: false,
    impl: () => {
      const p = point();
      return p.txn === 0 ? null : formatMicros(p.ts);
    },
  };
  const tvf: TableValuedFunctionDef = {
    name: 'helios_versions',
    columns: ['rowid', 'valid_from', 'valid_to', 'txn_from', 'txn_to', 'data'],
    hidden: ['tbl'],
    rows: (args) => versions(conn, args[0] ?? null),
  };
  return {
    scalar: (name, n) => {
      const l = name.toLowerCase();
      if (n !== 0) return undefined;
      return l === 'helios_txn' ? txn : l === 'helios_commit_time' ? time : undefined;
    },
    tableValued: (name) => (name.toLowerCase() === 'helios_versions' ? tvf : undefined),
    known: (name) => {
      const l = name.toLowerCase();
      return l === 'helios_txn' || l === 'helios_commit_time';
    },
  };
}
