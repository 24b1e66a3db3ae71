/**
 * Statement compilation dispatch: every statement kind becomes an Executable, which opens row
 * cursors. Queries stream; writes and utility statements do all their work on the first step
 * (RETURNING rows are buffered, as SQLite does) under the connection's statement atomicity.
 */
import { assertNever } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { Schema } from '../../catalog/schema.js';
import type { Statement } from '../ast.js';
import type { Connection } from '../connection.js';
import { collationFor } from '../collations.js';
import { Runtime } from '../exec/runtime.js';
import type { ColumnDescriptor, RowCursor } from '../session-api.js';
import type { CompileCtx, QueryPlan } from './context.js';
import { compileSelectStmt } from './select.js';
import { compileInsert } from './dml/insert.js';
import { compileUpdate } from './dml/update.js';
import { compileDelete } from './dml/delete.js';
import { compileDdl } from './ddl/index.js';
import { compilePragma } from './pragma.js';
import { compileExplain } from './explain.js';

export interface Executable {
  readonly reader: boolean;
  readonly readonly: boolean;
  readonly columns: readonly ColumnDescriptor[];
  open(params: readonly SqlValue[]): RowCursor;
}

/** What the statement-specific compilers return for statements that run to completion. */
export interface RunPlan {
  readonly columns: readonly ColumnDescriptor[];
  /** Needs the write transaction (statement atomicity, autocommit commit). */
  readonly write: boolean;
  /** False when SQLite opens no statement journal for it (statement-journal.ts): no statement savepoint. */
  readonly journal?: boolean;
  run(): SqlValue[][];
}

export function makeCtx(conn: Connection, schema: Schema): CompileCtx {
  const rt = new Runtime();
  const cx: CompileCtx = {
    rt,
    schema,
    functions: conn.functions,
    collation: collationFor,
    compileSelect: (s, outer) => compileSelectStmt(cx, s, outer),
    writes: false,
    ctes: [],
    trigger: null,
  };
  return cx;
}

export function describeColumns(plan: QueryPlan): ColumnDescriptor[] {
  return plan.columns.map((c) => ({
    name: c.name,
    column: c.origin?.column ?? null,
    table: c.origin?.table ?? null,
    database: c.origin?.database ?? null,
    type: c.type,
  }));
}

const DONE: RowCursor = { step: () => null, close: () => {} };

class QueryExecutable implements Executable {
  readonly reader = true;
  readonly readonly = true;
  readonly columns: readonly ColumnDescriptor[];
  constructor(
    private readonly conn: Connection,
    private readonly rt: Runtime,
    private readonly plan: QueryPlan,
  ) {
    this.columns = describeColumns(plan);
  }
  open(params: readonly SqlValue[]): RowCursor {
    return new QueryCursor(this.conn, this.rt, this.plan, params);
  }
}

/** One execution of a query: starts lazily at the first step, closes at exhaustion or error. */
class QueryCursor implements RowCursor {
  private state: 0 | 1 | 2 = 0; // 0 not started, 1 running, 2 done
  constructor(
    private readonly conn: Connection,
    private readonly rt: Runtime,
    private readonly plan: QueryPlan,
    private readonly params: readonly SqlValue[],
  ) {}

  step(): SqlValue[] | null {
    if (this.state === 2) return null;
    try {
      if (this.state === 0) {
        this.conn.startStatement();
        this.rt.beginExecution(this.conn, this.params as SqlValue[]);
        this.plan.source.open();
        this.state = 1;
      }
      const r = this.plan.source.next();
      if (r === null) this.close();
      return r;
    } catch (e) {
      try {
        this.close();
      } catch {
        /* keep the original error */
      }
      this.state = 2;
      throw e;
    }
  }

  close(): void {
    if (this.state === 1) this.plan.source.close();
    this.state = 2;
  }
}

/** The cursor of one execution of a RunExecutable: runs the plan at the first step, then yields its rows. */
class RunCursor implements RowCursor {
  rows: SqlValue[][] | null = null;
  i = 0;
  done = true;
  params: readonly SqlValue[] = [];

  constructor(private readonly x: RunExecutable) {}

  step(): SqlValue[] | null {
    if (this.done) return null;
    let rows = this.rows;
    if (rows === null) {
      const { conn, rt, plan } = this.x;
      try {
        conn.startStatement();
        rt.beginExecution(conn, this.params as SqlValue[]);
        rows = this.rows = plan.write ? conn.runWrite(plan) : plan.run();
      } catch (e) {
        this.close();
        throw e;
      }
    }
    if (this.i < rows.length) return rows[this.i++];
    this.close();
    return null;
  }

  close(): void {
    this.done = true;
    this.rows = null;
    this.params = [];
  }
}

class RunExecutable implements Executable {
  readonly reader: boolean;
  readonly readonly: boolean;
  readonly columns: readonly ColumnDescriptor[];
  /** The cursor of the last execution, reused once closed (most statements run one at a time). */
  private spare: RunCursor | null = null;
  constructor(
    readonly conn: Connection,
    readonly rt: Runtime,
    readonly plan: RunPlan,
    reader: boolean,
  ) {
    this.columns = plan.columns;
    this.reader = reader;
    this.readonly = !plan.write;
  }
  open(params: readonly SqlValue[]): RowCursor {
    let c = this.spare;
    if (c === null || !c.done) c = this.spare = new RunCursor(this);
    c.done = false;
    c.i = 0;
    c.params = params;
    return c;
  }
}

export function compileStatement(conn: Connection, stmt: Statement, schema: Schema, sql = ''): Executable {
  const cx = makeCtx(conn, schema);
  switch (stmt.kind) {
    case 'Select':
      return new QueryExecutable(conn, cx.rt, compileSelectStmt(cx, stmt, null));
    case 'Insert': {
      const p = compileInsert(cx, conn, stmt);
      return new RunExecutable(conn, cx.rt, p, stmt.returning !== null);
    }
    case 'Update': {
      const p = compileUpdate(cx, conn, stmt);
      return new RunExecutable(conn, cx.rt, p, stmt.returning !== null);
    }
    case 'Delete': {
      const p = compileDelete(cx, conn, stmt);
      return new RunExecutable(conn, cx.rt, p, stmt.returning !== null);
    }
    case 'CreateTable':
    case 'CreateIndex':
    case 'CreateView':
    case 'CreateTrigger':
    case 'CreateVirtualTable':
    case 'Drop':
    case 'AlterTable':
    case 'Vacuum':
    case 'Analyze':
    case 'Reindex':
    case 'Attach':
    case 'Detach':
    {
      // ALTER TABLE ADD COLUMN may be a reader (alterResultColumns)
      const p = compileDdl(cx, conn, stmt, sql);
      return new RunExecutable(conn, cx.rt, p, p.columns.length > 0);
    }
    case 'Begin':
      return utility(conn, cx, () => conn.begin(stmt.mode));
    case 'Commit':
      return utility(conn, cx, () => conn.commit());
    case 'Rollback':
      return utility(conn, cx, () => (stmt.savepoint ? conn.rollbackTo(stmt.savepoint) : conn.rollback()));
    case 'Savepoint':
      return utility(conn, cx, () => conn.savepoint(stmt.name));
    case 'Release':
      return utility(conn, cx, () => conn.release(stmt.name));
    case 'Pragma': {
      const p = compilePragma(cx, conn, stmt);
      return new RunExecutable(conn, cx.rt, p, p.columns.length > 0);
    }
    case 'Explain': {
      const p = compileExplain(cx, conn, stmt);
      return new RunExecutable(conn, cx.rt, p, true);
    }
    default:
      return assertNever(stmt, 'statement kind');
  }
}

function utility(conn: Connection, cx: CompileCtx, fn: () => void): Executable {
  return new RunExecutable(conn, cx.rt, { columns: [], write: false, run: () => (fn(), []) }, false);
}

export { DONE };
