/**
 * Table cursors in byte-leaf mode (TableCursor.scanBytes, table-cursor.ts "Byte leaves") and the
 * column reader (TableCursor.columns, record-columns.ts), on files written by SQLite and read
 * cold through a small cache: the same rows, rowids and column values as an ordinary cursor
 * (rowid varints of 1 to 9 bytes, negative rowids, overflow records, every serial type), with
 * prev()/seek()/record()/column() mixed into a forward pass, a commit in the middle of a pass,
 * and corrupt pages giving SQLITE_CORRUPT only.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteError } from '../../engine/common/errors.js';
import { Real, type SqlValue } from '../../engine/common/value.js';
import type { RecordColumns, Storage, TableCursor } from '../../engine/storage/api.js';
import { openStorage } from '../../engine/storage/index.js';
import { rmDir, rng, tmpDir } from './helpers.js';

const dir = tmpDir('scan-bytes');
afterAll(() => rmDir(dir));
let fileNo = 0;

/** A SQLite file with table t (root returned) of varied rows; page size as given. */
function sqliteFile(pageSize: number, rows: number): { file: string; root: number } {
  const file = path.join(dir, `f${fileNo++}.db`);
  const db = new Database(file);
  db.pragma(`page_size = ${pageSize}`);
  db.exec('CREATE TABLE t (a, b, c, d REAL)');
  const ins = db.prepare('INSERT INTO t (rowid, a, b, c, d) VALUES (?, ?, ?, ?, ?)');
  const r = rng(7);
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      // rowids from 1-byte to 9-byte varints, negative ones included
      const rowid = i < rows / 2 ? BigInt(i) : BigInt(Math.floor(r() * 2 ** 40)) * (i % 7 === 0 ? -1n : 1n) * (i % 11 === 0 ? 100000n : 1n);
      const kind = i % 9;
      const a = kind === 0 ? null : kind === 1 ? i : kind === 2 ? -i * 1000 : kind === 3 ? BigInt(i) * 10000000000n : kind === 4 ? i / 7 : kind === 5 ? 1 : kind === 6 ? 0 : kind === 7 ? 2n ** 60n : -(2n ** 47n);
      const b = i % 13 === 0 ? 'é'.repeat(3000 + i) : i % 5 === 0 ? Buffer.from([i & 0xff, 0, 1]) : `t-${i}` + (i % 3 === 0 ? '\u0000x' : '');
      ins.run(rowid, a, b, i % 4 === 0 ? null : i, i % 6 === 0 ? 3 : i + 0.5);
    }
  })();
  const root = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 't'").pluck().get() as number;
  db.close();
  return { file, root };
}

function openCold(file: string, readonly = true): Storage {
  const st = openStorage(file, { readonly, fileMustExist: true });
  st.cacheSize = 16;
  return st;
}

/** What the column reader says about column i, in terms of the decoded value. */
function columnFacts(r: RecordColumns, i: number): unknown {
  if (i >= r.n) return 'missing';
  const t = r.serialType(i);
  if (t === 0) return null;
  if (t < 6 || t === 8 || t === 9) return r.smallInt(i);
  if (t === 7) return r.isNaN(i) ? 'nan' : 'real';
  if (t >= 13 && t & 1) return ['text', (t - 13) >>> 1, r.textLength(i)];
  if (t >= 12) return ['blob', (t - 12) >>> 1];
  return ['int', t];
}

/** The same facts from the decoded record. */
function valueFacts(rec: readonly SqlValue[], i: number): unknown {
  if (i >= rec.length) return 'missing';
  const v = rec[i];
  if (v === null) return null;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v >= -(2 ** 47) && v < 2 ** 47 ? v : ['int', 6];
  if (typeof v === 'bigint') return ['int', 6];
  if (v instanceof Real || typeof v === 'number') return 'real';
  if (typeof v === 'string') {
    const bytes = Buffer.byteLength(v);
    const ascii = /^[\x00-\x7f]*$/.test(v);
    const nul = v.indexOf('\u0000');
    return ['text', bytes, ascii ? (nul >= 0 ? nul : v.length) : -1];
  }
  return ['blob', v.length];
}

function rowsOf(cur: TableCursor, limit: number): unknown[] {
  const out: unknown[] = [];
  for (let ok = cur.first(); ok; ok = cur.next()) {
    const r = cur.columns!(limit);
    const facts = [];
    for (let i = 0; i < limit; i++) facts.push(columnFacts(r, i));
    out.push([cur.rowid(), facts]);
  }
  return out;
}

describe('byte-leaf cursors and the column reader', () => {
  for (const pageSize of [512, 4096]) {
    it(`read what an ordinary cursor reads (page size ${pageSize})`, () => {
      const { file, root } = sqliteFile(pageSize, 3000);
      const st = openCold(file);
      const plain = st.read().openTable(root).cursor();
      const expected: unknown[] = [];
      for (let ok = plain.first(); ok; ok = plain.next()) {
        const rec = plain.record();
        expected.push([plain.rowid(), [0, 1, 2, 3, 4].map((i) => valueFacts(rec, i))]);
      }
      expect(expected.length).toBe(3000);
      st.close();
      // cold again: the scan meets leaves the cache holds only as bytes
      const st2 = openCold(file);
      const cur = st2.read().openTable(root).cursor();
      cur.scanBytes!();
      expect(rowsOf(cur, 5)).toEqual(expected);
      // a limit below the record width parses only that many columns
      const cur2 = st2.read().openTable(root).cursor();
      cur2.scanBytes!();
      expect(rowsOf(cur2, 2)).toEqual(expected.map((e) => [(e as unknown[])[0], ((e as unknown[])[1] as unknown[]).slice(0, 2)]));
      st2.close();
    });
  }

  it('mixes prev(), seek(), record() and column() into a forward pass', () => {
    const { file, root } = sqliteFile(1024, 2000);
    const st = openCold(file);
    const all: [unknown, SqlValue[]][] = [];
    const plain = st.read().openTable(root).cursor();
    for (let ok = plain.first(); ok; ok = plain.next()) all.push([plain.rowid(), [...plain.record()]]);
    st.close();
    const st2 = openCold(file);
    const cur = st2.read().openTable(root).cursor();
    cur.scanBytes!();
    const r = rng(3);
    let k = 0;
    expect(cur.first()).toBe(true);
    while (k < all.length) {
      expect(cur.rowid()).toBe(all[k][0]);
      const x = r();
      if (x < 0.05) expect([...cur.record()]).toEqual(all[k][1]);
      else if (x < 0.1) expect(cur.column!(2)).toEqual(all[k][1][2]);
      else if (x < 0.13 && k > 0) {
        expect(cur.prev()).toBe(true);
        expect(cur.rowid()).toBe(all[k - 1][0]);
        expect(cur.next()).toBe(true);
      } else if (x < 0.15) {
        const j = Math.min(all.length - 1, k + Math.floor(r() * 50));
        expect(cur.seek(all[j][0] as number | bigint)).toBe(true);
        k = j;
        continue;
      }
      const ok = cur.next();
      k++;
      expect(ok).toBe(k < all.length);
    }
    st2.close();
  });

  it('continues correctly after a commit in the middle of a pass', () => {
    const { file, root } = sqliteFile(1024, 1500);
    const st = openCold(file, false);
    const cur = st.read().openTable(root).cursor();
    cur.scanBytes!();
    const seen: unknown[] = [];
    let ok = cur.first();
    for (let i = 0; ok && i < 100; i++, ok = cur.next()) seen.push(cur.rowid());
    // delete the next row and insert one further on
    const tx = st.beginWrite();
    const t = tx.openTable(root);
    const nextRowid = (() => {
      const c = st.read().openTable(root).cursor();
      c.seek(cur.rowid());
      c.next();
      return c.rowid();
    })();
    t.delete(nextRowid);
    t.insert(1_000_000_000_000_000n, ['late', null, null, null]);
    tx.commit();
    for (; ok; ok = cur.next()) {
      seen.push(cur.rowid());
      cur.columns!(3);
    }
    const expected: unknown[] = [];
    const c = st.read().openTable(root).cursor();
    for (let ok2 = c.first(); ok2; ok2 = c.next()) expected.push(c.rowid());
    expect(seen).toEqual(expected);
    st.close();
  });

  it('reports corrupt leaves as SQLITE_CORRUPT only', () => {
    const { file, root } = sqliteFile(512, 1500);
    const img = fs.readFileSync(file);
    const r = rng(11);
    let errors = 0;
    for (let trial = 0; trial < 60; trial++) {
      const bad = path.join(dir, `bad${trial}.db`);
      const b = Buffer.from(img);
      for (let k = 0; k < 6; k++) b[1024 + Math.floor(r() * (b.length - 1024))] = Math.floor(r() * 256);
      fs.writeFileSync(bad, b);
      let st: Storage;
      try {
        st = openCold(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(SqliteError);
        continue;
      }
      try {
        const cur = st.read().openTable(root).cursor();
        cur.scanBytes!();
        for (let ok = cur.first(); ok; ok = cur.next()) {
          const rc = cur.columns!(5);
          for (let i = 0; i < rc.n; i++) columnFacts(rc, i);
        }
      } catch (e) {
        if (!(e instanceof SqliteError)) throw e;
        expect(e.code).toBe('SQLITE_CORRUPT');
        errors++;
      }
      st.close();
    }
    expect(errors).toBeGreaterThan(0);
    // a cell pointer past the page on a leaf: the byte walk reports it
    const bad = path.join(dir, 'badptr.db');
    const b = Buffer.from(img);
    let patched = 0;
    for (let p = 3; p * 512 <= b.length && !patched; p++) {
      const o = (p - 1) * 512;
      if (b[o] === 13 && ((b[o + 3] << 8) | b[o + 4]) > 1) {
        b.writeUInt16BE(600, o + 8 + 2); // second cell
        patched = p;
      }
    }
    expect(patched).toBeGreaterThan(0);
    fs.writeFileSync(bad, b);
    const st = openCold(bad);
    const cur = st.read().openTable(root).cursor();
    cur.scanBytes!();
    expect(() => {
      for (let ok = cur.first(); ok; ok = cur.next()) cur.columns!(5);
    }).toThrow(expect.objectContaining({ code: 'SQLITE_CORRUPT' }));
    st.close();
  });
});
