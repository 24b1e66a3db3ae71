/** The benchmark harness (bench/run.mjs) at smoke size: better-sqlite3 on both sides, and engine detection. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const runner = path.join(root, 'bench', 'run.mjs');
const WORKLOADS = ['Point select', 'Indexed range select', 'Full scan', 'Join + GROUP BY', 'ORDER BY ... LIMIT 10', 'Bulk insert', 'Update of 10k'];
const LIGHT_STORAGE = ['Autocommit single-row insert, synchronous=NORMAL', 'Autocommit single-row insert, synchronous=FULL'];
const HEAVY_STORAGE = ['Bulk load of 1M rows', 'Cold full scan', 'Open a 1 GiB file', 'File size'];

describe('bench/run.mjs', () => {
  it('runs every workload in memory and on a file and writes the ratio table', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-test-'));
    try {
      const out = path.join(dir, 'benchmarks.md');
      execFileSync(process.execPath, [runner, '--engine=sqlite', '--runs=1', '--scale=0.01', `--out=${out}`], { cwd: root, stdio: 'pipe' });
      const md = readFileSync(out, 'utf8');
      expect(md).toContain('| workload | mode | better-sqlite3 ms | ours ms | ratio | bar | within bar |');
      expect(md).toMatch(/Machine: \d+ cores/);
      expect(md).toContain(`Node: ${process.version}`);
      for (const w of WORKLOADS) {
        expect(md).toMatch(new RegExp(`\\| ${w.replace(/[.+]/g, '\\$&')}[^\\n]*\\| memory \\|`));
        expect(md).toMatch(new RegExp(`\\| ${w.replace(/[.+]/g, '\\$&')}[^\\n]*\\| file \\|`));
      }
      expect(md).not.toContain('error:');
      // The default run holds the light storage workloads (file only) and none of the heavy ones.
      expect(md).toContain('| workload | unit | better-sqlite3 | ours | ratio | bar | within bar |');
      for (const w of LIGHT_STORAGE) expect(md).toMatch(new RegExp(`\\| ${w}[^\\n]*\\| µs/insert \\|`));
      for (const w of HEAVY_STORAGE) expect(md).not.toContain(`| ${w}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the storage suite with its heavy workloads and keeps the other sections of the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-test-'));
    try {
      const out = path.join(dir, 'benchmarks.md');
      const run = (...args: string[]) =>
        execFileSync(process.execPath, [runner, '--engine=sqlite', '--runs=1', '--scale=0.001', `--out=${out}`, ...args], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
      run('--only=point-select', '--modes=memory');
      const stdout = run('--suite=storage');
      expect(stdout).toMatch(/open-1gb\s+file .*ours < 100 ms/);
      const md = readFileSync(out, 'utf8');
      expect(md).toMatch(/\| Point select[^\n]*\| memory \|/);
      expect(md.indexOf('<!-- suite:sql begin -->')).toBeLessThan(md.indexOf('<!-- suite:storage begin -->'));
      for (const w of [...LIGHT_STORAGE, ...HEAVY_STORAGE]) expect(md).toContain(`| ${w}`);
      expect(md).toMatch(/\| File size[^\n]*\| MiB \| [\d.]+ \| [\d.]+ \| 1\.00 \| 1\.2 \| yes \|/);
      expect(md).toMatch(/\| Open a 1 GiB file[^\n]*\| ms \|[^\n]*\| ours < 100 ms \| yes \|/);
      expect(md).not.toContain('error:');
      // A storage-only rerun replaces the storage section and keeps the SQL one.
      run('--only=file-size');
      const again = readFileSync(out, 'utf8');
      expect(again).toMatch(/\| Point select[^\n]*\| memory \|/);
      expect(again).toContain('| File size');
      expect(again).not.toContain('| Cold full scan');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects unknown workloads and suites', () => {
    for (const arg of ['--only=no-such-workload', '--suite=nope']) {
      const r = spawnSync(process.execPath, [runner, '--engine=sqlite', '--no-write', arg], { cwd: root, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/unknown (workload|suite)/);
    }
  });

  it('reports clearly whether our compiled engine is present', () => {
    const built = existsSync(path.join(root, 'dist', 'engine', 'api', 'index.js'));
    const r = spawnSync(process.execPath, [runner, '--engine=helios', '--runs=1', '--scale=0.001', '--only=point-select', '--modes=memory', '--no-write'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (built) {
      expect(r.stdout).toMatch(/point-select\s+memory/);
    } else {
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('heliosdb-lite engine not found');
    }
  });
});
