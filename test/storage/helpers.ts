/** Shared helpers for storage tests: temp dirs, sqlite_schema rows, checking files with real SQLite. */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import { Real, type SqlValue } from '../../engine/common/value.js';
import type { KeyInfo, Storage, WriteTxn } from '../../engine/storage/api.js';

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hdb-storage-${tag}-`));
}

export function rmDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Adds a schema row to sqlite_schema (page 1) and bumps the schema cookie. */
export function addSchema(tx: WriteTxn, type: 'table' | 'index', name: string, tbl: string, root: number, sql: string): void {
  const schema = tx.openTable(1);
  const rowid = Number(schema.maxRowid()) + 1;
  schema.insert(rowid, [type, name, tbl, root, sql]);
  tx.header.schemaCookie++;
}

/** Value as better-sqlite3 returns it with safeIntegers(true): bigint integers, number reals, Buffer blobs. */
export function norm(v: SqlValue): unknown {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (typeof v === 'bigint') return v;
  if (v instanceof Real) return v.value;
  if (typeof v === 'string') return v;
  return Buffer.from(v).toString('hex');
}

export function normSqlite(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('hex');
  return v;
}

/** Opens `file` with better-sqlite3 read-only, asserts integrity_check is ok, runs `fn`. */
export function withSqlite<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.defaultSafeIntegers(true);
    const ic = db.pragma('integrity_check') as { integrity_check: string }[];
    expect(ic.map((r) => r.integrity_check)).toEqual(['ok']);
    return fn(db);
  } finally {
    db.close();
  }
}

export function sqliteRows(db: Database.Database, sql: string): unknown[][] {
  return (db.prepare(sql).raw(true).all() as unknown[][]).map((r) => r.map(normSqlite));
}

/** All rows of a table tree as [rowid, ...values] normalised. */
export function tableRows(st: Storage, root: number): unknown[][] {
  const out: unknown[][] = [];
  const c = st.read().openTable(root).cursor();
  for (let ok = c.first(); ok; ok = c.next()) out.push([BigInt(c.rowid()), ...c.record().map(norm)]);
  return out;
}

export function indexKeys(st: Storage, root: number, ki: KeyInfo): unknown[][] {
  const out: unknown[][] = [];
  const c = st.read().openIndex(root, ki).cursor();
  for (let ok = c.first(); ok; ok = c.next()) out.push(c.key().map(norm));
  return out;
}

export const BIN1: KeyInfo = { collations: [undefined, undefined], desc: [false, false] };

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomValue(r: () => number, big = false): SqlValue {
  const k = Math.floor(r() * 9);
  switch (k) {
    case 0:
      return null;
    case 1:
      return Math.floor(r() * 200) - 100;
    case 2:
      return Math.floor((r() - 0.5) * 2 ** 52);
    case 3:
      return (BigInt(Math.floor(r() * 2 ** 30)) * 2n ** 32n + 2n ** 60n) * (r() < 0.5 ? -1n : 1n);
    case 4:
      return (r() - 0.5) * 1e6 + 0.25;
    case 5:
      return new Real(Math.floor(r() * 1000));
    case 6:
      return 'txt' + Math.floor(r() * 1e6).toString(36) + (r() < 0.3 ? 'é€😀' : '');
    case 7: {
      const n = big ? Math.floor(r() * 20000) : Math.floor(r() * 40);
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
      return b;
    }
    default:
      return big ? 'x'.repeat(Math.floor(r() * 9000)) : 'short';
  }
}
