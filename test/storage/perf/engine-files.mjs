// File-database workloads through the whole engine vs better-sqlite3 (WAL, synchronous=NORMAL).
// Not a test. Run after `npx tsc -p tsconfig.build.json`: node test/storage/perf/engine-files.mjs
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const require = createRequire(import.meta.url);
const BS3 = require('better-sqlite3');
const { Database } = require('../../../dist/engine/api/index.js');
const N = 100000;
const out = {};
for (const [label, D] of [['bs3', BS3], ['ours', Database]]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hfiles-'));
  const f = path.join(dir, 'a.db');
  let db = new D(f);
  if (label === 'bs3') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)');
  const ins = db.prepare('INSERT INTO t(a, b, c) VALUES (?, ?, ?)');
  let t0 = performance.now();
  db.transaction(() => { for (let i = 0; i < N; i++) ins.run(i % 1000, 'text' + i, i * 0.5); })();
  const load = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < 2000; i++) ins.run(i, 'auto' + i, 1.5);
  const auto = performance.now() - t0;
  db.close();
  db = new D(f);
  const cnt = db.prepare('SELECT count(*) FROM t WHERE a < 500');
  t0 = performance.now();
  cnt.get();
  const cold = performance.now() - t0;
  t0 = performance.now();
  cnt.get();
  const warm = performance.now() - t0;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  out[label] = { load, auto, cold, warm };
}
for (const k of ['load', 'auto', 'cold', 'warm']) console.log(k.padEnd(6), 'bs3', out.bs3[k].toFixed(1), 'ours', out.ours[k].toFixed(1), 'ratio', (out.ours[k] / out.bs3[k]).toFixed(2));
