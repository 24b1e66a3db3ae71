/**
 * RETURNING (lang_returning.html), computed as SQLite's codeReturningTrigger does: one output row
 * per changed row, evaluated right after that row was written, as the first AFTER trigger (the
 * TableWriter calls back through `onRow`), so a subquery in RETURNING that reads the target
 * table sees the table as it is at that moment:
 * sqlite3ProcessReturningSubqueries marks such subqueries correlated. Here the caches of the
 * uncorrelated subqueries compiled for such a RETURNING term are cleared before each row
 * instead, which costs nothing when the clause has none. Other subqueries run once, at the
 * first row (OP_Once).
 *
 * The "IntReal" quirk: INSERT and UPDATE hand RETURNING the new row's registers after OP_Affinity
 * / OP_MakeRecord, where an integral value of a REAL-affinity column within 48 bits is an integer
 * flagged MEM_IntReal. RETURNING rows pass through an ephemeral table, which stores that value as
 * an integer; only result expressions whose affinity is REAL get OP_RealAffinity back. So
 * `RETURNING c` gives 2.0 but `RETURNING +c` (or `coalesce(c, 0)`, `CASE ... THEN c END`) gives 2
 * when c is a REAL column holding 2.0. A value computed from c (c + 0, -c, c * 1.0) is a real REAL.
 */
import type { SqlValue } from '../../../common/value.js';
import { Real } from '../../../common/value.js';
import type { TableSchema } from '../../../catalog/types.js';
import type { Expr, ResultColumn } from '../../ast.js';
import type { Ev } from '../../exec/runtime.js';
import { affinityOfType } from '../../semantics/affinity.js';
import type { ColumnDescriptor } from '../../session-api.js';
import type { CompileCtx } from '../context.js';
import { compileExpr } from '../expr.js';
import type { Scope } from '../scope.js';
import type { TableWriter } from './writer.js';
import { astSome } from './ast-walk.js';

export interface Returning {
  readonly columns: ColumnDescriptor[];
  readonly evs: Ev[];
  /** Caches of the clause's subqueries that read the target table (cleared before each row). */
  readonly resets: readonly { reset(): void }[];
}

/**
 * Compiles a RETURNING clause against `scope` (whose first source is the target table).
 * `newRow`: the rows are INSERT/UPDATE results (the IntReal quirk applies), not DELETE ones.
 */
export function compileReturning(cx: CompileCtx, items: readonly ResultColumn[] | null, scope: Scope, table: TableSchema, newRow: boolean): Returning | null {
  if (!items) return null;
  const evs: Ev[] = [];
  const columns: ColumnDescriptor[] = [];
  const src = scope.sources[0];
  const resets: { reset(): void }[] = [];
  for (const rc of items) {
    if (rc.kind === 'Star' || rc.kind === 'TableStar') {
      src.columns.forEach((c) => {
        evs.push(c.read);
        columns.push({ name: c.name, column: c.name, table: table.name, database: table.temp ? 'temp' : 'main', type: c.type });
      });
      continue;
    }
    const firstReset = cx.rt.resets.length;
    const c = compileExpr(cx, rc.expr, scope);
    if (readsTable(rc.expr, table.name)) resets.push(...cx.rt.resets.slice(firstReset));
    let ev = c.ev;
    if (newRow && c.aff !== 'REAL') {
      const cols = passThroughRealColumns(rc.expr, table, src.name);
      if (cols.length > 0) ev = intRealResult(ev, cols.map((ci) => ({ read: src.columns[ci].read, computed: table.columns[ci].generated?.stored === false })));
    }
    evs.push(ev);
    const ref = c.column;
    const col = ref && ref.index >= 0 ? ref.source.columns[ref.index] : null;
    const name = rc.alias ?? (rc.expr.kind === 'Column' && col ? col.name : rc.text);
    columns.push({ name, column: col ? col.name : null, table: col ? table.name : null, database: col ? (table.temp ? 'temp' : 'main') : null, type: col ? col.type : null });
  }
  return { columns, evs, resets };
}

/** Collects the RETURNING rows of a statement: the writer produces one per row it writes (onRow). */
export class ReturningRows {
  private rows: SqlValue[][] = [];

  constructor(writer: TableWriter, r: Returning) {
    const noRowid = writer.table.withoutRowid;
    writer.onRow = (vals, rowid) => {
      writer.position(vals, noRowid ? null : rowid);
      this.rows.push(returningRow(r));
    };
  }

  /** The rows collected since the last call. */
  take(): SqlValue[][] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }
}

/** One RETURNING row for the row now in the target's slot. */
export function returningRow(r: Returning): SqlValue[] {
  const resets = r.resets;
  for (let i = 0; i < resets.length; i++) resets[i].reset();
  const evs = r.evs;
  const out = new Array<SqlValue>(evs.length);
  for (let i = 0; i < evs.length; i++) out[i] = evs[i]();
  return out;
}

/** Range of integers OP_Affinity keeps as MEM_IntReal (6-byte integers). */
const INT_REAL_MAX = 140737488355327;
const INT_REAL_MIN = -140737488355328;

/**
 * A REAL result that is the (integral, 48-bit) value of one of `cols` comes out as an INTEGER.
 * "Is the value of" is identity of the Real box held in the row (so a literal 2.0 chosen by a
 * CASE is not mistaken for a column holding 2.0), or equality for a VIRTUAL column, whose value
 * is computed afresh on each read.
 */
function intRealResult(ev: Ev, cols: readonly { read: () => SqlValue; computed: boolean }[]): Ev {
  return () => {
    const v = ev();
    if (!(v instanceof Real) || v.value > INT_REAL_MAX || v.value < INT_REAL_MIN) return v;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i].read();
      if (c === v || (cols[i].computed && c instanceof Real && c.value === v.value)) return v.value === 0 ? 0 : v.value;
    }
    return v;
  };
}

/** Functions that return one of their arguments unchanged (sqlite3_result_value of an argument). */
const PASS_THROUGH_FUNCTIONS = new Set(['coalesce', 'ifnull', 'iif', 'if', 'nullif', 'likely', 'unlikely', 'likelihood', 'min', 'max']);

/**
 * Target-table columns of REAL affinity whose value the expression may return unchanged:
 * through unary +, COLLATE, CASE results and argument-returning functions.
 */
function passThroughRealColumns(e: Expr, table: TableSchema, alias: string): number[] {
  switch (e.kind) {
    case 'Column': {
      if (e.table !== null && e.table.toLowerCase() !== alias.toLowerCase() && e.table.toLowerCase() !== table.name.toLowerCase()) return [];
      const ci = table.columnIndex.get(e.name.toLowerCase());
      return ci !== undefined && table.columns[ci].affinity === 'REAL' ? [ci] : [];
    }
    case 'Unary':
      return e.op === '+' ? passThroughRealColumns(e.operand, table, alias) : [];
    case 'Collate':
      return passThroughRealColumns(e.expr, table, alias);
    // CAST(x AS NUMERIC) leaves a number as it is: the integer kept in a REAL column (MEM_IntReal)
    // comes out an INTEGER (sqlite3VdbeMemCast)
    case 'Cast':
      return affinityOfType(e.type) === 'NUMERIC' ? passThroughRealColumns(e.expr, table, alias) : [];
    case 'Case': {
      const out: number[] = [];
      for (const w of e.whens) out.push(...passThroughRealColumns(w.then, table, alias));
      if (e.else) out.push(...passThroughRealColumns(e.else, table, alias));
      return out;
    }
    case 'Function': {
      const name = e.name.toLowerCase();
      if (e.over || e.filter || !PASS_THROUGH_FUNCTIONS.has(name)) return [];
      if ((name === 'min' || name === 'max') && e.args.length < 2) return [];
      let args = e.args;
      if (name === 'nullif' || name === 'likelihood') args = args.slice(0, 1);
      else if (name === 'iif' || name === 'if') args = args.slice(1);
      return args.flatMap((a) => passThroughRealColumns(a, table, alias));
    }
    default:
      return [];
  }
}

/** Whether an expression has a subquery whose FROM names `table` (sqlite3ReturningSubqueryCorrelated). */
function readsTable(node: unknown, table: string): boolean {
  const lname = table.toLowerCase();
  return astSome(node, (n) => n.kind === 'TableRef' && typeof n.name === 'string' && n.name.toLowerCase() === lname);
}
