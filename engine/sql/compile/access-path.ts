/**
 * Access-path selection for one base table: rowid lookups and ranges, index equality prefixes
 * with an optional range on the next column, IN lists, index order for ORDER BY, or a full scan.
 * Terms are usable by an index only under SQLite's affinity and collation rules
 * (sqlite3IndexAffinityOk, matching collation), so results never differ from a scan.
 */
import type { SqlValue } from '../../common/value.js';
import type { IndexSchema, TableSchema } from '../../catalog/types.js';
import type { KeyInfo } from '../../storage/api.js';
import type { Expr } from '../ast.js';
import { comparePrefix, IndexScanOp, RowidLookupOp, TableScanOp, type IndexRange } from '../exec/scan.js';
import type { Ev, Op } from '../exec/runtime.js';
import { applyComparisonAffinity, comparisonAffinity, isNumericAffinity, type Affinity } from '../semantics/affinity.js';
import type { CompileCtx } from './context.js';
import { compileExpr, comparisonCollation } from './expr.js';
import type { Compiled, Scope, ScopeSource } from './scope.js';
import { sameExpr, sourceOfColumn } from './terms.js';
import { canonicalCollation } from '../../catalog/build-table.js';

type RangeOp = '<' | '<=' | '>' | '>=';

/** A usable term on one column (or the rowid, column = -1) of the source. */
interface ColumnTerm {
  readonly termIndex: number;
  readonly column: number;
  readonly op: '=' | 'IN' | RangeOp;
  /** The other side(s), compiled in the scope of already-bound sources. */
  readonly values: Compiled[];
  /** For IN (SELECT): yields the values. */
  readonly valuesFn?: () => SqlValue[];
  readonly collation: string;
  readonly aff: Affinity | null;
}

export interface AccessChoice {
  readonly op: Op;
  /** Indexes (into the term list) of terms fully enforced by the path (no need to filter again). */
  readonly consumed: ReadonlySet<number>;
  readonly cost: number;
  /** The path delivers rows in this ORDER BY's order (the sort can be skipped). */
  readonly ordered: boolean;
  /** EXPLAIN QUERY PLAN detail. */
  readonly detail: string;
}

const FLIP: Record<RangeOp | '=', RangeOp | '='> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

function indexAffinityOk(colAff: Affinity, aff: Affinity | null): boolean {
  if (aff === null || aff === 'BLOB') return true;
  if (aff === 'TEXT') return colAff === 'TEXT';
  return isNumericAffinity(colAff);
}

/**
 * Finds the usable terms on `src` among `terms`; `boundScope` resolves the other sides (it sees
 * the already-bound sources only).
 */
function columnTerms(cx: CompileCtx, src: ScopeSource, terms: readonly Expr[], usable: (i: number) => boolean, boundScope: Scope): ColumnTerm[] {
  const out: ColumnTerm[] = [];
  const colOf = (e: Expr): { index: number; compiled: Compiled } | null => {
    let x = e;
    while (x.kind === 'Collate') x = x.expr;
    if (x.kind !== 'Column') return null;
    const hit = sourceOfColumn([src], x.table, x.name);
    if (!hit) return null;
    // the INTEGER PRIMARY KEY column is the rowid
    const index = src.table && hit.index >= 0 && hit.index === src.table.rowidAlias ? -1 : hit.index;
    const col = index >= 0 ? src.columns[index] : null;
    const c: Compiled = {
      ev: () => null,
      aff: col ? col.affinity : 'INTEGER',
      coll: e.kind === 'Collate' ? e.collation : col ? col.collation : 'BINARY',
      explicitColl: e.kind === 'Collate',
    };
    return { index, compiled: c };
  };
  const tryCompile = (e: Expr): Compiled | null => {
    try {
      return compileExpr(cx, e, boundScope);
    } catch {
      return null;
    }
  };
  terms.forEach((t, ti) => {
    if (!usable(ti)) return;
    if (t.kind === 'Binary' && (t.op === '=' || t.op === 'IS' || t.op === '<' || t.op === '<=' || t.op === '>' || t.op === '>=')) {
      for (const [colSide, other, flip] of [
        [t.left, t.right, false],
        [t.right, t.left, true],
      ] as const) {
        const c = colOf(colSide);
        if (!c) continue;
        const v = tryCompile(other);
        if (!v) continue;
        const aff = comparisonAffinity(c.compiled.aff, v.aff);
        const colAff: Affinity = c.index >= 0 ? src.columns[c.index].affinity ?? 'BLOB' : 'INTEGER';
        if (!indexAffinityOk(colAff, aff)) continue;
        const coll = canonicalCollation(comparisonCollation(flip ? v : c.compiled, flip ? c.compiled : v) ?? 'BINARY');
        const op = t.op === 'IS' ? '=' : flip ? FLIP[t.op as RangeOp | '='] : (t.op as RangeOp | '=');
        if (t.op === 'IS') {
          // IS matches NULL too: only usable for an equality whose probe is not NULL-sensitive; keep it simple
          continue;
        }
        out.push({ termIndex: ti, column: c.index, op, values: [v], collation: coll, aff });
        break;
      }
    } else if (t.kind === 'InList' && !t.not && t.expr.kind !== 'RowValue') {
      const c = colOf(t.expr);
      if (!c) return;
      const vals: Compiled[] = [];
      for (const item of t.list) {
        const v = tryCompile(item);
        if (!v) return;
        vals.push(v);
      }
      const colAff: Affinity = c.index >= 0 ? src.columns[c.index].affinity ?? 'BLOB' : 'INTEGER';
      // IN uses the LHS affinity for every element
      const aff = c.compiled.aff === 'BLOB' ? null : c.compiled.aff;
      if (!indexAffinityOk(colAff, aff)) return;
      out.push({ termIndex: ti, column: c.index, op: 'IN', values: vals, collation: canonicalCollation(c.compiled.coll ?? 'BINARY'), aff });
    } else if (t.kind === 'Between' && !t.not) {
      const c = colOf(t.expr);
      if (!c) return;
      const lo = tryCompile(t.low);
      const hi = tryCompile(t.high);
      if (!lo || !hi) return;
      const colAff: Affinity = c.index >= 0 ? src.columns[c.index].affinity ?? 'BLOB' : 'INTEGER';
      const affLo = comparisonAffinity(c.compiled.aff, lo.aff);
      const affHi = comparisonAffinity(c.compiled.aff, hi.aff);
      if (!indexAffinityOk(colAff, affLo) || !indexAffinityOk(colAff, affHi)) return;
      const coll = canonicalCollation(c.compiled.coll ?? 'BINARY');
      // Not consumed: BETWEEN stays as a filter (two half terms share one term index)
      out.push({ termIndex: -1 - ti, column: c.index, op: '>=', values: [lo], collation: coll, aff: affLo });
      out.push({ termIndex: -1 - ti, column: c.index, op: '<=', values: [hi], collation: coll, aff: affHi });
    }
  });
  return out;
}

function converter(aff: Affinity | null): (v: SqlValue) => SqlValue {
  if (aff === null || aff === 'BLOB') return (v) => v;
  return (v) => applyComparisonAffinity(v, aff);
}

export interface OrderRequest {
  /** Column index in the source (-1 rowid) per ORDER BY term, with direction and collation. */
  readonly terms: readonly { column: number; desc: boolean; collation: string; nullsFirst: boolean }[];
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

/**
 * Chooses how to read `src` (a base table) given the WHERE terms, which of them are usable now,
 * and an optional ORDER BY wish.
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
): AccessChoice {
  const rt = cx.rt;
  const slot = src.slot;
  const cts = columnTerms(cx, src, terms, usable, boundScope);
  const consumedOf = (list: ColumnTerm[]) => new Set(list.filter((t) => t.termIndex >= 0).map((t) => t.termIndex));
  const evsOf = (t: ColumnTerm): (() => SqlValue[]) => {
    const conv = converter(t.aff);
    const evs = t.values.map((v) => v.ev);
    return () => evs.map((ev) => conv(ev()));
  };
  let best: AccessChoice | null = null;
  const consider = (c: AccessChoice) => {
    if (!best || c.cost < best.cost) best = c;
  };

  if (!table.withoutRowid && indexedBy === null) {
    const eq = cts.find((t) => t.column === -1 && (t.op === '=' || t.op === 'IN'));
    if (eq) {
      const probe = evsOf(eq);
      consider({
        op: new RowidLookupOp(rt, slot, table.root, probe),
        consumed: consumedOf([eq]),
        cost: eq.op === '=' ? 1 : 1 + eq.values.length,
        ordered: false,
        detail: `SEARCH ${src.name} USING INTEGER PRIMARY KEY (rowid=?)`,
      });
    } else {
      const lo = cts.find((t) => t.column === -1 && (t.op === '>' || t.op === '>='));
      const hi = cts.find((t) => t.column === -1 && (t.op === '<' || t.op === '<='));
      if (lo || hi) {
        const bound = (t: ColumnTerm | undefined) =>
          t ? { ev: t.values[0].ev, inclusive: t.op === '>=' || t.op === '<=', affinity: converter(t.aff) } : null;
        const desc = !!order && order.terms.length === 1 && order.terms[0].column === -1 && order.terms[0].desc;
        const ordered = !!order && order.terms.length === 1 && order.terms[0].column === -1;
        consider({
          op: new TableScanOp(rt, slot, table.root, bound(lo), bound(hi), desc),
          consumed: consumedOf([lo, hi].filter((x): x is ColumnTerm => !!x)),
          cost: 200,
          ordered,
          detail: `SEARCH ${src.name} USING INTEGER PRIMARY KEY (${[lo && `rowid${lo.op}?`, hi && `rowid${hi.op}?`].filter(Boolean).join(' AND ')})`,
        });
      }
    }
  }

  const indexes = cxIndexes(cx, table);
  for (const idx of indexes) {
    if (indexedBy && idx.name.toLowerCase() !== indexedBy.toLowerCase()) continue;
    if (indexedBy === false) continue;
    if (idx.partial && !terms.some((t, i) => usable(i) && sameExpr(t, idx.partial!))) continue;
    const used: ColumnTerm[] = [];
    const prefixTerms: ColumnTerm[] = [];
    let k = 0;
    for (; k < idx.columns.length; k++) {
      const ic = idx.columns[k];
      if (ic.column === -2) break;
      const t = cts.find((x) => x.column === ic.column && (x.op === '=' || x.op === 'IN') && x.collation === ic.collation);
      if (!t) break;
      prefixTerms.push(t);
      used.push(t);
    }
    let lower: ColumnTerm | undefined;
    let upper: ColumnTerm | undefined;
    if (k < idx.columns.length && idx.columns[k].column !== -2) {
      const ic = idx.columns[k];
      lower = cts.find((x) => x.column === ic.column && (x.op === '>' || x.op === '>=') && x.collation === ic.collation);
      upper = cts.find((x) => x.column === ic.column && (x.op === '<' || x.op === '<=') && x.collation === ic.collation);
      if (lower) used.push(lower);
      if (upper) used.push(upper);
    }
    // Would this index deliver the requested order?
    let ordered = false;
    if (order && order.terms.length > 0) {
      ordered = order.terms.every((ot, j) => {
        const ic = idx.columns[k + j] ?? (j + k === idx.columns.length && ot.column === -1 && !table.withoutRowid ? { column: -1, collation: 'BINARY', desc: false } : undefined);
        return !!ic && ic.column === ot.column && ic.collation === ot.collation && ic.desc === ot.desc && ot.nullsFirst === !ot.desc;
      });
      if (prefixTerms.some((t) => t.op === 'IN')) ordered = false;
    }
    if (used.length === 0 && !ordered && !indexedBy) continue;
    const full = k === idx.columns.length && idx.unique && prefixTerms.every((t) => t.op === '=');
    const cost = full ? 2 : used.length > 0 ? 20 / (prefixTerms.length + 1) + (lower || upper ? 10 : 0) + (prefixTerms.some((t) => t.op === 'IN') ? 5 : 0) : 900;
    const probes = prefixTerms.map(evsOf);
    const range: IndexRange = {
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
      lower: lower ? { ev: lower.values[0].ev, inclusive: lower.op === '>=', affinity: converter(lower.aff) } : null,
      upper: upper ? { ev: upper.values[0].ev, inclusive: upper.op === '<=', affinity: converter(upper.aff) } : null,
    };
    const ki = keyInfoFor(cx, table, idx);
    const isPkTree = table.withoutRowid && idx.origin === 'pk';
    let op: Op;
    if (!table.withoutRowid) op = new IndexScanOp(rt, slot, table.root, idx.root, ki, range, 'rowid');
    else if (isPkTree) op = new IndexScanOp(rt, slot, table.root, idx.root, ki, range, 'key-is-row');
    else op = new IndexScanOp(rt, slot, table.root, idx.root, ki, range, 'pk-lookup', withoutRowidLookup(cx, table, idx));
    const eqDesc = prefixTerms.map((t) => `${t.column === -1 ? 'rowid' : table.columns[t.column].name}=?`);
    if (lower) eqDesc.push(`${table.columns[lower.column].name}${lower.op}?`);
    if (upper) eqDesc.push(`${table.columns[upper.column].name}${upper.op}?`);
    const kind = isPkTree ? 'PRIMARY KEY' : idx.name.startsWith('sqlite_autoindex') || true ? `INDEX ${idx.name}` : '';
    consider({
      op,
      consumed: consumedOf(used),
      cost: ordered && order ? cost - 1 : cost,
      ordered,
      detail: used.length ? `SEARCH ${src.name} USING ${kind} (${eqDesc.join(' AND ')})` : `SCAN ${src.name} USING ${kind}`,
    });
  }

  if (best) return best;
  const desc = !!order && order.terms.length === 1 && order.terms[0].column === -1 && order.terms[0].desc;
  const byRowid = !!order && order.terms.length === 1 && order.terms[0].column === -1 && !table.withoutRowid;
  if (table.withoutRowid) {
    const pk = cxIndexes(cx, table).find((i) => i.origin === 'pk');
    const ki = pk ? keyInfoFor(cx, table, pk) : { collations: [], desc: [] };
    return {
      op: new IndexScanOp(rt, slot, table.root, table.root, ki, { prefixes: () => [[]], lower: null, upper: null }, 'key-is-row'),
      consumed: new Set(),
      cost: 1000,
      ordered: false,
      detail: `SCAN ${src.name}`,
    };
  }
  return {
    op: new TableScanOp(rt, slot, table.root, null, null, desc),
    consumed: new Set(),
    cost: 1000,
    ordered: byRowid,
    detail: `SCAN ${src.name}`,
  };
}

function cxIndexes(cx: CompileCtx, table: TableSchema): readonly IndexSchema[] {
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
