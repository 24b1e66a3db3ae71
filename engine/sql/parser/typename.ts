/**
 * parse.y `typetoken`: a declared type such as `INTEGER`, `varchar(255)`, `double precision`,
 * `numeric(6, 2)`. SQLite keeps the type as the raw source span from the first to the last
 * token (whitespace and comments inside included), dequoted when it starts with a quote; that
 * text is what PRAGMA table_info reports.
 */
import { TK } from '../lexer.js';
import type { Parser } from './parser.js';

/** Span [start, end) of a type token, or null when there is none. */
export function parseTypeSpan(p: Parser): { start: number; end: number } | null {
  if (!p.isIds(p.t)) return null;
  const start = p.start;
  while (p.isIds(p.t)) p.advance();
  if (p.t === TK.LP) {
    p.advance();
    parseSigned(p);
    if (p.accept(TK.COMMA)) parseSigned(p);
    p.expect(TK.RP);
  }
  return { start, end: p.prevEnd };
}

function parseSigned(p: Parser): void {
  if (p.t === TK.PLUS || p.t === TK.MINUS) p.advance();
  if (p.t !== TK.INTEGER && p.t !== TK.FLOAT) p.syntaxError();
  p.advance();
}

/** The type text as SQLite stores it, or null when absent. */
export function parseTypeToken(p: Parser): string | null {
  const span = parseTypeSpan(p);
  return span === null ? null : typeText(p.sql.slice(span.start, span.end));
}

export function typeText(raw: string): string {
  const c = raw.charCodeAt(0);
  if (c === 39 || c === 34 || c === 96 || c === 91) {
    // sqlite3Dequote on the whole text: stops at the closing quote
    const close = c === 91 ? 93 : c;
    let out = '';
    for (let i = 1; i < raw.length; i++) {
      const d = raw.charCodeAt(i);
      if (d === close) {
        if (c !== 91 && raw.charCodeAt(i + 1) === close) {
          out += raw[i];
          i++;
        } else break;
      } else out += raw[i];
    }
    return out;
  }
  return raw;
}

