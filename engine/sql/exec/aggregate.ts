/**
 * GROUP BY and aggregate functions. The operator consumes its input, accumulating per group, then
 * behaves as a tuple stream over the groups: for each group it restores the group's
 * representative input row into the source slots (SQLite's "bare column" rule: the last row of
 * the group, or the row that set the value of a lone min()/max()) and stores the aggregate
 * results into runtime value slots, where the output expressions read them.
 * Groups come out in group-key order, as SQLite's sorter-based GROUP BY returns them.
 */
import type { SqlValue } from '../../common/value.js';
import { compareValues } from '../../common/value.js';
import type { Rowid } from '../../storage/api.js';
import type { Accumulator } from '../functions/registry.js';
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
}

interface Group {
  keyVals: SqlValue[];
  accs: Accumulator[];
  distinct: (Set<string> | null)[];
  rows: (readonly SqlValue[])[];
  rowids: (Rowid | null)[];
}

export class AggregateOp implements Op {
  private groups: Group[] = [];
  private i = 0;

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
  ) {}

  private newGroup(keyVals: SqlValue[]): Group {
    return {
      keyVals,
      accs: this.aggs.map((a) => a.create()),
      distinct: this.aggs.map((a) => (a.distinct ? new Set<string>() : null)),
      rows: this.slots.map((_, i) => this.nullRows[i]),
      rowids: this.slots.map(() => null),
    };
  }

  open(): void {
    const rt = this.rt;
    const map = new Map<string, Group>();
    const groups: Group[] = [];
    const nG = this.groupBy.length;
    const keyVals = new Array<SqlValue>(nG);
    const aggs = this.aggs;
    const lone = aggs.length === 1 ? aggs[0].minMax : null;
    // argument buffers are reused row after row: accumulators copy what they keep
    const argBufs = aggs.map((a) => new Array<SqlValue>(a.args.length));
    const slots = this.slots;
    const nSlots = slots.length;
    this.input.open();
    try {
      while (this.input.next()) {
        let g: Group | undefined;
        if (nG === 0) {
          g = groups[0];
          if (!g) {
            g = this.newGroup([]);
            groups.push(g);
          }
        } else {
          for (let k = 0; k < nG; k++) keyVals[k] = this.groupBy[k]();
          const key = rowKey(keyVals, this.groupColls);
          g = map.get(key);
          if (!g) {
            g = this.newGroup(keyVals.slice());
            map.set(key, g);
            groups.push(g);
          }
        }
        let saveRow = lone === null;
        for (let a = 0; a < aggs.length; a++) {
          const spec = aggs[a];
          if (spec.filter && !toBool(spec.filter())) continue;
          const args = argBufs[a];
          const evs = spec.args;
          for (let k = 0; k < evs.length; k++) args[k] = evs[k]();
          const dset = g.distinct[a];
          if (dset) {
            const k = valueKey(args[0], spec.distinctColl);
            if (args[0] === null || dset.has(k)) continue;
            dset.add(k);
          }
          if (lone !== null) {
            const before = g.accs[a].value();
            g.accs[a].step(args);
            const after = g.accs[a].value();
            if (args[0] !== null && (before === null || compareValues(before, after) !== 0)) saveRow = true;
          } else {
            g.accs[a].step(args);
          }
        }
        if (saveRow) {
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
    for (let a = 0; a < this.aggs.length; a++) rt.vals[this.aggs[a].slot] = g.accs[a].final();
    return true;
  }

  close(): void {
    this.groups = [];
  }
}
