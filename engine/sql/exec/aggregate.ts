/**
 * GROUP BY and aggregate functions. The operator consumes its input, accumulating per group, then
 * behaves as a tuple stream over the groups: for each group it restores the group's
 * representative input row into the source slots (SQLite's "bare column" rule: the first row of
 * the group, or the row that last set the value of a min()/max()) and stores the aggregate
 * results into runtime value slots, where the output expressions read them.
 * Groups come out in group-key order, as SQLite's sorter-based GROUP BY returns them.
 */
import type { SqlValue } from '../../common/value.js';
import { compareValues, Real } from '../../common/value.js';
import type { Rowid } from '../../storage/api.js';
import type { Accumulator } from '../functions/registry.js';
import type { ColumnAggregateScan } from './aggregate-scan.js';
import { rowKey, valueKey, type CollationName } from './keys.js';
import { toBool } from './truth.js';
import type { Ev, Op, Runtime } from './runtime.js';
import type { Collation } from '../../common/value.js';

export interface AggregateSpec {
  /** Creates a fresh accumulator (count(*) included). */
  readonly create: () => Accumulator;
  readonly args: readonly Ev[];
  readonly distinct: boolean;
  readonly distinctColl: CollationName;
  readonly filter: Ev | null;
  /** Value slot receiving the result. */
  readonly slot: number;
  /** min()/max(): the representative row follows the row that changed the result. */
  readonly minMax: 'min' | 'max' | null;
  /**
   * `agg(x ORDER BY y)`: the keys; rows are buffered as [...keys, ...args] per group and fed to
   * the accumulator in key order (ties in arrival order) when the input is exhausted.
   */
  readonly orderBy: { readonly keys: readonly Ev[]; readonly compare: (a: readonly SqlValue[], b: readonly SqlValue[]) => number } | null;
  /** count(*): the result is the group's row count (with a filter it goes through `create`). */
  readonly countStar?: boolean;
}

interface Group {
  keyVals: SqlValue[];
  /** Input rows of the group (count(*) without FILTER). */
  n: number;
  accs: Accumulator[];
  distinct: (Set<string> | null)[];
  /** Buffered [...keys, ...args] rows of aggregates with an ORDER BY. */
  ordered: (SqlValue[][] | null)[];
  rows: (readonly SqlValue[])[];
  rowids: (Rowid | null)[];
}

export class AggregateOp implements Op {
  private groups: Group[] = [];
  private i = 0;
  /**
   * Ungrouped aggregates over a plain full scan of one table that can be read from the record
   * bytes (aggregate-scan.ts): replaces the input loop. Set before execution.
   */
  columnScan: ColumnAggregateScan | null = null;

  constructor(
    private readonly rt: Runtime,
    private readonly input: Op,
    private readonly groupBy: readonly Ev[],
    private readonly groupColls: readonly CollationName[],
    private readonly groupCompare: readonly (Collation | undefined)[],
    private readonly aggs: readonly AggregateSpec[],
    /** Source slots of the query, saved as the representative row. */
    private readonly slots: readonly number[],
    /** Null rows for the slots, used when an ungrouped aggregate sees no input. */
    private readonly nullRows: readonly (readonly SqlValue[])[],
    /** Value slots receiving each group's key (its first row's GROUP BY values). */
    private readonly keySlots: readonly number[] = [],
  ) {}

  private newGroup(keyVals: SqlValue[]): Group {
    return {
      keyVals,
      n: 0,
      accs: this.aggs.map((a) => a.create()),
      distinct: this.aggs.map((a) => (a.distinct ? new Set<string>() : null)),
      ordered: this.aggs.map((a) => (a.orderBy ? [] : null)),
      rows: this.slots.map((_, i) => this.nullRows[i]),
      rowids: this.slots.map(() => null),
    };
  }

  open(): void {
    const rt = this.rt;
    const groups: Group[] = [];
    const nG = this.groupBy.length;
    if (this.columnScan !== null && nG === 0) {
      const g = this.newGroup([]);
      if (this.columnScan.run(g)) {
        this.groups = [g];
        this.i = 0;
        return;
      }
    }
    const aggs = this.aggs;
    const lookup = new GroupLookup(nG === 1 ? this.groupColls[0] : 'BINARY');
    const keyVals = new Array<SqlValue>(nG);
    const hasMinMax = aggs.some((a) => a.minMax !== null);
    // every aggregate a plain step (no FILTER, DISTINCT, ORDER BY or min()/max() row rule)
    const simple = aggs.every((a) => a.filter === null && !a.distinct && a.orderBy === null && a.minMax === null);
    // count(*) without FILTER reads the group's row count instead of stepping an accumulator
    const counted = aggs.map((a) => a.countStar === true && a.filter === null);
    // SQLite's regAcc ("first row of the group" flag) exists with GROUP BY, or without one when
    // every min()/max() has a FILTER
    const useAcc = nG > 0 || !aggs.some((a) => a.minMax !== null && a.filter === null);
    // SQLite's "magnet" register regHit (select.c updateAccumulator): with a min()/max() the
    // representative row is reloaded unless the last min()/max() step said to skip it; without
    // one it is the group's first row. 1 = skip.
    let hit = 0;
    // argument buffers are reused row after row: accumulators copy what they keep
    const argBufs = aggs.map((a) => new Array<SqlValue>(a.args.length));
    const slots = this.slots;
    const nSlots = slots.length;
    const groupBy = this.groupBy;
    const colls = this.groupColls;
    let single: Group | null = null;
    this.input.open();
    try {
      while (this.input.next()) {
        let g: Group | undefined;
        let first = false;
        if (nG === 0) {
          g = single ?? undefined;
          if (!g) {
            single = g = this.newGroup([]);
            groups.push(g);
            first = true;
          }
        } else if (nG === 1) {
          const v = groupBy[0]();
          g = lookup.get(v);
          if (!g) {
            g = this.newGroup([v]);
            lookup.set(v, g);
            groups.push(g);
            first = true;
          }
        } else {
          for (let k = 0; k < nG; k++) keyVals[k] = groupBy[k]();
          const key = rowKey(keyVals, colls);
          g = lookup.getKey(key);
          if (!g) {
            g = this.newGroup(keyVals.slice());
            lookup.setKey(key, g);
            groups.push(g);
            first = true;
          }
        }
        g.n++;
        if (simple) {
          for (let a = 0; a < aggs.length; a++) {
            if (counted[a]) continue;
            const args = argBufs[a];
            const evs = aggs[a].args;
            for (let k = 0; k < evs.length; k++) args[k] = evs[k]();
            g.accs[a].step(args);
          }
          if (first) {
            for (let s = 0; s < nSlots; s++) {
              g.rows[s] = rt.rows[slots[s]];
              g.rowids[s] = rt.rowids[slots[s]];
            }
          }
          continue;
        }
        for (let a = 0; a < aggs.length; a++) {
          const spec = aggs[a];
          if (counted[a]) continue;
          if (spec.filter) {
            // a filtered min()/max() loads the row on the group's first row even if it skips it
            if (spec.minMax !== null && useAcc) hit = first ? 0 : 1;
            if (!toBool(spec.filter())) continue;
          }
          const args = argBufs[a];
          const evs = spec.args;
          for (let k = 0; k < evs.length; k++) args[k] = evs[k]();
          const dset = g.distinct[a];
          if (dset) {
            const k = valueKey(args[0], spec.distinctColl);
            if (dset.has(k)) continue;
            dset.add(k);
          }
          const ob = spec.orderBy;
          if (ob !== null) {
            const row: SqlValue[] = [];
            for (let k = 0; k < ob.keys.length; k++) row.push(ob.keys[k]());
            for (let k = 0; k < args.length; k++) row.push(args[k]);
            g.ordered[a]!.push(row);
          } else if (spec.minMax !== null) {
            // minmaxStep: skip the row when a best exists and this one is NULL or not better
            const acc = g.accs[a];
            const before = acc.value();
            acc.step(args);
            hit = before !== null && (args[0] === null || compareValues(before, acc.value()) === 0) ? 1 : 0;
          } else {
            g.accs[a].step(args);
          }
        }
        if (hasMinMax ? hit === 0 : first) {
          for (let s = 0; s < nSlots; s++) {
            g.rows[s] = rt.rows[slots[s]];
            g.rowids[s] = rt.rowids[slots[s]];
          }
        }
      }
    } finally {
      this.input.close();
    }
    if (nG === 0 && groups.length === 0) groups.push(this.newGroup([]));
    for (let a = 0; a < aggs.length; a++) {
      const ob = aggs[a].orderBy;
      if (ob === null) continue;
      const nKeys = ob.keys.length;
      for (const g of groups) {
        const buf = g.ordered[a]!;
        buf.sort(ob.compare); // stable: ties keep arrival order
        const acc = g.accs[a];
        for (const row of buf) acc.step(row.slice(nKeys));
        g.ordered[a] = null;
      }
    }
    if (nG > 0 && groups.length > 1) {
      const colls = this.groupCompare;
      groups.sort((x, y) => {
        for (let k = 0; k < nG; k++) {
          const c = compareValues(x.keyVals[k], y.keyVals[k], colls[k]);
          if (c !== 0) return c;
        }
        return 0;
      });
    }
    this.groups = groups;
    this.i = 0;
  }

  next(): boolean {
    if (this.i >= this.groups.length) return false;
    const g = this.groups[this.i++];
    const rt = this.rt;
    for (let s = 0; s < this.slots.length; s++) {
      rt.rows[this.slots[s]] = g.rows[s];
      rt.rowids[this.slots[s]] = g.rowids[s];
    }
    for (let a = 0; a < this.aggs.length; a++) {
      const spec = this.aggs[a];
      rt.vals[spec.slot] = spec.countStar === true && spec.filter === null ? g.n : g.accs[a].final();
    }
    const keySlots = this.keySlots;
    for (let k = 0; k < keySlots.length; k++) rt.vals[keySlots[k]] = g.keyVals[k];
    return true;
  }

  close(): void {
    this.groups = [];
  }
}

/**
 * Groups by key. A single GROUP BY term is looked up by its value where that is exact: numbers
 * (INTEGER and REAL alike, as SQLite compares them) and BINARY text in maps of their own; other
 * values, and several terms, by their hash key (keys.ts). Both agree with `valueKey` equality.
 */
class GroupLookup {
  private readonly nums = new Map<number, Group>();
  private readonly texts = new Map<string, Group>();
  private readonly keyed = new Map<string, Group>();

  constructor(private readonly coll: CollationName) {}

  get(v: SqlValue): Group | undefined {
    if (typeof v === 'number') return this.nums.get(v);
    if (typeof v === 'string' && this.coll === 'BINARY') return this.texts.get(v);
    const n = exactNumber(v);
    return n !== undefined ? this.nums.get(n) : this.keyed.get(valueKey(v, this.coll));
  }

  set(v: SqlValue, g: Group): void {
    if (typeof v === 'number') this.nums.set(v, g);
    else if (typeof v === 'string' && this.coll === 'BINARY') this.texts.set(v, g);
    else {
      const n = exactNumber(v);
      if (n !== undefined) this.nums.set(n, g);
      else this.keyed.set(valueKey(v, this.coll), g);
    }
  }

  getKey(key: string): Group | undefined {
    return this.keyed.get(key);
  }

  setKey(key: string, g: Group): void {
    this.keyed.set(key, g);
  }
}

/**
 * The number keying a REAL box or a bigint in the numbers map: a bigint shares a group with a
 * double exactly when they are equal (as SQLite compares an INTEGER with a REAL).
 */
function exactNumber(v: SqlValue): number | undefined {
  if (v instanceof Real) return v.value;
  if (typeof v === 'bigint') {
    const n = Number(v);
    return BigInt(n) === v ? n : undefined;
  }
  return undefined;
}
