/**
 * PRAGMA statements (pragma.html) with SQLite's row shapes: a value pragma read returns one row
 * named after the pragma; an assignment returns no rows, except those SQLite answers with the
 * new value (journal_mode, busy_timeout, ...). Unknown pragmas are silently ignored, as in SQLite.
 */
import { sqliteError } from '../../common/errors.js';
import { compareValues, type SqlValue } from '../../common/value.js';
import type { PragmaStmt } from '../ast.js';
import type { Connection } from '../connection.js';
import type { ColumnDescriptor } from '../session-api.js';
import type { CompileCtx } from './context.js';
import type { RunPlan } from './statement.js';
import { PRAGMA_TABLES, setForeignKeyCheck, setViewColumnsResolver, tablesInHashOrder } from './pragma-functions.js';
import { toText } from '../semantics/convert.js';
import { keyInfoFor } from './access-path.js';
import { bindTableSource } from './table-source.js';
import { applyAffinity } from '../semantics/affinity.js';
import type { Schema } from '../../catalog/schema.js';
import { compileSelectStmt } from './select.js';
import { makeCtx } from './statement.js';
import { vectorPragma } from '../../vector/pragma.js'; // vector: hnsw_ef_search
import { heliosPragma } from '../time-travel/pragma.js'; // heliosdb MVCC: helios_retention, helios_gc
import { uniqueColumnNames } from './column-names.js';
import { affinityOfType, type Affinity } from '../semantics/affinity.js';
import { affinityTypeName } from '../../catalog/std-type.js';

const COMPILE_OPTIONS = [
  'ATOMIC_INTRINSICS=1', 'COMPILER=gcc-12.2.0', 'DEFAULT_AUTOVACUUM', 'DEFAULT_CACHE_SIZE=-16000', 'DEFAULT_FILE_FORMAT=4',
  'DEFAULT_FOREIGN_KEYS', 'DEFAULT_JOURNAL_SIZE_LIMIT=-1', 'DEFAULT_MEMSTATUS=0', 'DEFAULT_MMAP_SIZE=0', 'DEFAULT_PAGE_SIZE=4096',
  'DEFAULT_PCACHE_INITSZ=20', 'DEFAULT_RECURSIVE_TRIGGERS', 'DEFAULT_SECTOR_SIZE=4096', 'DEFAULT_SYNCHRONOUS=2',
  'DEFAULT_WAL_AUTOCHECKPOINT=1000', 'DEFAULT_WAL_SYNCHRONOUS=1', 'DEFAULT_WORKER_THREADS=0', 'DIRECT_OVERFLOW_READ', 'DQS=0',
  'ENABLE_COLUMN_METADATA', 'ENABLE_MATH_FUNCTIONS', 'ENABLE_PERCENTILE', 'ENABLE_UPDATE_DELETE_LIMIT', 'LIKE_DOESNT_MATCH_BLOBS',
  'MAX_ATTACHED=10', 'MAX_COLUMN=2000', 'MAX_COMPOUND_SELECT=500', 'MAX_DEFAULT_PAGE_SIZE=8192', 'MAX_EXPR_DEPTH=1000',
  'MAX_FUNCTION_ARG=1000', 'MAX_LENGTH=1000000000', 'MAX_LIKE_PATTERN_LENGTH=50000', 'MAX_PAGE_COUNT=0xfffffffe', 'MAX_PAGE_SIZE=65536',
  'MAX_SQL_LENGTH=1000000000', 'MAX_TRIGGER_DEPTH=1000', 'MAX_VARIABLE_NUMBER=32766', 'OMIT_DEPRECATED', 'OMIT_SHARED_CACHE',
  'SOUNDEX', 'TEMP_STORE=1', 'THREADSAFE=2',
];

function col(name: string): ColumnDescriptor {
  return { name, column: null, table: null, database: null, type: null };
}

/** The pragma's argument as SQLite reads it: identifiers and strings as text, numbers as numbers. */
function argValue(cx: CompileCtx, stmt: PragmaStmt): SqlValue {
  const v = stmt.value;
  if (!v) return null;
  if (v.kind === 'Column') return v.name;
  if (v.kind === 'Literal') return v.value;
  if (v.kind === 'Unary' && v.op === '-' && v.operand.kind === 'Literal') {
    const x = v.operand.value;
    return typeof x === 'number' ? -x : typeof x === 'bigint' ? -x : x;
  }
  if (v.kind === 'Unary' && v.op === '+' && v.operand.kind === 'Literal') return v.operand.value;
  void cx;
  throw sqliteError(`near "${stmt.name}": syntax error`);
}

function boolArg(v: SqlValue): boolean {
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  const s = String(toText(v) ?? '').toLowerCase();
  if (['on', 'yes', 'true', 'full'].includes(s)) return true;
  if (['off', 'no', 'false', 'none'].includes(s)) return false;
  const n = Number(s);
  return Number.isFinite(n) && n !== 0;
}

function intArg(v: SqlValue): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'bigint') return Number(v);
  const n = parseInt(String(toText(v) ?? '0'), 10);
  return Number.isFinite(n) ? n : 0;
}

setViewColumnsResolver((host, schema, v) => viewColumnsOf(host as Connection, schema, v));

export function compilePragma(cx: CompileCtx, conn: Connection, stmt: PragmaStmt): RunPlan {
  const name = stmt.name.toLowerCase();
  const arg = argValue(cx, stmt);
  const has = stmt.value !== null;
  const rows = (c: string, r: SqlValue[][], write = false): RunPlan => ({ columns: [col(c)], write, run: () => r.map((x) => x.slice()) });
  const lazy = (c: string, f: () => SqlValue[][], write = false): RunPlan => ({ columns: [col(c)], write, run: f });
  const none = (f: () => void, write = false): RunPlan => ({ columns: [], write, run: () => (f(), []) });
  const storage = conn.engine.storage;
  const table = PRAGMA_TABLES[name];
  if (table) {
    if (table.takesArg && !has && name !== 'table_list') return { columns: [], write: false, run: () => [] };
    return { columns: table.columns.map(col), write: false, run: () => table.rows(conn.schema(), arg, conn) };
  }
  switch (name) {
    case 'foreign_keys':
      if (has) return none(() => {
        if (!conn.inTransaction) conn.pragmas.foreignKeys = boolArg(arg);
      });
      return lazy('foreign_keys', () => [[conn.pragmas.foreignKeys ? 1 : 0]]);
    case 'recursive_triggers':
    case 'case_sensitive_like':
    case 'defer_foreign_keys':
    case 'read_uncommitted': {
      const key = ({ recursive_triggers: 'recursiveTriggers', case_sensitive_like: 'caseSensitiveLike', defer_foreign_keys: 'deferForeignKeys', read_uncommitted: 'readUncommitted' } as const)[name];
      if (has) return none(() => void (conn.pragmas[key] = boolArg(arg)));
      if (name === 'case_sensitive_like') return { columns: [], write: false, run: () => [] };
      return lazy(name, () => [[conn.pragmas[key] ? 1 : 0]]);
    }
    case 'user_version':
    case 'application_id':
    case 'schema_version': {
      const field = name === 'user_version' ? 'userVersion' : name === 'application_id' ? 'applicationId' : 'schemaCookie';
      if (has) {
        cx.writes = true;
        return { columns: [], write: true, run: () => (((conn.ensureWriteTxn().header as unknown as Record<string, number>)[field] = intArg(arg) | 0), []) };
      }
      return lazy(name, () => [[(conn.view().header as unknown as Record<string, number>)[field]]]);
    }
    case 'journal_mode': {
      if (has) return lazy('journal_mode', () => {
        const m = String(toText(arg) ?? '').toLowerCase();
        if (!['delete', 'truncate', 'persist', 'memory', 'wal', 'off'].includes(m)) return [[conn.memory ? 'memory' : conn.pragmas.journalMode]];
        if (!conn.memory || m === 'off') conn.pragmas.journalMode = m;
        return [[conn.memory ? (m === 'off' ? 'off' : 'memory') : m]];
      });
      return lazy('journal_mode', () => [[conn.memory ? 'memory' : conn.pragmas.journalMode]]);
    }
    case 'synchronous':
      if (has) return none(() => {
        const s = String(toText(arg) ?? '').toLowerCase();
        const lv = ({ off: 0, normal: 1, full: 2, extra: 3 } as Record<string, number>)[s] ?? Math.max(0, Math.min(3, intArg(arg)));
        storage.synchronous = lv as 0 | 1 | 2 | 3;
      });
      return lazy('synchronous', () => [[storage.synchronous]]);
    case 'busy_timeout':
      if (has) return lazy('timeout', () => ((conn.pragmas.busyTimeout = Math.max(0, intArg(arg))), [[conn.pragmas.busyTimeout]]));
      return lazy('timeout', () => [[conn.pragmas.busyTimeout]]);
    case 'cache_size':
      if (has) return none(() => void (storage.cacheSize = intArg(arg)));
      return lazy('cache_size', () => [[storage.cacheSize]]);
    case 'page_size':
      if (has) return none(() => {});
      return lazy('page_size', () => [[conn.view().header.pageSize]]);
    case 'page_count':
      return lazy('page_count', () => [[conn.view().header.pageCount]]);
    case 'freelist_count':
      return lazy('freelist_count', () => [[conn.view().header.freelistCount]]);
    case 'max_page_count':
      return lazy('max_page_count', () => [[4294967294]]);
    case 'encoding':
      return rows('encoding', [['UTF-8']]);
    case 'auto_vacuum':
      if (has) return none(() => {});
      return lazy('auto_vacuum', () => [[conn.view().header.autoVacuum]]);
    case 'temp_store':
      if (has) return none(() => {});
      return rows('temp_store', [[0]]);
    case 'locking_mode':
      return rows('locking_mode', [['normal']]);
    case 'wal_autocheckpoint':
      if (has) return lazy('wal_autocheckpoint', () => ((storage.walAutocheckpoint = intArg(arg)), [[storage.walAutocheckpoint]]));
      return lazy('wal_autocheckpoint', () => [[storage.walAutocheckpoint]]);
    case 'wal_checkpoint': {
      const mode = (has ? String(toText(arg) ?? 'PASSIVE') : 'PASSIVE').toUpperCase() as 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE';
      return {
        columns: ['busy', 'log', 'checkpointed'].map(col),
        write: false,
        run: () => {
          if (conn.memory) return [[0, -1, -1]];
          if (storage.writeTxnOpen) return [[1, -1, -1]];
          return [storage.checkpoint(['PASSIVE', 'FULL', 'RESTART', 'TRUNCATE'].includes(mode) ? mode : 'PASSIVE')];
        },
      };
    }
    case 'data_version':
      return lazy('data_version', () => [[1]]);
    case 'mmap_size':
      return rows('mmap_size', [[0]]);
    case 'compile_options':
      return rows('compile_options', COMPILE_OPTIONS.map((o) => [o]));
    case 'integrity_check':
    case 'quick_check':
      return lazy(name, () => integrityCheck(conn, cx, has ? intArg(arg) : 100));
    case 'foreign_key_check':
      return { columns: ['table', 'rowid', 'parent', 'fkid'].map(col), write: false, run: () => foreignKeyCheck(conn, has && typeof arg === 'string' ? arg : null) };
    case 'optimize':
    case 'shrink_memory':
    case 'incremental_vacuum':
      return { columns: [], write: false, run: () => [] };
    case 'key':
    case 'rekey':
      throw sqliteError('encryption is not available yet in heliosdb-lite');
    default:
      // vector: PRAGMA hnsw_ef_search (engine/vector/pragma.ts)
      if (name === 'hnsw_ef_search') return vectorPragma(conn, name, arg, has)!;
      // heliosdb MVCC: PRAGMA helios_retention / helios_gc (time-travel/pragma.ts)
      if (name.startsWith('helios_')) return heliosPragma(conn, name, arg, has);
      // SQLite ignores unknown pragmas
      return { columns: [], write: false, run: () => [] };
  }
}

/**
 * A view column's type as PRAGMA table_info shows it (sqlite3SubqueryColumnTypes): the declared
 * type of the column it reads when that agrees with the column's affinity, else the standard
 * type name of the affinity ("NUM" for NUMERIC; none for an expression without affinity).
 */
function viewColumnType(declared: string | null, affinity: Affinity | null): string {
  if (declared && affinity !== null && affinityOfType(declared) === affinity) return declared;
  return affinityTypeName(affinity, 'BLOB');
}

function viewColumnsOf(conn: Connection, schema: Schema, name: string): { name: string; type: string }[] | null {
  const v = schema.views.get(name.toLowerCase());
  if (!v) return null;
  try {
    const cx = makeCtx(conn, schema);
    const plan = compileSelectStmt(cx, v.select, null);
    const names = uniqueColumnNames(plan.columns.map((c, i) => v.columnNames?.[i] ?? c.name));
    return plan.columns.map((c, i) => ({ name: names[i], type: viewColumnType(c.type ?? null, c.affinity) }));
  } catch {
    return null;
  }
}

function integrityCheck(conn: Connection, cx: CompileCtx, maxErrors: number): SqlValue[][] {
  // the main database's trees (TEMP objects live in another storage; a healthy TEMP database
  // adds nothing to SQLite's answer)
  const whole = conn.schema();
  const schema = whole.part('main') ?? whole;
  const trees: { root: number; kind: 'table' | 'index'; keyInfo?: ReturnType<typeof keyInfoFor>; name: string }[] = [{ root: 1, kind: 'table', name: 'sqlite_schema' }];
  for (const t of schema.tables.values()) {
    if (t.withoutRowid) {
      const pk = [...schema.indexes.values()].find((i) => i.table === t.name && i.origin === 'pk' && i.root === t.root);
      trees.push({ root: t.root, kind: 'index', keyInfo: pk ? keyInfoFor(cx, t, pk) : undefined, name: t.name });
    } else trees.push({ root: t.root, kind: 'table', name: t.name });
    for (const idx of schema.indexesOf(t.name)) trees.push({ root: idx.root, kind: 'index', keyInfo: keyInfoFor(cx, t, idx), name: idx.name });
  }
  const problems = conn.engine.storage.integrityCheck(trees, Math.max(1, maxErrors));
  // row counts of tables versus their indexes
  if (problems.length < maxErrors) {
    const view = conn.view();
    for (const t of schema.tables.values()) {
      if (t.withoutRowid) continue;
      const n = view.openTable(t.root).count();
      for (const idx of schema.indexesOf(t.name)) {
        if (idx.partial) continue;
        const m = view.openIndex(idx.root, keyInfoFor(cx, t, idx)).count();
        if (m !== n) problems.push(`wrong # of entries in index ${idx.name}`);
      }
    }
  }
  return problems.length ? problems.slice(0, maxErrors).map((p) => [p]) : [['ok']];
}

setForeignKeyCheck((host, only) => foreignKeyCheck(host as Connection, only));

function foreignKeyCheck(conn: Connection, only: string | null): SqlValue[][] {
  const schema = conn.schema();
  const out: SqlValue[][] = [];
  const cx = makeCtx(conn, schema);
  const view = conn.view();
  // tables in the order SQLite's schema hash lists them
  const tables = tablesInHashOrder(schema).flatMap((e) => (e.table ? [e.table] : []));
  for (const t of tables) {
    if (only && t.name.toLowerCase() !== only.toLowerCase()) continue;
    if (t.foreignKeys.length === 0) continue;
    const slot = cx.rt.allocSlot();
    const src = bindTableSource(cx, t, t.name, slot);
    const cur = view.openTable(t.root).cursor();
    // foreign keys are reported in declaration order, by their id
    const fks = [...t.foreignKeys].sort((a, b) => b.id - a.id);
    for (let ok = cur.first(); ok; ok = cur.next()) {
      cx.rt.rows[slot] = cur.record();
      cx.rt.rowids[slot] = cur.rowid();
      for (const fk of fks) {
        const key = fk.from.map((c) => src.columns[c].read());
        if (key.some((v) => v === null)) continue;
        const parent = schema.table(fk.parentTable);
        if (!parent) {
          out.push([t.name, cur.rowid(), fk.parentTable, fk.id]);
          continue;
        }
        const pcols = fk.to ? fk.to.map((n) => parent.columnIndex.get(n.toLowerCase()) ?? -1) : parent.primaryKey;
        if (!hasParent(cx, view, parent, pcols, key)) out.push([t.name, cur.rowid(), parent.name, fk.id]);
      }
    }
  }
  return out;
}

function hasParent(cx: CompileCtx, view: ReturnType<Connection['view']>, parent: import('../../catalog/types.js').TableSchema, pcols: readonly number[], key: SqlValue[]): boolean {
  const vals = key.map((v, i) => applyAffinity(v, parent.columns[pcols[i]]?.affinity ?? 'BLOB'));
  if (pcols.length === 1 && pcols[0] === parent.rowidAlias) {
    const v = vals[0];
    return (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'bigint' ? view.openTable(parent.root).get(v) !== undefined : false;
  }
  const matches = (rec: readonly SqlValue[], rowid: () => SqlValue): boolean =>
    pcols.every((c, i) => {
      const ri = parent.columns[c]?.recordIndex ?? -1;
      const pv = c === parent.rowidAlias ? rowid() : ri >= 0 && ri < rec.length ? rec[ri] : null;
      return pv !== null && compareValues(pv, vals[i]) === 0;
    });
  if (parent.withoutRowid) {
    // the table is its PRIMARY KEY index: records hold the key columns first (recordIndex)
    const pk = [...cx.schema.indexes.values()].find((i) => i.table === parent.name && i.origin === 'pk' && i.root === parent.root);
    if (!pk) return false;
    const cur = view.openIndex(parent.root, keyInfoFor(cx, parent, pk)).cursor();
    for (let ok = cur.first(); ok; ok = cur.next()) if (matches(cur.key(), () => null)) return true;
    return false;
  }
  const cur = view.openTable(parent.root).cursor();
  for (let ok = cur.first(); ok; ok = cur.next()) if (matches(cur.record(), () => cur.rowid())) return true;
  return false;
}
