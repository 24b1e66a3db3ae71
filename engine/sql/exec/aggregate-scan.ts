/**
 * Ungrouped count/sum/total/avg over a full scan of one table, read column by column from the
 * record bytes (SQLite's OP_Column on a cursor with a cached row header, feeding AggStep with
 * no intermediate row): `SELECT count(*), sum(a), sum(length(b)) FROM t`.
 *
 * Each aggregate's argument is a stored column, the rowid, or length() of a stored column. Per
 * row the cursor parses the record header once (TableCursor.columns); each argument is then
 *   - NULL (skipped by every one of these functions),
 *   - an integer taken from the bytes (an integer column without REAL affinity, the rowid, the
 *     byte count of a BLOB, the character count of an ASCII TEXT), or
 *   - anything else ("generic"): the row is decoded into its slot as the ordinary scan does and
 *     the compiled argument is evaluated, so the value is exactly the general path's.
 * count() only needs to know NULL from not NULL. sum/total/avg add integers into a local exact
 * sum while it stays a safe integer; the first generic value (or a sum leaving the safe range)
 * hands the aggregate to its ordinary accumulator, primed with the same state (the sum, then
 * zeros up to the count of values added), and every later value is stepped into it. Results
 * are therefore those of the ordinary AggregateOp loop, including "integer overflow".
 */
import { makeReal, type SqlValue } from '../../common/value.js';
import type { RecordColumns, TableCursor } from '../../storage/api.js';
import type { Accumulator } from '../functions/registry.js';
import type { Ev, Runtime } from './runtime.js';

/** The aggregate function of a ColumnAggregate. */
export type ColumnAggregateFn = 'count' | 'sum' | 'total' | 'avg';

/** One aggregate call over the scanned table. */
export interface ColumnAggregate {
  readonly fn: ColumnAggregateFn;
  /** Record index of the stored column, or -1 for the rowid (never with `length`). */
  readonly ri: number;
  /** The column has REAL affinity (an integer stored in it reads as a REAL). */
  readonly real: boolean;
  /** The argument is length(column) rather than the column. */
  readonly length: boolean;
  /** The compiled argument, for values that are not read from the bytes. */
  readonly ev: Ev;
}

/** What the aggregation keeps of the scan: the group's row count, accumulators and first row. */
export interface ColumnScanGroup {
  n: number;
  accs: Accumulator[];
  rows: (readonly SqlValue[])[];
  rowids: (number | bigint | null)[];
}

const FN_COUNT = 0;
const FN_SUM = 1;

const READ_COLUMN = 0;
const READ_REAL = 1;
const READ_LENGTH = 2;
const READ_ROWID = 3;

const V_NULL = 0;
const V_INT = 1;
const V_NOT_NULL = 2;
const V_GENERIC = 3;

/** The integer of the last argument classified V_INT (no result object per value). */
let extracted = 0;

/** Classifies column `i` of the record (its integer, when V_INT, in `extracted`). */
function classifyColumn(r: RecordColumns, i: number, real: boolean, countOnly: boolean): number {
  if (i >= r.n) return V_GENERIC; // a row from before ADD COLUMN: the column's default
  const t = r.serialType(i);
  if (t === 0) return V_NULL;
  if (t < 6 || t === 8 || t === 9) {
    if (real) return countOnly ? V_NOT_NULL : V_GENERIC;
    extracted = r.smallInt(i);
    return V_INT;
  }
  if (t === 7 && r.isNaN(i)) return V_NULL;
  if (t === 10 || t === 11) return V_GENERIC; // reserved: the decoder reports the corruption
  return countOnly ? V_NOT_NULL : V_GENERIC;
}

/** Classifies length(column i). */
function classifyLength(r: RecordColumns, i: number, countOnly: boolean): number {
  if (i >= r.n) return V_GENERIC;
  const t = r.serialType(i);
  if (t === 0) return V_NULL;
  if (t >= 12) {
    if ((t & 1) === 0) {
      extracted = (t - 12) >>> 1;
      return V_INT;
    }
    const len = r.textLength(i);
    if (len >= 0) {
      extracted = len;
      return V_INT;
    }
    return countOnly ? V_NOT_NULL : V_GENERIC;
  }
  if (t === 7 && r.isNaN(i)) return V_NULL;
  if (t === 10 || t === 11) return V_GENERIC;
  return countOnly ? V_NOT_NULL : V_GENERIC;
}

export class ColumnAggregateScan {
  private readonly fns: Int32Array;
  private readonly ris: Int32Array;
  private readonly reads: Int32Array;
  private readonly limit: number;

  constructor(
    private readonly rt: Runtime,
    private readonly slot: number,
    private readonly root: number,
    private readonly aggs: readonly ColumnAggregate[],
    /** Index of each aggregate among the AggregateOp's (whose accumulators it steps). */
    private readonly accIndex: readonly number[],
  ) {
    this.fns = Int32Array.from(aggs, (a) => (a.fn === 'count' ? FN_COUNT : FN_SUM));
    this.ris = Int32Array.from(aggs, (a) => a.ri);
    this.reads = Int32Array.from(aggs, (a) => (a.ri < 0 ? READ_ROWID : a.length ? READ_LENGTH : a.real ? READ_REAL : READ_COLUMN));
    this.limit = aggs.reduce((m, a) => Math.max(m, a.ri + 1), 0);
  }

  /**
   * Scans the table into `g` (row count, accumulators, first row in its slot position 0).
   * Returns false, having read nothing, when the table's cursor cannot read columns from bytes
   * (the caller then runs the ordinary loop).
   */
  run(g: ColumnScanGroup): boolean {
    const rt = this.rt;
    const cur: TableCursor = rt.host.view().openTable(this.root).cursor();
    if (cur.columns === undefined) return false;
    cur.scanBytes?.();
    const nA = this.aggs.length;
    const state: ScanState = {
      accs: this.accIndex.map((k) => g.accs[k]),
      sums: new Float64Array(nA),
      cnts: new Float64Array(nA),
      handed: new Uint8Array(nA),
      args: [null],
    };
    g.n = 0;
    if (!cur.first()) return true;
    // the first row is the group's representative row (bare columns read it)
    g.rows[0] = cur.record();
    g.rowids[0] = cur.rowid();
    g.n = this.scan(cur, state);
    for (let a = 0; a < nA; a++) {
      if (state.handed[a] === 0) g.accs[this.accIndex[a]] = new ResultAcc(localResult(this.aggs[a].fn, state.sums[a], state.cnts[a]));
    }
    return true;
  }

  /** Steps every row from the cursor's current one to the end; returns the number of rows. */
  private scan(cur: TableCursor, st: ScanState): number {
    const rt = this.rt;
    const aggs = this.aggs;
    const nA = aggs.length;
    const fns = this.fns;
    const ris = this.ris;
    const reads = this.reads;
    const limit = this.limit;
    const slot = this.slot;
    const { sums, cnts, handed, accs, args } = st;
    let n = 0;
    do {
      n++;
      const r = limit > 0 ? cur.columns!(limit) : null;
      let decoded = false;
      for (let a = 0; a < nA; a++) {
        const fn = fns[a];
        const read = reads[a];
        let kind: number;
        if (read === READ_ROWID) {
          const id = cur.rowid();
          if (typeof id === 'number') {
            extracted = id;
            kind = V_INT;
          } else kind = fn === FN_COUNT ? V_NOT_NULL : V_GENERIC;
        } else if (read === READ_LENGTH) kind = classifyLength(r!, ris[a], fn === FN_COUNT);
        else kind = classifyColumn(r!, ris[a], read === READ_REAL, fn === FN_COUNT);
        if (kind === V_NULL) continue;
        let v: SqlValue = null;
        if (kind === V_GENERIC) {
          if (!decoded) {
            rt.rows[slot] = cur.record();
            rt.rowids[slot] = cur.rowid();
            decoded = true;
          }
          v = aggs[a].ev();
          if (v === null) continue;
        }
        if (fn === FN_COUNT) {
          cnts[a]++;
          continue;
        }
        if (handed[a] === 0) {
          if (kind === V_INT) {
            const s = sums[a] + extracted;
            if (s <= Number.MAX_SAFE_INTEGER && s >= -Number.MAX_SAFE_INTEGER) {
              sums[a] = s;
              cnts[a]++;
              continue;
            }
          }
          handOff(accs[a], sums[a], cnts[a], args);
          handed[a] = 1;
        }
        args[0] = kind === V_INT ? extracted : v;
        accs[a].step(args);
      }
    } while (cur.next());
    return n;
  }
}

/** Per-aggregate state of one scan: local integer sums and counts, and which were handed over. */
interface ScanState {
  readonly accs: Accumulator[];
  readonly sums: Float64Array;
  readonly cnts: Float64Array;
  readonly handed: Uint8Array;
  readonly args: SqlValue[];
}

/** Primes a sum/total/avg accumulator with `cnt` integers adding up to `sum` (a safe integer). */
function handOff(acc: Accumulator, sum: number, cnt: number, args: SqlValue[]): void {
  if (cnt === 0) return;
  args[0] = sum;
  acc.step(args);
  args[0] = 0;
  for (let k = 1; k < cnt; k++) acc.step(args);
}

/** The result of count/sum/total/avg over `cnt` non-NULL integers adding up to `sum` (func.c sumFinalize etc.). */
function localResult(fn: ColumnAggregateFn, sum: number, cnt: number): SqlValue {
  switch (fn) {
    case 'count':
      return cnt;
    case 'sum':
      return cnt > 0 ? sum : null;
    case 'total':
      return makeReal(sum);
    case 'avg':
      return cnt > 0 ? makeReal(sum / cnt) : null;
  }
}

/** An accumulator whose result is already known. */
class ResultAcc implements Accumulator {
  constructor(private readonly result: SqlValue) {}
  step(): void {}
  value(): SqlValue {
    return this.result;
  }
  final(): SqlValue {
    return this.result;
  }
}
