/**
 * Monomorphic fast paths for the expression shapes that dominate scans: a stored column compared
 * with a literal or a parameter (`c > ?`, `a = 5`), integer arithmetic of a column and a literal
 * (`a % 3`), and a comparison of any expression with a numeric literal (`a % 3 = 0`).
 *
 * Each generic closure calls its operands through closures shared by every compiled statement,
 * so V8 cannot inline them; the closures built here read the runtime registers directly and fall
 * back to the generic path (with the same operands) whenever a value is not a plain number, so
 * their results are exactly the generic ones.
 */
import { Real, type SqlValue } from '../../common/value.js';
import type { Ev, Runtime } from '../exec/runtime.js';
import type { Compiled, ScopeSource } from './scope.js';

/** Literal closures and their values (set by compileExpr's Literal case). */
const literals = new WeakMap<Ev, SqlValue>();
/** Parameter closures and their 0-based index (set by compileExpr's Param case). */
const params = new WeakMap<Ev, number>();

export function noteLiteral(ev: Ev, v: SqlValue): void {
  literals.set(ev, v);
}

export function noteParam(ev: Ev, index: number): void {
  params.set(ev, index);
}

/** The value of a literal operand, or undefined. */
export function literalOf(c: Compiled): SqlValue | undefined {
  return literals.get(c.ev);
}

/**
 * Where a bare column of a base table is read from: `rt.rows[slot][ri]` (ri >= 0; a shorter
 * record falls back to the generic reader, which supplies the column's default) or
 * `rt.rowids[slot]` (ri = -1). `real`: REAL affinity is applied on read (an integral stored
 * value reads as a REAL), so integer arithmetic on the raw value would be wrong.
 */
export interface StoredColumn {
  readonly slot: number;
  readonly ri: number;
  readonly real: boolean;
}

/**
 * The storage location of `c` when it is exactly the reader of a base table's stored column or
 * rowid (bindTableSource's readers: sources with a table schema), else null. Compiled values that
 * merely carry the column's metadata (a cached BETWEEN operand, a GROUP BY key) are excluded by
 * the reader identity check.
 */
export function storedColumnOf(c: Compiled): StoredColumn | null {
  const ref = c.column;
  if (!ref) return null;
  const src = ref.source;
  const table = src.table;
  if (table === null || src.flatSlots !== undefined) return null;
  if (ref.index < 0) return c.ev === src.rowid ? { slot: src.slot, ri: -1, real: false } : null;
  if (c.ev !== src.columns[ref.index].read) return null;
  if (ref.index === table.rowidAlias) return { slot: src.slot, ri: -1, real: false };
  const col = table.columns[ref.index];
  if (!col || col.recordIndex < 0) return null;
  return { slot: src.slot, ri: col.recordIndex, real: col.affinity === 'REAL' };
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IS' | 'IS NOT';

/** A number operand: a literal's value or a parameter register. */
type NumberSide = { kind: 'literal'; value: number } | { kind: 'param'; index: number };

function numberSide(c: Compiled): NumberSide | null {
  const lit = literals.get(c.ev);
  if (lit !== undefined) return typeof lit === 'number' ? { kind: 'literal', value: lit } : null;
  const p = params.get(c.ev);
  return p !== undefined ? { kind: 'param', index: p } : null;
}

/**
 * `column OP literal|param` (or the mirror image, with the operator flipped): reads the column
 * register and compares numbers inline; anything else goes to `general` (the generic closure
 * over the same operands, which re-reads them: both are free of side effects).
 */
export function columnComparison(rt: Runtime, op: CompareOp, l: Compiled, r: Compiled, general: Ev): Ev | null {
  let col = storedColumnOf(l);
  let other = col ? numberSide(r) : null;
  let o = op;
  if (!col || !other) {
    col = storedColumnOf(r);
    other = col ? numberSide(l) : null;
    if (!col || !other) return null;
    o = flip(op);
  }
  const { slot, ri } = col;
  const t = opCode(o);
  if (other.kind === 'literal') {
    const k = other.value;
    if (ri < 0) {
      return () => {
        const x = rt.rowids[slot];
        return typeof x === 'number' ? numCompare(t, x, k) : general();
      };
    }
    return () => {
      const rec = rt.rows[slot];
      if (ri < rec.length) {
        const x = rec[ri];
        if (typeof x === 'number') return numCompare(t, x, k);
      }
      return general();
    };
  }
  const pi = other.index;
  if (ri < 0) {
    return () => {
      const x = rt.rowids[slot];
      const y = numberParam(rt.params[pi]);
      return typeof x === 'number' && y === y ? numCompare(t, x, y) : general();
    };
  }
  return () => {
    const rec = rt.rows[slot];
    if (ri < rec.length) {
      const x = rec[ri];
      const y = numberParam(rt.params[pi]);
      if (typeof x === 'number' && y === y) return numCompare(t, x, y);
    }
    return general();
  };
}

/**
 * `expr OP number-literal` for any left operand: evaluates it once and compares numbers inline;
 * other values go to `slow` (NULLs, affinity, collation) with the value already computed.
 */
export function literalComparison(op: CompareOp, l: Compiled, r: Compiled, slow: (x: SqlValue, y: SqlValue) => SqlValue): Ev | null {
  const k = literals.get(r.ev);
  if (typeof k !== 'number') return null;
  const a = l.ev;
  const t = opCode(op);
  return () => {
    const x = a();
    return typeof x === 'number' ? numCompare(t, x, k) : slow(x, k);
  };
}

/**
 * A parameter as a number when it is one (better-sqlite3 binds every JS number as a REAL, so an
 * integral one arrives boxed: it compares exactly like the bare number), else NaN.
 */
function numberParam(v: SqlValue | undefined): number {
  if (typeof v === 'number') return v;
  return v instanceof Real ? v.value : NaN;
}

function flip(op: CompareOp): CompareOp {
  switch (op) {
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return op;
  }
}

const enum Cmp {
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
}

function opCode(op: CompareOp): Cmp {
  switch (op) {
    case '=':
    case 'IS':
      return Cmp.Eq;
    case '!=':
    case 'IS NOT':
      return Cmp.Ne;
    case '<':
      return Cmp.Lt;
    case '<=':
      return Cmp.Le;
    case '>':
      return Cmp.Gt;
    case '>=':
      return Cmp.Ge;
  }
}

/** Two numbers under a comparison operator, as 1/0 (one small function V8 inlines everywhere). */
function numCompare(t: Cmp, x: number, y: number): number {
  switch (t) {
    case Cmp.Eq:
      return x === y ? 1 : 0;
    case Cmp.Ne:
      return x !== y ? 1 : 0;
    case Cmp.Lt:
      return x < y ? 1 : 0;
    case Cmp.Le:
      return x <= y ? 1 : 0;
    case Cmp.Gt:
      return x > y ? 1 : 0;
    case Cmp.Ge:
      return x >= y ? 1 : 0;
  }
}

export type ArithOp = '+' | '-' | '*' | '%';

/**
 * `column OP integer-literal` (+, -, *, %) on an INTEGER-valued column: safe-integer arithmetic
 * inline; a result outside the safe range, a non-integer value or a REAL-affinity column goes to
 * `general` (the generic closure).
 */
export function columnArithmetic(rt: Runtime, op: ArithOp, l: Compiled, r: Compiled, general: Ev): Ev | null {
  const col = storedColumnOf(l);
  if (!col || col.real || col.ri < 0) return null;
  const k = literals.get(r.ev);
  if (typeof k !== 'number' || !Number.isSafeInteger(k)) return null;
  if (op === '%' && k === 0) return null;
  const { slot, ri } = col;
  const t = op === '+' ? Arith.Add : op === '-' ? Arith.Sub : op === '*' ? Arith.Mul : Arith.Rem;
  return () => {
    const rec = rt.rows[slot];
    if (ri < rec.length) {
      const x = rec[ri];
      if (typeof x === 'number' && Number.isSafeInteger(x)) {
        const v = intArith(t, x, k);
        if (Number.isSafeInteger(v)) return v;
      }
    }
    return general();
  };
}

const enum Arith {
  Add,
  Sub,
  Mul,
  Rem,
}

/**
 * Two safe integers: exact results in doubles (a product below 2^53 is exact; `%` of safe
 * integers is exact); + 0 turns -0 into 0, as int64 has no -0. An unsafe result makes the caller
 * take the generic (int64 / REAL) path.
 */
function intArith(t: Arith, x: number, k: number): number {
  switch (t) {
    case Arith.Add:
      return x + k;
    case Arith.Sub:
      return x - k + 0;
    case Arith.Mul:
      return x * k + 0;
    case Arith.Rem:
      return (x % k) + 0;
  }
}

/**
 * The readers of stored columns and rowids of the given base-table sources: evaluating one can
 * neither fail nor have an effect (a VIRTUAL generated column computes an expression: excluded).
 */
export function bareReaders(sources: readonly ScopeSource[]): Set<Ev> {
  const out = new Set<Ev>();
  for (const src of sources) {
    const table = src.table;
    if (table === null || src.flatSlots !== undefined) continue;
    if (src.rowid) out.add(src.rowid);
    src.columns.forEach((c, i) => {
      if (i === table.rowidAlias || (table.columns[i] && table.columns[i].recordIndex >= 0)) out.add(c.read);
    });
  }
  return out;
}
