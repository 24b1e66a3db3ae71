/**
 * PreparedStatement: a parsed statement bound to a connection. It is compiled at prepare time
 * (so that errors such as `no such table` surface from prepare(), as in SQLite) and compiled
 * again on the next execution whenever the connection's schema changed since.
 */
import type { SqlValue } from '../common/value.js';
import type { Statement } from './ast.js';
import type { Connection } from './connection.js';
import { compileStatement, type Executable } from './compile/statement.js';
import type { ColumnDescriptor, CompiledStatement, RowCursor } from './session-api.js';
import type { Schema } from '../catalog/schema.js';

function collectParams(stmt: Statement): { count: number; names: (string | null)[] } {
  let count = 0;
  const names: (string | null)[] = [];
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.kind === 'Param' && typeof o.slot === 'number') {
      const slot = o.slot;
      if (slot > count) count = slot;
      if (o.name !== null && names[slot - 1] === undefined) names[slot - 1] = o.name as string;
      return;
    }
    for (const k in o) {
      const v = o[k];
      if (v && typeof v === 'object' && !(v instanceof Uint8Array)) visit(v);
    }
  };
  visit(stmt);
  const out: (string | null)[] = [];
  for (let i = 0; i < count; i++) out.push(names[i] ?? null);
  return { count, names: out };
}

export class PreparedStatement implements CompiledStatement {
  readonly parameterCount: number;
  readonly parameterNames: readonly (string | null)[];
  private exec: Executable;
  private schema: Schema;
  private generation: number;
  private readonly sql: string;

  constructor(
    private readonly conn: Connection,
    private readonly ast: Statement,
    sql: string,
    readonly source: string,
  ) {
    const p = collectParams(ast);
    this.parameterCount = p.count;
    this.parameterNames = p.names;
    this.schema = conn.schema();
    this.generation = conn.schemaGeneration;
    this.exec = compileStatement(conn, ast, this.schema, sql);
    this.sql = sql;
  }

  get reader(): boolean {
    return this.exec.reader;
  }

  get readonly(): boolean {
    return this.exec.readonly;
  }

  private current(): Executable {
    const s = this.conn.schema();
    if (s !== this.schema || this.generation !== this.conn.schemaGeneration) {
      this.exec = compileStatement(this.conn, this.ast, s, this.sql);
      this.schema = s;
      this.generation = this.conn.schemaGeneration;
    }
    return this.exec;
  }

  /** The cached descriptors (the API layer reads them on every execution; it does not mutate them). */
  columns(): ColumnDescriptor[] {
    return this.current().columns as ColumnDescriptor[];
  }

  open(params: readonly SqlValue[]): RowCursor {
    if (!this.conn.open) throw new TypeError('The database connection is not open');
    return this.current().open(params);
  }
}
