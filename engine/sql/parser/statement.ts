/**
 * parse.y `cmd`: dispatch on the first token of a statement.
 */
import type { Statement } from '../ast.js';
import { TK } from '../lexer.js';
import { parseAlterTable, parseCreate, parseDrop } from './ddl.js';
import { parseDelete, parseInsert, parseUpdate } from './dml.js';
import {
  parseAnalyzeOrReindex,
  parseAttach,
  parseBegin,
  parseCommit,
  parseDetach,
  parsePragma,
  parseRelease,
  parseRollback,
  parseSavepoint,
  parseVacuum,
} from './misc.js';
import type { Parser } from './parser.js';
import { parseSelect, parseSelectNoWith, parseWith } from './select.js';

export function parseCmd(p: Parser, allowExplain: boolean): Statement {
  const start = p.start;
  switch (p.t) {
    case TK.EXPLAIN: {
      if (!allowExplain) return p.syntaxError();
      p.advance();
      let queryPlan = false;
      if (p.t === TK.QUERY) {
        p.advance();
        p.expect(TK.PLAN);
        queryPlan = true;
      }
      const stmt = parseCmd(p, false);
      return { kind: 'Explain', queryPlan, stmt, start, end: p.prevEnd };
    }
    case TK.SELECT:
    case TK.VALUES:
      return parseSelect(p);
    case TK.WITH: {
      const w = parseWith(p);
      switch (p.t) {
        case TK.SELECT:
        case TK.VALUES:
          return parseSelectNoWith(p, start, w);
        case TK.INSERT:
        case TK.REPLACE:
          return parseInsert(p, start, w);
        case TK.UPDATE:
          return parseUpdate(p, start, w);
        case TK.DELETE:
          return parseDelete(p, start, w);
        default:
          return p.syntaxError();
      }
    }
    case TK.INSERT:
    case TK.REPLACE:
      return parseInsert(p, start, null);
    case TK.UPDATE:
      return parseUpdate(p, start, null);
    case TK.DELETE:
      return parseDelete(p, start, null);
    case TK.CREATE:
      return parseCreate(p, start);
    case TK.DROP:
      return parseDrop(p, start);
    case TK.ALTER:
      return parseAlterTable(p, start);
    case TK.BEGIN:
      return parseBegin(p, start);
    case TK.COMMIT:
    case TK.END:
      return parseCommit(p, start);
    case TK.ROLLBACK:
      return parseRollback(p, start);
    case TK.SAVEPOINT:
      return parseSavepoint(p, start);
    case TK.RELEASE:
      return parseRelease(p, start);
    case TK.PRAGMA:
      return parsePragma(p, start);
    case TK.VACUUM:
      return parseVacuum(p, start);
    case TK.ANALYZE:
    case TK.REINDEX:
      return parseAnalyzeOrReindex(p, start);
    case TK.ATTACH:
      return parseAttach(p, start);
    case TK.DETACH:
      return parseDetach(p, start);
    default:
      return p.syntaxError();
  }
}
