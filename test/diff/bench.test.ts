/** The benchmark harness (bench/run.mjs) at smoke size: better-sqlite3 on both sides, and engine detection. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const runner = path.join(root, 'bench', 'run.mjs');
const WORKLOADS = ['Point select', 'Indexed range select', 'Full scan', 'Join + GROUP BY', 'ORDER BY ... LIMIT 10', 'Bulk insert', 'Update of 10k'];

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
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
