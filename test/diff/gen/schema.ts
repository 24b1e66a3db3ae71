/**
 * Random schemas and literal values for the generator: tables with mixed declared types (so every
 * affinity occurs), NULLable and NOT NULL columns, collations, UNIQUE and CHECK constraints, rowid,
 * INTEGER PRIMARY KEY, composite-key, WITHOUT ROWID and STRICT tables, and indexes (unique,
 * partial, expression, DESC).
 */
import type { Prng } from './prng.js';

export type Affinity = 'INTEGER' | 'REAL' | 'NUMERIC' | 'TEXT' | 'BLOB';

export interface ColumnModel {
  name: string;
  decl: string;
  affinity: Affinity;
  notNull: boolean;
  /** Single-column UNIQUE or PRIMARY KEY: usable as an ON CONFLICT target. */
  unique: boolean;
  /** INTEGER PRIMARY KEY (the rowid alias). */
  ipk: boolean;
}

export interface TableModel {
  name: string;
  columns: ColumnModel[];
  /** Has a rowid (so `rowid` is a valid, unique tie-breaker). */
  rowid: boolean;
  strict: boolean;
  /** Column lists that are unique (PRIMARY KEY / UNIQUE), usable as ON CONFLICT targets. */
  uniqueKeys: string[][];
  /** Columns that order the rows totally: ['rowid'] or the WITHOUT ROWID primary key. */
  orderKey: string[];
}

const DECLS: readonly (readonly [string, Affinity])[] = [
  ['INTEGER', 'INTEGER'],
  ['INT', 'INTEGER'],
  ['BIGINT', 'INTEGER'],
  ['REAL', 'REAL'],
  ['DOUBLE', 'REAL'],
  ['FLOAT', 'REAL'],
  ['TEXT', 'TEXT'],
  ['VARCHAR(20)', 'TEXT'],
  ['CLOB', 'TEXT'],
  ['BLOB', 'BLOB'],
  ['', 'BLOB'],
  ['NUMERIC', 'NUMERIC'],
  ['DECIMAL(10,2)', 'NUMERIC'],
  ['BOOLEAN', 'NUMERIC'],
  ['DATE', 'NUMERIC'],
];

const STRICT_DECLS: readonly (readonly [string, Affinity])[] = [
  ['INTEGER', 'INTEGER'],
  ['INT', 'INTEGER'],
  ['REAL', 'REAL'],
  ['TEXT', 'TEXT'],
  ['BLOB', 'BLOB'],
  ['ANY', 'BLOB'],
];

export const BIG_INTS = ['9223372036854775807', '-9223372036854775808', '9007199254740993', '-9007199254740992', '4294967296', '2147483647'];
/** Mostly dyadic values so that sums are exact whatever the order (see README.md). */
export const REALS = ['0.5', '-1.5', '2.0', '3.25', '100.0', '-0.25', '1e100', '0.1', '2.5e-5', '1.7976931348623157e308', '-0.0', '12.75', '1.0'];
export const TEXTS = [
  'a', 'A', 'b', 'B', 'abc', 'ABC', 'Abc', 'a ', ' a', '10', '10.0', '1e2', '-7', ' 3 ', '0x1F', '', 'é', 'É', 'ß',
  'x%y', 'a_c', '2024-01-15', '2024-01-15 10:20:30', '{"a":1,"b":[1,2]}', '[1,2,3]', 'null', '9223372036854775808', '5',
];
export const BLOBS = ["x''", "x'00'", "x'41'", "x'6162'", "x'ff00ff'", "x'31'"];

function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A literal of any storage class, NULL included. */
export function anyLiteral(r: Prng): string {
  return r.weighted<() => string>([
    [2, () => 'NULL'],
    [5, () => String(r.int(-5, 20))],
    [1, () => r.pick(BIG_INTS)],
    [2, () => r.pick(REALS)],
    [4, () => sqlText(r.pick(TEXTS))],
    [1, () => r.pick(BLOBS)],
  ])();
}

/** A literal that usually suits the column's affinity (and always does for STRICT tables). */
export function literalFor(r: Prng, col: ColumnModel, strict: boolean): string {
  // Keep rowids away from the maximum: past it SQLite picks random rowids.
  if (col.ipk) return r.chance(0.3) ? 'NULL' : String(r.int(1, 60));
  if (!col.notNull && r.chance(0.12)) return 'NULL';
  const typed = strict || r.chance(0.75);
  if (!typed) return anyLiteral(r);
  switch (col.affinity) {
    case 'INTEGER':
      return r.chance(0.1) ? r.pick(BIG_INTS) : String(r.int(-5, 30));
    case 'REAL':
      return r.chance(0.5) ? r.pick(REALS) : String(r.int(-5, 30));
    case 'NUMERIC':
      return r.pick([String(r.int(-5, 30)), r.pick(REALS), sqlText(r.pick(['10', '10.0', '1e2', 'abc', ' 3 ']))]);
    case 'TEXT':
      return sqlText(r.pick(TEXTS));
    case 'BLOB':
      return strict && col.decl === 'BLOB' ? r.pick(BLOBS) : anyLiteral(r);
  }
}

export interface SchemaPlan {
  tables: TableModel[];
  ddl: string[];
}

function columnDef(r: Prng, name: string, strict: boolean): { col: ColumnModel; sql: string } {
  const [decl, affinity] = r.pick(strict ? STRICT_DECLS : DECLS);
  const col: ColumnModel = { name, decl, affinity, notNull: r.chance(0.15), unique: r.chance(0.1), ipk: false };
  let sql = decl ? `${name} ${decl}` : name;
  if (affinity === 'TEXT' || (affinity === 'BLOB' && !strict)) {
    const coll = r.weighted([[6, ''], [3, 'NOCASE'], [1, 'RTRIM']] as const);
    if (coll) sql += ` COLLATE ${coll}`;
  }
  if (col.notNull) sql += ` NOT NULL DEFAULT ${literalFor(r, { ...col, notNull: true }, strict)}`;
  else if (r.chance(0.1)) sql += ` DEFAULT ${literalFor(r, col, strict)}`;
  if (col.unique) sql += ' UNIQUE';
  if (!strict && r.chance(0.05)) sql += ` CHECK (${name} IS NULL OR length(${name}) < 12)`;
  return { col, sql };
}

export function generateTable(r: Prng, name: string): { table: TableModel; ddl: string } {
  const strict = r.chance(0.12);
  const keyStyle = r.weighted([[4, 'ipk'], [3, 'none'], [2, 'composite'], [2, 'without']] as const);
  const n = r.int(2, 5);
  const columns: ColumnModel[] = [];
  const defs: string[] = [];
  const uniqueKeys: string[][] = [];
  if (keyStyle === 'ipk') {
    columns.push({ name: 'id', decl: 'INTEGER', affinity: 'INTEGER', notNull: false, unique: true, ipk: true });
    defs.push('id INTEGER PRIMARY KEY');
    uniqueKeys.push(['id']);
  }
  for (let i = 0; i < n; i++) {
    const { col, sql } = columnDef(r, `c${i}`, strict);
    columns.push(col);
    defs.push(sql);
    if (col.unique) uniqueKeys.push([col.name]);
  }
  let suffix = '';
  if (keyStyle === 'composite' || keyStyle === 'without') {
    const k = keyStyle === 'without' && r.chance(0.5) ? 1 : 2;
    const pk = columns.filter((c) => !c.ipk).slice(0, k).map((c) => c.name);
    defs.push(`PRIMARY KEY (${pk.join(', ')})`);
    uniqueKeys.push(pk);
    for (const name of pk) {
      const c = columns.find((x) => x.name === name);
      if (!c) continue;
      if (pk.length === 1) c.unique = true;
      if (keyStyle === 'without') c.notNull = true;
    }
    if (keyStyle === 'without') suffix = ' WITHOUT ROWID';
  }
  if (strict) suffix += suffix ? ', STRICT' : ' STRICT';
  const rowid = keyStyle !== 'without';
  const orderKey = rowid ? ['rowid'] : uniqueKeys[uniqueKeys.length - 1];
  const table: TableModel = { name, columns, rowid, strict, uniqueKeys, orderKey };
  return { table, ddl: `CREATE TABLE ${name} (${defs.join(', ')})${suffix}` };
}

export function generateIndex(r: Prng, t: TableModel, name: string): string {
  const cols = r.sample(t.columns, r.int(1, 2));
  const parts = cols.map((c) => {
    const expr = r.chance(0.15) ? (c.affinity === 'TEXT' ? `lower(${c.name})` : `(${c.name} + 1)`) : c.name;
    const coll = r.chance(0.15) ? ' COLLATE NOCASE' : '';
    return `${expr}${coll}${r.chance(0.3) ? ' DESC' : ''}`;
  });
  const unique = r.chance(0.2) ? 'UNIQUE ' : '';
  const where = r.chance(0.2) ? ` WHERE ${cols[0].name} IS NOT NULL` : '';
  return `CREATE ${unique}INDEX ${name} ON ${t.name} (${parts.join(', ')})${where}`;
}

export function generateSchema(r: Prng): SchemaPlan {
  const tables: TableModel[] = [];
  const ddl: string[] = [];
  const nt = r.int(2, 4);
  let ix = 0;
  for (let i = 0; i < nt; i++) {
    const { table, ddl: sql } = generateTable(r, `t${i}`);
    tables.push(table);
    ddl.push(sql);
    const ni = r.int(0, 2);
    for (let k = 0; k < ni; k++) ddl.push(generateIndex(r, table, `i${ix++}`));
  }
  return { tables, ddl };
}
