/**
 * Deliberately wrong engines for proving that the harness detects divergences: real SQLite behind
 * a wrapper that distorts what one statement returns.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { ColumnDefinition, DiffDatabase, DiffStatement, Engine, RunResult } from '../support/engines.js';

export interface Distortion {
  /** Rows of a reader statement (raw arrays). */
  rows?(sql: string, rows: unknown[][]): unknown[][];
  columns?(sql: string, cols: ColumnDefinition[]): ColumnDefinition[];
  run?(sql: string, r: RunResult): RunResult;
  /** Replaces a thrown error (return undefined to swallow it: the statement then "succeeds"). */
  error?(sql: string, e: Error): Error | undefined;
}

class FakeStatement implements DiffStatement {
  constructor(
    private readonly inner: BetterSqlite3.Statement,
    private readonly sql: string,
    private readonly d: Distortion,
  ) {}
  get reader(): boolean {
    return this.inner.reader;
  }
  get readonly(): boolean {
    return this.inner.readonly;
  }
  raw(toggle?: boolean): DiffStatement {
    this.inner.raw(toggle);
    return this;
  }
  safeIntegers(toggle?: boolean): DiffStatement {
    this.inner.safeIntegers(toggle);
    return this;
  }
  columns(): ColumnDefinition[] {
    const cols = this.inner.columns();
    return this.d.columns ? this.d.columns(this.sql, cols) : cols;
  }
  private guard<T>(fn: () => T, fallback: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof Error) || !this.d.error) throw e;
      const replaced = this.d.error(this.sql, e);
      if (replaced) throw replaced;
      return fallback();
    }
  }
  all(...params: unknown[]): unknown[] {
    return this.guard(
      () => {
        const rows = this.inner.all(...params) as unknown[][];
        return this.d.rows ? this.d.rows(this.sql, rows) : rows;
      },
      () => [],
    );
  }
  run(...params: unknown[]): RunResult {
    return this.guard(
      () => {
        const r = this.inner.run(...params);
        return this.d.run ? this.d.run(this.sql, r) : r;
      },
      () => ({ changes: 0, lastInsertRowid: 0n }),
    );
  }
}

class FakeDatabase implements DiffDatabase {
  private readonly inner = new BetterSqlite3(':memory:');
  constructor(private readonly d: Distortion) {}
  get inTransaction(): boolean {
    return this.inner.inTransaction;
  }
  prepare(sql: string): DiffStatement {
    let stmt: BetterSqlite3.Statement;
    try {
      stmt = this.inner.prepare(sql);
    } catch (e) {
      if (!(e instanceof Error) || !this.d.error) throw e;
      const replaced = this.d.error(sql, e);
      if (replaced) throw replaced;
      stmt = this.inner.prepare('SELECT 1 WHERE 0');
    }
    return new FakeStatement(stmt, sql, this.d);
  }
  close(): void {
    this.inner.close();
  }
}

export function fakeEngine(name: string, d: Distortion): Engine {
  return { name, open: () => new FakeDatabase(d) };
}
