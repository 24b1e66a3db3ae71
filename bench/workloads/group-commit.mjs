// Group commit: K = 8 concurrent async clients on one connection, each doing single-row
// autocommit INSERTs and acknowledging a commit only once it is durable:
//   ours            synchronous = NORMAL, `ins.run(); await db.whenDurable()` (commits that arrive
//                   while an fsync is in flight share the next one)
//   better-sqlite3  synchronous = FULL, `ins.run(); await null` (its only way to promise
//                   durability per commit: every COMMIT fsyncs the WAL before returning)
// Reports µs per acknowledged commit (ratio ours / better-sqlite3), plus commits/s and our
// fsyncs per commit (all fsyncs of the process: commit acknowledgements and checkpoints) in the
// title. The harness is synchronous, so each timed run is a child process running this file.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '../..');
const require = createRequire(import.meta.url);
const K = 8;

/** Per-side results of the runs so far (the title reports their medians). */
const results = { ours: [], sqlite: [] };
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

const groupCommit = {
  name: 'group-commit',
  get title() {
    // the first run of each side is the harness's untimed warm-up (default --warmup=1)
    const o = results.ours.slice(results.ours.length > 1 ? 1 : 0);
    const s = results.sqlite.slice(results.sqlite.length > 1 ? 1 : 0);
    // fsyncs are counted only for our engine (with --engine=sqlite both sides are better-sqlite3)
    const fs = o.map((r) => r.fsyncsPerCommit).filter((x) => typeof x === 'number');
    const fsText = fs.length ? `, ${median(fs).toFixed(3)} fsyncs/commit` : '';
    const extra =
      o.length && s.length
        ? `; medians: ours ${Math.round(median(o.map((r) => r.perSec)))} commits/s${fsText}; better-sqlite3 ${Math.round(median(s.map((r) => r.perSec)))} commits/s (FULL: an fsync per commit)`
        : '';
    return `Group commit: ${K} async clients, durable autocommit insert (ours NORMAL + whenDurable, better-sqlite3 FULL)${extra}`;
  },
  suite: 'storage',
  modes: ['file'],
  open: false,
  unit: 'µs/commit',
  bar: 1,
  setup(db, ctx) {
    ctx.commits = Math.max(K * 4, Math.round(2000 * ctx.scale));
    ctx.run = 0;
    results[ctx.side] = [];
  },
  run(db, ctx) {
    const module = ctx.Ctor === require('better-sqlite3') ? 'better-sqlite3' : path.join(root, 'index.js');
    const file = path.join(ctx.dir, `group-commit-${ctx.side}-${ctx.run++}.db`);
    const out = execFileSync(process.execPath, [self, module, file, String(ctx.commits)], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop());
    results[ctx.side].push(r);
    return { value: r.usPerCommit, checksum: r.checksum };
  },
};

export default groupCommit;

/** Child: runs the clients and prints one JSON line. */
async function child(module, file, commits) {
  const req = createRequire(path.join(root, 'package.json'));
  const Ctor = req(module);
  const ours = module !== 'better-sqlite3';
  const counter = ours ? req(path.join(path.dirname(module), 'dist', 'engine', 'storage', 'vfs-node.js')).nodeSyncCount : null;
  const db = new Ctor(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${ours ? 'NORMAL' : 'FULL'}`);
  db.exec('CREATE TABLE ins (id INTEGER PRIMARY KEY, c INTEGER, k INTEGER, b TEXT)');
  const ins = db.prepare('INSERT INTO ins (c, k, b) VALUES (?, ?, ?)');
  const perClient = Math.ceil(commits / K);
  const fsyncs0 = counter ? counter.sync + counter.syncAsync : 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: K }, async (_, c) => {
      for (let k = 0; k < perClient; k++) {
        ins.run(c, k, `row-${c}-${k}`);
        if (ours) await db.whenDurable();
        else await null;
      }
    }),
  );
  const us = Number(process.hrtime.bigint() - t0) / 1e3;
  const n = K * perClient;
  const fsyncs = counter ? counter.sync + counter.syncAsync - fsyncs0 : NaN;
  const r = db.prepare('SELECT count(*) AS n, sum(c * 100000 + k) AS s FROM ins').get();
  db.close();
  process.stdout.write(JSON.stringify({ usPerCommit: us / n, perSec: (n * 1e6) / us, fsyncsPerCommit: fsyncs / n, checksum: `${r.n}/${r.s}` }) + '\n');
}

if (process.argv[1] === self) await child(process.argv[2], process.argv[3], Number(process.argv[4]));
