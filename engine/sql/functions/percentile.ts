/**
 * median(Y), percentile(Y, P), percentile_cont(Y, P), percentile_disc(Y, P)
 * (SQLITE_ENABLE_PERCENTILE, func.c percentStep / percentCompute).
 *
 * P is 0..100 for percentile() and 0..1 for the others, must be numeric and the same on every
 * row; Y must be numeric (NULLs are ignored) and finite. Errors as SQLite:
 * "the fraction argument to percentile() is not between 0.0 and 100.0",
 * "the fraction argument to median() is not the same for all input rows",
 * "input to percentile_cont() is not numeric", "Inf input to median()".
 */
import { sqliteError } from '../../common/errors.js';
import { Real, makeReal, type SqlValue } from '../../common/value.js';
import { applyNumericAffinity, toReal } from '../semantics/convert.js';
import type { Accumulator, AggregateFunctionDef } from './registry.js';

function isNumber(v: SqlValue): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof Real;
}

class PercentileAcc implements Accumulator {
  private a: number[] = [];
  private sorted = true;
  private pct = -1;
  constructor(
    private readonly name: string,
    private readonly mxFrac: number,
    private readonly discrete: boolean,
  ) {}

  step(args: readonly SqlValue[]): void {
    let rPct = 0.5;
    if (args.length === 2) {
      let p = args[1];
      if (typeof p === 'string') p = applyNumericAffinity(p, false);
      rPct = toReal(p) / this.mxFrac;
      if (!isNumber(p) || rPct < 0 || rPct > 1) {
        throw sqliteError(`the fraction argument to ${this.name}() is not between 0.0 and ${this.mxFrac.toFixed(1)}`);
      }
    }
    if (this.pct < 0) this.pct = rPct;
    else {
      const d = this.pct - rPct;
      if (!(d >= -0.001 && d <= 0.001)) {
        throw sqliteError(`the fraction argument to ${this.name}() is not the same for all input rows`);
      }
    }
    const y = args[0];
    if (y === null) return;
    if (!isNumber(y)) throw sqliteError(`input to ${this.name}() is not numeric`);
    const r = toReal(y);
    if (!Number.isFinite(r)) throw sqliteError(`Inf input to ${this.name}()`);
    const n = this.a.length;
    if (n > 0 && this.sorted && r < this.a[n - 1]) this.sorted = false;
    this.a.push(r);
  }

  inverse(args: readonly SqlValue[]): void {
    const y = args[0];
    if (y === null || !isNumber(y)) return;
    const r = toReal(y);
    if (!Number.isFinite(r)) return;
    this.sort();
    let lo = 0;
    let hi = this.a.length - 1;
    while (hi >= lo) {
      const mid = (lo + hi) >> 1;
      const x = this.a[mid];
      if (x < r) lo = mid + 1;
      else if (x > r) hi = mid - 1;
      else {
        this.a.splice(mid, 1);
        return;
      }
    }
  }

  private sort(): void {
    if (!this.sorted) {
      this.a.sort((x, y) => x - y);
      this.sorted = true;
    }
  }

  value(): SqlValue {
    const n = this.a.length;
    if (n === 0) return null;
    this.sort();
    const ix = this.pct * (n - 1);
    const i1 = Math.trunc(ix);
    if (this.discrete) return makeReal(this.a[i1]);
    const i2 = ix === i1 || i1 === n - 1 ? i1 : i1 + 1;
    const v1 = this.a[i1];
    const v2 = this.a[i2];
    return makeReal(v1 + (v2 - v1) * (ix - i1));
  }

  final(): SqlValue {
    return this.value();
  }
}

export const percentileAggregates: AggregateFunctionDef[] = [
  { name: 'median', nArgs: 1, hasInverse: true, create: () => new PercentileAcc('median', 1, false) },
  { name: 'percentile', nArgs: 2, hasInverse: true, create: () => new PercentileAcc('percentile', 100, false) },
  { name: 'percentile_cont', nArgs: 2, hasInverse: true, create: () => new PercentileAcc('percentile_cont', 1, false) },
  { name: 'percentile_disc', nArgs: 2, hasInverse: true, create: () => new PercentileAcc('percentile_disc', 1, true) },
];
