/**
 * A small SQL tokenizer, just enough for test tooling: splitting scripts into statements and
 * finding top-level clauses (ORDER BY / LIMIT at parenthesis depth 0). It understands SQLite's
 * quoting ('text', "ident", `ident`, [ident]), comments (-- and /* *\/) and nothing else.
 */

export type TokenKind = 'word' | 'string' | 'ident' | 'punct' | 'comment' | 'space';

export interface Token {
  kind: TokenKind;
  /** Upper-cased for words, raw text otherwise. */
  text: string;
  start: number;
  end: number;
  /** 1-based line of the first character. */
  line: number;
}

function isWordChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127
  );
}

/** Tokenizes `sql`; unterminated quotes and comments run to the end of the text. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const n = sql.length;
  const push = (kind: TokenKind, start: number, end: number): void => {
    const raw = sql.slice(start, end);
    out.push({ kind, text: kind === 'word' ? raw.toUpperCase() : raw, start, end, line });
    for (let k = start; k < end; k++) if (sql.charCodeAt(k) === 10) line++;
  };
  while (i < n) {
    const c = sql[i];
    const start = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      while (i < n && /\s/.test(sql[i])) i++;
      push('space', start, i);
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      push('comment', start, i);
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      push('comment', start, i);
    } else if (c === "'" || c === '"' || c === '`') {
      i++;
      for (;;) {
        if (i >= n) break;
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
      push(c === "'" ? 'string' : 'ident', start, i);
    } else if (c === '[') {
      const close = sql.indexOf(']', i + 1);
      i = close < 0 ? n : close + 1;
      push('ident', start, i);
    } else if (isWordChar(sql.charCodeAt(i))) {
      while (i < n && isWordChar(sql.charCodeAt(i))) i++;
      push('word', start, i);
    } else {
      i++;
      push('punct', start, i);
    }
  }
  return out;
}

/** A statement cut from a script, with the comment lines that precede it. */
export interface ScriptStatement {
  sql: string;
  /** 1-based line where the statement starts. */
  line: number;
  /** Text of each `--` comment between the previous statement and this one, without the dashes. */
  leadingComments: string[];
}

/**
 * Splits a script into statements at `;`, except inside a CREATE TRIGGER body, which ends at the
 * `;` after its END (CASE ... END inside the body is tracked). Empty statements are dropped; a
 * trailing statement without `;` is kept.
 */
export function splitStatements(script: string): ScriptStatement[] {
  const toks = tokenize(script);
  const out: ScriptStatement[] = [];
  let comments: string[] = [];
  let first = -1;
  let words: string[] = [];
  let caseDepth = 0;
  let bodyEnded = false;
  const isTrigger = (): boolean => {
    // CREATE [TEMP|TEMPORARY] TRIGGER
    let k = 0;
    if (words[k] !== 'CREATE') return false;
    k++;
    if (words[k] === 'TEMP' || words[k] === 'TEMPORARY') k++;
    return words[k] === 'TRIGGER';
  };
  const finish = (endTok: number): void => {
    if (first >= 0) {
      const sql = script.slice(toks[first].start, toks[endTok].end).trim();
      out.push({ sql, line: toks[first].line, leadingComments: comments });
    }
    comments = [];
    first = -1;
    words = [];
    caseDepth = 0;
    bodyEnded = false;
  };
  let lastNonSpace = -1;
  for (let t = 0; t < toks.length; t++) {
    const tok = toks[t];
    if (tok.kind === 'space') continue;
    if (tok.kind === 'comment') {
      if (first < 0 && tok.text.startsWith('--')) comments.push(tok.text.slice(2).trim());
      continue;
    }
    if (tok.kind === 'punct' && tok.text === ';') {
      if (first >= 0 && isTrigger() && !bodyEnded) {
        lastNonSpace = t;
        continue;
      }
      if (first >= 0) finish(lastNonSpace);
      else comments = [];
      continue;
    }
    if (first < 0) first = t;
    lastNonSpace = t;
    if (tok.kind === 'word') {
      if (words.length < 3) words.push(tok.text);
      if (tok.text === 'CASE') caseDepth++;
      else if (tok.text === 'END') {
        if (caseDepth > 0) caseDepth--;
        else bodyEnded = true;
      }
    }
  }
  if (first >= 0) finish(lastNonSpace);
  return out;
}

/** Clauses that appear at parenthesis depth 0 of a statement (so not in subqueries, CTE bodies or OVER). */
export interface TopLevelClauses {
  orderBy: boolean;
  limit: boolean;
  /** First keyword of the statement, e.g. SELECT, WITH, INSERT. */
  verb: string;
  /**
   * When the top-level ORDER BY terms are all result-column ordinals (`ORDER BY 2 DESC, 1`): the
   * statement split around them, so that the same ordering can be re-applied to a rewritten query.
   */
  ordinalOrder?: { before: string; terms: string; after: string };
}

export function topLevelClauses(sql: string): TopLevelClauses {
  let depth = 0;
  let orderBy = false;
  let limit = false;
  let verb = '';
  let prev = '';
  let orderStart = -1;
  let termsStart = -1;
  let termsEnd = -1;
  let ordinal = true;
  let expectTerm = false;
  for (const tok of tokenize(sql)) {
    if (tok.kind === 'space' || tok.kind === 'comment') continue;
    const atTop = depth === 0;
    if (tok.kind === 'punct') {
      if (tok.text === '(') depth++;
      else if (tok.text === ')') depth--;
      else if (tok.text === ',' && atTop && termsStart >= 0 && termsEnd < 0) {
        expectTerm = true;
        prev = ',';
        continue;
      } else if (tok.text === ';' && atTop && termsStart >= 0 && termsEnd < 0) termsEnd = tok.start;
    }
    if (tok.kind === 'word') {
      if (verb === '') verb = tok.text;
      if (atTop) {
        if (tok.text === 'BY' && prev === 'ORDER') {
          orderBy = true;
          termsStart = tok.end;
          termsEnd = -1;
          ordinal = true;
          expectTerm = true;
          prev = 'BY';
          continue;
        }
        if (tok.text === 'ORDER') orderStart = tok.start;
        if (tok.text === 'LIMIT') {
          limit = true;
          if (termsStart >= 0 && termsEnd < 0) termsEnd = tok.start;
        }
      }
    }
    if (expectTerm) {
      expectTerm = false;
      if (!(tok.kind === 'word' && /^[0-9]+$/.test(tok.text))) ordinal = false;
    }
    prev = tok.kind === 'word' ? tok.text : tok.kind === 'punct' ? tok.text : '';
  }
  const result: TopLevelClauses = { orderBy, limit, verb };
  if (orderBy && ordinal && orderStart >= 0) {
    const end = termsEnd < 0 ? sql.length : termsEnd;
    result.ordinalOrder = { before: sql.slice(0, orderStart), terms: sql.slice(termsStart, end).trim(), after: sql.slice(end) };
  }
  return result;
}
