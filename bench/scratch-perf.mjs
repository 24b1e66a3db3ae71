import { createRequire } from 'node:module';
const require = createRequire('/work/main/package.json');
const BS3 = require('better-sqlite3');
process.chdir('/work/main');
const { Database } = require('/work/main/dist/engine/api/index.js');
function bench(name, fn, n) { const t0 = process.hrtime.bigint(); fn(n); const t = Number(process.hrtime.bigint() - t0) / 1e6; return t; }
for (const [label, D] of [['bs3', BS3], ['ours', Database]]) {
  const db = new D(':memory:');
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)');
  const ins = db.prepare('INSERT INTO t(a, b, c) VALUES (?, ?, ?)');
  const tIns = bench('insert', (n) => { db.transaction(() => { for (let i = 0; i < n; i++) ins.run(i % 1000, 'text' + i, i * 0.5); })(); }, 100000);
  const get = db.prepare('SELECT * FROM t WHERE id = ?');
  const tGet = bench('get', (n) => { for (let i = 0; i < n; i++) get.get((i * 7919) % 100000 + 1); }, 100000);
  const cnt = db.prepare('SELECT count(*) FROM t WHERE a < 500');
  const tScan = bench('scan', (n) => { for (let i = 0; i < n; i++) cnt.get(); }, 20);
  const top = db.prepare('SELECT * FROM t ORDER BY c DESC LIMIT 10');
  const tTop = bench('top', (n) => { for (let i = 0; i < n; i++) top.all(); }, 20);
  const upd = db.prepare('UPDATE t SET a = a + 1 WHERE id = ?');
  const tUpd = bench('upd', (n) => { db.transaction(() => { for (let i = 0; i < n; i++) upd.run(i + 1); })(); }, 10000);
  const grp = db.prepare('SELECT a, count(*), sum(c) FROM t GROUP BY a');
  const tGrp = bench('grp', (n) => { for (let i = 0; i < n; i++) grp.all(); }, 5);
  console.log(label, { insert: tIns.toFixed(1), get: tGet.toFixed(1), scan: (tScan / 20).toFixed(2), top: (tTop / 20).toFixed(2), upd: tUpd.toFixed(1), grp: (tGrp / 5).toFixed(1) });
}
