/**
 * SQL operators on values, as the VDBE evaluates them (OP_Add .. OP_Remainder, OP_BitAnd ..
 * OP_ShiftRight, OP_BitNot, OP_Not, OP_Concat).
 *
 * Arithmetic: NULL in, NULL out. When both operands are INTEGER (text and blobs are first parsed
 * with numericType rules) the operation is done in int64; +, -, * fall back to REAL on overflow,
 * as does INT64_MIN / -1. Integer division truncates; division or remainder by zero is NULL.
 * Otherwise the operation is done in doubles; `%` on non-integers takes the integer values of
 * both operands (sqlite3VdbeIntValue, which for text reads only the integer prefix). A NaN
 * result is NULL.
 */
import {
  INT64_MAX,
  INT64_MIN,
  Real,
  integerFromBigInt,
  makeReal,
  type SqlValue,
} from '../../common/value.js';
import { toArithmetic, toBoolean, toInt64, toReal, toText } from './convert.js';

type Num = number | bigint | Real;

const enum Op {
  Add,
  Subtract,
  Multiply,
  Divide,
  Remainder,
}

function isInt(v: Num): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
}

/** Integer arithmetic; returns undefined on int64 overflow (caller falls back to REAL). */
function intMath(op: Op, a: number | bigint, b: number | bigint): SqlValue | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    let r: number;
    switch (op) {
      case Op.Add:
        r = a + b;
        break;
      case Op.Subtract:
        r = a - b;
        break;
      case Op.Multiply:
        r = a * b;
        break;
      case Op.Divide:
        if (b === 0) return null;
        return Math.trunc(a / b) + 0;
      case Op.Remainder:
        if (b === 0) return null;
        return (a % b) + 0;
    }
    if (Number.isSafeInteger(r)) return r + 0;
  }
  const x = BigInt(a);
  const y = BigInt(b);
  let r: bigint;
  switch (op) {
    case Op.Add:
      r = x + y;
      break;
    case Op.Subtract:
      r = x - y;
      break;
    case Op.Multiply:
      r = x * y;
      break;
    case Op.Divide:
      if (y === 0n) return null;
      if (y === -1n && x === INT64_MIN) return undefined;
      r = x / y;
      break;
    case Op.Remainder:
      if (y === 0n) return null;
      r = y === -1n ? 0n : x % y;
      break;
  }
  if (r < INT64_MIN || r > INT64_MAX) return undefined;
  return integerFromBigInt(r);
}

function fpMath(op: Op, a: SqlValue, b: SqlValue): SqlValue {
  const rA = toReal(a);
  const rB = toReal(b);
  let r: number;
  switch (op) {
    case Op.Add:
      r = rA + rB;
      break;
    case Op.Subtract:
      r = rA - rB;
      break;
    case Op.Multiply:
      r = rA * rB;
      break;
    case Op.Divide:
      if (rB === 0) return null;
      r = rA / rB;
      break;
    case Op.Remainder: {
      const iA = toInt64(a);
      const iB = toInt64(b);
      if (iB === 0) return null;
      // computed in int64 (no -0), then converted to double
      if (typeof iA === 'number' && typeof iB === 'number') r = iB === -1 ? 0 : (iA % iB) + 0;
      else r = iB === -1 ? 0 : Number(BigInt(iA) % BigInt(iB));
      break;
    }
  }
  // IEEE signs are kept: 0.0 * -1 is -0.0 in SQLite too
  return r !== r ? null : makeReal(r);
}

function arith(op: Op, a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  const x = typeof a === 'number' || typeof a === 'bigint' || a instanceof Real ? a : toArithmetic(a);
  const y = typeof b === 'number' || typeof b === 'bigint' || b instanceof Real ? b : toArithmetic(b);
  if (isInt(x) && isInt(y)) {
    const r = intMath(op, x, y);
    if (r !== undefined) return r;
  }
  return fpMath(op, a, b);
}

/** `a + b` */
export function add(a: SqlValue, b: SqlValue): SqlValue {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r) && Number.isSafeInteger(a) && Number.isSafeInteger(b)) return r + 0;
  }
  return arith(Op.Add, a, b);
}
/** `a - b` */
export function subtract(a: SqlValue, b: SqlValue): SqlValue {
  return arith(Op.Subtract, a, b);
}
/** `a * b` */
export function multiply(a: SqlValue, b: SqlValue): SqlValue {
  return arith(Op.Multiply, a, b);
}
/** `a / b` (integer division truncates; x / 0 is NULL) */
export function divide(a: SqlValue, b: SqlValue): SqlValue {
  return arith(Op.Divide, a, b);
}
/** `a % b` */
export function remainder(a: SqlValue, b: SqlValue): SqlValue {
  // two safe integers: exact in doubles; + 0 turns -0 into 0 (int64 has no -0)
  if (typeof a === 'number' && typeof b === 'number' && b !== 0 && Number.isSafeInteger(a) && Number.isSafeInteger(b)) return (a % b) + 0;
  return arith(Op.Remainder, a, b);
}
/** Unary `-a`, compiled by SQLite as `0 - a` (so -'abc' is 0 and -INT64_MIN is REAL). */
export function negate(a: SqlValue): SqlValue {
  // 0 - x: for a safe integer or a bare REAL the result keeps the class; 0 - 0 is 0.
  if (typeof a === 'number') return a === 0 ? 0 : -a;
  return arith(Op.Subtract, 0, a);
}

function int64(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Bitwise operators take sqlite3VdbeIntValue of both operands; NULL in, NULL out. */
export function bitAnd(a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  const x = toInt64(a);
  const y = toInt64(b);
  if (typeof x === 'number' && typeof y === 'number' && (x | 0) === x && (y | 0) === y) return x & y;
  return integerFromBigInt(BigInt.asIntN(64, int64(x) & int64(y)));
}

export function bitOr(a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  const x = toInt64(a);
  const y = toInt64(b);
  if (typeof x === 'number' && typeof y === 'number' && (x | 0) === x && (y | 0) === y) return x | y;
  return integerFromBigInt(BigInt.asIntN(64, int64(x) | int64(y)));
}

/** `~a` */
export function bitNot(a: SqlValue): SqlValue {
  if (a === null) return null;
  const x = toInt64(a);
  // ~(2^53 - 1) is -2^53, outside the safe range: it must become a bigint
  if (typeof x === 'number' && x < 9007199254740991) return -x - 1;
  return integerFromBigInt(BigInt.asIntN(64, ~int64(x)));
}

function shift(value: SqlValue, amount: SqlValue, left: boolean): SqlValue {
  if (value === null || amount === null) return null;
  const a = int64(toInt64(value));
  let n = toInt64(amount);
  if (n === 0) return integerFromBigInt(a);
  if (n < 0) {
    left = !left;
    n = n > -64 ? -n : 64;
  }
  if (n >= 64) return left || a >= 0n ? 0 : -1;
  const k = BigInt(n);
  if (left) return integerFromBigInt(BigInt.asIntN(64, a << k));
  return integerFromBigInt(a >> k); // arithmetic shift, sign-extending like SQLite
}

/** `a << b` (negative b shifts right; |b| >= 64 gives 0 or -1) */
export function shiftLeft(a: SqlValue, b: SqlValue): SqlValue {
  return shift(a, b, true);
}

/** `a >> b` */
export function shiftRight(a: SqlValue, b: SqlValue): SqlValue {
  return shift(a, b, false);
}

/** `NOT a`: 1, 0 or NULL. */
export function logicalNot(a: SqlValue): SqlValue {
  const t = toBoolean(a);
  return t === null ? null : t ? 0 : 1;
}

/** `a || b`: text concatenation of the text forms; NULL if either is NULL. */
export function concat(a: SqlValue, b: SqlValue): SqlValue {
  if (a === null || b === null) return null;
  const x = typeof a === 'string' ? a : (toText(a) as string);
  const y = typeof b === 'string' ? b : (toText(b) as string);
  return x + y;
}
