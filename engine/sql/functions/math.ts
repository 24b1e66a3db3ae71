/**
 * Math functions (https://sqlite.org/lang_mathfunc.html, SQLITE_ENABLE_MATH_FUNCTIONS).
 * Arguments pass through sqlite3_value_numeric_type: NULL, BLOBs and non-numeric text give NULL.
 * Results are REAL (ceil/floor/trunc keep INTEGER arguments); NaN results are NULL.
 */
import { Real, makeReal, type SqlValue } from '../../common/value.js';
import { toReal } from '../semantics/convert.js';
import { numericArg } from './scalar.js';
import type { ScalarFunctionDef } from './registry.js';

function real(n: number | bigint | Real): number {
  return n instanceof Real ? n.value : Number(n);
}

function isIntegerValue(n: number | bigint | Real): boolean {
  return typeof n === 'bigint' || (typeof n === 'number' && Number.isSafeInteger(n));
}

function math1(name: string, f: (x: number) => number): ScalarFunctionDef {
  return {
    name,
    nArgs: 1,
    deterministic: true,
    impl: (a) => {
      const n = numericArg(a[0]);
      return n === null ? null : makeReal(f(real(n)));
    },
  };
}

function math2(name: string, f: (x: number, y: number) => number): ScalarFunctionDef {
  return {
    name,
    nArgs: 2,
    deterministic: true,
    impl: (a) => {
      const x = numericArg(a[0]);
      if (x === null) return null;
      const y = numericArg(a[1]);
      if (y === null) return null;
      return makeReal(f(real(x), real(y)));
    },
  };
}

function rounding(name: string, f: (x: number) => number): ScalarFunctionDef {
  return {
    name,
    nArgs: 1,
    deterministic: true,
    impl: (a) => {
      const n = numericArg(a[0]);
      if (n === null) return null;
      if (isIntegerValue(n)) return n as number | bigint;
      return makeReal(f(real(n)));
    },
  };
}

/** pow() with exact results where V8's Math.pow is known to be off (integral exponents of 10). */
export function pow(x: number, y: number): number {
  if (x === 10 && Number.isInteger(y) && y >= -323 && y <= 308) return Number(`1e${y}`);
  return Math.pow(x, y);
}

function log(args: readonly SqlValue[]): SqlValue {
  const a = numericArg(args[0]);
  if (a === null) return null;
  let x = real(a);
  if (x <= 0) return null;
  if (args.length === 1) return makeReal(Math.log(x));
  const b = Math.log(x);
  if (b <= 0) return null;
  x = toReal(args[1]); // func.c checks the type of the first argument only
  if (x <= 0) return null;
  return makeReal(Math.log(x) / b);
}

function log1(name: string, f: (x: number) => number): ScalarFunctionDef {
  return {
    name,
    nArgs: 1,
    deterministic: true,
    impl: (a) => {
      const n = numericArg(a[0]);
      if (n === null) return null;
      const x = real(n);
      return x <= 0 ? null : makeReal(f(x));
    },
  };
}

export const mathScalars: ScalarFunctionDef[] = [
  rounding('ceil', Math.ceil),
  rounding('ceiling', Math.ceil),
  rounding('floor', Math.floor),
  rounding('trunc', Math.trunc),
  log1('ln', Math.log),
  log1('log', Math.log10),
  log1('log10', Math.log10),
  log1('log2', Math.log2),
  { name: 'log', nArgs: 2, deterministic: true, impl: log },
  math1('exp', Math.exp),
  math2('pow', pow),
  math2('power', pow),
  math2('mod', (x, y) => x % y),
  math1('acos', Math.acos),
  math1('asin', Math.asin),
  math1('atan', Math.atan),
  math2('atan2', Math.atan2),
  math1('cos', Math.cos),
  math1('sin', Math.sin),
  math1('tan', Math.tan),
  math1('cosh', Math.cosh),
  math1('sinh', Math.sinh),
  math1('tanh', Math.tanh),
  math1('acosh', Math.acosh),
  math1('asinh', Math.asinh),
  math1('atanh', Math.atanh),
  math1('sqrt', Math.sqrt),
  math1('radians', (x) => x * (Math.PI / 180.0)),
  math1('degrees', (x) => x * (180.0 / Math.PI)),
  { name: 'pi', nArgs: 0, deterministic: true, impl: () => Math.PI },
];
