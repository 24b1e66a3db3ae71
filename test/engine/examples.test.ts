import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

// The README's quick start must run as written (npm test builds dist/ first).
describe('examples', () => {
  it('quickstart.mjs runs and shows the expected results', () => {
    const out = execFileSync(process.execPath, [path.join(root, 'examples', 'quickstart.mjs')], { encoding: 'utf8' });
    expect(out).toContain('inserted ids: [ 1, 2, 3 ]');
    expect(out).toContain("{ name: 'Linus', first_lang: 'fi' }");
    expect(out).toContain('constraint error: SQLITE_CONSTRAINT_UNIQUE - UNIQUE constraint failed: users.email');
    // cosine distances of [1,0,0] to cats [0.9,0.1,0] and dogs [0.8,0.3,0.1], computed by hand
    const cos = (v: number[]) => 1 - v[0] / Math.hypot(...v);
    expect(out).toContain(`{ title: 'cats', distance: ${Math.round(cos([0.9, 0.1, 0]) * 1e4) / 1e4} }`);
    expect(out).toContain(`{ title: 'dogs', distance: ${Math.round(cos([0.8, 0.3, 0.1]) * 1e4) / 1e4} }`);
    expect(out).toMatch(/now: Countess \| as of txn \d+: Ada Lovelace/);
  });
});
