/**
 * INSERT compilation: column mapping, VALUES / SELECT / DEFAULT VALUES sources, defaults,
 * upsert clauses (ON CONFLICT ... DO NOTHING / DO UPDATE, several clauses), RETURNING.
 */
import { sqliteError } from '../../../common/errors.js';
import type { SqlValue } from '../../../common/value.js';
import type { IndexSchema, TableSchema } from '../../../catalog/types.js';
import type { Rowid } from '../../../storage/api.js';
import type { InsertStmt, SetClause, UpsertClause } from '../../ast.js';
import type { Ev, RowSource } from '../../exec/runtime.js';
import { toBool } from '../../exec/truth.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { compileExpr } from '../expr.js';
import { Scope } from '../scope.js';
import type { RunPlan } from '../statement.js';
import { dbNameOf } from '../../../catalog/schema.js';
import { insteadOfView, compileViewInsert } from './view-dml.js';
import { dmlRun, drainRows, withCtes, pseudoTable, targetTable } from './common.js';
import { autoincTables } from './autoincrement.js';
import { compileReturning, ReturningRows } from './returning.js';
import { mayAbort } from './statement-journal.js';
import { TableWriter, type UpsertHandler } from './writer.js';
import { sameExpr } from '../terms.js';
import { canonicalCollation } from '../../../catalog/build-table.js';
import { applyAffinity } from '../../semantics/affinity.js';

const ROWID = new Set(['rowid', 'oid', '_rowid_']);

export function compileInsert(cx: CompileCtx, conn: Connection, stmt: InsertStmt, outer: Scope | null = null): RunPlan {
  return withCtes(cx, stmt.with, outer, () => compileInsertBody(cx, conn, stmt, outer));
}

function compileInsertBody(cx: CompileCtx, conn: Connection, stmt: InsertStmt, outer: Scope | null): RunPlan {
  cx.writes = true;
  const view = stmt.schema === null || dbNameOf(stmt.schema) ? insteadOfView(cx, stmt.table, dbNameOf(stmt.schema), 'INSERT') : null;
  if (view) return compileViewInsert(cx, conn, stmt, view, outer);
  const table = targetTable(cx, stmt.table, stmt.schema);
  const writer = new TableWriter(cx, conn, table, stmt.alias);
  writer.setsLastRowid = !table.withoutRowid;
  const nCols = table.columns.length;

  // Target columns: -1 = the rowid
  let targets: number[];
  if (!stmt.source) {
    targets = []; // DEFAULT VALUES
  } else if (stmt.columns) {
    targets = stmt.columns.map((name) => {
      const ci = table.columnIndex.get(name.toLowerCase());
      if (ci !== undefined) {
        if (table.columns[ci].generated) throw sqliteError(`cannot INSERT into generated column "${table.columns[ci].name}"`);
        return ci;
      }
      if (ROWID.has(name.toLowerCase()) && !table.withoutRowid) return -1;
      throw sqliteError(`table ${table.name} has no column named ${name}`);
    });
  } else {
    targets = [];
    table.columns.forEach((c, ci) => {
      if (!c.generated) targets.push(ci);
    });
  }
  const emptyScope = outer ?? new Scope([], null, { correlated: false, depth: 0 });

  // Source rows
  let rows: RowSource | null = null;
  let valueRows: Ev[][] | null = null;
  const src = stmt.source;
  if (src) {
    const simpleValues = src.body.kind === 'Values' && !src.orderBy && !src.limit && !src.with;
    const width = simpleValues && src.body.kind === 'Values' ? src.body.rows[0].length : -1;
    if (simpleValues && src.body.kind === 'Values') {
      valueRows = src.body.rows.map((r) => {
        if (r.length !== targets.length) throw countError(table.name, nCols, r.length, targets.length, !!stmt.columns);
        return r.map((e) => compileExpr(cx, e, emptyScope).ev);
      });
      void width;
    } else {
      const plan = cx.compileSelect(src, outer);
      if (plan.columns.length !== targets.length) throw countError(table.name, nCols, plan.columns.length, targets.length, !!stmt.columns);
      rows = plan.source;
    }
  }
  // Defaults for columns not given
  const given = new Set(targets);
  const defaults: (Ev | null)[] = table.columns.map((c, ci) => {
    if (given.has(ci) || !c.defaultValue || c.generated) return null;
    return compileExpr(cx, c.defaultValue.expr, emptyScope).ev;
  });

  const upserts = compileUpserts(cx, conn, stmt.upsert, writer, table);
  writer.fks.validate();
  // SQLite halts a one-row INSERT on an immediate foreign key violation at once (no statement counter)
  writer.fks.haltImmediately = outer === null && cx.trigger === null && valueRows !== null && valueRows.length <= 1 && upserts.length === 0 && cx.schema.triggersOf(table.name).length === 0;
  const returning = compileReturning(cx, stmt.returning, writer.scope, table, true);
  const orAction = stmt.orAction;
  const ipk = table.rowidAlias;

  // RETURNING rows are produced by the writer as it writes each row (before AFTER triggers)
  const returned = returning ? new ReturningRows(writer, returning) : null;

  const nTargets = targets.length;
  const nUpserts = upserts.length;
  // a VALUES row is evaluated into `scratch` (consumed before anything could run this statement again)
  const scratch = new Array<SqlValue>(nTargets);
  /** Inserts one row: its values from `input`, or (a VALUES row) from evaluating `evs`, all before any default. */
  const insertOne = (input: readonly SqlValue[] | null, evs: readonly Ev[] | null) => {
    if (evs !== null) {
      for (let i = 0; i < nTargets; i++) scratch[i] = evs[i]();
      input = scratch;
    }
    const vals = new Array<SqlValue>(nCols).fill(null);
    let explicitRowid: SqlValue = null;
    for (let i = 0; i < nTargets; i++) {
      const ci = targets[i];
      if (ci === -1) explicitRowid = applyAffinity(input![i], 'INTEGER');
      else vals[ci] = writer.coerce(ci, input![i]);
    }
    for (let ci = 0; ci < nCols; ci++) {
      const d = defaults[ci];
      if (d) vals[ci] = writer.coerce(ci, d());
    }
    if (ipk >= 0 && vals[ipk] !== null) explicitRowid = vals[ipk];
    for (let u = 0; u < nUpserts; u++) upserts[u].proposed = vals;
    const rowid = writer.insert(vals, explicitRowid, orAction, upserts);
    if (rowid !== null && !table.withoutRowid) conn.lastInsertRowid = rowid;
  };

  const rowidGiven = targets.includes(-1) || (ipk >= 0 && targets.includes(ipk));
  const defaulted = defaults.flatMap((d, ci) => (d ? [ci] : []));
  const noJournal =
    outer === null && cx.trigger === null &&
    !mayAbort(cx, conn, { table, orAction, stmt, defaulted, changed: null, rowidChanges: rowidGiven, hasUpsert: upserts.length > 0 });

  const top = outer === null && cx.trigger === null;
  return {
    columns: returning ? returning.columns : [],
    write: true,
    journal: !noJournal,
    run: dmlRun(cx, conn, { top, autoinc: top ? autoincTables(cx, conn, stmt) : [], noJournal, returned }, () => {
      if (valueRows) {
        for (let i = 0; i < valueRows.length; i++) insertOne(null, valueRows[i]);
      } else if (rows) {
        // materialise first: the SELECT may read the table being inserted into
        for (const r of drainRows(rows)) insertOne(r, null);
      } else {
        insertOne(scratch, null);
      }
    }),
  };
}

function countError(table: string, nCols: number, got: number, want: number, hasList: boolean): Error {
  if (hasList) return sqliteError(`${got} values for ${want} columns`);
  return sqliteError(`table ${table} has ${nCols} columns but ${got} values were supplied`);
}

interface CompiledUpsert extends UpsertHandler {
  proposed: SqlValue[];
}

function compileUpserts(cx: CompileCtx, conn: Connection, clauses: readonly UpsertClause[], writer: TableWriter, table: ReturnType<typeof targetTable>): CompiledUpsert[] {
  if (clauses.length === 0) return [];
  const excluded = pseudoTable(cx, table, 'excluded');
  excluded.bareValues = true;
  const scope = new Scope([writer.source, excluded], null, { correlated: false, depth: 0 });
  const rt = cx.rt;
  return clauses.map((cl, i) => {
    if (cl.target === null && i !== clauses.length - 1) {
      throw sqliteError('ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint');
    }
    // Which constraint does the target name?
    let targetCols: number[] | null = null;
    let targetColls: string[] = [];
    if (cl.target) {
      targetCols = cl.target.map((t) => {
        let e = t.expr;
        while (e.kind === 'Collate') e = e.expr;
        if (e.kind !== 'Column') throw sqliteError('ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint');
        const ci = table.columnIndex.get(e.name.toLowerCase());
        if (ci === undefined) throw sqliteError(`no such column: ${e.name}`);
        return ci;
      });
      targetColls = cl.target.map((t, k) => canonicalCollation(t.expr.kind === 'Collate' ? t.expr.collation : table.columns[targetCols![k]].collation));
      const matchesRowid = targetCols.length === 1 && targetCols[0] === table.rowidAlias;
      const idxs = [...cx.schema.indexes.values()].filter((x) => x.table.toLowerCase() === table.name.toLowerCase() && x.unique);
      const matchesIndex = idxs.some((x) => indexMatches(x, targetCols!, targetColls, cl.targetWhere));
      if (!matchesRowid && !matchesIndex) throw sqliteError('ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint');
    }
    const sets = cl.update ? compileSets(cx, cl.update.sets, scope, table) : null;
    const where = cl.update?.where ? compileExpr(cx, cl.update.where, scope).ev : null;
    const h: CompiledUpsert = {
      proposed: [],
      targeted: targetCols !== null,
      covers: (target) => {
        if (!targetCols) return true;
        if (target === 'rowid') return targetCols.length === 1 && targetCols[0] === table.rowidAlias;
        return indexMatches(target, targetCols, targetColls, cl.targetWhere);
      },
      handle: (existing) => {
        if (!sets) return;
        const old = writer.loadRow(existing)!;
        rt.rows[excluded.slot] = h.proposed;
        rt.rowids[excluded.slot] = null;
        if (where && !toBool(where())) return;
        const nv = old.slice();
        const changed = new Set<number>();
        for (const s of sets) {
          const v = s.ev();
          s.cols.forEach((ci, k) => {
            nv[ci] = writer.coerce(ci, s.cols.length > 1 ? (v as unknown as SqlValue[])[k] : v);
            changed.add(ci);
          });
        }
        writer.loadRow(existing);
        // the writer produces the RETURNING row of an updated row (TableWriter.onRow)
        writer.update(table.withoutRowid ? null : (existing as Rowid), old, nv, null, changed);
      },
    };
    void conn;
    return h;
  });
}

/**
 * The columns and collations an ON CONFLICT target names (null if a term is not a column);
 * sqlite3UpsertAnalyzeTarget matches them against the rowid and the UNIQUE indexes.
 */
export function upsertTargetColumns(table: TableSchema, cl: UpsertClause): { cols: number[]; colls: string[] } | null {
  if (!cl.target) return null;
  const cols: number[] = [];
  const colls: string[] = [];
  for (const t of cl.target) {
    let e = t.expr;
    while (e.kind === 'Collate') e = e.expr;
    if (e.kind !== 'Column') return null;
    const ci = table.columnIndex.get(e.name.toLowerCase());
    if (ci === undefined) return null;
    cols.push(ci);
    colls.push(canonicalCollation(t.expr.kind === 'Collate' ? t.expr.collation : table.columns[ci].collation));
  }
  return { cols, colls };
}

/** sqlite3UpsertAnalyzeTarget: the target names exactly the index's key columns, with their collations, and its WHERE. */
export function indexMatches(idx: IndexSchema, cols: readonly number[], colls: readonly string[], targetWhere: import('../../ast.js').Expr | null): boolean {
  if (idx.columns.length !== cols.length) return false;
  if (!idx.columns.every((c) => {
    const k = cols.indexOf(c.column);
    return k >= 0 && c.collation === colls[k];
  })) return false;
  if (idx.partial) return targetWhere !== null && sameExpr(idx.partial, targetWhere);
  return true;
}

export interface CompiledSet {
  readonly cols: number[];
  readonly ev: Ev;
}

/** SET clauses: `a = expr` and `(a, b) = (x, y)` / `= (SELECT ...)`. Multi-column sets yield an array. */
export function compileSets(cx: CompileCtx, sets: readonly SetClause[], scope: Scope, table: ReturnType<typeof targetTable>): CompiledSet[] {
  return sets.map((s) => {
    const cols = s.columns.map((n) => {
      const ci = table.columnIndex.get(n.toLowerCase());
      if (ci === undefined) {
        if (ROWID.has(n.toLowerCase()) && table.rowidAlias >= 0) return table.rowidAlias;
        throw sqliteError(`no such column: ${n}`);
      }
      if (table.columns[ci].generated) throw sqliteError(`cannot UPDATE generated column "${table.columns[ci].name}"`);
      return ci;
    });
    if (cols.length === 1) return { cols, ev: compileExpr(cx, s.value, scope).ev };
    const v = s.value;
    let items: Ev[];
    if (v.kind === 'RowValue') {
      if (v.items.length !== cols.length) throw sqliteError(`${cols.length} columns assigned ${v.items.length} values`);
      items = v.items.map((x) => compileExpr(cx, x, scope).ev);
    } else if (v.kind === 'Subquery') {
      const plan = cx.compileSelect(v.select, scope);
      if (plan.columns.length !== cols.length) throw sqliteError(`${cols.length} columns assigned ${plan.columns.length} values`);
      let row: SqlValue[] | null = null;
      items = cols.map((_, k) => () => {
        if (k === 0) {
          plan.source.open();
          try {
            row = plan.source.next();
          } finally {
            plan.source.close();
          }
        }
        return row ? row[k] : null;
      });
    } else throw sqliteError(`${cols.length} columns assigned 1 values`);
    return { cols, ev: () => items.map((f) => f()) as unknown as SqlValue };
  });
}
