/**
 * The introspection pragmas as row producers, shared by `PRAGMA name(arg)` statements and the
 * `pragma_name(arg)` table-valued functions. Row shapes follow SQLite exactly (pragma.html),
 * because ORMs parse them.
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { Schema } from '../../catalog/schema.js';
import type { TableSchema } from '../../catalog/types.js';
import type { TableValuedFunctionDef } from '../functions/registry.js';
import type { CompileCtx } from './context.js';
import type { ExecHost } from '../exec/runtime.js';
import { tableHashOrder } from '../../catalog/table-hash-order.js';
import { displayType } from '../../catalog/std-type.js';
import { isInternalName } from '../../mvcc/layout.js';

export interface PragmaTable {
  readonly columns: readonly string[];
  /** The argument the pragma takes (named as SQLite's hidden column `arg`), if any. */
  readonly takesArg: boolean;
  /** The argument may be left out (table_list, foreign_key_check: all tables). */
  readonly argOptional?: boolean;
  rows(schema: Schema, arg: SqlValue, host: ExecHost): SqlValue[][];
}

/** PRAGMA foreign_key_check's rows (pragma.ts registers it; it reads table data through the host). */
let foreignKeyCheckRows: ((host: ExecHost, only: string | null) => SqlValue[][]) | null = null;
export function setForeignKeyCheck(f: typeof foreignKeyCheckRows): void {
  foreignKeyCheckRows = f;
}


function tableOrView(schema: Schema, name: string): { table: TableSchema | null; viewCols: string[] | null } | null {
  const t = schema.table(name);
  if (t) return { table: t, viewCols: null };
  return null;
}

function tableInfo(schema: Schema, arg: SqlValue, extended: boolean, host: ExecHost): SqlValue[][] {
  if (typeof arg !== 'string') return [];
  const found = tableOrView(schema, arg);
  if (!found || !found.table) return viewInfo(host, schema, arg, extended);
  const t = found.table;
  const rows: SqlValue[][] = [];
  let cid = 0;
  t.columns.forEach((c) => {
    if (!extended && c.hidden) return;
    const row: SqlValue[] = [cid++, c.name, displayType(c.type), c.notNull ? 1 : 0, c.defaultValue ? c.defaultValue.text : null, c.pk];
    if (extended) row.push(c.hidden);
    rows.push(row);
  });
  return rows;
}

/** Views: columns come from the view's SELECT, compiled on the connection running the pragma (pragma.ts sets this). */
let viewColumns: ((host: ExecHost, schema: Schema, name: string) => { name: string; type: string }[] | null) | null = null;
export function setViewColumnsResolver(f: typeof viewColumns): void {
  viewColumns = f;
}

function viewInfo(host: ExecHost, schema: Schema, name: string, extended: boolean): SqlValue[][] {
  const cols = viewColumns?.(host, schema, name);
  if (!cols) return [];
  return cols.map((c, i) => (extended ? [i, c.name, c.type, 0, null, 0, 0] : [i, c.name, c.type, 0, null, 0]));
}

function indexList(schema: Schema, arg: SqlValue): SqlValue[][] {
  if (typeof arg !== 'string') return [];
  const t = schema.table(arg);
  if (!t) return [];
  const list = [...schema.indexesOf(t.name)];
  if (t.withoutRowid) {
    const pk = [...schema.indexes.values()].find((i) => i.table === t.name && i.origin === 'pk' && i.root === t.root);
    if (pk) list.unshift(pk);
  }
  // SQLite lists the most recently created index first
  return list
    .slice()
    .reverse()
    .map((idx, seq) => [seq, idx.name, idx.unique ? 1 : 0, idx.origin, idx.partial ? 1 : 0]);
}

function indexInfo(schema: Schema, arg: SqlValue, extended: boolean): SqlValue[][] {
  if (typeof arg !== 'string') return [];
  const idx = schema.indexes.get(arg.toLowerCase());
  if (!idx) {
    // SQLite also accepts a WITHOUT ROWID table name here (its primary key index)
    return [];
  }
  const t = schema.table(idx.table)!;
  const rows: SqlValue[][] = idx.columns.map((c, i) => {
    const name = c.column >= 0 ? t.columns[c.column].name : null;
    const cid = c.column >= 0 ? c.column : c.column === -1 ? -1 : -2;
    return extended ? [i, cid, name, c.desc ? 1 : 0, c.collation, 1] : [i, cid, name];
  });
  if (extended) {
    if (!t.withoutRowid) rows.push([rows.length, -1, null, 0, 'BINARY', 0]);
    else {
      for (const pk of t.primaryKey) {
        if (idx.columns.some((c) => c.column === pk)) continue;
        rows.push([rows.length, pk, t.columns[pk].name, 0, t.columns[pk].collation, 0]);
      }
      if (idx.origin === 'pk') {
        t.columns.forEach((c, ci) => {
          if (t.primaryKey.includes(ci) || c.recordIndex < 0) return;
          rows.push([rows.length, ci, c.name, 0, c.collation, 0]);
        });
      }
    }
  }
  return rows;
}

function foreignKeyList(schema: Schema, arg: SqlValue): SqlValue[][] {
  if (typeof arg !== 'string') return [];
  const t = schema.table(arg);
  if (!t) return [];
  const rows: SqlValue[][] = [];
  for (const fk of t.foreignKeys) {
    fk.from.forEach((c, seq) => {
      rows.push([fk.id, seq, fk.parentTable, t.columns[c].name, fk.to ? fk.to[seq] ?? null : null, fk.onUpdate, fk.onDelete, fk.match]);
    });
  }
  return rows;
}

/** The tables and views of each database in SQLite's table-hash order (table-hash-order.ts). */
export function tablesInHashOrder(schema: Schema): { db: 'main' | 'temp'; name: string; table: TableSchema | null }[] {
  const out: { db: 'main' | 'temp'; name: string; table: TableSchema | null }[] = [];
  for (const db of ['main', 'temp'] as const) {
    const part = schema.part(db);
    const master = db === 'main' ? 'sqlite_master' : 'sqlite_temp_master';
    // heliosdb's internal tables (_helios_*) are not the application's: the order is the one
    // SQLite gives the application's own schema
    const names = [master, ...(part ? part.rows.filter((r) => (r.type === 'table' || r.type === 'view') && !(db === 'main' && isInternalName(r.name))).map((r) => r.name) : [])];
    for (const name of tableHashOrder(names)) {
      out.push({ db, name, table: name === master ? null : part?.tables.get(name.toLowerCase()) ?? null });
    }
  }
  return out;
}

function tableList(schema: Schema, arg: SqlValue, host: ExecHost): SqlValue[][] {
  const rows: SqlValue[][] = [];
  const want = typeof arg === 'string' ? arg.toLowerCase() : null;
  for (const { db, name, table: t } of tablesInHashOrder(schema)) {
    const shown = name === 'sqlite_master' ? 'sqlite_schema' : name === 'sqlite_temp_master' ? 'sqlite_temp_schema' : name;
    if (want && shown.toLowerCase() !== want && name.toLowerCase() !== want) continue;
    if (t) {
      rows.push([db, t.name, 'table', t.columns.length, t.withoutRowid ? 1 : 0, t.strict ? 1 : 0]);
      continue;
    }
    if (shown !== name) {
      rows.push([db, shown, 'table', 5, 0, 0]);
      continue;
    }
    const part = schema.part(db);
    const v = part?.views.get(name.toLowerCase());
    if (v) rows.push([db, v.name, 'view', viewColumns?.(host, schema, v.name)?.length ?? 0, 0, 0]);
    else if (part?.virtualTables.has(name.toLowerCase())) rows.push([db, name, 'virtual', 0, 0, 0]);
  }
  return rows;
}

export const PRAGMA_TABLES: Record<string, PragmaTable> = {
  table_info: { columns: ['cid', 'name', 'type', 'notnull', 'dflt_value', 'pk'], takesArg: true, rows: (s, a, h) => tableInfo(s, a, false, h) },
  table_xinfo: { columns: ['cid', 'name', 'type', 'notnull', 'dflt_value', 'pk', 'hidden'], takesArg: true, rows: (s, a, h) => tableInfo(s, a, true, h) },
  index_list: { columns: ['seq', 'name', 'unique', 'origin', 'partial'], takesArg: true, rows: indexList },
  index_info: { columns: ['seqno', 'cid', 'name'], takesArg: true, rows: (s, a) => indexInfo(s, a, false) },
  index_xinfo: { columns: ['seqno', 'cid', 'name', 'desc', 'coll', 'key'], takesArg: true, rows: (s, a) => indexInfo(s, a, true) },
  foreign_key_list: { columns: ['id', 'seq', 'table', 'from', 'to', 'on_update', 'on_delete', 'match'], takesArg: true, rows: foreignKeyList },
  table_list: { columns: ['schema', 'name', 'type', 'ncol', 'wr', 'strict'], takesArg: true, argOptional: true, rows: tableList },
  database_list: { columns: ['seq', 'name', 'file'], takesArg: false, rows: () => [] },
  collation_list: { columns: ['seq', 'name'], takesArg: false, rows: () => [[0, 'RTRIM'], [1, 'NOCASE'], [2, 'BINARY']] },
};

/** `pragma_xxx(...)` as a table-valued function. */
export function pragmaTableFunction(cx: CompileCtx, name: string): TableValuedFunctionDef | undefined {
  const schema = cx.schema;
  if (name === 'foreign_key_check') {
    return {
      name: 'pragma_foreign_key_check',
      columns: ['table', 'rowid', 'parent', 'fkid'],
      hidden: ['arg', 'schema'],
      rows: (args) => foreignKeyCheckRows!(cx.rt.host, typeof args[0] === 'string' ? args[0] : null),
    };
  }
  if (name === 'schema_version' || name === 'user_version' || name === 'application_id') {
    const field = name === 'schema_version' ? 'schemaCookie' : name === 'user_version' ? 'userVersion' : 'applicationId';
    return { name: `pragma_${name}`, columns: [name], hidden: ['schema'], rows: () => [[cx.rt.host.view().header[field]]] };
  }
  const p = PRAGMA_TABLES[name];
  if (!p) return undefined;
  return {
    name: `pragma_${name}`,
    columns: p.columns,
    hidden: p.takesArg ? ['arg', 'schema'] : ['schema'],
    rows: (args) => {
      if (p.takesArg && !p.argOptional && args.length === 0) throw sqliteError(`pragma_${name}() requires an argument`);
      return p.rows(schema, args[0] ?? null, cx.rt.host);
    },
  };
}
