/**
 * Window functions. The operator materialises its input (a snapshot of the query's source slots
 * and value slots per row), computes every window call over its partitions and frames, then
 * replays the rows, setting each call's value slot.
 *
 * Frames follow SQLite (windowfunctions.html): ROWS, RANGE and GROUPS units; UNBOUNDED, n
 * PRECEDING/FOLLOWING and CURRENT ROW bounds (CURRENT ROW includes peers for RANGE and GROUPS);
 * EXCLUDE NO OTHERS / CURRENT ROW / GROUP / TIES. The default frame is RANGE BETWEEN UNBOUNDED
 * PRECEDING AND CURRENT ROW, which without ORDER BY covers the whole partition.
 */
import { sqliteError } from '../../common/errors.js';
import type { Collation, SqlValue } from '../../common/value.js';
import { compareValues, Real } from '../../common/value.js';
import type { Rowid } from '../../storage/api.js';
import type { Accumulator } from '../functions/registry.js';
import * as arith from '../semantics/arith.js';
import type { Ev, Op, Runtime } from './runtime.js';
import { toBool } from './truth.js';

export type FrameBoundSpec =
  | { kind: 'UnboundedPreceding' }
  | { kind: 'Preceding'; offset: Ev }
  | { kind: 'CurrentRow' }
  | { kind: 'Following'; offset: Ev }
  | { kind: 'UnboundedFollowing' };

export interface WindowCallSpec {
  readonly slot: number;
  /** 'aggregate' uses create(); the others are SQLite's built-in window functions. */
  readonly kind: 'aggregate' | 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist' | 'ntile' | 'lag' | 'lead' | 'first_value' | 'last_value' | 'nth_value';
  readonly create: (() => Accumulator) | null;
  readonly args: readonly Ev[];
  readonly filter: Ev | null;
  readonly partitionBy: readonly Ev[];
  /** Collation of each PARTITION BY term (the term's own, as in SQLite's window sorter). */
  readonly partitionCollations: readonly (Collation | undefined)[];
  readonly orderBy: readonly { ev: Ev; desc: boolean; nullsFirst: boolean; collation: Collation | undefined }[];
  readonly units: 'ROWS' | 'RANGE' | 'GROUPS';
  readonly start: FrameBoundSpec;
  readonly end: FrameBoundSpec;
  readonly exclude: 'NO OTHERS' | 'CURRENT ROW' | 'GROUP' | 'TIES';
}

interface RowSnap {
  rows: (readonly SqlValue[])[];
  rowids: (Rowid | null)[];
  vals: SqlValue[];
}

/**
 * For `ROWS BETWEEN a FOLLOWING AND b FOLLOWING`: b - a (negative: the frame is always empty and
 * SQLite steps nothing); with `UNBOUNDED FOLLOWING` as the end: Infinity; other frames: -1.
 */
function followingWidth(call: WindowCallSpec): number {
  if (call.start.kind !== 'Following') return -1;
  if (call.end.kind === 'UnboundedFollowing') return Infinity;
  if (call.end.kind !== 'Following') return -1;
  return Number(call.end.offset()) - Number(call.start.offset());
}

export class WindowOp implements Op {
  private snaps: RowSnap[] = [];
  private results: SqlValue[][] = [];
  private order: number[] = [];
  private i = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly input: Op,
    private readonly calls: readonly WindowCallSpec[],
    private readonly slots: readonly number[],
    /** Calls sharing one window, in SQLite's nesting order (the last group is computed first). */
    private readonly groups: readonly (readonly number[])[] = calls.map((_, i) => [i]),
  ) {}

  private restore(s: RowSnap): void {
    const rt = this.rt;
    for (let k = 0; k < this.slots.length; k++) {
      rt.rows[this.slots[k]] = s.rows[k];
      rt.rowids[this.slots[k]] = s.rowids[k];
    }
    for (let k = 0; k < s.vals.length; k++) rt.vals[k] = s.vals[k];
  }

  open(): void {
    const rt = this.rt;
    const snaps: RowSnap[] = [];
    this.input.open();
    try {
      while (this.input.next()) {
        snaps.push({
          rows: this.slots.map((s) => rt.rows[s]),
          rowids: this.slots.map((s) => rt.rowids[s]),
          vals: rt.vals.slice(),
        });
      }
    } finally {
      this.input.close();
    }
    this.snaps = snaps;
    this.results = this.calls.map(() => new Array<SqlValue>(snaps.length).fill(null));
    // each group sorts (stably) the rows in the order the group computed before it left them
    let order = snaps.map((_, k) => k);
    for (let g = this.groups.length - 1; g >= 0; g--) {
      let sorted = order;
      for (const ci of this.groups[g]) sorted = this.compute(this.calls[ci], this.results[ci], order);
      order = sorted;
    }
    this.order = order;
    this.i = 0;
  }

  private compute(call: WindowCallSpec, out: SqlValue[], input: readonly number[]): number[] {
    const n = this.snaps.length;
    const pkeys: SqlValue[][] = new Array(n);
    const okeys: SqlValue[][] = new Array(n);
    const args: SqlValue[][] = new Array(n);
    const pass: boolean[] = new Array(n);
    for (let r = 0; r < n; r++) {
      this.restore(this.snaps[r]);
      pkeys[r] = call.partitionBy.map((e) => e());
      okeys[r] = call.orderBy.map((o) => o.ev());
      args[r] = call.args.map((e) => e());
      pass[r] = call.filter ? toBool(call.filter()) : true;
    }
    const idx = input.slice();
    const cmpP = (a: number, b: number) => {
      for (let k = 0; k < call.partitionBy.length; k++) {
        const c = compareValues(pkeys[a][k], pkeys[b][k], call.partitionCollations[k]);
        if (c !== 0) return c;
      }
      return 0;
    };
    const cmpO = (a: number, b: number) => {
      for (let k = 0; k < call.orderBy.length; k++) {
        const o = call.orderBy[k];
        const x = okeys[a][k];
        const y = okeys[b][k];
        if (x === null || y === null) {
          if (x === y) continue;
          return (x === null) === o.nullsFirst ? -1 : 1;
        }
        const c = compareValues(x, y, o.collation);
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    };
    idx.sort((a, b) => cmpP(a, b) || cmpO(a, b)); // stable: ties keep the input order
    let p0 = 0;
    while (p0 < n) {
      let p1 = p0 + 1;
      while (p1 < n && cmpP(idx[p0], idx[p1]) === 0) p1++;
      this.partition(call, idx.slice(p0, p1), okeys, args, pass, cmpO, out);
      p0 = p1;
    }
    return idx;
  }

  /**
   * The first row of a partition for `ROWS BETWEEN a FOLLOWING AND ...`, in the order SQLite's
   * windowCodeStep drives its cursors: rows 0..hi are stepped as they arrive; with `b FOLLOWING`
   * row j < a is removed right after row j+(b-a) was stepped; the rows before the frame not yet
   * removed then are removed when the partition is flushed. Leaves rows [lo, hi] in `acc`, and
   * returns the highest row removed.
   */
  private sqliteFollowingStart(call: WindowCallSpec, acc: Accumulator, rows: number[], args: SqlValue[][], pass: boolean[], lo: number, hi: number): number {
    const a = lo;
    const width = followingWidth(call);
    let removed = -1;
    for (let e = 0; e <= hi; e++) {
      if (pass[rows[e]]) acc.step(args[rows[e]]);
      const j = e - width;
      if (j >= 0 && j < a) {
        if (pass[rows[j]]) acc.inverse!(args[rows[j]]);
        removed = j;
      }
    }
    for (let j = removed + 1; j < a && j <= hi; j++) {
      if (pass[rows[j]]) acc.inverse!(args[rows[j]]);
      removed = j;
    }
    return removed;
  }

  private partition(
    call: WindowCallSpec,
    rows: number[],
    okeys: SqlValue[][],
    args: SqlValue[][],
    pass: boolean[],
    cmpO: (a: number, b: number) => number,
    out: SqlValue[],
  ): void {
    const n = rows.length;
    // peer groups
    const group = new Int32Array(n);
    const groupStart: number[] = [0];
    for (let k = 1; k < n; k++) {
      if (cmpO(rows[k - 1], rows[k]) !== 0) groupStart.push(k);
      group[k] = groupStart.length - 1;
    }
    const groupEnd = (g: number) => (g + 1 < groupStart.length ? groupStart[g + 1] - 1 : n - 1);
    switch (call.kind) {
      case 'row_number':
        rows.forEach((r, k) => (out[r] = k + 1));
        return;
      case 'rank':
        rows.forEach((r, k) => (out[r] = groupStart[group[k]] + 1));
        return;
      case 'dense_rank':
        rows.forEach((r, k) => (out[r] = group[k] + 1));
        return;
      case 'percent_rank':
        rows.forEach((r, k) => (out[r] = n > 1 ? realOf(groupStart[group[k]] / (n - 1)) : new Real(0)));
        return;
      case 'cume_dist':
        rows.forEach((r, k) => (out[r] = realOf((groupEnd(group[k]) + 1) / n)));
        return;
      case 'ntile': {
        rows.forEach((r, k) => {
          const nt = intArg(args[r][0], 'argument of ntile must be a positive integer');
          const size = Math.floor(n / nt);
          const big = n % nt;
          // the first `big` buckets have size+1 rows
          const limit = big * (size + 1);
          out[r] = k < limit ? Math.floor(k / (size + 1)) + 1 : Math.floor((k - limit) / Math.max(size, 1)) + big + 1;
        });
        return;
      }
      case 'lag':
      case 'lead': {
        rows.forEach((r, k) => {
          const off = call.args.length > 1 ? intArgAllowZero(args[r][1]) : 1;
          const j = call.kind === 'lag' ? k - off : k + off;
          out[r] = j >= 0 && j < n ? args[rows[j]][0] : call.args.length > 2 ? args[r][2] : null;
        });
        return;
      }
      default:
        break;
    }
    // frame-based: aggregates, first_value, last_value, nth_value
    const offsetOf = (b: FrameBoundSpec, r: number): SqlValue => {
      if (b.kind !== 'Preceding' && b.kind !== 'Following') return null;
      this.restore(this.snaps[r]);
      return b.offset();
    };
    const frame = (k: number): [number, number] => {
      const r = rows[k];
      const bound = (b: FrameBoundSpec, isStart: boolean): number => {
        switch (b.kind) {
          case 'UnboundedPreceding':
            return 0;
          case 'UnboundedFollowing':
            return n - 1;
          case 'CurrentRow':
            if (call.units === 'ROWS') return k;
            return isStart ? groupStart[group[k]] : groupEnd(group[k]);
          case 'Preceding':
          case 'Following': {
            const sign = b.kind === 'Preceding' ? -1 : 1;
            const off = offsetOf(b, r);
            if (call.units === 'ROWS') {
              const o = nonNegInt(off, 'frame starting offset must be a non-negative integer');
              return k + sign * o;
            }
            if (call.units === 'GROUPS') {
              const o = nonNegInt(off, 'frame starting offset must be a non-negative integer');
              const g = group[k] + sign * o;
              if (g < 0) return isStart ? 0 : -1;
              if (g >= groupStart.length) return isStart ? n : n - 1;
              return isStart ? groupStart[g] : groupEnd(g);
            }
            // RANGE: offset on the single ORDER BY key
            const o = nonNegNumber(off);
            const key = okeys[r][0];
            const desc = call.orderBy[0]?.desc ?? false;
            if (key === null || typeof key === 'string' || key instanceof Uint8Array) {
              return isStart ? groupStart[group[k]] : groupEnd(group[k]);
            }
            const target = arith.add(key, desc ? -sign * o : sign * o);
            // first row (for start) whose key is >= target in sort direction, or last row (for end) <= target
            if (isStart) {
              let j = 0;
              while (j < n && beforeTarget(okeys[rows[j]][0], target, desc)) j++;
              return j;
            }
            let j = n - 1;
            while (j >= 0 && afterTarget(okeys[rows[j]][0], target, desc)) j--;
            return j;
          }
        }
      };
      return [Math.max(0, bound(call.start, true)), Math.min(n - 1, bound(call.end, false))];
    };
    const excluded = (k: number, j: number): boolean => {
      switch (call.exclude) {
        case 'NO OTHERS':
          return false;
        case 'CURRENT ROW':
          return j === k;
        case 'GROUP':
          return group[j] === group[k];
        case 'TIES':
          return j !== k && group[j] === group[k];
      }
    };
    if (call.kind === 'aggregate') {
      const incremental = call.start.kind === 'UnboundedPreceding' && call.exclude === 'NO OTHERS';
      let acc = incremental ? call.create!() : null;
      // A moving frame keeps one accumulator and removes the rows that leave it (xInverse), as
      // SQLite does: results then depend on that history (sum() stays REAL once a REAL entered).
      // EXCLUDE frames, and functions without an inverse, are recomputed for every row.
      if (!incremental && call.exclude === 'NO OTHERS') {
        acc = call.create!();
        if (acc.inverse === undefined) acc = null;
      }
      const sliding = !incremental && acc !== null;
      let added = -1;
      let removed = -1;
      for (let k = 0; k < n; k++) {
        const [lo, hi] = frame(k);
        if (incremental) {
          while (added < hi) {
            added++;
            const rr = rows[added];
            if (pass[rr]) acc!.step(args[rr]);
          }
          out[rows[k]] = acc!.value();
        } else if (sliding && k === 0 && call.units === 'ROWS' && followingWidth(call) >= 0) {
          // the frame starts after the current row: SQLite's cursors step the partition's first
          // rows too and remove those before the frame (sum() is then REAL if one was REAL)
          removed = this.sqliteFollowingStart(call, acc!, rows, args, pass, lo, hi);
          added = hi;
          out[rows[k]] = acc!.value();
        } else if (sliding) {
          // rows (removed, added] are in the accumulator; both ends only move forward. As in
          // SQLite's windowCodeStep, the rows leaving the frame are removed (AGGINVERSE) before
          // the ones entering it are added (AGGSTEP): floating-point sums depend on the order.
          for (let j = removed + 1; j < lo; j++) {
            if (j <= added && pass[rows[j]]) acc!.inverse!(args[rows[j]]);
          }
          if (lo - 1 > removed) removed = lo - 1;
          for (let j = added + 1; j <= hi; j++) {
            if (j > removed && pass[rows[j]]) acc!.step(args[rows[j]]);
          }
          if (hi > added) added = hi;
          out[rows[k]] = acc!.value();
        } else {
          const a = call.create!();
          for (let j = lo; j <= hi; j++) {
            if (excluded(k, j)) continue;
            const rr = rows[j];
            if (pass[rr]) a.step(args[rr]);
          }
          out[rows[k]] = a.value();
        }
      }
      return;
    }
    for (let k = 0; k < n; k++) {
      const [lo, hi] = frame(k);
      const members: number[] = [];
      for (let j = lo; j <= hi; j++) if (!excluded(k, j)) members.push(j);
      const r = rows[k];
      if (call.kind === 'first_value') out[r] = members.length ? args[rows[members[0]]][0] : null;
      else if (call.kind === 'last_value') out[r] = members.length ? args[rows[members[members.length - 1]]][0] : null;
      else {
        const nth = intArg(args[r][1], 'second argument to nth_value must be a positive integer');
        out[r] = nth <= members.length ? args[rows[members[nth - 1]]][0] : null;
      }
    }
  }

  next(): boolean {
    if (this.i >= this.order.length) return false;
    const r = this.order[this.i++];
    this.restore(this.snaps[r]);
    for (let c = 0; c < this.calls.length; c++) this.rt.vals[this.calls[c].slot] = this.results[c][r];
    return true;
  }

  close(): void {
    this.snaps = [];
    this.results = [];
  }
}

function realOf(x: number): SqlValue {
  return Number.isSafeInteger(x) ? new Real(x) : x;
}

function beforeTarget(v: SqlValue, target: SqlValue, desc: boolean): boolean {
  if (v === null) return true;
  const c = compareValues(v, target);
  return desc ? c > 0 : c < 0;
}

function afterTarget(v: SqlValue, target: SqlValue, desc: boolean): boolean {
  if (v === null) return false;
  const c = compareValues(v, target);
  return desc ? c < 0 : c > 0;
}

function intArg(v: SqlValue, msg: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v instanceof Real ? v.value : NaN;
  if (!Number.isInteger(n) || n <= 0) throw sqliteError(msg);
  return n;
}

function intArgAllowZero(v: SqlValue): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Real) return v.value;
  if (v === null) return 0;
  return Math.trunc(Number(v)) || 0;
}

function nonNegInt(v: SqlValue, msg: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v instanceof Real ? v.value : NaN;
  if (!Number.isInteger(n) || n < 0) throw sqliteError(msg);
  return n;
}

function nonNegNumber(v: SqlValue): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v instanceof Real ? v.value : NaN;
  if (!(n >= 0)) throw sqliteError('frame starting offset must be a non-negative number');
  return n;
}
