/**
 * Schema statements and database-level utilities as RunPlans.
 */
import { sqliteError } from '../../../common/errors.js';
import type { Statement } from '../../ast.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import type { RunPlan } from '../statement.js';
import { alterResultColumns, compileAlter } from './alter.js';
import type { ColumnDescriptor } from '../../session-api.js';
import { compileAnalyze } from './analyze.js';
import { createIndex, createTable, createTrigger, createView, createVirtualTable } from './create.js';
import { compileDrop } from './drop.js';
import { compileVacuum } from './vacuum.js';
import { createVectorIndex, dropVectorIndex } from '../../../vector/ddl.js'; // vector: USING hnsw

type DdlStatement = Extract<
  Statement,
  { kind: 'CreateTable' | 'CreateIndex' | 'CreateView' | 'CreateTrigger' | 'CreateVirtualTable' | 'Drop' | 'AlterTable' | 'Vacuum' | 'Analyze' | 'Reindex' | 'Attach' | 'Detach' }
>;

export function compileDdl(cx: CompileCtx, conn: Connection, stmt: DdlStatement, sql = ''): RunPlan {
  const src = (stmt as { source?: string }).source ?? sql;
  let fn: () => void;
  let write = true;
  let columns: ColumnDescriptor[] = [];
  switch (stmt.kind) {
    case 'CreateTable':
      fn = createTable(cx, conn, stmt, src);
      break;
    case 'CreateIndex':
      // vector: CREATE INDEX ... USING hnsw (engine/vector/ddl.ts)
      fn = stmt.using ? createVectorIndex(cx, conn, stmt, src) : createIndex(cx, conn, stmt, src);
      break;
    case 'CreateView':
      fn = createView(cx, conn, stmt, src);
      break;
    case 'CreateTrigger':
      fn = createTrigger(cx, conn, stmt, src);
      break;
    case 'CreateVirtualTable':
      fn = createVirtualTable(cx, conn, stmt, src);
      break;
    case 'Drop':
      fn = dropVectorIndex(cx, conn, stmt) ?? compileDrop(cx, conn, stmt); // vector: DROP INDEX of an hnsw index
      break;
    case 'AlterTable':
      fn = compileAlter(cx, conn, stmt);
      columns = alterResultColumns(cx, stmt);
      break;
    case 'Vacuum':
      fn = compileVacuum(cx, conn, stmt);
      write = false;
      break;
    case 'Analyze':
      fn = compileAnalyze(cx, conn, stmt);
      break;
    case 'Reindex':
      // statistics are not used by the planner yet; REINDEX has nothing to rebuild with built-in collations
      fn = () => {};
      write = false;
      break;
    case 'Attach':
      throw sqliteError('ATTACH is not supported yet by heliosdb-lite');
    case 'Detach': {
      // SQLite looks the database up when DETACH runs
      const name = stmt.name;
      fn = () => {
        throw sqliteError(`no such database: ${name}`);
      };
      write = false;
      break;
    }
  }
  cx.writes = cx.writes || write;
  return { columns, write, run: () => (fn(), []) };
}
