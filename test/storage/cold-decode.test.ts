/**
 * Cold-read decoding paths, against files written by SQLite (the oracle): records of every
 * width (the array-literal sizes, the general path, and more than 256 columns), TEXT of 13 to 16
 * bytes (ASCII fast path vs UTF-8), rowids of 3 and 4 bytes (inline varints), and the page cache
 * keeping only bytes on a page's first use (core.ts "Cold reads") while answers stay the same.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../engine/storage/api.js';
import { openStorage } from '../../engine/storage/index.js';
import { norm, rmDir, sqliteRows, tableRows, tmpDir } from './helpers.js';

const dir = tmpDir('cold-decode');
afterAll(() => rmDir(dir));

const OPEN = { readonly: false, fileMustExist: true } as const;

function rootOf(file: string, name: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').pluck().get(name) as number;
  } finally {
    db.close();
  }
}

function sqliteTable(file: string, name: string): unknown[][] {
  const db = new Database(file, { readonly: true });
  try {
    db.defaultSafeIntegers(true);
    return sqliteRows(db, `SELECT rowid, * FROM "${name}" ORDER BY rowid`);
  } finally {
    db.close();
  }
}

describe('cold decoding of SQLite-written records', () => {
  it('reads records of 0 to 300 columns exactly as SQLite wrote them', () => {
    const file = path.join(dir, 'wide.db');
    const widths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 255, 256, 257, 300];
    const db = new Database(file);
    for (const w of widths) {
      const cols = Array.from({ length: w }, (_, i) => `c${i}`);
      db.exec(`CREATE TABLE w${w} (${cols.join(', ')})`);
      const ins = db.prepare(`INSERT INTO w${w} VALUES (${cols.map(() => '?').join(', ')})`);
      for (let r = 1; r <= 20; r++) {
        ins.run(
          cols.map((_, i) => {
            switch ((i + r) % 6) {
              case 0:
                return null;
              case 1:
                return i * 1000003 + r;
              case 2:
                return (i + r) / 7;
              case 3:
                return `v${i}-${r}`.padEnd(13 + ((i + r) % 5), 'x');
              case 4:
                return Buffer.from([i & 0xff, r]);
              default:
                return -(2 ** 40) - i;
            }
          }),
        );
      }
    }
    db.close();
    const st = openStorage(file, OPEN);
    for (const w of widths) expect(tableRows(st, rootOf(file, `w${w}`))).toEqual(sqliteTable(file, `w${w}`));
    st.close();
  });

  it('reads 13- to 16-byte texts (ASCII and UTF-8) and 3- and 4-byte rowids, twice, with a tiny cache', () => {
    const file = path.join(dir, 'texts.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (a TEXT, b)');
    const ins = db.prepare('INSERT INTO t (rowid, a, b) VALUES (?, ?, ?)');
    const samples = ['abcdefghijklm', 'abcdefghijklmn', 'abcdefghijklmno', 'abcdefghijklmnop', 'abcdefghijklmnopq', 'abcdefghijklé', 'abcdefghijkl€', 'x\u0000yzabcdefghij', '\u007fbcdefghijklmn'];
    let rowid = 16000;
    for (let i = 0; i < 3000; i++) {
      rowid += i < 1500 ? 1 : 1501; // crosses 2^14 (3-byte varints) and 2^21 (4-byte varints)
      ins.run(rowid, samples[i % samples.length], i);
    }
    db.close();
    const want = sqliteTable(file, 't');
    const st: Storage = openStorage(file, OPEN);
    st.cacheSize = 16;
    const root = rootOf(file, 't');
    // first use of every page (bytes only in the cache), then again (decoded pages cached)
    expect(tableRows(st, root)).toEqual(want);
    expect(tableRows(st, root)).toEqual(want);
    st.cacheSize = 2000;
    expect(tableRows(st, root)).toEqual(want);
    expect(tableRows(st, root)).toEqual(want);
    const t = st.read().openTable(root);
    expect(t.get(16001)!.map(norm)).toEqual(want[0].slice(1));
    expect(t.get(16001)).toBe(t.get(16001));
    st.close();
  });
});
