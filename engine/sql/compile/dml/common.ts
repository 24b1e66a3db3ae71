/**
 * Pieces shared by the INSERT, UPDATE and DELETE compilers: target resolution, pseudo-table
 * sources (excluded.*, and the NEW / OLD of triggers), WITH clauses and the run wrapper of a
 * statement. RETURNING is in returning.ts, AUTOINCREMENT in autoincrement.ts.
 */
import { sqliteError } from '../../../common/errors.js';
import type { SqlValue } from '../../../common/value.js';
import type { TableSchema } from '../../../catalog/types.js';
import { dbNameOf } from '../../../catalog/schema.js';
import type { Connection } from '../../connection.js';
import type { QualifiedTableName, WithClause } from '../../ast.js';
import type { FromEntry } from '../from.js';
import { TableWriter } from './writer.js';
import type { RowSource } from '../../exec/runtime.js';
import type { RunPlan } from '../statement.js';
import { bindCtes } from '../cte.js';
import type { CompileCtx } from '../context.js';
import { makeSource, type Scope, type ScopeColumn, type ScopeSource } from '../scope.js';
import { autoincRegisters } from './autoincrement.js';
import { keepWritesOnError } from './statement-journal.js';

export function targetTable(cx: CompileCtx, name: string, schemaName: string | null): TableSchema {
  const db = dbNameOf(schemaName);
  if (schemaName && db === null) throw sqliteError(`no such table: ${schemaName}.${name}`);
  const lname = name.toLowerCase();
  if (lname === 'sqlite_master' || lname === 'sqlite_schema' || lname === 'sqlite_temp_master' || lname === 'sqlite_temp_schema') {
    throw sqliteError(`table ${name} may not be modified`);
  }
  const t = cx.schema.table(name, db);
  if (t) return t;
  if (cx.schema.view(name, db)) throw sqliteError(`cannot modify ${name} because it is a view`);
  throw sqliteError(`no such table: ${schemaName ? `${schemaName}.` : ''}${name}`);
}

/** A pseudo-table whose row (values in the table's column order) is placed in its slot. */
export function pseudoTable(cx: CompileCtx, table: TableSchema, name: string, rowid = false): ScopeSource {
  const rt = cx.rt;
  const slot = rt.allocSlot();
  const cols: ScopeColumn[] = table.columns.map((c, ci) => ({
    name: c.name,
    affinity: c.affinity,
    collation: c.collation,
    type: c.type || null,
    read: () => {
      const r = rt.rows[slot];
      return ci < r.length ? r[ci] : null;
    },
    origin: null,
    hidden: false,
  }));
  const src = makeSource(slot, name, null, cols, rowid && !table.withoutRowid ? () => rt.rowids[slot] : null, table.columns.length);
  src.qualifiedOnly = true;
  return src;
}

export interface DmlRunOptions {
  /** A top-level statement (not a step of a trigger program): it owns the AUTOINCREMENT registers. */
  readonly top: boolean;
  /** The AUTOINCREMENT tables its programs may insert into (autoincTables), when top. */
  readonly autoinc: readonly TableSchema[];
  /** It runs without a statement journal (statement-journal.ts). */
  readonly noJournal: boolean;
  /** Its RETURNING rows, if any. */
  readonly returned: { take(): SqlValue[][] } | null;
  /** It sets total_changes() from its own count (not the INSTEAD OF triggers of a view). */
  readonly counts?: boolean;
}

/** The (never modified) result of a statement without RETURNING. */
const NO_ROWS: SqlValue[][] = [];

/**
 * The run function of an INSERT, UPDATE or DELETE around `body` (which writes the rows): the
 * change counters, the AUTOINCREMENT registers of a top-level statement (written back when it
 * succeeds), the rows kept by a failing statement without a journal, the RETURNING rows.
 */
export function dmlRun(cx: CompileCtx, conn: Connection, o: DmlRunOptions, body: () => void): () => SqlValue[][] {
  const regs = o.top ? autoincRegisters(conn) : null;
  const { autoinc, noJournal, returned } = o;
  const counts = o.counts ?? true;
  return () => {
    conn.changes = 0;
    returned?.take(); // rows left by a failed run
    const startTotal = conn.totalChanges;
    if (regs !== null) regs.begin(cx, autoinc);
    try {
      body();
      if (regs !== null) regs.end(autoinc);
    } catch (e) {
      if (noJournal) keepWritesOnError(conn, e);
      throw e;
    } finally {
      if (counts) conn.totalChanges = startTotal + conn.changes;
    }
    return returned !== null ? returned.take() : NO_ROWS;
  };
}

/** Compiles a statement (`body`) with the CTEs of its WITH clause visible while its parts compile. */
export function withCtes(cx: CompileCtx, w: WithClause | null, outer: Scope | null, body: () => RunPlan): RunPlan {
  const pushed = w ? bindCtes(cx, w, outer) : 0;
  try {
    return body();
  } finally {
    cx.ctes.length -= pushed;
  }
}

/** All rows of a row source (materialised before the statement writes anything). */
export function drainRows(source: RowSource): SqlValue[][] {
  const out: SqlValue[][] = [];
  source.open();
  try {
    for (let r = source.next(); r !== null; r = source.next()) out.push(r);
  } finally {
    source.close();
  }
  return out;
}

/** The target of an UPDATE or DELETE: its table, its writer, and its entry, first in the join. */
export function targetEntry(cx: CompileCtx, conn: Connection, target: QualifiedTableName): { table: TableSchema; writer: TableWriter; entries: FromEntry[] } {
  const table = targetTable(cx, target.name, target.schema);
  const writer = new TableWriter(cx, conn, table, target.alias);
  const entries: FromEntry[] = [
    { source: writer.source, joinType: 'INNER', on: null, usingTerms: [], table, op: null, indexedBy: target.indexedBy, asOf: null },
  ];
  return { table, writer, entries };
}
