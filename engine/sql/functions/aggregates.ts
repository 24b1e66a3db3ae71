/**
 * Aggregate functions (https://sqlite.org/lang_aggfunc.html): count, sum, total, avg, min, max,
 * group_concat / string_agg. count(*) is count with no arguments. DISTINCT, FILTER and ORDER BY
 * inside the call are the executor's business; `inverse` exists where SQLite allows the
 * function in a sliding window frame (all but min/max).
 *
 * sum/total/avg follow sumStep: exact int64 while every input is an INTEGER, then a
 * Kahan-Babuska-Neumaier sum in doubles; sum() of integers that overflow int64 is the error
 * "integer overflow".
 */
import { sqliteError } from '../../common/errors.js';
import {
  INT64_MAX,
  INT64_MIN,
  compareValues,
  makeReal,
  type Collation,
  type SqlValue,
} from '../../common/value.js';
import { applyNumericAffinity, toInt64, toReal, toText } from '../semantics/convert.js';
import type { Accumulator, AggregateFunctionDef } from './registry.js';
import { percentileAggregates } from './percentile.js';

class CountAcc implements Accumulator {
  n = 0;
  constructor(private readonly star: boolean) {}
  step(args: readonly SqlValue[]): void {
    if (this.star || args[0] !== null) this.n++;
  }
  inverse(args: readonly SqlValue[]): void {
    if (this.star || args[0] !== null) this.n--;
  }
  value(): SqlValue {
    return this.n;
  }
  final(): SqlValue {
    return this.n;
  }
}

const TWO52 = 4503599627370496;

/** SumCtx of func.c. */
class SumAcc implements Accumulator {
  rSum = 0;
  rErr = 0;
  iSum: bigint | number = 0;
  cnt = 0;
  approx = false;
  ovrfl = false;
  constructor(private readonly kind: 'sum' | 'total' | 'avg') {}

  private kbn(r: number): void {
    const s = this.rSum;
    const t = s + r;
    if (Math.abs(s) > Math.abs(r)) this.rErr += s - t + r;
    else this.rErr += r - t + s;
    this.rSum = t;
  }
  private kbnInt(v: number | bigint): void {
    if (v <= -TWO52 || v >= TWO52) {
      const b = BigInt(v);
      const sm = b % 16384n;
      this.kbn(Number(b - sm));
      this.kbn(Number(sm));
    } else this.kbn(Number(v));
  }
  private kbnInit(v: number | bigint): void {
    if (v <= -TWO52 || v >= TWO52) {
      const b = BigInt(v);
      const sm = b % 16384n;
      this.rSum = Number(b - sm);
      this.rErr = Number(sm);
    } else {
      this.rSum = Number(v);
      this.rErr = 0;
    }
  }
  private static addInt(a: number | bigint, b: number | bigint): number | bigint | undefined {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = a + b;
      if (Number.isSafeInteger(r)) return r;
    }
    const r = BigInt(a) + BigInt(b);
    if (r > INT64_MAX || r < INT64_MIN) return undefined;
    return r >= -9007199254740991n && r <= 9007199254740991n ? Number(r) : r;
  }

  step(args: readonly SqlValue[]): void {
    let v = args[0];
    if (v === null) return;
    if (typeof v === 'string') v = applyNumericAffinity(v, false);
    const isInt = typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
    this.cnt++;
    if (!this.approx) {
      if (!isInt) {
        this.kbnInit(this.iSum);
        this.approx = true;
        this.kbn(toReal(v));
      } else {
        const x = SumAcc.addInt(this.iSum, v as number | bigint);
        if (x !== undefined) this.iSum = x;
        else {
          this.ovrfl = true;
          this.kbnInit(this.iSum);
          this.approx = true;
          this.kbnInt(v as number | bigint);
        }
      }
    } else if (isInt) {
      this.kbnInt(v as number | bigint);
    } else {
      this.ovrfl = false;
      this.kbn(toReal(v));
    }
  }

  inverse(args: readonly SqlValue[]): void {
    let v = args[0];
    if (v === null) return;
    if (typeof v === 'string') v = applyNumericAffinity(v, false);
    const isInt = typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
    this.cnt--;
    if (!this.approx) {
      const neg = toInt64(v);
      const x = SumAcc.addInt(this.iSum, typeof neg === 'bigint' ? -neg : -neg);
      if (x !== undefined) {
        this.iSum = x;
        return;
      }
      this.ovrfl = true;
      this.approx = true;
      this.kbnInit(this.iSum);
    }
    if (isInt) {
      const i = toInt64(v);
      if (i !== INT64_MIN) this.kbnInt(typeof i === 'bigint' ? -i : -i);
      else {
        this.kbnInt(INT64_MAX);
        this.kbnInt(1);
      }
    } else {
      this.kbn(-toReal(v));
    }
  }

  private approxValue(): number {
    return Number.isFinite(this.rErr) ? this.rSum + this.rErr : this.rSum;
  }

  value(): SqlValue {
    switch (this.kind) {
      case 'sum':
        if (this.cnt <= 0) return null;
        if (this.approx) {
          if (this.ovrfl) throw sqliteError('integer overflow');
          return makeReal(this.approxValue());
        }
        return this.iSum;
      case 'avg':
        if (this.cnt <= 0) return null;
        return makeReal((this.approx ? this.approxValue() : Number(this.iSum)) / this.cnt);
      case 'total':
        return makeReal(this.approx ? this.approxValue() : Number(this.iSum));
    }
  }
  final(): SqlValue {
    return this.value();
  }
}

/** min()/max() aggregate: the first least/greatest non-NULL value. */
export class MinMaxAcc implements Accumulator {
  best: SqlValue = null;
  has = false;
  /** True when the last step() made its row the current best (for bare columns). */
  selected = false;
  constructor(
    private readonly max: boolean,
    private readonly coll: Collation | undefined,
  ) {}
  step(args: readonly SqlValue[]): void {
    const v = args[0];
    this.selected = false;
    if (v === null) return;
    if (!this.has) {
      this.best = v;
      this.has = true;
      this.selected = true;
      return;
    }
    const c = compareValues(this.best, v, this.coll);
    if (this.max ? c < 0 : c > 0) {
      this.best = v;
      this.selected = true;
    }
  }
  value(): SqlValue {
    return this.best;
  }
  final(): SqlValue {
    return this.best;
  }
}

/**
 * min()/max() over a moving window frame, as SQLite codes it (window.c, csrApp): values go into
 * an index keyed by (value under the argument's collation, insertion sequence); the result is
 * the index's last entry (max: largest value, latest among equals; min uses a DESC key: smallest
 * value, latest among equals) and xInverse deletes the first entry >= the leaving value (the
 * earliest among equals). Kept here as an array sorted by value, then sequence.
 */
class MinMaxWindowAcc implements Accumulator {
  private readonly vals: SqlValue[] = [];
  constructor(
    private readonly max: boolean,
    private readonly coll: Collation | undefined,
  ) {}
  /** First index whose value compares > v (upper) or >= v (lower). */
  private bound(v: SqlValue, upper: boolean): number {
    const a = this.vals;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = compareValues(a[mid], v, this.coll);
      if (c < 0 || (upper && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  step(args: readonly SqlValue[]): void {
    const v = args[0];
    if (v === null) return;
    this.vals.splice(this.bound(v, true), 0, v);
  }
  inverse(args: readonly SqlValue[]): void {
    const v = args[0];
    if (v === null) return;
    const i = this.bound(v, false);
    if (i < this.vals.length) this.vals.splice(i, 1);
  }
  value(): SqlValue {
    const a = this.vals;
    if (a.length === 0) return null;
    return this.max ? a[a.length - 1] : a[this.bound(a[0], true) - 1];
  }
  final(): SqlValue {
    return this.value();
  }
}

/**
 * group_concat(X [, SEP]) / string_agg(X, SEP): a port of GroupConcatCtx, including its window
 * inverse (which removes the oldest value and the separator after it from the front of the
 * accumulated text) and its quirks: a window value that is empty while values remain is "\0".
 */
class GroupConcatAcc implements Accumulator {
  private str = '';
  /** false until a first term (again after the text became empty through inverse) */
  private active = false;
  private created = false;
  private nAccum = 0;
  private nFirstSepLength = 0;
  private sepLengths: number[] | null = null;
  constructor(private readonly withSep: boolean) {}

  step(args: readonly SqlValue[]): void {
    const v = args[0];
    if (v === null) return;
    this.created = true;
    const firstTerm = !this.active;
    this.active = true;
    if (!this.withSep) {
      if (!firstTerm) this.str += ',';
      else this.nFirstSepLength = 1;
    } else if (!firstTerm) {
      const sep = toText(args[1]);
      if (sep !== null) this.str += sep;
      const nSep = sep === null ? 0 : sep.length;
      if (nSep !== this.nFirstSepLength || this.sepLengths !== null) {
        if (this.sepLengths === null) {
          this.sepLengths = [];
          for (let i = 0; i < this.nAccum - 1; i++) this.sepLengths.push(this.nFirstSepLength);
        }
        if (this.nAccum > 0) this.sepLengths[this.nAccum - 1] = nSep;
      }
    } else {
      const sep = toText(args[1]);
      this.nFirstSepLength = sep === null ? 0 : sep.length;
    }
    this.nAccum++;
    this.str += typeof v === 'string' ? v : (toText(v) as string);
  }

  inverse(args: readonly SqlValue[]): void {
    const v = args[0];
    if (v === null) return;
    let nVS = (typeof v === 'string' ? v : (toText(v) as string)).length;
    this.nAccum--;
    if (this.sepLengths !== null) {
      if (this.nAccum > 0) nVS += this.sepLengths.shift() ?? 0;
    } else nVS += this.nFirstSepLength;
    this.str = nVS >= this.str.length ? '' : this.str.slice(nVS);
    if (this.str.length === 0) {
      this.active = false;
      this.sepLengths = null;
    }
  }

  value(): SqlValue {
    if (!this.created) return null;
    if (this.str.length === 0) return this.nAccum > 0 ? '\0' : null;
    return this.str;
  }

  final(): SqlValue {
    return this.created ? this.str : null;
  }
}

export const coreAggregates: AggregateFunctionDef[] = [
  { name: 'count', nArgs: 0, hasInverse: true, create: () => new CountAcc(true) },
  { name: 'count', nArgs: 1, hasInverse: true, create: () => new CountAcc(false) },
  { name: 'sum', nArgs: 1, hasInverse: true, create: () => new SumAcc('sum') },
  { name: 'total', nArgs: 1, hasInverse: true, create: () => new SumAcc('total') },
  { name: 'avg', nArgs: 1, hasInverse: true, create: () => new SumAcc('avg') },
  {
    name: 'min',
    nArgs: 1,
    hasInverse: false,
    create: () => new MinMaxAcc(false, undefined),
    createWithCollation: (c) => new MinMaxAcc(false, c),
    createForMovingFrame: (c) => new MinMaxWindowAcc(false, c),
  },
  {
    name: 'max',
    nArgs: 1,
    hasInverse: false,
    create: () => new MinMaxAcc(true, undefined),
    createWithCollation: (c) => new MinMaxAcc(true, c),
    createForMovingFrame: (c) => new MinMaxWindowAcc(true, c),
  },
  { name: 'group_concat', nArgs: 1, hasInverse: true, create: () => new GroupConcatAcc(false) },
  { name: 'group_concat', nArgs: 2, hasInverse: true, create: () => new GroupConcatAcc(true) },
  { name: 'string_agg', nArgs: 2, hasInverse: true, create: () => new GroupConcatAcc(true) },
  ...percentileAggregates,
];
