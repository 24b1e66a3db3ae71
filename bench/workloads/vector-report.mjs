// The vector section of docs/benchmarks.md, rendered from vector-knn.mjs's `vectorReport`
// (bench/run.mjs calls vectorSection for the 'vector' suite).
import { vectorReport as R } from './vector-knn.mjs';

const f = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const int = (x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');

export function vectorSection(results, info, runInfoLines) {
  const { ours, raw, brute, sqlite } = R;
  const [lo, hi] = R.efs;
  const lines = [
    '## Vectors',
    '',
    `${int(R.n)} vectors of dimension ${R.dims} shaped like real embeddings (a Gaussian mixture of 300`,
    'overlapping clusters, each in its own 24-dimensional subspace, plus isotropic noise,',
    'normalised; the generator of `test/vector/helpers.ts`), top-10 cosine queries with',
    `${R.queries} held-out vectors (better-sqlite3: the first ${R.sqliteQueries}), one query at a time. HNSW: m ${R.m},`,
    `ef_construction ${R.efConstruction} (our defaults) for both heliosdb-lite and raw hnswlib-node; recall against`,
    'exact brute force. Files with WAL and `synchronous = NORMAL`. Latencies of heliosdb-lite and raw',
    `hnswlib-node are measured interleaved (query i through SQL, then query i raw; 3 passes), so both`,
    'sides see the same machine load.',
    '',
    '- heliosdb-lite: `VECTOR(384)` column with its automatic HNSW index, `stmt.all()` of',
    "  `SELECT id FROM docs ORDER BY vector_distance(v, ?, 'cosine') LIMIT 10`.",
    '- raw hnswlib-node: `searchKnn` on an index built with the same parameters (the floor).',
    '- JS brute force: exact top-10 over the Float32Arrays in a JS loop.',
    '- better-sqlite3: BLOB column, `db.function` cosine distance, `ORDER BY vec_cosine(v, ?) LIMIT 10`.',
    `- Load: INSERT of all rows in one transaction. Build: the index from the loaded table (ours: the`,
    '  first query after the load; raw: the addPoint loop). Insert rate: ' + `${R.inserts} more rows in one transaction`,
    '  until searchable (ours: INSERTs + COMMIT + the query that brings the index up to date).',
    '- Index size: index files / raw vectors (4 bytes x dimensions x rows).',
    '',
    ...runInfoLines,
    `- Scale: ${info.scale}`,
    '',
    '| measure | heliosdb-lite (SQL) | raw hnswlib-node | JS brute force | better-sqlite3 + JS function |',
    '|---|---:|---:|---:|---:|',
    `| load, rows/s | ${int(ours.loadRate)} | n/a | n/a | ${int(sqlite.loadRate)} |`,
    `| index build, s | ${f(ours.buildS, 1)} | ${f(raw.buildS, 1)} | none | none |`,
    `| reopen + first query (index loaded from files), s | ${f(ours.reopenS, 2)} | n/a | n/a | n/a |`,
    `| insert rate until searchable (${R.inserts} rows), rows/s | ${int(ours.insertRate)} | ${int(raw.insertRate)} | n/a | ${int(sqlite.insertRate)} |`,
  ];
  for (const ef of [lo, hi]) {
    const o = ours.byEf?.[ef] ?? {};
    const w = raw.byEf?.[ef] ?? {};
    lines.push(`| ef_search ${ef}: recall@10 | ${f(o.recall, 3)} | ${f(w.recall, 3)} | 1.000 | ${f(sqlite.all?.recall, 3)} |`);
    lines.push(`| ef_search ${ef}: p50 / p99 latency, ms | ${f(o.p50, 3)} / ${f(o.p99, 3)} | ${f(w.p50, 3)} / ${f(w.p99, 3)} | ${f(brute.p50, 1)} / ${f(brute.p99, 1)} | ${f(sqlite.all?.p50, 1)} / ${f(sqlite.all?.p99, 1)} |`);
    lines.push(`| ef_search ${ef}: QPS (one at a time) | ${int(o.qps)} | ${int(w.qps)} | ${f(brute.qps, 1)} | ${f(sqlite.all?.qps, 2)} |`);
  }
  lines.push(`| index size / raw vectors | ${f(ours.sizeRatio, 2)} | ${f(raw.sizeRatio, 2)} | none | none |`);
  lines.push('');
  // the bars
  const o = ours.byEf?.[lo] ?? {};
  const w = raw.byEf?.[lo] ?? {};
  const bar1 = o.recall >= 0.95 && o.p50 <= 1;
  lines.push('| bar | measured | within bar |', '|---|---:|:---:|');
  lines.push(`| recall@10 >= 0.95 at p50 <= 1 ms (ef_search ${lo}) | recall ${f(o.recall, 3)}, p50 ${f(o.p50, 3)} ms | ${bar1 ? 'yes' : 'no'} |`);
  for (const ef of [lo, hi]) {
    const a = ours.byEf?.[ef] ?? {};
    const b = raw.byEf?.[ef] ?? {};
    const ratio = a.p50 / b.p50;
    const equalRecall = Math.abs(a.recall - b.recall) <= 0.01;
    lines.push(`| p50 <= 1.3x raw hnswlib-node at equal recall (ef_search ${ef}) | ${f(ratio, 2)}x (recall ${f(a.recall, 3)} vs ${f(b.recall, 3)}) | ${ratio <= 1.3 && equalRecall ? 'yes' : 'no'} |`);
  }
  const errors = results.filter((r) => r.error);
  for (const e of errors) lines.push('', `Error: ${e.error}`);
  return lines;
}
