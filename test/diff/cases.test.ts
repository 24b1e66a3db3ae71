/** Hand-written SQL case files (test/diff/cases/*.sql), each on a fresh pair of databases. */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineUnderTest } from '../support/engines.js';
import { listCaseFiles, runCaseFile } from './cases.js';

describe('SQL case files agree with SQLite', () => {
  const files = listCaseFiles();
  it('has case files', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });
  for (const file of files) {
    it(path.basename(file), async () => {
      const engine = await engineUnderTest();
      const r = runCaseFile(file, engine);
      const problems = [...r.authoring.map((a) => `CASE FILE PROBLEM ${a}`), ...r.mismatches];
      if (problems.length > 0) console.log(problems.join('\n\n'));
      expect(r.statements).toBeGreaterThan(0);
      expect(r.authoring, 'the case file is wrong (see log)').toEqual([]);
      expect(r.mismatches.length, `${r.mismatches.length} divergence(s) of ${r.statements}`).toBe(0);
    });
  }
});
