/** Compiles a statement only to collect the planner's access-path decisions. */
import type { Statement } from '../ast.js';
import type { Connection } from '../connection.js';
import type { CompileCtx } from './context.js';
import { compileSelectStmt } from './select.js';

export function compileStatementForExplain(cx: CompileCtx, conn: Connection, stmt: Statement): string[] {
  const details: string[] = [];
  cx.explain = details;
  void conn;
  if (stmt.kind === 'Select') compileSelectStmt(cx, stmt, null);
  return details;
}
