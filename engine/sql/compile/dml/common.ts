/**
 * Pieces shared by the INSERT, UPDATE and DELETE compilers: target resolution, RETURNING, and
 * pseudo-table sources (excluded.*).
 */
import { sqliteError } from '../../../common/errors.js';
import type { SqlValue } from '../../../common/value.js';
import type { TableSchema } from '../../../catalog/types.js';
import { dbNameOf } from '../../../catalog/schema.js';
import type { ResultColumn } from '../../ast.js';
import type { Ev } from '../../exec/runtime.js';
import type { ColumnDescriptor } from '../../session-api.js';
import type { CompileCtx } from '../context.js';
import { compileExpr } from '../expr.js';
import { makeSource, type Scope, type ScopeColumn, type ScopeSource } from '../scope.js';

export function targetTable(cx: CompileCtx, name: string, schemaName: string | null): TableSchema {
  const db = dbNameOf(schemaName);
  if (schemaName && db === null) throw sqliteError(`no such table: ${schemaName}.${name}`);
  const lname = name.toLowerCase();
  if (lname === 'sqlite_master' || lname === 'sqlite_schema' || lname === 'sqlite_temp_master' || lname === 'sqlite_temp_schema') {
    throw sqliteError(`table ${name} may not be modified`);
  }
  const t = cx.schema.table(name, db);
  if (t) return t;
  if (cx.schema.view(name, db)) throw sqliteError(`cannot modify ${name} because it is a view`);
  throw sqliteError(`no such table: ${schemaName ? `${schemaName}.` : ''}${name}`);
}

export interface Returning {
  readonly columns: ColumnDescriptor[];
  readonly evs: Ev[];
}

export function compileReturning(cx: CompileCtx, items: readonly ResultColumn[] | null, scope: Scope, table: TableSchema): Returning | null {
  if (!items) return null;
  const evs: Ev[] = [];
  const columns: ColumnDescriptor[] = [];
  const src = scope.sources[0];
  for (const rc of items) {
    if (rc.kind === 'Star' || rc.kind === 'TableStar') {
      src.columns.forEach((c) => {
        evs.push(c.read);
        columns.push({ name: c.name, column: c.name, table: table.name, database: table.temp ? 'temp' : 'main', type: c.type });
      });
      continue;
    }
    const c = compileExpr(cx, rc.expr, scope);
    evs.push(c.ev);
    const ref = c.column;
    const col = ref && ref.index >= 0 ? ref.source.columns[ref.index] : null;
    const name = rc.alias ?? (rc.expr.kind === 'Column' && col ? col.name : rc.text);
    columns.push({ name, column: col ? col.name : null, table: col ? table.name : null, database: col ? (table.temp ? 'temp' : 'main') : null, type: col ? col.type : null });
  }
  return { columns, evs };
}

export function evalRow(evs: readonly Ev[]): SqlValue[] {
  const out = new Array<SqlValue>(evs.length);
  for (let i = 0; i < evs.length; i++) out[i] = evs[i]();
  return out;
}

/** A pseudo-table whose row (values in the table's column order) is placed in its slot. */
export function pseudoTable(cx: CompileCtx, table: TableSchema, name: string): ScopeSource {
  const rt = cx.rt;
  const slot = rt.allocSlot();
  const cols: ScopeColumn[] = table.columns.map((c, ci) => ({
    name: c.name,
    affinity: c.affinity,
    collation: c.collation,
    type: c.type || null,
    read: () => {
      const r = rt.rows[slot];
      return ci < r.length ? r[ci] : null;
    },
    origin: null,
    hidden: false,
  }));
  const src = makeSource(slot, name, null, cols, () => rt.rowids[slot], table.columns.length);
  src.qualifiedOnly = true;
  return src;
}
