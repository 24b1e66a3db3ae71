/**
 * Table-valued functions in FROM: json_each/json_tree, pragma_* functions and user-defined
 * tables (db.table()). Arguments may reference earlier FROM items (correlated, as in
 * `FROM sqlite_master m, pragma_table_info(m.name) p`), so they are evaluated at every open.
 * The function's arguments are also visible as its hidden columns.
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { TableFunctionRef } from '../ast.js';
import type { TableValuedFunctionDef } from '../functions/registry.js';
import type { Ev, Op, Runtime } from '../exec/runtime.js';
import type { CompileCtx } from './context.js';
import { compileExpr } from './expr.js';
import { makeSource, type Scope, type ScopeColumn, type ScopeSource } from './scope.js';
import { pragmaTableFunction } from './pragma-functions.js';

class TableFunctionOp implements Op {
  private it: Iterator<readonly SqlValue[]> | null = null;
  constructor(
    private readonly rt: Runtime,
    private readonly slot: number,
    private readonly def: TableValuedFunctionDef,
    /** One closure per argument position; null for a position nothing constrains. */
    private readonly args: readonly (Ev | null)[],
    private readonly nCols: number,
  ) {}
  open(): void {
    const args = this.args.map((a) => (a ? a() : null));
    this.argVals = args;
    this.it = this.def.rows(args, this.rt.host.fctx)[Symbol.iterator]();
  }
  private argVals: SqlValue[] = [];
  next(): boolean {
    const r = this.it!.next();
    if (r.done) return false;
    const row = r.value;
    // append the argument values as the hidden columns
    if (row.length >= this.nCols) this.rt.rows[this.slot] = row;
    else {
      const full = [...row, ...this.argVals];
      while (full.length < this.nCols) full.push(null);
      this.rt.rows[this.slot] = full;
    }
    this.rt.rowids[this.slot] = null;
    return true;
  }
  close(): void {
    this.it?.return?.();
    this.it = null;
  }
}

export interface TableFunctionBinding {
  readonly source: ScopeSource;
  /** The op with the explicit arguments only. */
  readonly op: Op;
  /** Index in source.columns of the first hidden (parameter) column. */
  readonly hiddenStart: number;
  readonly nExplicit: number;
  /** An op whose arguments also take values from WHERE terms on hidden columns (by hidden index). */
  withConstraints(extra: ReadonlyMap<number, Ev>): Op;
}

export function tableFunctionSource(cx: CompileCtx, item: TableFunctionRef, scope: Scope, given?: TableValuedFunctionDef): TableFunctionBinding {
  const name = item.name;
  const lname = name.toLowerCase();
  let def: TableValuedFunctionDef | undefined = given;
  if (!def && lname.startsWith('pragma_')) def = pragmaTableFunction(cx, lname.slice(7));
  if (!def) def = cx.functions.tableValued(name);
  if (!def) throw sqliteError(`no such table: ${name}`);
  if (item.args.length > def.hidden.length) {
    throw sqliteError(`too many arguments on ${name}() - max ${def.hidden.length}`);
  }
  const rt = cx.rt;
  const slot = rt.allocSlot();
  const args = item.args.map((a) => compileExpr(cx, a, scope).ev);
  const all = [...def.columns, ...def.hidden];
  const cols: ScopeColumn[] = all.map((c, i) => ({
    name: c,
    affinity: null,
    collation: 'BINARY',
    type: null,
    read: () => {
      const r = rt.rows[slot];
      return i < r.length ? r[i] : null;
    },
    origin: null,
    hidden: i >= def!.columns.length,
  }));
  const source = makeSource(slot, item.alias ?? name, null, cols, null, all.length);
  const d = def;
  return {
    source,
    op: new TableFunctionOp(rt, slot, def, args, all.length),
    hiddenStart: def.columns.length,
    nExplicit: args.length,
    withConstraints: (extra) => {
      const full: (Ev | null)[] = [...args];
      for (const [h, ev] of extra) {
        while (full.length <= h) full.push(null);
        if (full[h] === null) full[h] = ev;
      }
      return new TableFunctionOp(rt, slot, d, full, all.length);
    },
  };
}
