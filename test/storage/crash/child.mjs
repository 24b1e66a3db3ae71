// Crash-test worker: runs random transactions on a database with synchronous FULL and prints
// "C <txn>" after each commit() returns (acknowledged). Killed with SIGKILL by the parent.
//   node child.mjs <compiled storage index.js> <db path> <seed>
// Transaction T inserts group T: rows T*1000+k (k < n) with record [T, n, k, payload] (some
// payloads overflow), deletes group T-5 entirely, and overwrites some payloads of group T-1 with
// ones of the same size naming T ("u<T>.xxx": in place, txn.ts invariant 5, where the page
// allows it). sqlite_schema row for table g on page 2.
import { createRequire } from 'node:module';
import { mulberry32 } from './rng.mjs';

const [, , entry, file, seedArg] = process.argv;
const require = createRequire(import.meta.url);
const { openStorage } = require(entry);

const rnd = mulberry32(seedArg);

const st = openStorage(file, { readonly: false, fileMustExist: false, pageSize: 1024 });
st.synchronous = 2;
st.walAutocheckpoint = 20 + Math.floor(rnd() * 100);
let root = 2;
{
  const schema = st.read().openTable(1);
  if (schema.count() === 0) {
    const tx = st.beginWrite();
    root = tx.createTree('table');
    tx.openTable(1).insert(1, ['table', 'g', 'g', root, 'CREATE TABLE g(t, n, k, p)']);
    tx.header.schemaCookie++;
    tx.commit();
  } else root = Number(schema.get(1)[3]);
}
const max = Number(st.read().openTable(root).maxRowid());
let T = Math.floor(max / 1000) + 1;
process.stdout.write(`S ${T}\n`);
for (;;) {
  const tx = st.beginWrite();
  tx.writeInPlace(true); // nothing else reads this database
  const t = tx.openTable(root);
  for (let k = 0; k < 40; k++) {
    if (k > 0 && rnd() < 0.5) continue; // row 0 always (verify.mjs checks it)
    const r = t.get((T - 1) * 1000 + k);
    if (r === undefined) break;
    const old = String(r[3]);
    const mark = `u${T}.`;
    if (old.length >= mark.length && old.length < 100) t.insert((T - 1) * 1000 + k, [r[0], r[1], r[2], mark.padEnd(old.length, 'x')]);
  }
  const n = 1 + Math.floor(rnd() * 40);
  for (let k = 0; k < n; k++) {
    const big = rnd() < 0.05;
    t.insert(T * 1000 + k, [T, n, k, big ? 'B'.repeat(2000 + Math.floor(rnd() * 5000)) : 'p' + rnd()]);
  }
  const s = T - 5;
  if (s > 0) for (let k = 0; k < 1000; k++) if (!t.delete(s * 1000 + k)) break;
  if (rnd() < 0.1) {
    const sp = tx.savepoint();
    t.insert(T * 1000 + 999, [T, -1, -1, 'rolled back']);
    tx.rollbackTo(sp);
    tx.release(sp);
  }
  tx.commit();
  process.stdout.write(`C ${T}\n`);
  if (rnd() < 0.05) st.checkpoint(rnd() < 0.5 ? 'PASSIVE' : 'TRUNCATE');
  T++;
}
