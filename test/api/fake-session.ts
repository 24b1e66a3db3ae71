/**
 * A test-only Session that runs on real SQLite (a better-sqlite3 connection underneath), so that
 * the API layer (engine/api) can be tested against better-sqlite3 before and independently of
 * our SQL engine. Statement boundaries are found by a quote/comment-aware scan for `;` (extended
 * while SQLite reports "incomplete input", for trigger bodies); parameter slots are assigned from
 * the statement text the way SQLite numbers them.
 */
import BS3 from 'better-sqlite3';
import { SqliteError } from '../../engine/common/errors.js';
import { Real, integerFromBigInt, makeReal, type SqlValue } from '../../engine/common/value.js';
import type {
  AggregateImpl,
  ColumnDescriptor,
  CompiledStatement,
  FunctionFlags,
  RowCursor,
  ScalarImpl,
  Session,
  SessionOptions,
  TableFunctionImpl,
} from '../../engine/sql/session-api.js';
import { scanParameters } from '../../engine/api/sql-text.js';
import type { TableDefinition, VirtualTableModules } from '../../engine/api/udf.js';

type TableOptions = Parameters<BS3.Database['table']>[1];

function convertError(e: unknown): unknown {
  if (e instanceof BS3.SqliteError) return new SqliteError(e.message, e.code);
  return e;
}

function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw convertError(e);
  }
}

function fromBs3(v: unknown): SqlValue {
  switch (typeof v) {
    case 'bigint':
      return integerFromBigInt(v);
    case 'number':
      return makeReal(v);
    case 'string':
      return v;
    default:
      if (v === null || v === undefined) return null;
      return v as Uint8Array;
  }
}

function toBs3(v: SqlValue): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (v instanceof Real) return v.value;
  return v;
}

/** Skips whitespace, `;` and comments; returns the index of the next token or sql.length. */
function skipFiller(sql: string, i: number): number {
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === ';' || /\s/.test(c)) i++;
    else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      i = j < 0 ? n : j + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      i = j < 0 ? n : j + 2;
    } else break;
  }
  return i;
}

/** Index just past the next top-level `;` at or after `i`, or sql.length. */
function nextSemicolon(sql: string, i: number): number {
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < n) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === '[') {
      const j = sql.indexOf(']', i);
      i = j < 0 ? n : j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      i = j < 0 ? n : j + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      i = j < 0 ? n : j + 2;
    } else if (c === ';') {
      return i + 1;
    } else i++;
  }
  return n;
}

function parameterSlots(text: string): (string | null)[] {
  const names: (string | null)[] = [];
  for (const t of scanParameters(text)) {
    if (t.text === '?') {
      names.push(null);
    } else if (t.text[0] === '?') {
      const slot = Number(t.text.slice(1));
      while (names.length < slot) names.push(null);
      if (names[slot - 1] == null) names[slot - 1] = t.text;
    } else if (!names.includes(t.text)) {
      names.push(t.text);
    }
  }
  return names;
}

class FakeStatement implements CompiledStatement {
  readonly reader: boolean;
  readonly readonly: boolean;
  readonly parameterCount: number;
  readonly parameterNames: readonly (string | null)[];
  #columns: ColumnDescriptor[] | null = null;

  constructor(
    readonly source: string,
    private readonly stmt: BS3.Statement,
  ) {
    this.reader = stmt.reader;
    this.readonly = stmt.readonly;
    this.parameterNames = parameterSlots(source);
    this.parameterCount = this.parameterNames.length;
    if (this.reader) stmt.raw(true).safeIntegers(true);
  }

  columns(): ColumnDescriptor[] {
    if (!this.reader) return [];
    return (this.#columns ??= this.stmt.columns());
  }

  open(params: readonly SqlValue[]): RowCursor {
    const anonymous: unknown[] = [];
    const named: Record<string, unknown> = {};
    let hasNamed = false;
    for (let i = 0; i < this.parameterCount; i++) {
      const name = this.parameterNames[i];
      const v = toBs3(i < params.length ? params[i] : null);
      if (name == null) anonymous.push(v);
      else {
        named[name.slice(1)] = v;
        hasNamed = true;
      }
    }
    const args = hasNamed ? [named, ...anonymous] : anonymous;
    const stmt = this.stmt;
    if (!this.reader) {
      let done = false;
      return {
        step: () => {
          if (!done) {
            done = true;
            guard(() => stmt.run(...args));
          }
          return null;
        },
        close: () => {
          done = true;
        },
      };
    }
    let it: IterableIterator<unknown> | null = null;
    let finished = false;
    return {
      step: () => {
        if (finished) return null;
        try {
          it ??= stmt.iterate(...args) as IterableIterator<unknown>;
          const r = it.next();
          if (r.done) {
            finished = true;
            return null;
          }
          return (r.value as unknown[]).map(fromBs3);
        } catch (e) {
          finished = true;
          throw convertError(e);
        }
      },
      close: () => {
        finished = true;
        if (it) it.return?.();
        it = null;
      },
    };
  }
}

function withLength<F extends (...args: never[]) => unknown>(f: F, length: number): F {
  Object.defineProperty(f, 'length', { value: length });
  return f;
}

class FakeSession implements Session, VirtualTableModules {
  #info: BS3.Statement;

  constructor(private readonly db: BS3.Database) {
    db.unsafeMode(true);
    this.#info = db.prepare('SELECT changes(), total_changes(), last_insert_rowid()').raw(true).safeIntegers(true);
  }

  prepare(sql: string, start: number): { stmt: CompiledStatement | null; end: number } {
    const begin = skipFiller(sql, start);
    if (begin >= sql.length) return { stmt: null, end: sql.length };
    let end = nextSemicolon(sql, begin);
    for (;;) {
      const text = sql.slice(begin, end);
      try {
        return { stmt: new FakeStatement(text, this.db.prepare(text)), end };
      } catch (e) {
        if (e instanceof BS3.SqliteError && e.message === 'incomplete input' && end < sql.length) {
          end = nextSemicolon(sql, end);
          continue;
        }
        throw convertError(e);
      }
    }
  }

  #row(): unknown[] {
    return this.#info.get() as unknown[];
  }
  get inTransaction(): boolean {
    return this.db.inTransaction;
  }
  get changes(): number {
    return Number(this.#row()[0]);
  }
  get totalChanges(): number {
    return Number(this.#row()[1]);
  }
  get lastInsertRowid(): number | bigint {
    return integerFromBigInt(this.#row()[2] as bigint);
  }
  get readonly(): boolean {
    return this.db.readonly;
  }
  get memory(): boolean {
    return this.db.memory;
  }
  get open(): boolean {
    return this.db.open;
  }
  get filename(): string {
    return this.db.name;
  }
  close(): void {
    this.db.close();
  }

  createFunction(name: string, flags: FunctionFlags, impl: ScalarImpl): void {
    const fn = withLength((...args: unknown[]) => toBs3(impl(args.map(fromBs3))), Math.max(flags.nArgs, 0));
    guard(() =>
      this.db.function(
        name,
        { varargs: flags.nArgs < 0, deterministic: flags.deterministic, directOnly: flags.directOnly, safeIntegers: true },
        fn,
      ),
    );
  }

  createAggregate(name: string, flags: FunctionFlags, impl: AggregateImpl): void {
    const n = Math.max(flags.nArgs, 0) + 1;
    const step = withLength((state: unknown, ...args: unknown[]) => impl.step(state, args.map(fromBs3)), n);
    const inverse = impl.inverse;
    guard(() =>
      this.db.aggregate(name, {
        start: () => impl.start(),
        step,
        ...(inverse ? { inverse: withLength((state: unknown, ...args: unknown[]) => inverse(state, args.map(fromBs3)), n) } : {}),
        result: (state: unknown) => toBs3(impl.result(state)),
        varargs: flags.nArgs < 0,
        deterministic: flags.deterministic,
        directOnly: flags.directOnly,
        safeIntegers: true,
      }),
    );
  }

  #definition(impl: TableFunctionImpl) {
    return {
      columns: [...impl.columns],
      parameters: [...impl.parameters],
      safeIntegers: true,
      directOnly: (impl as Partial<TableDefinition>).directOnly ?? false,
      rows: function* (...args: unknown[]) {
        const conv = args.map((a) => (a === undefined ? (undefined as unknown as SqlValue) : fromBs3(a)));
        for (const row of impl.rows(conv)) yield row.map(toBs3);
      },
    };
  }

  createTableFunction(name: string, impl: TableFunctionImpl): void {
    guard(() => this.db.table(name, this.#definition(impl) as unknown as TableOptions));
  }

  createModule(
    name: string,
    factory: (moduleName: string, databaseName: string, tableName: string, args: readonly string[]) => TableDefinition,
  ): void {
    const definition = (impl: TableFunctionImpl) => this.#definition(impl);
    guard(() =>
      this.db.table(name, function (this: { module: string; database: string; table: string }, ...args: string[]) {
        return definition(factory(this.module, this.database, this.table, args));
      } as unknown as TableOptions),
    );
  }

  serialize(): Uint8Array {
    return guard(() => this.db.serialize());
  }
}

/** The Session factory for `setSessionFactory`. */
export function fakeOpenSession(path: string, options: SessionOptions): Session {
  const db = guard(() =>
    options.image
      ? new BS3(Buffer.from(options.image), { readonly: options.readonly })
      : new BS3(path, { readonly: options.readonly, fileMustExist: options.fileMustExist, timeout: options.timeout }),
  );
  return new FakeSession(db);
}
