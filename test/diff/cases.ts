/**
 * Hand-written SQL case files (test/diff/cases/*.sql).
 *
 * Format: plain SQL; statements end with `;` (a CREATE TRIGGER ends at the `;` after its END).
 * Usually nothing is expected: SQLite is the oracle. `--` comment lines right before a statement
 * may hold one directive each:
 *   -- error       SQLite must reject the statement (the engine must reject it the same way).
 *                  Without it, a statement SQLite rejects is a mistake in the case file.
 *   -- eqp-shape   compare EXPLAIN QUERY PLAN rows by shape, not text (see README.md).
 * Any other comment is a description. Each file runs in a fresh in-memory database on both engines,
 * and the whole state (sqlite_schema and every table) is compared after the last statement.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { splitStatements } from '../support/sql-tokens.js';
import type { Engine } from '../support/engines.js';
import { DiffHarness, formatComparison } from './harness.js';

export const CASES_DIR = path.join(__dirname, 'cases');

export interface CaseStatement {
  sql: string;
  line: number;
  expectError: boolean;
  eqpShape: boolean;
}

export function parseCaseFile(text: string): CaseStatement[] {
  return splitStatements(text).map((s) => {
    const directives = new Set(s.leadingComments.map((c) => c.toLowerCase()));
    return { sql: s.sql, line: s.line, expectError: directives.has('error'), eqpShape: directives.has('eqp-shape') };
  });
}

export function listCaseFiles(dir = CASES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => path.join(dir, f));
}

export interface CaseFileResult {
  file: string;
  statements: number;
  matched: number;
  /** Engine disagrees with SQLite. */
  mismatches: string[];
  /** The case file itself is wrong (unexpected SQLite error, missing error, nondeterministic). */
  authoring: string[];
  /** Differs only through a known SQLite bug we do not copy (confirmed on SQLite; docs/compat.md). */
  intended: string[];
}

/** Runs one case file on a fresh pair of in-memory databases. */
export function runCaseFile(file: string, engine: Engine, oracle?: Engine): CaseFileResult {
  const name = path.basename(file);
  const stmts = parseCaseFile(readFileSync(file, 'utf8'));
  const result: CaseFileResult = { file: name, statements: stmts.length, matched: 0, mismatches: [], authoring: [], intended: [] };
  const h = new DiffHarness(engine, oracle);
  try {
    for (const s of stmts) {
      const c = h.exec(s.sql, { eqpShape: s.eqpShape });
      const where = `${name}:${s.line}`;
      const sqliteFailed = c.expected.kind === 'error';
      if (c.status === 'nondeterministic') result.authoring.push(formatComparison(c, where, engine.name));
      else if (sqliteFailed && !s.expectError)
        result.authoring.push(`${where}: SQLite rejected a statement not marked '-- error'\n${formatComparison(c, where, engine.name)}`);
      else if (!sqliteFailed && s.expectError)
        result.authoring.push(`${where}: marked '-- error' but SQLite accepted it\n${formatComparison(c, where, engine.name)}`);
      if (c.status === 'mismatch') result.mismatches.push(formatComparison(c, where, engine.name));
      else if (c.status === 'match') result.matched++;
      else if (c.status === 'intended') result.intended.push(formatComparison(c, where, engine.name));
    }
    for (const c of h.compareState()) {
      if (c.status === 'mismatch') result.mismatches.push(formatComparison(c, `${name}: final state`, engine.name));
      else if (c.status === 'nondeterministic') result.authoring.push(formatComparison(c, `${name}: final state`, engine.name));
    }
  } finally {
    h.close();
  }
  return result;
}
