/**
 * EXPLAIN QUERY PLAN (rows id, parent, notused, detail, in SQLite's wording for the access paths
 * the planner chose) and EXPLAIN (one row per plan step in the column shape of SQLite's
 * bytecode listing; the steps are ours, not VDBE opcodes, see docs/compat.md).
 */
import type { SqlValue } from '../../common/value.js';
import type { ExplainStmt } from '../ast.js';
import type { Connection } from '../connection.js';
import type { ColumnDescriptor } from '../session-api.js';
import type { CompileCtx } from './context.js';
import type { RunPlan } from './statement.js';
import { compileStatementForExplain } from './explain-compile.js';

function col(name: string): ColumnDescriptor {
  return { name, column: null, table: null, database: null, type: null };
}

export function compileExplain(cx: CompileCtx, conn: Connection, stmt: ExplainStmt): RunPlan {
  const rows = compileStatementForExplain(cx, conn, stmt.stmt);
  if (stmt.queryPlan) {
    return {
      columns: ['id', 'parent', 'notused', 'detail'].map(col),
      write: false,
      run: () => rows.map((r): SqlValue[] => [r.id, r.parent, 0, r.detail]),
    };
  }
  return {
    columns: ['addr', 'opcode', 'p1', 'p2', 'p3', 'p4', 'p5', 'comment'].map(col),
    write: false,
    run: () => rows.map((r, i): SqlValue[] => [i, 'Explain', r.id, r.parent, 0, r.detail, 0, null]),
  };
}
