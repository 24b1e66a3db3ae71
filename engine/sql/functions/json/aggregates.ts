/**
 * json_group_array / json_group_object (+ jsonb_) aggregates, usable as window functions: the
 * accumulated JSON text is kept open ("[a,b" without the closing bracket) and `inverse` drops the
 * first element by scanning to the first top-level comma, as json.c's jsonGroupInverse does.
 */
import type { SqlValue } from '../../../common/value.js';
import { appendSqlValue, setResultJson, textToJsonb, valueText } from './args.js';
import { textEncoder } from './jsonb.js';
import { JsonOut, appendJsonString } from './render.js';
import type { Accumulator, AggregateFunctionDef } from './types.js';

class GroupAccumulator implements Accumulator {
  private out: JsonOut | null = null;
  constructor(
    private readonly isObject: boolean,
    private readonly asBlob: boolean,
  ) {}

  step(args: readonly SqlValue[], argIsJson?: readonly boolean[]): void {
    if (this.isObject) {
      const name = args[0] === null ? null : valueText(args[0]);
      if (this.out === null) {
        this.out = new JsonOut();
        this.out.byte(0x7b);
      } else if (this.out.n > 1 && name !== null) {
        this.out.byte(0x2c);
      }
      if (name !== null) {
        const z = textEncoder.encode(name);
        appendJsonString(this.out, z, 0, z.length);
        this.out.byte(0x3a);
        appendSqlValue(this.out, args[1], argIsJson !== undefined && argIsJson[1] === true);
      }
    } else {
      if (this.out === null) {
        this.out = new JsonOut();
        this.out.byte(0x5b);
      } else if (this.out.n > 1) {
        this.out.byte(0x2c);
      }
      appendSqlValue(this.out, args[0], argIsJson !== undefined && argIsJson[0] === true);
    }
  }

  inverse(args: readonly SqlValue[]): void {
    const o = this.out;
    if (o === null) return;
    // a NULL label was never added by step(), so there is nothing to remove
    if (this.isObject && args[0] === null) return;
    const z = o.buf;
    let inStr = false;
    let nNest = 0;
    let i = 1;
    for (; i < o.n; i++) {
      const c = z[i];
      if (c === 0x2c && !inStr && nNest === 0) break;
      if (c === 0x22) inStr = !inStr;
      else if (c === 0x5c) i++;
      else if (!inStr) {
        if (c === 0x7b || c === 0x5b) nNest++;
        if (c === 0x7d || c === 0x5d) nNest--;
      }
    }
    if (i < o.n) {
      z.copyWithin(1, i + 1, o.n);
      o.n -= i;
    } else {
      o.n = 1;
    }
  }

  value(): SqlValue {
    return this.compute();
  }

  final(): SqlValue {
    return this.compute();
  }

  private compute(): SqlValue {
    const o = this.out;
    if (o === null) {
      setResultJson(!this.asBlob);
      if (this.asBlob) return new Uint8Array([this.isObject ? 0x0c : 0x0b]);
      return this.isObject ? '{}' : '[]';
    }
    o.byte(this.isObject ? 0x7d : 0x5d);
    let r: SqlValue;
    if (this.asBlob) {
      r = textToJsonb(o);
      setResultJson(false);
    } else {
      r = o.text();
      setResultJson(true);
    }
    o.n--;
    return r;
  }
}

function agg(name: string, nArgs: number, isObject: boolean, asBlob: boolean): AggregateFunctionDef {
  return { name, nArgs, hasInverse: true, create: () => new GroupAccumulator(isObject, asBlob) };
}

export const jsonAggregates: AggregateFunctionDef[] = [
  agg('json_group_array', 1, false, false),
  agg('jsonb_group_array', 1, false, true),
  agg('json_group_object', 2, true, false),
  agg('jsonb_group_object', 2, true, true),
];
