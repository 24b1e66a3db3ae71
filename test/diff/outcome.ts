/**
 * What one statement did on one engine, captured through the better-sqlite3 API in safe-integer,
 * raw mode, and how two outcomes are compared.
 */
import type { DiffDatabase } from '../support/engines.js';
import { formatRow, realsClose, rowKey, valuesEqual } from '../support/values.js';

export type Outcome =
  | { kind: 'rows'; columns: string[]; rows: unknown[][] }
  | { kind: 'run'; changes: unknown; lastInsertRowid: unknown }
  | { kind: 'error'; phase: 'prepare' | 'execute'; name: string; code: string | undefined; message: string };

function errorOutcome(phase: 'prepare' | 'execute', e: unknown): Outcome {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { kind: 'error', phase, name: e.name, code: typeof code === 'string' ? code : undefined, message: e.message };
  }
  return { kind: 'error', phase, name: typeof e, code: undefined, message: String(e) };
}

/** Prepares and runs `sql` once: readers with `raw().safeIntegers().all()`, others with `run()`. */
export function runStatement(db: DiffDatabase, sql: string): Outcome {
  let stmt;
  try {
    stmt = db.prepare(sql);
  } catch (e) {
    return errorOutcome('prepare', e);
  }
  try {
    stmt.safeIntegers(true);
    if (stmt.reader) {
      stmt.raw(true);
      const columns = stmt.columns().map((c) => c.name);
      const rows = stmt.all() as unknown[][];
      return { kind: 'rows', columns, rows };
    }
    const r = stmt.run();
    return { kind: 'run', changes: r.changes, lastInsertRowid: r.lastInsertRowid };
  } catch (e) {
    return errorOutcome('execute', e);
  }
}

export interface CompareOptions {
  /** Compare rows in order (else as multisets). */
  ordered: boolean;
  /** Relative tolerance for REAL values; 0 means exact (the default everywhere). */
  realTolerance?: number;
  /** The rows are EXPLAIN QUERY PLAN output: compare detail text and tree, not id/notused. */
  eqp?: boolean;
  /** Compare EXPLAIN QUERY PLAN rows by shape only (see README.md). */
  eqpShape?: boolean;
}

/** Returns undefined when the outcomes agree, else a one-line reason. */
export function compareOutcomes(expected: Outcome, actual: Outcome, opts: CompareOptions): string | undefined {
  if (expected.kind !== actual.kind) return `outcome kind differs: ${expected.kind} vs ${actual.kind}`;
  if (expected.kind === 'error' && actual.kind === 'error') {
    if (expected.name !== actual.name) return `error class differs: ${expected.name} vs ${actual.name}`;
    if (expected.code !== actual.code) return `error code differs: ${expected.code} vs ${actual.code}`;
    if (expected.message !== actual.message) return 'error message differs';
    if (expected.phase !== actual.phase) return `error raised at ${expected.phase} vs at ${actual.phase}`;
    return undefined;
  }
  if (expected.kind === 'run' && actual.kind === 'run') {
    if (!valuesEqual(expected.changes, actual.changes)) return 'changes differs';
    if (!valuesEqual(expected.lastInsertRowid, actual.lastInsertRowid)) return 'lastInsertRowid differs';
    return undefined;
  }
  if (expected.kind === 'rows' && actual.kind === 'rows') {
    const ec = expected.columns;
    const ac = actual.columns;
    if (ec.length !== ac.length || ec.some((c, i) => c !== ac[i])) return 'column names differ';
    if (opts.eqpShape) return compareEqpShape(expected.rows, actual.rows);
    if (opts.eqp) return compareEqpText(expected.rows, actual.rows);
    return compareRows(expected.rows, actual.rows, opts);
  }
  return 'unreachable';
}

function rowsEqual(a: readonly unknown[], b: readonly unknown[], tol: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (valuesEqual(x, y)) continue;
    if (tol > 0 && typeof x === 'number' && typeof y === 'number' && realsClose(x, y, tol)) continue;
    return false;
  }
  return true;
}

function toleranceKey(row: readonly unknown[]): string {
  return rowKey(row.map((v) => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(10)) : v)));
}

function sortedForMultiset(rows: unknown[][], tol: number): unknown[][] {
  const keyed = rows.map((r) => ({ k: tol > 0 ? toleranceKey(r) : rowKey(r), r }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.r);
}

function compareRows(expected: unknown[][], actual: unknown[][], opts: CompareOptions): string | undefined {
  const tol = opts.realTolerance ?? 0;
  if (expected.length !== actual.length) return `row count differs: ${expected.length} vs ${actual.length}`;
  const e = opts.ordered ? expected : sortedForMultiset(expected, tol);
  const a = opts.ordered ? actual : sortedForMultiset(actual, tol);
  for (let i = 0; i < e.length; i++) {
    if (!Array.isArray(a[i])) return `row ${i} is not an array (raw mode ignored?)`;
    if (!rowsEqual(e[i], a[i], tol)) {
      const how = opts.ordered ? 'in order' : 'as multisets';
      return `rows differ ${how}: first at ${i}: ${formatRow(e[i])} vs ${formatRow(a[i])}`;
    }
  }
  return undefined;
}

/**
 * Maps each EXPLAIN QUERY PLAN row to its parent's row index (-1 for a root, -2 for a dangling
 * parent). SQLite's `id` is a bytecode address and `notused` a cost estimate, neither of which
 * another engine can reproduce, so plans are compared through this tree, never by raw values.
 */
function eqpParents(rows: unknown[][]): number[] {
  const idToIndex = new Map<unknown, number>();
  rows.forEach((r, i) => idToIndex.set(r[0], i));
  return rows.map((r) => (r[1] === 0n || r[1] === 0 ? -1 : (idToIndex.get(r[1]) ?? -2)));
}

/** EXPLAIN QUERY PLAN by text: same rows in order, same `detail` text, same tree, same value types. */
function compareEqpText(expected: unknown[][], actual: unknown[][]): string | undefined {
  if (expected.length !== actual.length) return `plan row count differs: ${expected.length} vs ${actual.length}`;
  const ep = eqpParents(expected);
  const ap = eqpParents(actual);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (!Array.isArray(a) || a.length !== e.length) return `plan row ${i} has a different arity`;
    const et = e.map((v) => typeof v).join(',');
    const at = a.map((v) => typeof v).join(',');
    if (et !== at) return `plan row ${i} value types differ: ${et} vs ${at}`;
    if (e[3] !== a[3]) return `plan detail differs at row ${i}: ${String(e[3])} vs ${String(a[3])}`;
    if (ep[i] !== ap[i]) return `plan tree differs at row ${i}: parent row ${ep[i]} vs ${ap[i]}`;
  }
  return undefined;
}

/**
 * EXPLAIN QUERY PLAN by shape: same number of rows, each (id INTEGER, parent INTEGER, notused
 * INTEGER, detail TEXT), parents forming the same tree, and each detail starting with the same
 * operation word(s) (SCAN, SEARCH, USE TEMP B-TREE, CO-ROUTINE, ...); table and index names and
 * the chosen index are not compared.
 */
function compareEqpShape(expected: unknown[][], actual: unknown[][]): string | undefined {
  if (expected.length !== actual.length) return `plan row count differs: ${expected.length} vs ${actual.length}`;
  const shape = (rows: unknown[][]): string[] => {
    const parents = eqpParents(rows);
    return rows.map((r, i) => {
      const types = r.map((v) => typeof v).join(',');
      const parent = parents[i];
      const detail = typeof r[3] === 'string' ? r[3] : '';
      const op = /^(USE TEMP B-TREE|SCALAR SUBQUERY|CORRELATED SCALAR SUBQUERY|LIST SUBQUERY|CORRELATED LIST SUBQUERY|COMPOUND QUERY|LEFT-MOST SUBQUERY|MULTI-INDEX OR|CO-ROUTINE|MATERIALIZE|[A-Z]+)/.exec(detail);
      return `${types}|${parent}|${op ? op[1] : detail}`;
    });
  };
  const e = shape(expected);
  const a = shape(actual);
  for (let i = 0; i < e.length; i++) if (e[i] !== a[i]) return `plan shape differs at row ${i}: ${e[i]} vs ${a[i]}`;
  return undefined;
}

const MAX_PRINTED_ROWS = 25;

export function formatOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'error':
      return `error ${o.name}${o.code ? ` ${o.code}` : ''} at ${o.phase}: ${o.message}`;
    case 'run':
      return `run: changes=${String(o.changes)} (${typeof o.changes}), lastInsertRowid=${String(o.lastInsertRowid)} (${typeof o.lastInsertRowid})`;
    case 'rows': {
      const lines = [`columns [${o.columns.join(', ')}], ${o.rows.length} row(s)`];
      for (const r of o.rows.slice(0, MAX_PRINTED_ROWS)) lines.push(`    ${Array.isArray(r) ? formatRow(r) : String(r)}`);
      if (o.rows.length > MAX_PRINTED_ROWS) lines.push(`    ... ${o.rows.length - MAX_PRINTED_ROWS} more`);
      return lines.join('\n');
    }
  }
}
