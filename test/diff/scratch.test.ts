import { it } from 'vitest';
import { sqliteEngine } from '../support/engines.js';
import { StatementGenerator, runGenerated, formatGeneratorReport } from './generator.js';
import { DiffHarness } from './harness.js';
it('scratch', () => {
  const g = new StatementGenerator(42);
  const h = new DiffHarness(sqliteEngine);
  const errs = new Map<string, number>();
  let n = 0, err = 0, nd = 0;
  const t0 = Date.now();
  for (let s = 0; s < 20; s++) {
    const g = new StatementGenerator(s * 7919 + 1);
    const h = new DiffHarness(sqliteEngine);
    for (let i = 0; i < 200; i++) {
      const sql = g.next();
      const c = h.exec(sql); n++;
      if (c.status === 'nondeterministic') { nd++; if (nd < 6) console.log('ND', sql, c.reason); }
      if (c.expected.kind === 'error') { err++; const m = c.expected.message.replace(/:.*/, ''); errs.set(m, (errs.get(m) ?? 0) + 1); }
      if (s === 0 && i < 40) console.log(sql);
    }
    h.close();
  }
  console.log({ n, err, nd, ms: Date.now() - t0 }, [...errs].sort((a, b) => b[1] - a[1]).slice(0, 25));
});
