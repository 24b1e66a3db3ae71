/**
 * Access-path selection for one base table: rowid lookups and ranges, index equality prefixes
 * with an optional range on the next column, IN lists and IN (SELECT ...), index order for
 * ORDER BY / GROUP BY / DISTINCT, index-only (covering) reads, or a full scan.
 *
 * Candidates are costed in SQLite's units (where-cost.ts) and offered in SQLite's order (the
 * table itself first, then indexes newest first; the first of equal costs wins), so that
 * without ANALYZE statistics the choice, and the EXPLAIN QUERY PLAN text, match SQLite's.
 * Terms are usable by an index only under SQLite's affinity and collation rules
 * (sqlite3IndexAffinityOk, matching collation), so results never differ from a scan.
 */
import { termImpliesPartial } from './partial-index.js';
import type { SqlValue } from '../../common/value.js';
import type { IndexSchema, TableSchema } from '../../catalog/types.js';
import type { KeyInfo } from '../../storage/api.js';
import type { Expr } from '../ast.js';
import { comparePrefix, CountOnlyOp, IndexScanOp, RowidLookupOp, TableScanOp, type CoveringLayout, type IndexRange } from '../exec/scan.js';
import type { Ev, Op } from '../exec/runtime.js';
import type { CompileCtx } from './context.js';
import type { Scope, ScopeSource } from './scope.js';
import { sameExpr, sourceOfColumn } from './terms.js';
import type { EqpNode } from './explain-plan.js';
import { columnTerms, converter, hasVnullTerm, type ColumnTerm } from './access-terms.js';
import { scanNeededColumns } from './scan-columns.js';
import { coveringColumns, coveringKnown, isDmlTarget, onUncoveredRead } from './column-usage.js';
import { defaultRowEst, estLog, indexRowWidth, logEstAdd, sortingCost, tableRowWidth, TABLE_ROWS, type LogEst } from './where-cost.js';
import { asOfIndexes } from '../time-travel/as-of.js'; // heliosdb time travel (cxIndexes)

export interface AccessChoice {
  readonly op: Op;
  /** Indexes (into the term list) of terms fully enforced by the path (no need to filter again). */
  readonly consumed: ReadonlySet<number>;
  readonly cost: number;
  /** The path delivers rows in this ORDER BY's order (the sort can be skipped). */
  readonly ordered: boolean;
  /** EXPLAIN QUERY PLAN detail. */
  readonly detail: string;
  /** Rows are found by rowid (equality, IN or range on the INTEGER PRIMARY KEY), each read once. */
  readonly byRowid: boolean;
  /** EXPLAIN QUERY PLAN rows of the subqueries of the consumed terms (they follow the scan row). */
  readonly eqpRows: readonly EqpNode[];
  /** The index read (a secondary index, not a WITHOUT ROWID table's primary key), or null. */
  readonly index: IndexSchema | null;
  /**
   * For an index scan that reads the table row too (SQLite's pIdx with !omitTable): whether a
   * term can be tested on the index entry alone (sqlite3ExprCoveredByIndex). Such terms are
   * tested first (iLoop 1 of sqlite3WhereCodeOneLoopStart), before the others.
   */
  readonly coversTerm: ((e: Expr) => boolean) | null;
}

export interface OrderTerm {
  /** Column index in the source (-1 rowid). */
  readonly column: number;
  readonly desc: boolean;
  readonly collation: string;
  readonly nullsFirst: boolean;
}

/** An order the access path might deliver, so that a sort can be skipped. */
export interface OrderRequest {
  readonly terms: readonly OrderTerm[];
  /** 'order': ORDER BY (terms in sequence, one scan direction); 'group': GROUP BY or DISTINCT (any order and direction). */
  readonly kind?: 'order' | 'group';
  /** LogEst of a constant LIMIT (SQLite's WHERE_USE_LIMIT sorting estimate). */
  readonly limit?: LogEst | null;
  /** Result columns (the sorting cost grows with them). */
  readonly nResultCols?: number;
  /** The order serves DISTINCT (the sort estimate assumes half the rows are duplicates). */
  readonly forDistinct?: boolean;
  /** The order serves a lone min() or max(): the first row in order is the answer. */
  readonly minMax?: boolean;
}

const orderOutcomes = new WeakMap<OrderRequest, number>();
/** Sources of a `SELECT count(*) FROM t` (SQLite's isSimpleCount: it counts the narrowest index). */
const simpleCount = new WeakMap<ScopeSource, true>();

export function markSimpleCount(src: ScopeSource): void {
  simpleCount.set(src, true);
}

/** Columns of a source (-1 the rowid) the query's ORDER BY names (order-wish.ts noteOrderHints). */
const orderColumns = new WeakMap<ScopeSource, ReadonlySet<number>>();

export function noteOrderColumns(src: ScopeSource, cols: ReadonlySet<number>): void {
  orderColumns.set(src, cols);
}

/** indexMightHelpWithOrderBy: the ORDER BY names the rowid or a key column of the index. */
function indexMightHelpWithOrderBy(src: ScopeSource, idx: IndexSchema): boolean {
  const cols = orderColumns.get(src);
  if (!cols) return false;
  for (const c of cols) if (c < 0 || idx.columns.some((ic) => ic.column === c)) return true;
  return false;
}

/** How many terms of `order` (a prefix for ORDER BY, a count for GROUP BY) the chosen access path delivers. */
export function orderedTerms(order: OrderRequest): number {
  return orderOutcomes.get(order) ?? 0;
}

export function keyInfoFor(cx: CompileCtx, table: TableSchema, idx: IndexSchema): KeyInfo {
  const collations = idx.columns.map((c) => cx.collation(c.collation));
  const desc = idx.columns.map((c) => c.desc);
  if (table.withoutRowid) {
    for (const pk of table.primaryKey) {
      if (idx.columns.some((c) => c.column === pk) && idx.origin !== 'pk') continue;
      if (idx.origin === 'pk') break;
      collations.push(cx.collation(table.columns[pk].collation));
      desc.push(false);
    }
  } else {
    collations.push(undefined);
    desc.push(false);
  }
  return { collations, desc };
}

/** One way to read the table, with SQLite's estimates. */
interface Candidate {
  readonly build: () => Op;
  readonly used: readonly ColumnTerm[];
  /** The legacy cost the join planner compares (1 = one row ... 1000 = full scan). */
  readonly cost: number;
  readonly rRun: LogEst;
  nOut: LogEst;
  readonly nOrdered: number;
  readonly detail: string;
  readonly covering: boolean;
  /** szIdxRow of the index read (null for the table itself: not WHERE_INDEXED). */
  readonly szIdx: LogEst | null;
  /** Uses an index (not the rowid) with at least one `==` term (WHERE_INDEXED with WHERE_COLUMN_EQ). */
  readonly indexEq: boolean;
  /** See AccessChoice.byRowid. */
  readonly byRowid?: boolean;
  /** See AccessChoice.index. */
  readonly index?: IndexSchema;
  /** See AccessChoice.coversTerm. */
  readonly coversTerm?: (e: Expr) => boolean;
}

/** An index column as the ordering check sees it (-1 is the rowid). */
interface KeyCol {
  readonly column: number;
  readonly collation: string;
  readonly desc: boolean;
}

/**
 * How many terms of `order` a scan delivering rows in `cols` order satisfies, and whether the
 * scan must run backwards. `fixed` are the index positions bound by `=`; `constCols` the table
 * columns bound by `=` (any ORDER BY term on them is satisfied: the value never changes).
 */
function orderedBy(order: OrderRequest | null, cols: readonly KeyCol[], fixed: ReadonlySet<number>, constCols: ReadonlySet<number>, canReverse: boolean): { n: number; reverse: boolean } {
  if (!order || order.terms.length === 0) return { n: 0, reverse: false };
  const terms = order.terms;
  if (order.kind === 'group') {
    const want = new Set<number>();
    let n = 0;
    for (const t of terms) {
      if (constCols.has(t.column)) n++;
      else want.add(t.column);
    }
    for (let j = 0; j < cols.length && want.size > 0; j++) {
      if (fixed.has(j)) continue;
      const ic = cols[j];
      const t = terms.find((x) => x.column === ic.column && want.has(x.column) && x.collation === ic.collation);
      if (!t) break;
      want.delete(t.column);
      n += terms.filter((x) => x.column === t.column).length;
      if (ic.column === -1) {
        n = terms.length; // the rowid is unique: groups of one row
        break;
      }
    }
    return { n: Math.min(n, terms.length), reverse: false };
  }
  let n = 0;
  let j = 0;
  let rev: boolean | null = null;
  for (const t of terms) {
    if (constCols.has(t.column)) {
      n++;
      continue;
    }
    while (j < cols.length && fixed.has(j)) j++;
    if (j >= cols.length) break;
    const ic = cols[j];
    if (ic.column !== t.column || ic.collation !== t.collation) break;
    if (t.nullsFirst !== !t.desc) break; // NULLS FIRST/LAST against the index's NULL placement
    const r = t.desc !== ic.desc;
    if (r && !canReverse) break;
    if (rev === null) rev = r;
    else if (rev !== r) break;
    n++;
    j++;
    if (ic.column === -1) return { n: terms.length, reverse: rev };
  }
  return { n, reverse: rev ?? false };
}

function indexColumnName(table: TableSchema, column: number): string {
  if (column === -1) return 'rowid';
  if (column === -2) return '<expr>';
  return table.columns[column].name;
}

/**
 * Chooses how to read `src` (a base table) given the WHERE terms, which of them are usable now,
 * and an optional ORDER BY / GROUP BY wish.
 */
export function chooseAccess(
  cx: CompileCtx,
  src: ScopeSource,
  table: TableSchema,
  terms: readonly Expr[],
  usable: (i: number) => boolean,
  boundScope: Scope,
  order: OrderRequest | null,
  indexedBy: string | false | null,
  /** Every WHERE term of the statement in order (the non-covering index scan estimate reads them). */
  allTerms?: readonly Expr[],
): AccessChoice {
  const { candidates, cts } = collectCandidates(cx, src, table, terms, usable, boundScope, order, indexedBy, allTerms);
  for (const c of candidates) outputAdjust(c, terms, usable, cts, null);
  const nOrderBy = order?.terms.length ?? 0;
  const total = (c: Candidate): LogEst => {
    if (nOrderBy === 0 || c.nOrdered >= nOrderBy) return c.rRun;
    const sort = sortingCost(c.nOut, order?.nResultCols ?? 1, nOrderBy, c.nOrdered, order?.limit ?? null, !!order?.forDistinct);
    return logEstAdd(c.rRun, sort) + 3;
  };
  // wherePathSolver: the lower total cost wins, then the lower unsorted cost (an ordered path
  // gets a bias of 2); among equals the first candidate stays
  const unsorted = (c: Candidate): LogEst => (nOrderBy > 0 && c.nOrdered >= nOrderBy ? c.rRun - 2 : c.rRun);
  let best = candidates[0];
  let bestCost = total(best);
  for (let i = 1; i < candidates.length; i++) {
    const c = candidates[i];
    const t = total(c);
    if (t < bestCost || (t === bestCost && unsorted(c) < unsorted(best))) {
      best = c;
      bestCost = t;
    }
  }
  if (order) orderOutcomes.set(order, best.nOrdered);
  // a min()/max() query is a SEARCH whatever the path (WHERE_ORDERBY_MIN/MAX)
  const detail = order?.minMax && best.detail.startsWith('SCAN ') ? `SEARCH ${best.detail.slice(5)}` : best.detail;
  const consumed = new Set(best.used.filter((t) => t.termIndex >= 0).map((t) => t.termIndex));
  const eqpRows: EqpNode[] = [];
  for (const t of best.used) if (t.eqp && !eqpRows.includes(t.eqp)) eqpRows.push(t.eqp);
  const fullyOrdered = !!order && (order.kind ?? 'order') === 'order' && best.nOrdered >= nOrderBy;
  return {
    op: best.build(),
    consumed,
    cost: fullyOrdered && best.cost > 1 ? best.cost - 1 : best.cost,
    ordered: fullyOrdered,
    detail,
    byRowid: best.byRowid === true,
    eqpRows,
    index: best.index ?? null,
    coversTerm: best.coversTerm ?? null,
  };
}

/**
 * The WhereLoops of one table for the join-order solver (join-plan.ts), with SQLite's costs:
 * each way to read the table given the usable terms, and an automatic index per usable
 * equality term (whereLoopAddBtree). `prereqOf(i)` is the set of other join
 * slots term i reads (prereqAll without the table itself); a loop's prereq is the union over
 * the terms it uses, and only terms within it reduce its nOut (whereLoopOutputAdjust).
 * Loops come in SQLite's list order: automatic indexes, the table, then indexes newest first.
 */
export function accessLoops(
  cx: CompileCtx,
  src: ScopeSource,
  table: TableSchema,
  terms: readonly Expr[],
  boundScope: Scope,
  indexedBy: string | false | null,
  prereqOf: (i: number) => number,
  allTerms: readonly Expr[],
): AccessLoop[] {
  const all = () => true;
  const { candidates, cts } = collectCandidates(cx, src, table, terms, all, boundScope, null, indexedBy, allTerms);
  const out: AccessLoop[] = [];
  if (indexedBy === null) {
    // TUNING (whereLoopAddBtree): building costs N*log2(N)*7, each lookup yields 20 rows
    const rLogSize = estLog(TABLE_ROWS);
    for (const t of cts) {
      if (t.op !== '=' || t.column < 0 || t.termIndex < 0) continue;
      const nOut = 43;
      out.push({ rSetup: Math.max(rLogSize + TABLE_ROWS + 28, 0), rRun: logEstAdd(rLogSize, nOut), nOut, prereq: prereqOf(t.termIndex), auto: true, szIdx: null });
    }
  }
  const eqPrereqs: number[] = [];
  for (const c of candidates) {
    const prereq = outputAdjust(c, terms, all, cts, prereqOf);
    if (c.indexEq) eqPrereqs.push(prereq);
    out.push({ rSetup: 0, rRun: c.rRun, nOut: c.nOut, prereq, auto: false, szIdx: c.szIdx });
  }
  // whereLoopFindLesser: an index with an == term beats any automatic index needing as much
  return eqPrereqs.length ? out.filter((l) => !l.auto || !eqPrereqs.some((p) => (p & l.prereq) === p)) : out;
}

/** A WhereLoop as the join-order solver sees it. */
export interface AccessLoop {
  readonly rSetup: LogEst;
  readonly rRun: LogEst;
  readonly nOut: LogEst;
  /** The items (a bitmask in the caller's numbering, as `prereqOf` gives) outer loops must bind. */
  readonly prereq: number;
  /** An automatic index (executed as a hash lookup). */
  readonly auto: boolean;
  /** szIdxRow of the index read, null unless WHERE_INDEXED (whereLoopIsNoBetter). */
  readonly szIdx: LogEst | null;
}

/**
 * whereLoopOutputAdjust: terms the path does not use still filter its output (only those whose
 * prerequisites lie within the loop's, when `prereqOf` is given). Returns the loop's prereq.
 */
function outputAdjust(c: Candidate, terms: readonly Expr[], usable: (i: number) => boolean, cts: readonly ColumnTerm[], prereqOf: ((i: number) => number) | null): number {
  let prereq = 0;
  if (prereqOf) for (const u of c.used) prereq |= prereqOf(u.termIndex >= 0 ? u.termIndex : -1 - u.termIndex);
  let iReduce = 0;
  for (let ti = 0; ti < terms.length; ti++) {
    if (!usable(ti) || c.used.some((u) => u.termIndex === ti || u.termIndex === -1 - ti)) continue;
    if (prereqOf && (prereqOf(ti) & ~prereq) !== 0) continue;
    const eqTerm = cts.find((x) => x.termIndex === ti && x.op === '=');
    if (eqTerm) iReduce = Math.max(iReduce, eqTerm.smallInt ? 10 : 20);
    c.nOut--;
  }
  if (c.nOut > TABLE_ROWS - iReduce) c.nOut = TABLE_ROWS - iReduce;
  return prereq;
}

/** Every way to read the table (SQLite's WhereLoops for it), before output adjustment. */
function collectCandidates(
  cx: CompileCtx,
  src: ScopeSource,
  table: TableSchema,
  terms: readonly Expr[],
  usable: (i: number) => boolean,
  boundScope: Scope,
  order: OrderRequest | null,
  indexedBy: string | false | null,
  lookupTerms: readonly Expr[] | undefined,
): { candidates: Candidate[]; cts: ColumnTerm[] } {
  const rt = cx.rt;
  const slot = src.slot;
  const name = src.name;
  const cts = columnTerms(cx, src, terms, usable, boundScope);
  const evsOf = (t: ColumnTerm): (() => SqlValue[]) => {
    const conv = converter(t.aff);
    if (t.valuesFn) {
      const fn = t.valuesFn;
      return () => fn().map(conv);
    }
    const evs = t.values.map((v) => v.ev);
    return () => evs.map((ev) => conv(ev()));
  };
  const constCols = new Set(cts.filter((t) => t.op === '=').map((t) => t.column));
  const needed = coveringColumns(src);
  const szTab = tableRowWidth(table);
  const rLogSize = estLog(TABLE_ROWS);
  const candidates: Candidate[] = [];

  if (!table.withoutRowid && indexedBy === null) {
    const eq = cts.find((t) => t.column === -1 && (t.op === '=' || t.op === 'IN'));
    if (eq) {
      const single = eq.op === '=';
      // RowidLookupOp reads the probe values at once: a single value goes through one reused array
      const probe = single && !eq.valuesFn && eq.values.length === 1 ? reusedProbe(converter(eq.aff), eq.values[0].ev) : evsOf(eq);
      const ord = single ? { n: order?.terms.length ?? 0, reverse: false } : orderedBy(order, [{ column: -1, collation: 'BINARY', desc: false }], new Set(), constCols, false);
      candidates.push({
        build: () => new RowidLookupOp(rt, slot, table.root, probe),
        used: [eq],
        cost: single ? 1 : 1 + Math.max(eq.values.length, 1),
        rRun: logEstAdd(rLogSize, 16) + eq.nIn,
        nOut: eq.nIn,
        nOrdered: ord.n,
        detail: `SEARCH ${name} USING INTEGER PRIMARY KEY (rowid=?)`,
        covering: false,
        szIdx: null,
        indexEq: false,
        byRowid: true,
      });
    } else {
      const lo = cts.find((t) => t.column === -1 && (t.op === '>' || t.op === '>='));
      const hi = cts.find((t) => t.column === -1 && (t.op === '<' || t.op === '<='));
      if (lo || hi) {
        const bound = (t: ColumnTerm | undefined) =>
          t ? { ev: t.values[0].ev, inclusive: t.op === '>=' || t.op === '<=', affinity: converter(t.aff) } : null;
        const ord = orderedBy(order, [{ column: -1, collation: 'BINARY', desc: false }], new Set(), constCols, true);
        const nOut = rangeRows(TABLE_ROWS, lo ? 'term' : null, !!hi);
        candidates.push({
          build: () => scanNeededColumns(new TableScanOp(rt, slot, table.root, bound(lo), bound(hi), ord.reverse), src, table),
          used: [lo, hi].filter((x): x is ColumnTerm => !!x),
          cost: 200,
          rRun: logEstAdd(rLogSize, nOut + 16),
          nOut,
          nOrdered: ord.n,
          detail: `SEARCH ${name} USING INTEGER PRIMARY KEY (${lo && hi ? 'rowid>? AND rowid<?' : lo ? 'rowid>?' : 'rowid<?'})`,
          covering: false,
          szIdx: null,
          indexEq: false,
          byRowid: true,
        });
      }
    }
  }
  if (!table.withoutRowid && (indexedBy === null || indexedBy === false)) {
    // the table itself, in rowid order
    const ord = orderedBy(order, [{ column: -1, collation: 'BINARY', desc: false }], new Set(), constCols, true);
    candidates.push({
      build: () => scanNeededColumns(new TableScanOp(rt, slot, table.root, null, null, ord.reverse), src, table),
      used: [],
      cost: 1000,
      rRun: TABLE_ROWS + 16,
      nOut: TABLE_ROWS,
      nOrdered: ord.n,
      detail: `SCAN ${name}`,
      covering: false,
      szIdx: null,
      indexEq: false,
    });
  }

  // SQLite's index list holds the newest index first
  const indexes = cxIndexes(cx, table).slice().reverse();
  for (const idx of indexes) {
    const isPk = table.withoutRowid && idx.origin === 'pk';
    if (indexedBy === false && !isPk) continue;
    if (typeof indexedBy === 'string' && idx.name.toLowerCase() !== indexedBy.toLowerCase()) continue;
    if (idx.partial && !terms.some((t, i) => usable(i) && termImpliesPartial(t, idx.partial!, src))) continue;
    const keyCols = indexKeyColumns(table, idx);
    const nKeyCol = idx.columns.length;
    const used: ColumnTerm[] = [];
    const prefixTerms: ColumnTerm[] = [];
    let k = 0;
    for (; k < nKeyCol; k++) {
      const ic = idx.columns[k];
      if (ic.column === -2) break;
      const t = cts.find((x) => x.column === ic.column && (x.op === '=' || x.op === 'IN') && (x.collation === ic.collation || x.isNull === 'ISNULL'));
      if (!t) break;
      prefixTerms.push(t);
      used.push(t);
    }
    let lower: ColumnTerm | undefined;
    let upper: ColumnTerm | undefined;
    // a range on the next key column, or on the rowid after a complete equality prefix
    const rangeCol = k < nKeyCol ? idx.columns[k] : !table.withoutRowid && k === nKeyCol && k > 0 ? { column: -1, collation: 'BINARY' } : null;
    if (rangeCol && rangeCol.column !== -2) {
      const lowerOk = (x: ColumnTerm) => x.column === rangeCol.column && (x.op === '>' || x.op === '>=') && x.collation === rangeCol.collation;
      // a written lower bound narrows the range more than the virtual `x > NULL` (whereRangeAdjust)
      lower = cts.find((x) => lowerOk(x) && !x.vnull) ?? cts.find(lowerOk);
      upper = cts.find((x) => x.column === rangeCol.column && (x.op === '<' || x.op === '<=') && x.collation === rangeCol.collation);
      if (lower) used.push(lower);
      if (upper) used.push(upper);
    }
    const inKey = (c: number) => c === table.rowidAlias || keyCols.some((kc) => kc.column === c);
    // Index.colNotIdxed: the index of a UNIQUE constraint of a WITHOUT ROWID table keeps the mask
    // computed before convertToWithoutRowidTable appended the PRIMARY KEY columns to it
    const staleMask = table.withoutRowid && idx.origin === 'u';
    const indexed = staleMask ? (c: number) => idx.columns.some((ic) => ic.column === c) : inKey;
    // `m == 0` in whereLoopAddBtree: every column the loop reads is in the index
    const holdsNeeded =
      isPk ||
      (needed !== null ? [...needed].every(indexed) : coveringKnown(src) && table.columns.every((col, ci) => col.recordIndex < 0 || indexed(ci)));
    // WHERE_IDX_ONLY: not for a WITHOUT ROWID table outside a SELECT (UPDATE, DELETE)
    const covering = holdsNeeded && (isPk || !table.withoutRowid || !isDmlTarget(src));
    const fixed = new Set<number>();
    prefixTerms.forEach((t, i) => {
      if (t.op === '=') fixed.add(i);
    });
    const ord = orderedBy(order, keyCols, fixed, constCols, true);
    const szIdx = indexRowWidth(table, idx);
    const rSize = defaultRowEst(idx, 0, nKeyCol);
    let rRun: LogEst;
    let nOut: LogEst;
    if (used.length === 0) {
      // a full scan of the index: worth it when it holds every needed column and is narrower
      // than the table, for WITHOUT ROWID tables, partial or named indexes, or for the order
      const helpsOrder = ord.n > 0 || indexMightHelpWithOrderBy(src, idx);
      const eligible = helpsOrder || table.withoutRowid || idx.partial !== null || typeof indexedBy === 'string' || (holdsNeeded && szIdx < szTab && !isDmlTarget(src));
      if (!eligible) continue;
      rRun = rSize + 1 + Math.floor((15 * szIdx) / szTab);
      if (!holdsNeeded) {
        // table lookups, fewer for the leading WHERE terms the index alone can test (a term
        // that reads no column of this table counts too, as in SQLite)
        let nLookup = rSize + 16;
        for (const t of whereClauseTerms(lookupTerms ?? terms)) {
          if (!coveredByIndex(t, src, table, inKey)) break;
          nLookup--;
          if (isEqTerm(t)) nLookup -= 19;
        }
        rRun = logEstAdd(rRun, nLookup);
      }
      nOut = rSize;
    } else {
      nOut = rSize;
      let nIn = 0;
      prefixTerms.forEach((t, i) => {
        nOut += defaultRowEst(idx, i + 1, nKeyCol) - defaultRowEst(idx, i, nKeyCol);
        // TUNING (whereLoopAddBtreeIndex): `col IS NULL` matches twice as many rows as `col = ?`
        if (t.isNull === 'ISNULL') nOut += 10;
        nIn += t.nIn;
      });
      if (lower || upper) nOut = rangeRows(nOut, lower ? (lower.vnull ? 'vnull' : 'term') : null, !!upper);
      const rCostIdx = logEstAdd(rLogSize, nOut + 1 + Math.floor((15 * szIdx) / szTab));
      rRun = covering ? rCostIdx : logEstAdd(rCostIdx, nOut + 16);
      rRun += nIn;
      nOut += nIn;
    }
    const uniqueEq = k === nKeyCol && idx.unique && prefixTerms.every((t) => t.op === '=' && !t.isNull);
    const oldCost = uniqueEq ? 2 : used.length > 0 ? 20 / (prefixTerms.length + 1) + (lower || upper ? 10 : 0) + (prefixTerms.some((t) => t.op === 'IN') ? 5 : 0) : covering && !ord.n ? 1000 : 900;
    const isSearch = used.length > 0;
    const eqDesc = prefixTerms.map((t) => `${indexColumnName(table, t.column)}=?`);
    if (lower) eqDesc.push(`${indexColumnName(table, lower.column)}>?`);
    if (upper) eqDesc.push(`${indexColumnName(table, upper.column)}<?`);
    const range = eqDesc.length ? ` (${eqDesc.join(' AND ')})` : '';
    const detail = isPk
      ? isSearch
        ? `SEARCH ${name} USING PRIMARY KEY${range}`
        : `SCAN ${name}`
      : `${isSearch ? 'SEARCH' : 'SCAN'} ${name} USING ${covering ? 'COVERING ' : ''}INDEX ${idx.name}${range}`;
    const probes = prefixTerms.map(evsOf);
    const rangeSpec: IndexRange = {
      nullMatches: prefixTerms.some((t) => t.isNull) ? prefixTerms.map((t) => t.isNull !== undefined) : undefined,
      prefixes: () => {
        let acc: SqlValue[][] = [[]];
        for (const p of probes) {
          const vals = p();
          const next: SqlValue[][] = [];
          for (const a of acc) for (const v of vals) next.push([...a, v]);
          acc = next;
        }
        return acc;
      },
      lower: lower ? (lower.vnull ? NOT_NULL_BOUND : { ev: lower.values[0].ev, inclusive: lower.op === '>=', affinity: converter(lower.aff) }) : null,
      upper: upper ? { ev: upper.values[0].ev, inclusive: upper.op === '<=', affinity: converter(upper.aff) } : null,
    };
    const reverse = ord.reverse;
    candidates.push({
      build: () => {
        const ki = keyInfoFor(cx, table, idx);
        let op: IndexScanOp;
        if (!table.withoutRowid) op = new IndexScanOp(rt, slot, table.root, idx.root, ki, rangeSpec, 'rowid', null, reverse);
        else if (isPk) op = new IndexScanOp(rt, slot, table.root, idx.root, ki, rangeSpec, 'key-is-row', null, reverse);
        else op = new IndexScanOp(rt, slot, table.root, idx.root, ki, rangeSpec, 'pk-lookup', withoutRowidLookup(cx, table, idx), reverse);
        if (covering && !isPk && !isDmlTarget(src)) {
          op.setCovering(coveringLayout(table, keyCols));
          onUncoveredRead(src, () => op.setCovering(null));
        }
        return op;
      },
      used,
      cost: oldCost,
      rRun,
      nOut,
      nOrdered: ord.n,
      detail,
      covering: covering && !isPk,
      szIdx,
      indexEq: prefixTerms.some((t) => t.op === '='),
      index: isPk ? undefined : idx,
      coversTerm: isPk || covering ? undefined : (e: Expr) => coveredByIndex(e, src, table, inKey),
    });
  }

  const count = simpleCount.get(src);
  if (count && indexedBy === null) {
    // isSimpleCount: count the entries of the narrowest index (the primary key of a WITHOUT
    // ROWID table unless a narrower one exists)
    let bestIdx: IndexSchema | null = table.withoutRowid ? cxIndexes(cx, table).find((i) => i.origin === 'pk') ?? null : null;
    for (const idx of indexes) {
      if (idx.partial || (table.withoutRowid && idx.origin === 'pk')) continue;
      const w = indexRowWidth(table, idx);
      if (w < szTab && (!bestIdx || w < indexRowWidth(table, bestIdx))) bestIdx = idx;
    }
    const cover = bestIdx && !(table.withoutRowid && bestIdx.origin === 'pk');
    const detail = `SCAN ${table.name}${cover ? ` USING COVERING INDEX ${bestIdx!.name}` : ''}`;
    const pick = candidates.find((c) => c.detail.endsWith(cover ? ` INDEX ${bestIdx!.name}` : `SCAN ${name}`) && c.used.length === 0);
    if (pick) {
      candidates.length = 0;
      const tree = bestIdx ?? null;
      const countOf = tree
        ? () => rt.host.view().openIndex(tree.root, keyInfoFor(cx, table, tree)).count()
        : () => rt.host.view().openTable(table.root).count();
      candidates.push({ ...pick, detail, build: () => new CountOnlyOp(rt, slot, countOf, table.recordLength) });
    }
  }

  if (candidates.length === 0) {
    // NOT INDEXED on a WITHOUT ROWID table without a primary-key entry, or INDEXED BY of an
    // index that cannot be used: read the whole table
    const pk = cxIndexes(cx, table).find((i) => i.origin === 'pk');
    const ki = pk ? keyInfoFor(cx, table, pk) : { collations: [], desc: [] };
    candidates.push({
      build: () =>
        table.withoutRowid
          ? new IndexScanOp(rt, slot, table.root, table.root, ki, { prefixes: () => [[]], lower: null, upper: null }, 'key-is-row')
          : scanNeededColumns(new TableScanOp(rt, slot, table.root, null, null, false), src, table),
      used: [],
      cost: 1000,
      rRun: TABLE_ROWS + 16,
      nOut: TABLE_ROWS,
      nOrdered: 0,
      detail: `SCAN ${name}`,
      covering: false,
      szIdx: null,
      indexEq: false,
    });
  }

  return { candidates, cts };
}

/** sqlite3ExprCoveredByIndex: every column of `src` the term reads is in the index (subqueries are not looked into). */
function coveredByIndex(e: Expr, src: ScopeSource, table: TableSchema, inKey: (c: number) => boolean): boolean {
  let ok = true;
  const walk = (x: Expr | null): void => {
    if (!x || !ok) return;
    switch (x.kind) {
      case 'Column': {
        const hit = sourceOfColumn([src], x.table, x.name);
        if (hit && hit.index >= 0 && !(hit.index === table.rowidAlias && !table.withoutRowid) && !inKey(hit.index)) ok = false;
        return;
      }
      case 'Unary':
        return walk(x.operand);
      case 'Binary':
        walk(x.left);
        return walk(x.right);
      case 'Like':
        walk(x.left);
        walk(x.right);
        return walk(x.escape);
      case 'Between':
        walk(x.expr);
        walk(x.low);
        return walk(x.high);
      case 'InList':
        walk(x.expr);
        return x.list.forEach(walk);
      case 'InSelect':
      case 'InTable':
        return walk(x.expr);
      case 'IsNull':
      case 'Cast':
      case 'Collate':
        return walk(x.expr);
      case 'Case':
        walk(x.base);
        x.whens.forEach((w) => {
          walk(w.when);
          walk(w.then);
        });
        return walk(x.else);
      case 'Function':
        x.args.forEach(walk);
        return walk(x.filter);
      case 'RowValue':
        return x.items.forEach(walk);
      default:
        return;
    }
  };
  walk(e);
  return ok;
}

const clauseTerms = new WeakMap<readonly Expr[], readonly Expr[]>();

/**
 * The WhereClause's terms in SQLite's order: the written terms, then the virtual ones
 * exprAnalyze appends: the commuted copy of a comparison between two columns and the two
 * halves of a BETWEEN (coverage and `==`-ness are what matter here, so each is its parent).
 */
function whereClauseTerms(terms: readonly Expr[]): readonly Expr[] {
  let out = clauseTerms.get(terms);
  if (out) return out;
  const list = terms.slice();
  const isCol = (x: Expr): boolean => {
    while (x.kind === 'Collate') x = x.expr;
    return x.kind === 'Column';
  };
  for (const t of terms) {
    if (t.kind === 'Binary' && COMPARISONS.has(t.op) && isCol(t.left) && isCol(t.right)) list.push(t);
    else if (t.kind === 'Between' && !t.not) list.push(t, t);
    else if (hasVnullTerm(t) && !ROWID_NAMES.has(t.expr.name.toLowerCase())) list.push(t); // its `x > NULL`
  }
  out = list;
  clauseTerms.set(terms, out);
  return out;
}

const COMPARISONS = new Set(['=', '<', '<=', '>', '>=', 'IS']);
const ROWID_NAMES = new Set(['rowid', 'oid', '_rowid_']);

/** The term's eOperator has WO_EQ or WO_IS: `col = expr` or `col IS expr` with a column on one side. */
function isEqTerm(e: Expr): boolean {
  if (e.kind !== 'Binary' || (e.op !== '=' && e.op !== 'IS')) return false;
  const col = (x: Expr): boolean => {
    while (x.kind === 'Collate') x = x.expr;
    return x.kind === 'Column';
  };
  return col(e.left) || col(e.right);
}

/**
 * whereRangeScanEst without statistics: each bound keeps a quarter (whereRangeAdjust; the
 * virtual `x > NULL` of `x IS NOT NULL` keeps all), both bounds a further quarter; at least
 * one row fewer per bound, never below 10 unless that rule says so.
 */
function rangeRows(nOut: LogEst, lower: 'term' | 'vnull' | null, upper: boolean): LogEst {
  let nNew = nOut;
  if (lower === 'term') nNew -= 20;
  if (upper) nNew -= 20;
  if (lower && upper) nNew -= 20;
  const n = nOut - (lower ? 1 : 0) - (upper ? 1 : 0);
  return Math.min(Math.max(nNew, 10), n);
}

/**
 * The lower bound of the virtual `x > NULL`: every non-NULL value, since -Infinity sorts at or
 * before every number, text and blob in SQLite's order (a NULL bound would select nothing).
 */
const NOT_NULL_BOUND = { ev: () => -Infinity, inclusive: true, affinity: (v: SqlValue) => v };

/** The key columns of an index in key order, with the rowid or primary-key suffix. */
function indexKeyColumns(table: TableSchema, idx: IndexSchema): KeyCol[] {
  const cols: KeyCol[] = idx.columns.map((c) => ({ column: c.column, collation: c.collation, desc: c.desc }));
  if (!table.withoutRowid) cols.push({ column: -1, collation: 'BINARY', desc: false });
  else if (idx.origin === 'pk') {
    table.columns.forEach((c, i) => {
      if (!idx.columns.some((x) => x.column === i) && c.recordIndex >= 0) cols.push({ column: i, collation: c.collation, desc: false });
    });
  } else {
    for (const pk of table.primaryKey) {
      if (!idx.columns.some((x) => x.column === pk)) cols.push({ column: pk, collation: table.columns[pk].collation, desc: false });
    }
  }
  return cols;
}

/** Where each key column of a covering index lands in the table-shaped row. */
function coveringLayout(table: TableSchema, keyCols: readonly KeyCol[]): CoveringLayout {
  const places: [number, number][] = [];
  keyCols.forEach((kc, p) => {
    if (kc.column < 0 || kc.column === table.rowidAlias) return;
    const ri = table.columns[kc.column].recordIndex;
    if (ri >= 0 && !places.some((x) => x[1] === ri)) places.push([p, ri]);
  });
  return { recordLength: table.recordLength, places, rowidLast: !table.withoutRowid };
}

function cxIndexes(cx: CompileCtx, table: TableSchema): readonly IndexSchema[] {
  // heliosdb time travel: a table bound AS OF an older point plans with the indexes usable there (time-travel/as-of.ts)
  const asOf = asOfIndexes(table);
  if (asOf !== undefined) return asOf;
  const list = cx.schema.indexesOf(table.name);
  if (!table.withoutRowid) return list;
  const pk = [...cx.schema.indexes.values()].find((i) => i.table === table.name && i.origin === 'pk' && i.root === table.root);
  return pk ? [pk, ...list] : list;
}

/** For a secondary index of a WITHOUT ROWID table: finds the row through the primary-key tree. */
function withoutRowidLookup(cx: CompileCtx, table: TableSchema, idx: IndexSchema): (key: readonly SqlValue[]) => readonly SqlValue[] | undefined {
  const pkIdx = cxIndexes(cx, table).find((i) => i.origin === 'pk')!;
  const pkInfo = keyInfoFor(cx, table, pkIdx);
  // position of each PK column in the secondary index key
  const pos = table.primaryKey.map((pkc) => {
    const i = idx.columns.findIndex((c) => c.column === pkc);
    if (i >= 0) return i;
    let p = idx.columns.length;
    for (const other of table.primaryKey) {
      if (other === pkc) break;
      if (!idx.columns.some((c) => c.column === other)) p++;
    }
    return p;
  });
  const rt = cx.rt;
  return (key) => {
    const pk = pos.map((p) => key[p]);
    const cur = rt.host.view().openIndex(table.root, pkInfo).cursor();
    if (!cur.seek(pk, 'ge')) return undefined;
    const k = cur.key();
    return comparePrefix(k, pk, pkInfo) === 0 ? k : undefined;
  };
}

export type { Ev };

/** A probe list of one value in an array reused by every call (for consumers that copy it out at once). */
function reusedProbe(conv: (v: SqlValue) => SqlValue, ev: () => SqlValue): () => SqlValue[] {
  const out: SqlValue[] = [null];
  return () => {
    out[0] = conv(ev());
    return out;
  };
}
