// Storage-layer micro-benchmarks (not a test). Run after `npx tsc -p tsconfig.build.json`:
//   node test/storage/perf/micro.mjs [rounds]
// Mimics what the SQL layer does: a base savepoint per transaction and a savepoint per statement.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const require = createRequire(import.meta.url);
const { openStorage } = require('../../../dist/engine/storage/index.js');

const N = 100000;
const rounds = Number(process.argv[2] ?? 3);
function time(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}
const results = {};
function note(name, ms) {
  (results[name] ??= []).push(ms);
}

function load(st, withSp) {
  const tx = st.beginWrite();
  const base = tx.savepoint();
  const root = tx.createTree('table');
  const t = tx.openTable(root);
  for (let i = 1; i <= N; i++) {
    const sp = withSp ? tx.savepoint() : 0;
    t.insert(i, [null, i % 1000, 'text' + i, i * 0.5]);
    if (withSp) tx.release(sp);
  }
  tx.release(base);
  tx.commit();
  return root;
}

for (let r = 0; r < rounds; r++) {
  const st = openStorage(':memory:', { readonly: false, fileMustExist: false });
  let root = 0;
  note('insert100k+sp', time(() => (root = load(st, true))));
  const st2 = openStorage(':memory:', { readonly: false, fileMustExist: false });
  note('insert100k', time(() => load(st2, false)));
  st2.close();
  const view = st.read();
  note('scan100k-column', time(() => {
    const c = view.openTable(root).cursor();
    let n = 0;
    for (let ok = c.first(); ok; ok = c.next()) if (c.column(1) < 500) n++;
    if (n !== N / 2) throw new Error('scan ' + n);
  }));
  note('get100k', time(() => {
    const t = view.openTable(root);
    let s = 0;
    for (let i = 0; i < N; i++) s += t.get(((i * 7919) % N) + 1)[1];
    if (s < 0) throw new Error();
  }));
  note('scan100k', time(() => {
    for (let k = 0; k < 5; k++) {
      const c = view.openTable(root).cursor();
      let n = 0;
      for (let ok = c.first(); ok; ok = c.next()) if (c.record()[1] < 500) n++;
      if (n !== N / 2) throw new Error('scan ' + n);
    }
  }) / 5);
  note('update10k', time(() => {
    const tx = st.beginWrite();
    const base = tx.savepoint();
    const t = tx.openTable(root);
    for (let i = 1; i <= 10000; i++) {
      const sp = tx.savepoint();
      const rec = t.get(i);
      t.insert(i, [rec[0], rec[1] + 1, rec[2], rec[3]]);
      tx.release(sp);
    }
    tx.release(base);
    tx.commit();
  }));
  st.close();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hmicro-'));
  const f = path.join(dir, 'a.db');
  const fst = openStorage(f, { readonly: false, fileMustExist: false });
  fst.synchronous = 1;
  let froot = 0;
  note('file-load100k', time(() => (froot = load(fst, true))));
  note('file-autocommit1k', time(() => {
    for (let i = 1; i <= 1000; i++) {
      const tx = fst.beginWrite();
      const base = tx.savepoint();
      const sp = tx.savepoint();
      tx.openTable(froot).insert(N + i, [null, i, 'x' + i, 1.5]);
      tx.release(sp);
      tx.release(base);
      tx.commit();
    }
  }));
  fst.close();
  const cst = openStorage(f, { readonly: false, fileMustExist: false });
  note('file-coldscan', time(() => {
    const c = cst.read().openTable(froot).cursor();
    let n = 0;
    for (let ok = c.first(); ok; ok = c.next()) if (c.record()[1] < 500) n++;
    if (n < N / 2) throw new Error('cold ' + n);
  }));
  cst.close();
  const cst2 = openStorage(f, { readonly: false, fileMustExist: false });
  note('file-coldscan-column', time(() => {
    const c = cst2.read().openTable(froot).cursor();
    let n = 0;
    for (let ok = c.first(); ok; ok = c.next()) if (c.column(1) < 500) n++;
    if (n < N / 2) throw new Error('cold ' + n);
  }));
  cst2.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
for (const [k, v] of Object.entries(results)) console.log(k.padEnd(20), 'median', median(v).toFixed(1), 'min', Math.min(...v).toFixed(1), 'ms  [' + v.map((x) => x.toFixed(1)).join(' ') + ']');
