/**
 * Differential syntax-error test: every corpus statement, cut at each token boundary and with a
 * stray token inserted there, must fail (or not) exactly as better-sqlite3's prepare() does, for
 * every error SQLite's tokenizer or parser reports.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseStatement, tokenize } from '../../engine/sql/parser/index.js';
import { GRAMMAR_STATEMENTS, ORM_STATEMENTS } from './corpus.js';
import { oracleDb, oracleError } from './oracle.js';

const db = oracleDb();
afterAll(() => db.close());

const INSERTIONS = ['', ') ', ', ', '( ', 'not ', 'as ', "'s' ", 'where '];
const PARSE_LEVEL = /^(near "|incomplete input|unrecognized token|unknown table option|unknown join type|a JOIN clause|all VALUES|error in generated column|syntax error after column name)/;

function ours(sql: string): string | null {
  try {
    parseStatement(sql, 0);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('mutated corpus statements', () => {
  for (const [name, corpus] of [['ORM', ORM_STATEMENTS], ['grammar', GRAMMAR_STATEMENTS]] as const) {
    it(`${name}: errors match better-sqlite3`, () => {
      const mismatches: string[] = [];
      let compared = 0;
      for (const sql of corpus) {
        for (const t of tokenize(sql)) {
          for (const ins of INSERTIONS) {
            const s = ins === '' ? sql.slice(0, t.start) : sql.slice(0, t.start) + ins + sql.slice(t.start);
            const expected = oracleError(db, s);
            if (expected === null || !PARSE_LEVEL.test(expected)) continue;
            compared++;
            const got = ours(s);
            if (got !== expected) mismatches.push(`${s}\n  sqlite: ${expected}\n  ours:   ${got}`);
          }
        }
      }
      expect(compared).toBeGreaterThan(1000);
      expect(mismatches).toEqual([]);
    });
  }
});
