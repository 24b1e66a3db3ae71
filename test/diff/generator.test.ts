/**
 * Generated differential tests. The fixed seeds always run (20,000 statements, the CI gate: CI
 * must be reproducible, so it never draws a seed). One more run happens when asked: DIFF_SEED=n
 * replays seed n, DIFF_FUZZ=1 (`npm run test:fuzz`) draws a random seed and prints it; DIFF_COUNT
 * sets its length (default 5000). A divergence found by fuzzing becomes a case file in cases/.
 */
import { describe, expect, it } from 'vitest';
import { engineUnderTest } from '../support/engines.js';
import { formatGeneratorReport, runGenerated } from './generator.js';

const FIXED_SEEDS = [1, 20240601, 3735928559, 7];
const FIXED_COUNT = 5000;

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

const explicitSeed = envInt('DIFF_SEED');
const fuzz = process.env.DIFF_FUZZ === '1';
const extraSeed = explicitSeed ?? (fuzz ? Math.floor(Math.random() * 0xffffffff) : undefined);
const extraCount = envInt('DIFF_COUNT') ?? 5000;

async function check(seed: number, count: number): Promise<void> {
  const engine = await engineUnderTest();
  const report = runGenerated(engine, { seed, count });
  console.log(`[diff generator] engine=${engine.name} ${formatGeneratorReport(report)}`);
  if (report.divergences.length > 0) console.log(report.divergences.join('\n\n'));
  expect(report.divergences, report.divergences.join('\n\n')).toEqual([]);
  expect(report.statements).toBe(count);
  // Nondeterministic statements are not judged; keep them rare so the run keeps its power.
  expect(report.nondeterministic).toBeLessThan(Math.max(10, count / 50));
}

describe('generated statements agree with SQLite', () => {
  for (const seed of FIXED_SEEDS) {
    it(`fixed seed ${seed} (${FIXED_COUNT} statements)`, () => check(seed, FIXED_COUNT));
  }
  if (extraSeed !== undefined) {
    it(`${explicitSeed === undefined ? 'random' : 'DIFF_SEED'} seed ${extraSeed} (${extraCount} statements; replay with DIFF_SEED=${extraSeed} DIFF_COUNT=${extraCount})`, () =>
      check(extraSeed, extraCount));
  }
});
