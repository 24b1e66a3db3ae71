#!/usr/bin/env node
// Side-by-side benchmark: heliosdb-lite vs better-sqlite3 in one process, in memory and on a
// file (WAL for both, same synchronous level). Reports the median of several runs per workload
// and writes the ratio tables (ours / better-sqlite3) to docs/benchmarks.md, one section per suite.
//
// Commands:
//   npm run bench                               build, then every workload that is not heavy
//                                               (SQL suite + autocommit inserts): a few minutes
//   node bench/run.mjs --suite=storage          the whole storage suite, including the heavy
//                                               1M-row / 1 GiB workloads (bulk-load, cold-scan,
//                                               open-1gb, file-size); needs ~3 GB free in tmp
//   node bench/run.mjs --suite=all              everything
//   node bench/run.mjs --suite=vector --runs=1  100k x 384 vectors: ours, raw hnswlib-node, brute force
//   node bench/run.mjs --suite=mvcc             history, AS OF, write overhead, concurrent writers
//   node bench/run.mjs --only=cold-scan --scale=0.01 --runs=1 --no-write    a quick look
//
// Usage: node bench/run.mjs [--engine=helios|sqlite] [--runs=5] [--warmup=1] [--scale=1] [--only=a,b]
//                           [--suite=sql,storage|all] [--modes=memory,file] [--out=FILE] [--no-write]
//   --engine=sqlite  self-test: better-sqlite3 on both sides (writes only with an explicit --out)
//   --scale          multiplies every workload's size: 100k rows (SQL suite), 2,000 autocommit
//                    inserts, 1M rows and 1 GiB (storage suite); 0.01 for a smoke run
//   --suite          run these suites, heavy workloads included (default: all non-heavy ones)
//   --only           run these workloads by name, heavy or not
// Writing replaces only the sections of the suites that ran; the others are kept.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workloads } from './workloads/index.mjs';
import { vectorSection } from './workloads/vector-report.mjs';
import { mvccSection } from './workloads/mvcc-report.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const SUITES = ['sql', 'storage', 'vector', 'mvcc'];

function parseArgs(argv) {
  const opts = { engine: 'helios', runs: 5, warmup: 1, scale: 1, only: null, suites: null, modes: ['memory', 'file'], out: null, write: true };
  for (const a of argv) {
    const [k, v] = a.replace(/^--/, '').split('=');
    if (k === 'engine') opts.engine = v;
    else if (k === 'runs') opts.runs = Math.max(1, Number(v));
    else if (k === 'warmup') opts.warmup = Math.max(0, Number(v));
    else if (k === 'scale') opts.scale = Number(v);
    else if (k === 'only') opts.only = v.split(',');
    else if (k === 'suite') opts.suites = v === 'all' ? SUITES : v.split(',');
    else if (k === 'modes') opts.modes = v.split(',');
    else if (k === 'out') opts.out = v;
    else if (k === 'no-write') opts.write = false;
    else throw new Error(`unknown option ${a}`);
  }
  if (!(opts.scale > 0)) throw new Error('--scale must be > 0');
  for (const s of opts.suites ?? []) if (!SUITES.includes(s)) throw new Error(`unknown suite ${s} (known: ${SUITES.join(', ')}, all)`);
  for (const n of opts.only ?? []) if (!workloads.some((w) => w.name === n)) throw new Error(`unknown workload ${n} (known: ${workloads.map((w) => w.name).join(', ')})`);
  return opts;
}

const suiteOf = (w) => w.suite ?? 'sql';

function selectWorkloads(opts) {
  return workloads.filter((w) => {
    if (opts.only) return opts.only.includes(w.name) && (!opts.suites || opts.suites.includes(suiteOf(w)));
    if (opts.suites) return opts.suites.includes(suiteOf(w));
    return !w.heavy;
  });
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

function openDb(Ctor, mode, dir, label, synchronous) {
  if (mode === 'memory') return new Ctor(':memory:');
  const db = new Ctor(path.join(dir, `${label}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  return db;
}

/** Runs one workload in one mode on both sides; returns its result row. */
function runWorkload(w, mode, sides0, opts, dir, rows) {
  const sides = sides0.map(({ key, Ctor }) => ({
    key,
    Ctor,
    ctx: { rows, scale: opts.scale, dir, side: key, Ctor },
    values: [],
    checksum: undefined,
    db: null,
  }));
  let error;
  try {
    for (const s of sides) {
      if (w.open !== false) s.db = openDb(s.Ctor, mode, dir, `${w.name}-${s.key}`, w.synchronous ?? 'NORMAL');
      w.setup(s.db, s.ctx);
    }
    // one untimed run per side first (both engines alike): JIT compilation and the first full
    // garbage collections of a JavaScript engine are a one-time cost, not the steady state
    // (not for heavy workloads: each of their runs is long, and they measure their own way)
    for (let r = 0; r < (w.heavy ? 0 : opts.warmup); r++) {
      for (const s of sides) {
        w.before?.(s.db, s.ctx);
        w.run(s.db, s.ctx);
      }
    }
    for (let r = 0; r < opts.runs; r++) {
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      for (const s of order) {
        w.before?.(s.db, s.ctx);
        const t0 = process.hrtime.bigint();
        const out = w.run(s.db, s.ctx);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const measured = out !== null && typeof out === 'object' && 'value' in out;
        s.values.push(measured ? out.value : ms);
        s.checksum ??= measured ? out.checksum : out;
      }
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    for (const s of sides) {
      try {
        s.db?.close();
        w.teardown?.(s.db, s.ctx);
      } catch (e) {
        error ??= e instanceof Error ? e.message : String(e);
      }
    }
  }
  const a = sides[0].values.length ? median(sides[0].values) : NaN;
  const b = sides[1].values.length === opts.runs ? median(sides[1].values) : NaN;
  const absolute = w.barKind === 'absolute';
  const ratio = b / a;
  return {
    workload: w.name,
    title: w.title,
    suite: suiteOf(w),
    mode,
    unit: w.unit ?? 'ms',
    sqlite: a,
    ours: b,
    ratio,
    bar: w.bar,
    absolute,
    within: absolute ? b < w.bar : ratio <= w.bar,
    error: error ?? (sides[0].checksum !== sides[1].checksum ? `results differ (${sides[0].checksum} vs ${sides[1].checksum})` : undefined),
  };
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
  const selected = selectWorkloads(opts);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heliosdb-bench-'));
  const sides = [
    { key: 'sqlite', Ctor: Sqlite },
    { key: 'ours', Ctor: Ours },
  ];
  const results = [];
  try {
    for (const w of selected) {
      const modes = opts.modes.filter((m) => !w.modes || w.modes.includes(m));
      if (!modes.length) console.log(`${w.name.padEnd(16)} skipped: runs only in ${w.modes.join(', ')} mode`);
      for (const mode of modes) {
        const row = runWorkload(w, mode, sides, opts, dir, rows);
        results.push(row);
        const unit = row.unit === 'ms' ? 'ms' : ` ${row.unit}`;
        const bar = row.absolute ? `ours < ${row.bar} ${row.unit}` : `bar ${row.bar}`;
        console.log(
          `${w.name.padEnd(16)} ${mode.padEnd(7)} sqlite ${row.sqlite.toFixed(2).padStart(10)}${unit}   ours ${row.ours.toFixed(2).padStart(10)}${unit}   ratio ${row.ratio.toFixed(2)} (${bar})${row.error ? `   ERROR: ${row.error}` : ''}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const out = opts.out ?? (opts.engine === 'sqlite' ? null : path.join(root, 'docs', 'benchmarks.md'));
  if (opts.write && out && results.length) {
    const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
    writeFileSync(out, renderMarkdown(results, { ...opts, rows, oursLabel }, previous));
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  }
  if (results.some((r) => r.error)) process.exitCode = 1;
}

// ---- docs/benchmarks.md: a header, then one section per suite between markers ----

const begin = (s) => `<!-- suite:${s} begin -->`;
const end = (s) => `<!-- suite:${s} end -->`;

/** The sections of a previously written file, by suite (empty for a file without markers). */
function previousSections(md) {
  const sections = {};
  for (const s of SUITES) {
    const i = md.indexOf(begin(s));
    const j = md.indexOf(end(s));
    if (i >= 0 && j > i) sections[s] = md.slice(i, j + end(s).length);
  }
  return sections;
}

function renderMarkdown(results, info, previous) {
  const sections = previousSections(previous);
  for (const s of SUITES) {
    const rs = results.filter((r) => r.suite === s);
    if (rs.length) sections[s] = [begin(s), ...(s === 'sql' ? sqlSection(rs, info) : s === 'vector' ? vectorSection(rs, info, runInfo(info)) : s === 'mvcc' ? mvccSection(rs, info, runInfo(info)) : storageSection(rs, info)), end(s)].join('\n');
  }
  const lines = [
    '# Benchmarks',
    '',
    'Generated by `node bench/run.mjs` (ours / better-sqlite3, median of the runs; lower is better).',
    'Both engines run in the same process, on the same machine, in the same run. Each suite below',
    'says when and where it was measured; a run replaces only the sections of the suites it ran.',
    '',
    '- `npm run bench`: every workload that is not heavy (the SQL suite and the autocommit inserts).',
    '- `node bench/run.mjs --suite=storage`: the storage suite including the 1M-row / 1 GiB workloads.',
    '- `--only=NAME,...` runs chosen workloads; `--scale=0.01 --runs=1 --no-write` is a smoke run.',
    '',
  ];
  for (const s of SUITES) if (sections[s]) lines.push(sections[s], '');
  return lines.join('\n');
}

function runInfo(info) {
  const cpus = os.cpus();
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}`,
    `- Node: ${process.version}; better-sqlite3 ${require('better-sqlite3/package.json').version}`,
    `- Engine under test: ${info.oursLabel}`,
  ];
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

function sqlSection(results, info) {
  const lines = [
    '## SQL workloads',
    '',
    'The file mode uses a temporary file with WAL and `synchronous = NORMAL` on both sides.',
    '',
    ...runInfo(info),
    `- Runs per workload: ${info.runs} timed, after ${info.warmup} untimed warm-up run(s) per side; rows: ${info.rows}`,
    '',
    '| workload | mode | better-sqlite3 ms | ours ms | ratio | bar | within bar |',
    '|---|---|---:|---:|---:|---:|:---:|',
  ];
  for (const r of results) {
    const ok = r.error ? `error: ${r.error}` : r.within ? 'yes' : 'no';
    lines.push(`| ${r.title} | ${r.mode} | ${fmt(r.sqlite)} | ${fmt(r.ours)} | ${fmt(r.ratio)} | ${r.bar} | ${ok} |`);
  }
  return lines;
}

function storageSection(results, info) {
  const lines = [
    '## Storage',
    '',
    'Files in a temporary directory, WAL mode on both sides (ours: its own `-hlog` log), the same',
    '`synchronous` level on both sides (NORMAL unless the workload names one). Every workload checks',
    'that both engines end with the same data (row count and column sums). Sizes are at',
    `\`--scale=${info.scale}\` (1M rows and 1 GiB at scale 1); the heavy ones run with`,
    '`node bench/run.mjs --suite=storage`.',
    '',
    '- Autocommit inserts: each INSERT its own transaction; time per insert.',
    '- Group commit: 8 async clients on one connection, each acknowledging an insert only when it',
    '  is durable: ours at NORMAL with `await db.whenDurable()` (commits arriving while an fsync is',
    '  in flight share the next), better-sqlite3 at FULL (one fsync per commit, its only way);',
    '  time per acknowledged commit, each run in a child process.',
    '- Bulk load: open a new file, create the table, 1M INSERTs in one transaction, COMMIT.',
    '- Cold scan: a new connection (empty engine cache, `cache_size = -2000`) scans the whole',
    '  table; the operating system\'s file cache is warm (it is not dropped).',
    '- Open: `new Database(file)` plus the first point lookup on a 1 GiB file of 64 KiB blobs',
    '  written by the same engine and closed cleanly; the bar is absolute (ours under 100 ms).',
    '- File size: main file plus any log left after a clean close (ours `-hlog`, SQLite `-wal`).',
    '',
    ...runInfo(info),
    `- Runs per workload: ${info.runs} timed (non-heavy ones after ${info.warmup} untimed warm-up run(s) per side); scale: ${info.scale}`,
    '',
    '| workload | unit | better-sqlite3 | ours | ratio | bar | within bar |',
    '|---|---|---:|---:|---:|---:|:---:|',
  ];
  for (const r of results) {
    const ok = r.error ? `error: ${r.error}` : r.within ? 'yes' : 'no';
    const bar = r.absolute ? `ours < ${r.bar} ${r.unit}` : `${r.bar}`;
    lines.push(`| ${r.title} | ${r.unit} | ${fmt(r.sqlite)} | ${fmt(r.ours)} | ${fmt(r.ratio)} | ${bar} | ${ok} |`);
  }
  return lines;
}

main();
