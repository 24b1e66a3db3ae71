// The mvcc section of docs/benchmarks.md, rendered from the measures the mvcc-*.mjs workloads
// gathered (bench/run.mjs calls mvccSection for the 'mvcc' suite).
import * as os from 'node:os';
import { median, mvccReport as R } from './mvcc-common.mjs';

const f = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** Display order and the baseline each measure is compared with. */
const ROWS = [
  ['history-scan', 'retention 0'],
  ['history-point', 'retention 0'],
  ['asof-scan-1', 'current data'],
  ['asof-scan-10', 'current data'],
  ['asof-scan-50', 'current data'],
  ['asof-point-1', 'current data'],
  ['asof-point-10', 'current data'],
  ['asof-point-50', 'current data'],
  ['asof-conn-point-1', 'current data'],
  ['asof-conn-point-10', 'current data'],
  ['asof-conn-point-50', 'current data'],
  ['write-autocommit', 'retention 0'],
  ['write-bulk', 'retention 0'],
];

export function mvccSection(results, info, runInfoLines) {
  const lines = [
    '## MVCC and time travel',
    '',
    'Files with WAL and `synchronous = NORMAL` on both sides. "ours" is the MVCC case (history kept',
    'with `PRAGMA helios_retention = 86400`, or an `AS OF` read), "ours baseline" the same statements',
    'without it (retention 0, or the same query on the current data); both run interleaved in the',
    'same process so they see the same machine load. The ratio column is ours / ours baseline and',
    'the bars (issue 4) apply to it. Every answer is checked: with and without history must agree,',
    'better-sqlite3 must agree, AS OF answers must equal a model of the table at that point.',
    '',
    '- History: the table is loaded, then every row is updated 3 times on average (random rows,',
    '  1,000 updates per transaction), so the history file keeps 4 versions per row.',
    '- AS OF: one table and three points; after them 50%, 10% and 1% of the rows were updated.',
    '  better-sqlite3 runs the current query. A point select with `AS OF TRANSACTION n` in its SQL',
    '  rebuilds the overlay (one range scan of the changes since the point) on every execution;',
    '  a connection from `db.asOf(n)` builds it once and reuses it.',
    '- Writes: autocommit UPDATEs by key in 10 interleaved blocks per run; a bulk INSERT into an',
    '  existing empty table in one transaction (with history, each new row also gets its "did not',
    '  exist" version).',
    `- Load average at the end of the run: ${os.loadavg().map((x) => x.toFixed(1)).join(', ')} (a shared machine: ratios`,
    '  vary between runs; each number is a median of interleaved repetitions).',
    '',
    ...runInfoLines,
    `- Runs per workload: ${info.runs}; scale: ${info.scale}; rows: ${info.rows}`,
    '',
    '| measure | unit | better-sqlite3 | ours baseline | ours | ours / baseline | baseline | bar | within bar |',
    '|---|---|---:|---:|---:|---:|---|---:|:---:|',
  ];
  for (const [id, baseline] of ROWS) {
    const m = R.measures.get(id);
    if (!m || !m.measured.length) continue;
    const base = median(m.baseline);
    const ours = median(m.measured);
    const ratio = ours / base;
    const bar = m.bar === undefined ? 'report' : `≤ ${m.bar}`;
    const ok = m.bar === undefined ? '' : ratio <= m.bar ? 'yes' : 'no';
    lines.push(`| ${m.title} | ${m.unit} | ${f(median(m.sqlite))} | ${f(base)} | ${f(ours)} | ${f(ratio)} | ${baseline} | ${bar} | ${ok} |`);
  }
  const c = R.concurrency;
  const cm = R.measures.get('concurrency');
  if (c && cm) {
    const inter = median(cm.measured);
    const serial = median(cm.baseline);
    const sq = median(cm.sqlite);
    const tps = (us) => (Number.isFinite(us) ? Math.round(1e6 / us).toLocaleString('en-US') : 'n/a');
    lines.push(
      '',
      `### ${c.m} connections on one file, write transactions on distinct rows`,
      '',
      `Each transaction: \`BEGIN\`, ${c.k} x \`UPDATE t SET a = a + 1 WHERE id = ?\`, \`COMMIT\`; ${c.txns} transactions per`,
      `run. Interleaved: all ${c.m} connections BEGIN, then each runs its 1st UPDATE, then each its 2nd, ...,`,
      'then each COMMITs (ours: `PRAGMA helios_concurrent_writes = ON`; the first COMMIT of a round',
      'publishes its pages, the others are validated and replayed). Serialized: one connection\'s',
      'whole transaction after another\'s.',
      '',
      '| engine | mode | µs/txn | txn/s | conflicts |',
      '|---|---|---:|---:|---:|',
      `| heliosdb-lite | interleaved | ${f(inter)} | ${tps(inter)} | ${c.conflicts.reduce((a, b) => a + b, 0)} of ${c.conflicts.length * (c.txns ?? 0)} |`,
      `| heliosdb-lite | serialized | ${f(serial)} | ${tps(serial)} | n/a |`,
      `| better-sqlite3 | interleaved | cannot | n/a | ${c.sqliteError ?? 'not run'} |`,
      `| better-sqlite3 | serialized | ${f(sq)} | ${tps(sq)} | n/a |`,
    );
  }
  const errors = results.filter((r) => r.error);
  for (const e of errors) lines.push('', `Error in ${e.workload}: ${e.error}`);
  return lines;
}
