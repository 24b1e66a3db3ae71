/**
 * Builds a TableSchema (and the automatic indexes its constraints imply) from a CREATE TABLE
 * statement, applying SQLite's rules and error messages (build.c: sqlite3AddColumn,
 * sqlite3AddPrimaryKey, sqlite3EndTable).
 */
import { sqliteError } from '../common/errors.js';
import { INT64_MIN } from '../common/value.js';
import type {
  ColumnDef,
  ConflictAction,
  CreateTableStmt,
  Expr,
  ForeignKeyClause,
  IndexedColumn,
} from '../sql/ast.js';
import { affinityOfType } from '../sql/semantics/affinity.js';
import type {
  CheckSchema,
  ColumnSchema,
  ForeignKeySchema,
  IndexColumnSchema,
  IndexSchema,
  TableSchema,
} from './types.js';

/** An automatic index the table needs (PRIMARY KEY or UNIQUE constraint), before it has a root page. */
export interface AutoIndexSpec {
  readonly name: string;
  readonly origin: 'u' | 'pk';
  readonly columns: readonly IndexColumnSchema[];
  readonly onConflict: ConflictAction | null;
}

const STRICT_TYPES = new Set(['INT', 'INTEGER', 'REAL', 'TEXT', 'BLOB', 'ANY']);

export function canonicalCollation(name: string): string {
  const u = name.toUpperCase();
  return u === 'BINARY' || u === 'NOCASE' || u === 'RTRIM' ? u : name;
}

interface PkSpec {
  columns: { column: number; desc: boolean; collation: string | null }[];
  conflict: ConflictAction | null;
  autoincrement: boolean;
  /** true when declared as a column constraint */
  columnForm: boolean;
  direction: 'ASC' | 'DESC' | null;
}

export function buildTable(
  stmt: CreateTableStmt,
  sql: string,
  root: number,
): { table: TableSchema; autoIndexes: AutoIndexSpec[] } {
  const name = stmt.name;
  const columnIndex = new Map<string, number>();
  stmt.columns.forEach((c, i) => {
    const key = c.name.toLowerCase();
    if (columnIndex.has(key)) throw sqliteError(`duplicate column name: ${c.name}`);
    columnIndex.set(key, i);
  });
  const findColumn = (col: string): number => {
    const i = columnIndex.get(col.toLowerCase());
    if (i === undefined) throw sqliteError(`no such column: ${col}`);
    return i;
  };

  let pk: PkSpec | null = null;
  const uniques: { columns: IndexColumnSchema[]; conflict: ConflictAction | null; order: number }[] = [];
  const checks: CheckSchema[] = [];
  const fks: { from: number[]; fk: ForeignKeyClause }[] = [];
  const setPk = (spec: PkSpec) => {
    if (pk) throw sqliteError(`table "${name}" has more than one primary key`);
    pk = spec;
  };
  // The order in which PK and UNIQUE constraints appear decides automatic index numbering.
  const indexOrder: ({ kind: 'pk' } | { kind: 'u'; idx: number })[] = [];

  stmt.columns.forEach((c, i) => {
    for (const k of c.constraints) {
      switch (k.kind) {
        case 'PrimaryKey':
          setPk({
            columns: [{ column: i, desc: k.direction === 'DESC', collation: null }],
            conflict: k.conflict,
            autoincrement: k.autoincrement,
            columnForm: true,
            direction: k.direction,
          });
          indexOrder.push({ kind: 'pk' });
          break;
        case 'Unique':
          uniques.push({ columns: [indexColumnFor(i, null, null, stmt.columns)], conflict: k.conflict, order: uniques.length });
          indexOrder.push({ kind: 'u', idx: uniques.length - 1 });
          break;
        case 'Check':
          checks.push({ name: k.name, expr: k.expr, text: k.text });
          break;
        case 'References':
          fks.push({ from: [i], fk: k.fk });
          break;
        default:
          break;
      }
    }
  });
  for (const k of stmt.constraints) {
    switch (k.kind) {
      case 'PrimaryKey':
        setPk({
          columns: k.columns.map((ic) => ({ column: indexedColumnIndex(ic, findColumn), desc: ic.direction === 'DESC', collation: ic.collation })),
          conflict: k.conflict,
          autoincrement: k.autoincrement,
          columnForm: false,
          direction: null,
        });
        indexOrder.push({ kind: 'pk' });
        break;
      case 'Unique':
        uniques.push({
          columns: k.columns.map((ic) => {
            const col = indexedColumnIndex(ic, findColumn);
            return indexColumnFor(col, ic.collation, ic.direction, stmt.columns);
          }),
          conflict: k.conflict,
          order: uniques.length,
        });
        indexOrder.push({ kind: 'u', idx: uniques.length - 1 });
        break;
      case 'Check':
        checks.push({ name: k.name, expr: k.expr, text: k.text });
        break;
      case 'ForeignKey':
        fks.push({ from: k.columns.map(findColumn), fk: k.fk });
        break;
    }
  }

  const pkSpec = pk as PkSpec | null;
  // INTEGER PRIMARY KEY aliases the rowid, except for the "INTEGER PRIMARY KEY DESC" column-form quirk.
  let rowidAlias = -1;
  if (pkSpec && !stmt.withoutRowid && pkSpec.columns.length === 1) {
    const col = stmt.columns[pkSpec.columns[0].column];
    const isInteger = (col.type ?? '').toUpperCase() === 'INTEGER';
    if (isInteger && !(pkSpec.columnForm && pkSpec.direction === 'DESC')) rowidAlias = pkSpec.columns[0].column;
  }
  if (pkSpec?.autoincrement && rowidAlias < 0) {
    throw sqliteError('AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY');
  }
  if (stmt.withoutRowid && !pkSpec) throw sqliteError(`PRIMARY KEY missing on table ${name}`);
  if (stmt.withoutRowid && pkSpec?.autoincrement) throw sqliteError('AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY');

  const pkPos = new Map<number, number>();
  pkSpec?.columns.forEach((c, i) => {
    if (!pkPos.has(c.column)) pkPos.set(c.column, i + 1);
  });

  // Record layout: rowid tables store columns in order (minus VIRTUAL ones); WITHOUT ROWID tables
  // store the PK columns first, then the others.
  const recordIndexes = new Array<number>(stmt.columns.length).fill(-1);
  let recordLength = 0;
  if (stmt.withoutRowid && pkSpec) {
    for (const c of pkSpec.columns) if (recordIndexes[c.column] < 0) recordIndexes[c.column] = recordLength++;
  }
  stmt.columns.forEach((c, i) => {
    if (recordIndexes[i] >= 0) return;
    const gen = c.constraints.find((k) => k.kind === 'Generated');
    if (gen && gen.kind === 'Generated' && !gen.stored) return;
    recordIndexes[i] = recordLength++;
  });

  let hasGenerated = false;
  let hasVirtualGenerated = false;
  const columns: ColumnSchema[] = stmt.columns.map((c, i) => {
    const col = buildColumn(c, i, name, stmt.strict, pkPos.get(i) ?? 0, recordIndexes[i], stmt.withoutRowid || (stmt.strict && i !== rowidAlias));
    if (col.generated) {
      hasGenerated = true;
      if (!col.generated.stored) hasVirtualGenerated = true;
      if (col.pk) throw sqliteError('generated columns cannot be part of the PRIMARY KEY');
    }
    return col;
  });

  const autoIndexes = automaticIndexes(name, stmt, pkSpec, rowidAlias, indexOrder, uniques);

  const foreignKeys: ForeignKeySchema[] = fks.map((f, id) => ({
    id,
    from: f.from,
    parentTable: f.fk.table,
    to: f.fk.columns,
    onDelete: f.fk.onDelete ?? 'NO ACTION',
    onUpdate: f.fk.onUpdate ?? 'NO ACTION',
    match: f.fk.match ?? 'NONE',
    deferred: !!f.fk.deferrable && !f.fk.deferrable.not && f.fk.deferrable.initially === 'DEFERRED',
  }));
  if (foreignKeys.length > 0) {
    // SQLite numbers foreign keys in reverse declaration order (the most recent first).
    foreignKeys.reverse();
    foreignKeys.forEach((f, i) => ((f as { id: number }).id = i));
  }

  const table: TableSchema = {
    kind: 'table',
    name,
    sql,
    root,
    temp: stmt.temp,
    columns,
    rowidAlias,
    withoutRowid: stmt.withoutRowid,
    strict: stmt.strict,
    autoincrement: !!pkSpec?.autoincrement,
    primaryKey: pkSpec ? pkSpec.columns.map((c) => c.column) : [],
    pkConflict: pkSpec?.conflict ?? null,
    checks,
    foreignKeys,
    recordLength,
    hasGenerated,
    hasVirtualGenerated,
    columnIndex,
  };
  return { table, autoIndexes };
}

/**
 * The automatic indexes of PRIMARY KEY and UNIQUE constraints, created as sqlite3CreateIndex
 * does while the CREATE TABLE is parsed: in source order, each named
 * sqlite_autoindex_<table>_<n> with n = 1 + the indexes that exist so far. A constraint on the
 * same columns (and collations) as an existing one creates nothing: the existing index takes
 * its ON CONFLICT clause if it had none, and becomes the PRIMARY KEY index if the new one was
 * the PRIMARY KEY. An INTEGER PRIMARY KEY of a rowid table has no index; in a WITHOUT ROWID
 * table its index is created last (convertToWithoutRowidTable), with the column's collation.
 */
function automaticIndexes(
  name: string,
  stmt: CreateTableStmt,
  pk: PkSpec | null,
  rowidAlias: number,
  order: readonly ({ kind: 'pk' } | { kind: 'u'; idx: number })[],
  uniques: readonly { columns: IndexColumnSchema[]; conflict: ConflictAction | null }[],
): AutoIndexSpec[] {
  const out: { name: string; origin: 'u' | 'pk'; columns: readonly IndexColumnSchema[]; onConflict: ConflictAction | null }[] = [];
  const create = (columns: readonly IndexColumnSchema[], conflict: ConflictAction | null, origin: 'u' | 'pk') => {
    const n = out.length + 1;
    for (const x of out) {
      if (x.columns.length !== columns.length || !x.columns.every((c, i) => c.column === columns[i].column && c.collation.toUpperCase() === columns[i].collation.toUpperCase())) continue;
      if (x.onConflict !== conflict) {
        if (x.onConflict !== null && conflict !== null) throw sqliteError('conflicting ON CONFLICT clauses specified');
        if (x.onConflict === null) x.onConflict = conflict;
      }
      if (origin === 'pk') x.origin = 'pk';
      return;
    }
    out.push({ name: `sqlite_autoindex_${name}_${n}`, origin, columns, onConflict: conflict });
  };
  // sqlite3AddPrimaryKey: a single INTEGER column (not "INTEGER PRIMARY KEY DESC" in column form) is the IPK
  const ipk = pk !== null && pk.columns.length === 1 && (stmt.columns[pk.columns[0].column].type ?? '').toUpperCase() === 'INTEGER' && !(pk.columnForm && pk.direction === 'DESC');
  for (const item of order) {
    if (item.kind === 'u') create(uniques[item.idx].columns, uniques[item.idx].conflict, 'u');
    else if (!ipk) create(pk!.columns.map((c) => indexColumnFor(c.column, c.collation, c.desc ? 'DESC' : null, stmt.columns)), pk!.conflict, 'pk');
  }
  if (ipk && rowidAlias < 0) create([indexColumnFor(pk!.columns[0].column, null, pk!.columns[0].desc ? 'DESC' : null, stmt.columns)], pk!.conflict, 'pk');
  return out;
}

function indexedColumnIndex(ic: IndexedColumn, findColumn: (n: string) => number): number {
  let e: Expr = ic.expr;
  while (e.kind === 'Collate') e = e.expr;
  if (e.kind === 'Column' && e.table === null) return findColumn(e.name);
  if (e.kind === 'Literal' && typeof e.value === 'string') return findColumn(e.value);
  throw sqliteError('expressions prohibited in PRIMARY KEY and UNIQUE constraints');
}

function indexColumnFor(
  column: number,
  collation: string | null,
  direction: 'ASC' | 'DESC' | null,
  defs: readonly ColumnDef[],
): IndexColumnSchema {
  return {
    column,
    expr: null,
    collation: canonicalCollation(collation ?? columnCollation(defs[column])),
    desc: direction === 'DESC',
    name: defs[column].name,
  };
}

function columnCollation(c: ColumnDef): string {
  for (const k of c.constraints) if (k.kind === 'Collate') return k.collation;
  return 'BINARY';
}

function buildColumn(
  c: ColumnDef,
  _i: number,
  table: string,
  strict: boolean,
  pk: number,
  recordIndex: number,
  /** PRIMARY KEY columns are NOT NULL (WITHOUT ROWID tables; STRICT ones except the rowid alias) */
  pkNotNull: boolean,
): ColumnSchema {
  const type = c.type ?? '';
  if (strict) {
    if (!type) throw sqliteError(`missing datatype for ${table}.${c.name}`);
    if (!STRICT_TYPES.has(type.toUpperCase())) throw sqliteError(`unknown datatype for ${table}.${c.name}: "${type}"`);
  }
  let notNull = false;
  let notNullConflict: ConflictAction | null = null;
  let defaultValue: ColumnSchema['defaultValue'] = null;
  let collation = 'BINARY';
  let generated: ColumnSchema['generated'] = null;
  for (const k of c.constraints) {
    switch (k.kind) {
      case 'NotNull':
        notNull = true;
        notNullConflict = k.conflict;
        break;
      case 'Default':
        defaultValue = { expr: minInt64Default(k.expr, k.text), text: k.text };
        break;
      case 'Collate':
        collation = canonicalCollation(k.collation);
        break;
      case 'Generated':
        generated = { expr: k.expr, text: k.text, stored: k.stored };
        break;
      default:
        break;
    }
  }
  if (generated && defaultValue) throw sqliteError(`cannot use DEFAULT on a generated column`);
  // WITHOUT ROWID tables (and STRICT ones) enforce NOT NULL on primary key columns.
  if (pk && pkNotNull) notNull = true;
  const affinity = strict && type.toUpperCase() === 'ANY' ? 'BLOB' : affinityOfType(type);
  return {
    name: c.name,
    type,
    affinity,
    notNull,
    notNullConflict,
    defaultValue,
    collation,
    pk,
    generated,
    hidden: generated ? (generated.stored ? 3 : 2) : 0,
    recordIndex,
  };
}

/**
 * `DEFAULT -9223372036854775808` is the INTEGER -2^63, as in an expression (the parser folds a
 * minus before that literal only inside expressions; parse.y's `DEFAULT MINUS term` is
 * coded as TK_UMINUS over TK_INTEGER, which codeInteger turns into the smallest int64).
 */
function minInt64Default(e: Expr, text: string): Expr {
  if (e.kind !== 'Unary' || e.op !== '-' || e.operand.kind !== 'Literal' || e.operand.value !== 9223372036854775808) return e;
  const m = /^-\s*0*([0-9]+)$/.exec(text.trim());
  if (!m || m[1] !== '9223372036854775808') return e;
  return { kind: 'Literal', value: INT64_MIN, start: e.start, end: e.end };
}

/** Builds an IndexSchema for an automatic index once it has a root page. */
export function autoIndexSchema(table: TableSchema, spec: AutoIndexSpec, root: number): IndexSchema {
  return {
    kind: 'index',
    name: spec.name,
    table: table.name,
    root,
    unique: true,
    onConflict: spec.onConflict,
    origin: spec.origin,
    partial: null,
    columns: spec.columns,
    sql: null,
  };
}

/**
 * The name a failing CHECK constraint reports (sqlite3AddCheckConstraint): its CONSTRAINT name,
 * else the text of its expression passed through sqlite3Dequote, which for a text starting with
 * a quote character keeps only the content of that first quoted token (`"a" > 0` gives `a`).
 */
export function checkConstraintName(c: CheckSchema): string {
  if (c.name !== null) return c.name;
  const z = c.text;
  let q = z[0];
  if (q !== '"' && q !== "'" && q !== '`' && q !== '[') return z;
  if (q === '[') q = ']';
  let out = '';
  for (let i = 1; i < z.length; i++) {
    if (z[i] !== q) out += z[i];
    else if (z[i + 1] === q) {
      out += q;
      i++;
    } else break;
  }
  return out;
}
