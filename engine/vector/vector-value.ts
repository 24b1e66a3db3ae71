/**
 * The VECTOR value: how a vector is stored, parsed, printed and validated.
 *
 * Storage format (what stock SQLite sees): a BLOB of exactly 4·n bytes, n IEEE-754 binary32
 * values in little-endian byte order, no header. A `VECTOR(n)` column holds such BLOBs or NULL.
 * SQLite gives the declared type `VECTOR(n)` NUMERIC affinity, which leaves BLOBs unchanged, so
 * stock SQLite reads our files and returns the raw bytes.
 *
 * Accepted inputs (function arguments and values written to VECTOR(n) columns):
 *  - a BLOB of 4·n bytes (a bound `Float32Array` arrives as one: the API copies its bytes);
 *  - TEXT in pgvector's form `'[0.1, 0.2, 3e-1]'` (JSON numbers, optional whitespace).
 * Every component must be finite after rounding to float32 (NaN and ±Infinity are rejected);
 * n is 1..MAX_VECTOR_DIMS.
 */
import { SqliteError, sqliteError, type SqliteCode } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';

/** Largest n of VECTOR(n) and of a vector value (pgvector's limit). */
export const MAX_VECTOR_DIMS = 16000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * n of a declared type `VECTOR(n)` (case-insensitive, spaces allowed), or 0 when the type is
 * not a vector type. Malformed or out-of-range n gives 0 (the column is then an ordinary one).
 * @example vectorTypeDims('VECTOR(3)') // 3
 */
export function vectorTypeDims(declared: string | null): number {
  if (declared === null || declared.length < 8) return 0;
  const c = declared.charCodeAt(0);
  if (c !== 86 && c !== 118) return 0; // 'V' | 'v'
  const m = /^vector\s*\(\s*\+?(\d+)\s*\)$/i.exec(declared.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  return n >= 1 && n <= MAX_VECTOR_DIMS ? n : 0;
}

/** Why a value is not a vector (null when it is one); used for both function and column errors. */
export type VectorProblem = { readonly message: string };

/**
 * Decodes a stored/bound BLOB as float32 values. The result may share memory with `b` (when it
 * is 4-byte aligned): callers must not mutate it, and must copy it before handing it out.
 */
export function vectorFromBlob(b: Uint8Array): Float32Array {
  const n = b.byteLength >>> 2;
  if (LITTLE_ENDIAN) {
    if ((b.byteOffset & 3) === 0) return new Float32Array(b.buffer, b.byteOffset, n);
    return new Float32Array(b.slice().buffer, 0, n);
  }
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

/** Encodes float32 values as the stored BLOB (a fresh Uint8Array). */
export function vectorToBlob(v: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  const out = new Uint8Array(v.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) dv.setFloat32(i * 4, v[i], true);
  return out;
}

/** A fresh, independent Float32Array with the values of a stored BLOB (what the API returns). */
export function vectorCopyFromBlob(b: Uint8Array): Float32Array {
  const n = b.byteLength >>> 2;
  if (LITTLE_ENDIAN) return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + n * 4));
  return vectorFromBlob(b);
}

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses pgvector's text form `[1, 2.5, -3e-2]`. Returns the vector or a problem description.
 * @example parseVectorText('[1,2]') // Float32Array [1, 2]
 */
export function parseVectorText(s: string): Float32Array | VectorProblem {
  const t = s.trim();
  if (t.length < 2 || t.charCodeAt(0) !== 91 || t.charCodeAt(t.length - 1) !== 93) {
    return { message: `malformed vector text: ${abbreviate(s)} (expected '[x, y, ...]')` };
  }
  const body = t.slice(1, -1).trim();
  if (body.length === 0) return { message: 'vector must have at least 1 dimension' };
  const parts = body.split(',');
  if (parts.length > MAX_VECTOR_DIMS) return { message: `vector cannot have more than ${MAX_VECTOR_DIMS} dimensions` };
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i].trim();
    if (!NUMBER.test(p)) return { message: `malformed vector text: ${abbreviate(s)} (component ${i + 1} is not a number)` };
    const x = Math.fround(Number(p));
    if (!Number.isFinite(x)) return { message: `vector component ${i + 1} is not a finite float32 value: ${p}` };
    out[i] = x;
  }
  return out;
}

function abbreviate(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 37)}...'` : `'${s}'`;
}

/** Checks that every component is finite; returns a problem or null. */
export function checkFinite(v: Float32Array): VectorProblem | null {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x - x !== 0) return { message: `vector component ${i + 1} is ${x !== x ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity'}` };
  }
  return null;
}

/**
 * A vector from a SQL value (BLOB or TEXT), or a problem (wrong storage class, malformed text,
 * a BLOB whose size is not a multiple of 4, non-finite components). NULL is the caller's business.
 */
export function vectorFromValue(v: SqlValue): Float32Array | VectorProblem {
  const f = vectorFromValueUnchecked(v);
  return isProblem(f) ? f : (checkFinite(f) ?? f);
}

/**
 * vectorFromValue without the scan for NaN/Infinity components of BLOBs (TEXT is still fully
 * validated). For callers whose result exposes non-finite components anyway: every distance is
 * NaN or infinite when a component is, so `vector_distance` checks only then (functions.ts).
 */
export function vectorFromValueUnchecked(v: SqlValue): Float32Array | VectorProblem {
  if (typeof v === 'string') return parseVectorText(v);
  if (v instanceof Uint8Array) {
    if (v.byteLength === 0 || (v.byteLength & 3) !== 0) {
      return { message: `a vector BLOB must hold 4 bytes per dimension (got ${v.byteLength} bytes)` };
    }
    if (v.byteLength > MAX_VECTOR_DIMS * 4) return { message: `vector cannot have more than ${MAX_VECTOR_DIMS} dimensions` };
    return vectorFromBlob(v);
  }
  return { message: `a vector must be a BLOB or TEXT like '[1, 2, 3]' (got ${describe(v)})` };
}

function describe(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return 'INTEGER';
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'INTEGER' : 'REAL';
  return 'REAL';
}

export function isProblem(x: Float32Array | VectorProblem): x is VectorProblem {
  return !(x instanceof Float32Array);
}

/**
 * A vector argument of a SQL function, or a thrown SqliteError (SQLITE_ERROR, as SQLite's own
 * functions report bad arguments). `fn` names the function in the message.
 */
export function vectorArg(v: SqlValue, fn: string): Float32Array {
  const r = vectorFromValue(v);
  if (isProblem(r)) throw sqliteError(`${fn}(): ${r.message}`);
  return r;
}

/**
 * The text form of a vector: pgvector's `[1,2.5,-0.03]`, each component printed with the fewest
 * digits that read back as the same float32.
 */
export function formatVector(v: Float32Array): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) {
    if (i > 0) s += ',';
    s += formatFloat32(v[i]);
  }
  return s + ']';
}

function formatFloat32(x: number): string {
  if (Object.is(x, -0)) return '-0';
  for (let p = 1; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return String(y);
  }
  return String(Number(x.toPrecision(9)));
}

/** Error code of values rejected by a VECTOR(n) column (the STRICT-typing code, see docs/vectors.md). */
export const VECTOR_COLUMN_ERROR: SqliteCode = 'SQLITE_CONSTRAINT_DATATYPE';

/**
 * Validates and converts a value written to a VECTOR(n) column `table.column`: NULL stays NULL;
 * a BLOB of 4·n bytes with finite components is kept as is; TEXT `[...]` and a BLOB are
 * converted to the stored BLOB. Anything else throws SQLITE_CONSTRAINT_DATATYPE.
 * @example coerceVectorColumn('[1,2]', 2, 't', 'v') // Uint8Array(8)
 */
export function coerceVectorColumn(v: SqlValue, dims: number, table: string, column: string): SqlValue {
  if (v === null) return null;
  if (v instanceof Uint8Array && v.byteLength === dims * 4) {
    const f = vectorFromBlob(v);
    const bad = checkFinite(f);
    if (bad) throw columnError(table, column, dims, bad.message);
    return v;
  }
  const r = vectorFromValue(v);
  if (isProblem(r)) throw columnError(table, column, dims, r.message);
  if (r.length !== dims) throw columnError(table, column, dims, `expected ${dims} dimensions, got ${r.length}`);
  return vectorToBlob(r);
}

function columnError(table: string, column: string, dims: number, why: string): SqliteError {
  return new SqliteError(`cannot store value in VECTOR(${dims}) column ${table}.${column}: ${why}`, VECTOR_COLUMN_ERROR);
}
