/**
 * Window specifications (parse.y `window`, `frame_opt`, `windowdefn`).
 */
import type { Expr, FrameBound, FrameSpec, NamedWindow, OrderingTerm, WindowSpec } from '../ast.js';
import { TK } from '../lexer.js';
import { parseExpr, parseExprList, parseSortList } from './expr.js';
import type { Parser } from './parser.js';

/** The inside of `OVER (...)` or `AS (...)`: `[base] [PARTITION BY ...] [ORDER BY ...] [frame]`. */
export function parseWindowSpec(p: Parser): WindowSpec {
  let base: string | null = null;
  const t = p.t;
  if (p.isNm(t) && t !== TK.PARTITION && t !== TK.RANGE && t !== TK.ROWS && t !== TK.GROUPS) base = p.nm();
  let partitionBy: Expr[] = [];
  if (p.t === TK.PARTITION) {
    p.advance();
    p.expect(TK.BY);
    partitionBy = parseExprList(p);
  }
  let orderBy: OrderingTerm[] = [];
  if (p.t === TK.ORDER) {
    p.advance();
    p.expect(TK.BY);
    orderBy = parseSortList(p);
  }
  const frame = p.t === TK.RANGE || p.t === TK.ROWS || p.t === TK.GROUPS ? parseFrame(p) : null;
  return { base, partitionBy, orderBy, frame };
}

function parseFrame(p: Parser): FrameSpec {
  const units = p.t === TK.RANGE ? 'RANGE' : p.t === TK.ROWS ? 'ROWS' : 'GROUPS';
  p.advance();
  let start: FrameBound;
  let end: FrameBound;
  if (p.accept(TK.BETWEEN)) {
    start = parseBound(p, true);
    p.expect(TK.AND);
    end = parseBound(p, false);
  } else {
    start = parseBound(p, true);
    end = { kind: 'CurrentRow' };
  }
  let exclude: FrameSpec['exclude'] = 'NO OTHERS';
  if (p.accept(TK.EXCLUDE)) {
    if (p.accept(TK.NO)) {
      p.expect(TK.OTHERS);
      exclude = 'NO OTHERS';
    } else if (p.accept(TK.CURRENT)) {
      p.expect(TK.ROW);
      exclude = 'CURRENT ROW';
    } else if (p.accept(TK.GROUP)) exclude = 'GROUP';
    else if (p.accept(TK.TIES)) exclude = 'TIES';
    else p.syntaxError();
  }
  const s = start.kind;
  const e = end.kind;
  if ((s === 'CurrentRow' && e === 'Preceding') || (s === 'Following' && (e === 'Preceding' || e === 'CurrentRow'))) {
    p.reduceError('unsupported frame specification');
  }
  return { units, start, end, exclude };
}

function parseBound(p: Parser, isStart: boolean): FrameBound {
  if (p.t === TK.UNBOUNDED) {
    p.advance();
    if (isStart) {
      p.expect(TK.PRECEDING);
      return { kind: 'UnboundedPreceding' };
    }
    p.expect(TK.FOLLOWING);
    return { kind: 'UnboundedFollowing' };
  }
  if (p.t === TK.CURRENT) {
    p.advance();
    p.expect(TK.ROW);
    return { kind: 'CurrentRow' };
  }
  const offset = parseExpr(p);
  if (p.accept(TK.PRECEDING)) return { kind: 'Preceding', offset };
  if (p.accept(TK.FOLLOWING)) return { kind: 'Following', offset };
  return p.syntaxError();
}

/** `WINDOW name AS (spec), ...` (the WINDOW keyword already consumed). */
export function parseWindowDefinitions(p: Parser): NamedWindow[] {
  const out: NamedWindow[] = [];
  do {
    const name = p.nm();
    p.expect(TK.AS);
    p.expect(TK.LP);
    const spec = parseWindowSpec(p);
    p.expect(TK.RP);
    out.push({ name, spec });
  } while (p.accept(TK.COMMA));
  return out;
}
