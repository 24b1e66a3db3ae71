/**
 * The ORM examples (examples/orm-*.mjs) run as written (npm test builds dist/ first) and print
 * the expected results: CRUD, nearest neighbours with distances checked by brute force, and AS OF
 * reads that still see the rows deleted and updated afterwards.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** The examples' documents (stored as float32) and their query vectors. */
const DOCS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['Cats purr', [0.9, 0.1, 0.0]],
  ['Dogs bark', [0.8, 0.3, 0.1]],
  ['Stocks fell', [0.0, 0.2, 0.9]],
  ['Bonds rallied', [0.1, 0.1, 0.95]],
];

function cosineDistance(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.fround(a[i] as number);
    const y = Math.fround(b[i] as number);
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return 1 - dot / Math.sqrt(na * nb);
}

/** Brute force over `docs`: the k nearest titles to `q`, with distances as the examples print them. */
function nearest(docs: ReadonlyArray<readonly [string, readonly number[]]>, q: readonly number[], k: number): string[] {
  return docs
    .map(([title, v]) => ({ title, d: cosineDistance(v, q) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, k)
    .map((r) => `${r.title} (${r.d.toFixed(4)})`);
}

// After the example's update (doc 2 renamed) and delete (doc 4).
const NOW = DOCS.slice(0, 3).map(([t, v], i): readonly [string, readonly number[]] => [i === 1 ? 'Dogs bark loudly' : t, v]);

describe('ORM examples', () => {
  for (const orm of ['kysely', 'drizzle', 'knex', 'typeorm'] as const) {
    it(`orm-${orm}.mjs runs and shows CRUD, nearest neighbours and AS OF`, async () => {
      const { stdout: out } = await run(process.execPath, [path.join(root, 'examples', `orm-${orm}.mjs`)], { encoding: 'utf8', timeout: 60_000 });
      expect(out).toContain('created ids: [ 1, 2, 3, 4 ]');
      for (const [i, [title, v]] of NOW.entries()) {
        expect(out).toContain(`'${i + 1} ${title} [${v.map((x) => x.toFixed(2)).join(',')}]'`);
      }
      expect(out).not.toContain('Bonds rallied [');
      const near = nearest(NOW, [1, 0.2, 0], 2);
      expect(near.map((s) => s.replace(/ \(.*/, ''))).toEqual(['Cats purr', 'Dogs bark loudly']);
      expect(out).toContain(`nearest: [ '${near[0]}', '${near[1]}' ]`);
      const asOf = /as of transaction (\d+): \[([^\]]*)\]/.exec(out);
      expect(asOf).not.toBeNull();
      expect(asOf?.[2]?.replace(/\s+/g, ' ').trim()).toBe(DOCS.map(([t]) => `'${t}'`).join(', '));
      // Back then the nearest to [0,0,1] was the document deleted since.
      expect(nearest(DOCS, [0, 0, 1], 1)[0]).toMatch(/^Bonds rallied /);
      expect(nearest(NOW, [0, 0, 1], 1)[0]).toMatch(/^Stocks fell /);
      expect(out).toContain('nearest to [0,0,1] back then: Bonds rallied');
      if (orm === 'typeorm') expect(out).toContain('deleted since: Bonds rallied');
    });
  }
});
