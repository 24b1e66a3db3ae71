/**
 * The min/max optimization (SQLite's WHERE_ORDERBY_MIN / WHERE_ORDERBY_MAX): when a query's only
 * aggregate is min(x) or max(x) and the access path delivers rows ordered by x (ascending for
 * min, descending for max, NULLs last), the first row with a non-NULL x is the answer; this
 * operator stops the loop there instead of reading every row.
 */
import type { Ev, Op } from './runtime.js';

export class FirstNonNullOp implements Op {
  private done = false;

  constructor(
    private readonly input: Op,
    private readonly value: Ev,
  ) {}

  open(): void {
    this.done = false;
    this.input.open();
  }

  next(): boolean {
    if (this.done) return false;
    while (this.input.next()) {
      if (this.value() !== null) {
        this.done = true;
        return true;
      }
    }
    this.done = true;
    return false;
  }

  close(): void {
    this.input.close();
  }
}
