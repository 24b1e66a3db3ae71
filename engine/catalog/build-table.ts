/**
 * Builds a TableSchema (and the automatic indexes its constraints imply) from a CREATE TABLE
 * statement, applying SQLite's rules and error messages (build.c: sqlite3AddColumn,
 * sqlite3AddPrimaryKey, sqlite3EndTable).
 */
import { sqliteError } from '../common/errors.js';
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

  const autoIndexes: AutoIndexSpec[] = [];
  const sameColumns = (a: readonly IndexColumnSchema[], b: readonly IndexColumnSchema[]) =>
    a.length === b.length && a.every((x, i) => x.column === b[i].column && x.collation.toUpperCase() === b[i].collation.toUpperCase());
  let pkIndexColumns: IndexColumnSchema[] | null = null;
  if (pkSpec && rowidAlias < 0) {
    pkIndexColumns = pkSpec.columns.map((c) => indexColumnFor(c.column, c.collation, c.desc ? 'DESC' : null, stmt.columns));
  }
  let n = 0;
  for (const item of indexOrder) {
    if (item.kind === 'pk') {
      if (!pkIndexColumns) continue;
      n++;
      autoIndexes.push({ name: `sqlite_autoindex_${name}_${n}`, origin: 'pk', columns: pkIndexColumns, onConflict: pkSpec!.conflict });
    } else {
      const u = uniques[item.idx];
      const dup =
        autoIndexes.some((x) => sameColumns(x.columns, u.columns)) ||
        (pkIndexColumns !== null && sameColumns(pkIndexColumns, u.columns));
      if (dup) continue;
      n++;
      autoIndexes.push({ name: `sqlite_autoindex_${name}_${n}`, origin: 'u', columns: u.columns, onConflict: u.conflict });
    }
  }

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
        defaultValue = { expr: k.expr, text: k.text };
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
