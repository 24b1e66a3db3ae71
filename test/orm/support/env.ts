/**
 * The two engines every ORM scenario runs on: real better-sqlite3 (the oracle, driven by each
 * ORM's stock better-sqlite3 integration) and heliosdb-lite (driven by our adapters), plus the
 * helpers that turn results and errors into plain data that can be compared.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BS3 from 'better-sqlite3';
import { Database as Ours, SqliteError as OurSqliteError } from '../../../engine/api/index.js';

export type EngineName = 'better-sqlite3' | 'heliosdb-lite';

export interface Engine {
  readonly name: EngineName;
  readonly Database: typeof BS3;
  readonly SqliteError: typeof BS3.SqliteError;
}

export const oracle: Engine = { name: 'better-sqlite3', Database: BS3, SqliteError: BS3.SqliteError };
export const helios: Engine = {
  name: 'heliosdb-lite',
  Database: Ours as unknown as typeof BS3,
  SqliteError: OurSqliteError as unknown as typeof BS3.SqliteError,
};

let dir: string | null = null;
let counter = 0;

/** A fresh path in a per-process temporary directory. */
export function tempPath(name = 'db'): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'heliosdb-orm-'));
  return path.join(dir, `${++counter}-${name}`);
}

/** A plain-data form of an error: class, name, code, message, and the wrapped driver error. */
export interface ErrorShape {
  readonly error: string;
  readonly name: string;
  readonly code: string | null;
  readonly message: string;
  readonly driverError?: ErrorShape;
}

export function errorShape(e: unknown): ErrorShape {
  if (!(e instanceof Error)) return { error: typeof e, name: '', code: null, message: String(e) };
  const x = e as Error & { code?: unknown; driverError?: unknown };
  const shape: ErrorShape = {
    error: x.constructor.name,
    name: x.name,
    code: typeof x.code === 'string' ? x.code : null,
    message: x.message,
  };
  return x.driverError === undefined ? shape : { ...shape, driverError: errorShape(x.driverError) };
}

/** Runs `f`; its value, or the shape of what it threw. */
export async function attempt<T>(f: () => T | Promise<T>): Promise<{ ok: T } | { thrown: ErrorShape }> {
  try {
    return { ok: await f() };
  } catch (e) {
    return { thrown: errorShape(e) };
  }
}

/** Synchronous {@link attempt}, for use inside better-sqlite3 transaction functions. */
export function attemptSync<T>(f: () => T): { ok: T } | { thrown: ErrorShape } {
  try {
    return { ok: f() };
  } catch (e) {
    return { thrown: errorShape(e) };
  }
}

/**
 * Plain data for comparison: BLOBs become hex, bigints and Dates are tagged, class instances
 * become plain objects with their class name (so a Buffer and a Uint8Array of the same bytes,
 * or 1 and 1n, never compare equal by accident).
 */
export function plain(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  switch (typeof v) {
    case 'bigint':
      return { bigint: v.toString() };
    case 'number':
      return Object.is(v, -0) ? { number: '-0' } : v;
    case 'string':
    case 'boolean':
      return v;
    case 'object':
      break;
    default:
      return { [typeof v]: String(v) };
  }
  if (v instanceof Date) return { date: Number.isNaN(v.getTime()) ? 'Invalid' : v.toISOString() };
  if (v instanceof Float32Array) return { float32: Array.from(v) };
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
    return Buffer.isBuffer(v) ? { blob: hex } : { blob: hex, '@class': v.constructor.name };
  }
  if (Array.isArray(v)) return v.map(plain);
  const out: Record<string, unknown> = {};
  const ctor = (v as object).constructor;
  if (ctor !== Object && ctor !== undefined && ctor.name !== '') out['@class'] = ctor.name;
  for (const k of Object.keys(v as object)) out[k] = plain((v as Record<string, unknown>)[k]);
  return out;
}
