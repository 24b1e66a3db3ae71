#!/usr/bin/env node
// Side-by-side benchmark: heliosdb-lite vs better-sqlite3 in one process, in memory and on a
// file (WAL for both, same synchronous level). Reports the median of several runs per workload
// and writes the ratio table (ours / better-sqlite3) to docs/benchmarks.md.
//
// Usage: node bench/run.mjs [--engine=helios|sqlite] [--runs=5] [--scale=1] [--only=a,b]
//                           [--modes=memory,file] [--out=FILE] [--no-write]
//   --engine=sqlite  self-test: better-sqlite3 on both sides (writes only with an explicit --out)
//   --scale          multiplies the 100k-row size of every workload (0.01 for a smoke run)
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workloads } from './workloads/index.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

function parseArgs(argv) {
  const opts = { engine: 'helios', runs: 5, scale: 1, only: null, modes: ['memory', 'file'], out: null, write: true };
  for (const a of argv) {
    const [k, v] = a.replace(/^--/, '').split('=');
    if (k === 'engine') opts.engine = v;
    else if (k === 'runs') opts.runs = Math.max(1, Number(v));
    else if (k === 'scale') opts.scale = Number(v);
    else if (k === 'only') opts.only = v.split(',');
    else if (k === 'modes') opts.modes = v.split(',');
    else if (k === 'out') opts.out = v;
    else if (k === 'no-write') opts.write = false;
    else throw new Error(`unknown option ${a}`);
  }
  if (!(opts.scale > 0)) throw new Error('--scale must be > 0');
  return opts;
}

/** Finds our engine's compiled Database constructor, or explains why it is missing. */
function loadHelios() {
  const candidates = [path.join(root, 'index.js'), path.join(root, 'dist', 'engine', 'api', 'index.js')];
  const problems = [];
  for (const file of candidates) {
    if (!existsSync(file)) {
      problems.push(`${path.relative(root, file)}: not found`);
      continue;
    }
    try {
      const mod = require(file);
      const ctor = typeof mod === 'function' ? mod : (mod.Database ?? mod.default);
      if (typeof ctor === 'function') return { ctor, from: path.relative(root, file) };
      problems.push(`${path.relative(root, file)}: exports no Database constructor`);
    } catch (e) {
      problems.push(`${path.relative(root, file)}: ${e.message.split('\n')[0]}`);
    }
  }
  return { problems };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function openDb(Ctor, mode, dir, label) {
  if (mode === 'memory') return new Ctor(':memory:');
  const db = new Ctor(path.join(dir, `${label}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const Sqlite = require('better-sqlite3');
  let Ours;
  let oursLabel;
  if (opts.engine === 'sqlite') {
    Ours = Sqlite;
    oursLabel = 'better-sqlite3 (self-test)';
  } else {
    const found = loadHelios();
    if (!found.ctor) {
      console.error('heliosdb-lite engine not found, nothing to benchmark. Build it first (npm run build).');
      for (const p of found.problems) console.error(`  ${p}`);
      console.error('To test this harness alone: node bench/run.mjs --engine=sqlite --scale=0.05 --no-write');
      process.exit(2);
    }
    Ours = found.ctor;
    oursLabel = `heliosdb-lite (${found.from})`;
  }
  const rows = Math.max(10, Math.round(100_000 * opts.scale));
  const selected = workloads.filter((w) => !opts.only || opts.only.includes(w.name));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heliosdb-bench-'));
  const results = [];
  try {
    for (const w of selected) {
      for (const mode of opts.modes) {
        const sides = [
          { key: 'sqlite', Ctor: Sqlite, ctx: { rows }, times: [], checksum: undefined },
          { key: 'ours', Ctor: Ours, ctx: { rows }, times: [], checksum: undefined },
        ];
        let error;
        try {
          for (const s of sides) {
            s.db = openDb(s.Ctor, mode, dir, `${w.name}-${s.key}`);
            w.setup(s.db, s.ctx);
          }
          for (let r = 0; r < opts.runs; r++) {
            const order = r % 2 === 0 ? sides : [...sides].reverse();
            for (const s of order) {
              w.before?.(s.db, s.ctx);
              const t0 = process.hrtime.bigint();
              const checksum = w.run(s.db, s.ctx);
              s.times.push(Number(process.hrtime.bigint() - t0) / 1e6);
              s.checksum ??= checksum;
            }
          }
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        } finally {
          for (const s of sides) s.db?.close();
        }
        const a = sides[0].times.length ? median(sides[0].times) : NaN;
        const b = sides[1].times.length === opts.runs ? median(sides[1].times) : NaN;
        const row = {
          workload: w.name,
          title: w.title,
          mode,
          sqliteMs: a,
          oursMs: b,
          ratio: b / a,
          bar: w.bar,
          error: error ?? (sides[0].checksum !== sides[1].checksum ? `results differ (${sides[0].checksum} vs ${sides[1].checksum})` : undefined),
        };
        results.push(row);
        console.log(
          `${w.name.padEnd(16)} ${mode.padEnd(7)} sqlite ${a.toFixed(2).padStart(10)} ms   ours ${b.toFixed(2).padStart(10)} ms   ratio ${row.ratio.toFixed(2)} (bar ${w.bar})${row.error ? `   ERROR: ${row.error}` : ''}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const md = renderMarkdown(results, { ...opts, rows, oursLabel });
  const out = opts.out ?? (opts.engine === 'sqlite' ? null : path.join(root, 'docs', 'benchmarks.md'));
  if (opts.write && out) {
    writeFileSync(out, md);
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  }
  if (results.some((r) => r.error)) process.exitCode = 1;
}

function renderMarkdown(results, info) {
  const cpus = os.cpus();
  const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const lines = [
    '# Benchmarks',
    '',
    'Generated by `node bench/run.mjs` (ours / better-sqlite3, median of the runs; lower is better).',
    'Both engines run in the same process; the file mode uses a temporary file with WAL and',
    '`synchronous = NORMAL` on both sides.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}`,
    `- Node: ${process.version}; better-sqlite3 ${require('better-sqlite3/package.json').version}`,
    `- Engine under test: ${info.oursLabel}`,
    `- Runs per workload: ${info.runs}; rows: ${info.rows}`,
    '',
    '| workload | mode | better-sqlite3 ms | ours ms | ratio | bar | within bar |',
    '|---|---|---:|---:|---:|---:|:---:|',
  ];
  for (const r of results) {
    const ok = r.error ? `error: ${r.error}` : r.ratio <= r.bar ? 'yes' : 'no';
    lines.push(`| ${r.title} | ${r.mode} | ${fmt(r.sqliteMs)} | ${fmt(r.oursMs)} | ${fmt(r.ratio)} | ${r.bar} | ${ok} |`);
  }
  lines.push('');
  return lines.join('\n');
}

main();
