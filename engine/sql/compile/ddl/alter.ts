/**
 * ALTER TABLE: RENAME TO, RENAME COLUMN, ADD COLUMN, DROP COLUMN with SQLite's rules
 * (lang_altertable.html). Stored CREATE texts are edited token by token, as SQLite's
 * renameEditSql does: a renamed table is written as "new" (quoted); a renamed column keeps the
 * quoting style of each original token unless the new name itself was quoted.
 */
import { sqliteError, SqliteError } from '../../../common/errors.js';
import { bindTableSource } from '../table-source.js';
import { chooseAccess } from '../access-path.js';
import { strictValue } from '../dml/writer.js';
import { toBool } from '../../exec/truth.js';
import type { SqlValue } from '../../../common/value.js';
import type { TableSchema } from '../../../catalog/types.js';
import type { AlterTableStmt, ColumnDef, CreateTableStmt } from '../../ast.js';
import { parseStatement, tokenize } from '../../parser/index.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { compileExpr } from '../expr.js';
import { Scope } from '../scope.js';
import { buildTable } from '../../../catalog/build-table.js';
import { keywordCheck } from './create.js';
import { dbNameOf } from '../../../catalog/schema.js';
import { schemaTxn } from './schema-txn.js';
import { vectorColumnDropped, vectorColumnRenamed, vectorTableRenamed } from '../../../vector/ddl.js'; // vector: definitions follow table DDL
import type { ColumnDescriptor } from '../../session-api.js';

function dequote(t: string): string {
  const c = t[0];
  if (c === '"' || c === '`') return t.slice(1, -1).replace(c === '"' ? /""/g : /``/g, c);
  if (c === '[') return t.slice(1, -1);
  if (c === "'") return t.slice(1, -1).replace(/''/g, "'");
  return t;
}

function isQuoted(t: string): boolean {
  return t[0] === '"' || t[0] === '`' || t[0] === '[' || t[0] === "'";
}

/** Replaces identifier tokens of `sql` for which `match(dequotedText, index, tokens)` is true. */
function editTokens(sql: string, match: (name: string, i: number, toks: { text: string }[]) => boolean, replacement: (orig: string) => string): string {
  const toks = tokenize(sql).map((t) => ({ ...t, text: sql.slice(t.start, t.end) }));
  let out = '';
  let pos = 0;
  toks.forEach((t, i) => {
    if (!/^[A-Za-z_"`[\u0080-\uffff]/.test(t.text)) return;
    if (!match(dequote(t.text), i, toks)) return;
    out += sql.slice(pos, t.start) + replacement(t.text);
    pos = t.end;
  });
  return out + sql.slice(pos);
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const quoted = (n: string) => `"${n.replace(/"/g, '""')}"`;

/**
 * What sqlite3AlterRenameTable / RenameColumn / FinishAddColumn / DropColumn reject while the
 * statement is prepared; everything else (rewritten schema that no longer resolves, rows that
 * violate a new column's constraints) fails when it runs.
 */
function prepareChecks(cx: CompileCtx, stmt: AlterTableStmt): void {
  const db = dbNameOf(stmt.schema);
  const table = stmt.schema && db === null ? undefined : cx.schema.table(stmt.table, db);
  if (!table) throw sqliteError(`no such table: ${stmt.schema ? `${stmt.schema}.` : ''}${stmt.table}`);
  if (table.name.toLowerCase().startsWith('sqlite_')) throw sqliteError(`table ${table.name} may not be altered`);
  const a = stmt.action;
  switch (a.kind) {
    case 'RenameTable':
      if (cx.schema.objectType(a.newName, table.temp ? 'temp' : 'main') && !eq(a.newName, table.name)) {
        throw sqliteError(`there is already another table or index with this name: ${a.newName}`);
      }
      return;
    case 'RenameColumn':
      if (!table.columnIndex.has(a.oldName.toLowerCase())) throw sqliteError(`no such column: "${a.oldName}"`);
      return;
    case 'AddColumn':
      for (const k of a.column.constraints) {
        if (k.kind === 'PrimaryKey') throw sqliteError('Cannot add a PRIMARY KEY column');
        if (k.kind === 'Unique') throw sqliteError('Cannot add a UNIQUE column');
      }
      if (table.columnIndex.has(a.column.name.toLowerCase())) throw sqliteError(`duplicate column name: ${a.column.name}`);
      return;
    case 'DropColumn': {
      const ci = table.columnIndex.get(a.name.toLowerCase());
      if (ci === undefined) throw sqliteError(`no such column: "${a.name}"`);
      const col = table.columns[ci];
      if (col.pk) throw sqliteError(`cannot drop PRIMARY KEY column: "${col.name}"`);
      if (cx.schema.indexesOf(table.name).some((i) => i.origin === 'u' && i.columns.some((c) => c.column === ci))) throw sqliteError(`cannot drop UNIQUE column: "${col.name}"`);
      if (table.columns.length === 1) throw sqliteError(`cannot drop column "${col.name}": no other columns exist`);
      return;
    }
  }
}

/**
 * The result column of ALTER TABLE ... ADD COLUMN when sqlite3AlterFinishAddColumn re-verifies
 * the table with a nested `SELECT CASE ... FROM pragma_quick_check(...)` (the new column has a
 * CHECK constraint, the table is STRICT, or the new column is a NOT NULL generated column): the
 * statement is a reader of that one column and returns no rows.
 */
export function alterResultColumns(cx: CompileCtx, stmt: AlterTableStmt): ColumnDescriptor[] {
  const a = stmt.action;
  if (a.kind !== 'AddColumn') return [];
  const table = cx.schema.table(stmt.table, dbNameOf(stmt.schema));
  if (!table) return [];
  const k = a.column.constraints;
  // pNew->pCheck in sqlite3AlterFinishAddColumn holds only the new column's CHECKs (the copy of
  // the table made by sqlite3AlterBeginAddColumn does not carry the table's own CHECKs).
  const verify =
    table.strict || k.some((c) => c.kind === 'Check') || (k.some((c) => c.kind === 'NotNull') && k.some((c) => c.kind === 'Generated'));
  return verify ? [{ name: QUICK_CHECK_COLUMN, column: null, table: null, database: null, type: null }] : [];
}

const QUICK_CHECK_COLUMN =
  "CASE WHEN quick_check GLOB 'CHECK*' THEN raise(ABORT,'CHECK constraint failed') WHEN quick_check GLOB 'non-* value in*' THEN raise(ABORT,'type mismatch on DEFAULT') ELSE raise(ABORT,'NOT NULL constraint failed') END";

export function compileAlter(cx: CompileCtx, conn: Connection, stmt: AlterTableStmt): () => void {
  prepareChecks(cx, stmt);
  return () => alterNow(cx, conn, stmt)();
}

function alterNow(cx: CompileCtx, conn: Connection, stmt: AlterTableStmt): () => void {
  const table = cx.schema.table(stmt.table, dbNameOf(stmt.schema));
  if (!table) throw sqliteError(`no such table: ${stmt.schema ? `${stmt.schema}.` : ''}${stmt.table}`);
  if (table.name.toLowerCase().startsWith('sqlite_')) throw sqliteError(`table ${table.name} may not be altered`);
  const a = stmt.action;
  switch (a.kind) {
    case 'RenameTable':
      return renameTable(cx, conn, table, a.newName);
    case 'RenameColumn':
      return renameColumn(cx, conn, table, a.oldName, a.newName, stmt);
    case 'AddColumn':
      return addColumn(cx, conn, table, a.column, a.text);
    case 'DropColumn':
      return dropColumn(cx, conn, table, a.name);
  }
}

function renameTable(cx: CompileCtx, conn: Connection, table: TableSchema, newName: string): () => void {
  if (cx.schema.objectType(newName) && !eq(newName, table.name)) {
    throw sqliteError(`there is already another table or index with this name: ${newName}`);
  }
  if (newName.toLowerCase().startsWith('sqlite_')) throw sqliteError(`object name reserved for internal use: ${newName}`);
  const old = table.name;
  return () => {
    const st = schemaTxn(conn, table.temp);
    st.update((r) => {
      if (!r.sql && !(r.type === 'index' && eq(r.tblName, old))) return null;
      if (eq(r.tblName, old)) {
        const name = r.type === 'table' ? newName : r.name.toLowerCase().startsWith(`sqlite_autoindex_${old.toLowerCase()}_`) ? `sqlite_autoindex_${newName}_${r.name.slice(`sqlite_autoindex_${old}_`.length)}` : r.name;
        const sql = r.sql ? renameTableInSql(r.sql, old, newName) : null;
        return { ...r, name, tblName: newName, sql };
      }
      if (r.sql && r.sql.toLowerCase().includes(old.toLowerCase())) {
        const sql = renameTableInSql(r.sql, old, newName);
        return sql === r.sql ? null : { ...r, sql };
      }
      return null;
    });
    vectorTableRenamed(st, conn, table.temp, old, newName); // vector: declared HNSW indexes follow the table
    st.done(conn);
  };
}

/** Rewrites references to table `old` in a stored CREATE statement. */
function renameTableInSql(sql: string, old: string, newName: string): string {
  return editTokens(
    sql,
    (name, i, toks) => {
      if (!eq(name, old)) return false;
      const prev = (toks[i - 1]?.text ?? '').toUpperCase();
      const next = toks[i + 1]?.text ?? '';
      // object names, ON <table>, REFERENCES <table>, FROM/JOIN <table>, <table>.column, INTO/UPDATE <table>
      return ['TABLE', 'ON', 'REFERENCES', 'FROM', 'JOIN', 'INTO', 'UPDATE', ','].includes(prev) || next === '.' || prev === 'EXISTS';
    },
    () => quoted(newName),
  );
}

function renameColumn(cx: CompileCtx, conn: Connection, table: TableSchema, oldName: string, newName: string, stmt: AlterTableStmt): () => void {
  const ci = table.columnIndex.get(oldName.toLowerCase());
  if (ci === undefined) throw sqliteError(`no such column: "${oldName}"`);
  if (table.columnIndex.has(newName.toLowerCase()) && !eq(oldName, newName)) throw sqliteError(`error in table ${table.name} after rename: duplicate column name: ${newName}`);
  // Whether the new name was written quoted in the ALTER statement decides quoting.
  const newQuoted = /"|`|\[/.test(stmt.action.kind === 'RenameColumn' ? '' : '') || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName) || keywordCheck(newName);
  const tname = table.name;
  const repl = (orig: string) => (newQuoted || isQuoted(orig) ? quoted(newName) : newName);
  return () => {
    const st = schemaTxn(conn, table.temp);
    st.update((r) => {
      if (!r.sql) return null;
      if (r.type === 'table' && eq(r.name, tname)) {
        // every identifier equal to the column, except the table's own name token
        const nameTok = tokenize(r.sql).find((t, i, arr) => i > 1 && arr[i - 1] && /^TABLE$/i.test(r.sql!.slice(arr[i - 1].start, arr[i - 1].end)));
        const sql = editTokens(r.sql, (n, i, toks) => eq(n, oldName) && !(nameTok && toks[i] && (toks[i] as unknown as { start: number }).start === nameTok.start), repl);
        return sql === r.sql ? null : { ...r, sql };
      }
      if (eq(r.tblName, tname) && (r.type === 'index' || r.type === 'trigger')) {
        const sql = editTokens(r.sql, (n, i, toks) => eq(n, oldName) && (toks[i - 1]?.text ?? '').toUpperCase() !== 'INDEX' && (toks[i - 1]?.text ?? '').toUpperCase() !== 'ON', repl);
        return sql === r.sql ? null : { ...r, sql };
      }
      if ((r.type === 'view' || r.type === 'trigger') && r.sql.toLowerCase().includes(tname.toLowerCase())) {
        const sql = renameColumnInDependent(cx, r.sql, tname, oldName, repl);
        return sql === r.sql ? null : { ...r, sql };
      }
      if (r.type === 'table' && r.sql.toLowerCase().includes(tname.toLowerCase())) {
        // REFERENCES tname(old)
        const toks = tokenize(r.sql).map((t) => ({ ...t, text: r.sql!.slice(t.start, t.end) }));
        let inRef = false;
        const sql = editTokens(r.sql, (n, i) => {
          const prev2 = (toks[i - 2]?.text ?? '').toUpperCase();
          if (prev2 === 'REFERENCES') inRef = eq(dequote(toks[i - 1]?.text ?? ''), tname) || inRef;
          if (toks[i - 1]?.text === ')' ) inRef = false;
          return inRef && eq(n, oldName);
        }, repl);
        return sql === r.sql ? null : { ...r, sql };
      }
      return null;
    });
    vectorColumnRenamed(st, conn, table.temp, tname, oldName, newName); // vector: declared HNSW indexes follow the column
    st.done(conn);
  };
}

function addColumn(cx: CompileCtx, conn: Connection, table: TableSchema, col: ColumnDef, text: string): () => void {
  if (table.columnIndex.has(col.name.toLowerCase())) throw sqliteError(`duplicate column name: ${col.name}`);
  let defaultValue: SqlValue = null;
  for (const k of col.constraints) {
    switch (k.kind) {
      case 'PrimaryKey':
        throw sqliteError('Cannot add a PRIMARY KEY column');
      case 'Unique':
        throw sqliteError('Cannot add a UNIQUE column');
      case 'Generated':
        if (k.stored) throw sqliteError('cannot add a STORED column');
        break;
      case 'Default': {
        const c = compileExpr(cx, k.expr, new Scope([], null, { correlated: false, depth: 0 }));
        if (!c.constant && !(k.expr.kind === 'Function' && k.expr.special)) throw sqliteError('Cannot add a column with non-constant default');
        if (k.expr.kind === 'Function' && k.expr.special) throw sqliteError('Cannot add a column with non-constant default');
        defaultValue = c.ev();
        break;
      }
      default:
        break;
    }
  }
  const notNull = col.constraints.some((k) => k.kind === 'NotNull');
  if (notNull && defaultValue === null && !col.constraints.some((k) => k.kind === 'Generated')) throw sqliteError('Cannot add a NOT NULL column with default value NULL');
  if (conn.pragmas.foreignKeys && defaultValue !== null && col.constraints.some((k) => k.kind === 'References')) {
    throw sqliteError('Cannot add a REFERENCES column with non-NULL default value');
  }
  const sql = table.sql;
  // SQLite inserts ", <column>" at the table's addColOffset: the comma that starts the table
  // constraints, or else the closing parenthesis (sqlite3EndTable)
  const off = addColumnOffset(sql);
  const newSql = `${sql.slice(0, off)}, ${text.replace(/[;\s]+$/, '')}${sql.slice(off)}`;
  // validate the new definition
  const parsed = parseStatement(newSql, 0).stmt as CreateTableStmt;
  const newTable = buildTable(parsed, newSql, table.root).table;
  const k = col.constraints;
  if (table.strict || k.some((c) => c.kind === 'Check') || (notNull && k.some((c) => c.kind === 'Generated'))) verifyTable(cx, newTable);
  return () => {
    const st = schemaTxn(conn, table.temp);
    st.update((r) => (r.type === 'table' && eq(r.name, table.name) ? { ...r, sql: newSql } : null));
    st.done(conn);
  };
}

/**
 * sqlite3AlterFinishAddColumn's re-verification: the first problem pragma_quick_check reports
 * on the table as altered (rows in table order; per row the NOT NULL and STRICT type checks
 * column by column, then the CHECK constraints) aborts the statement with the message the
 * nested `SELECT CASE ... raise(ABORT, ...)` gives it.
 */
function verifyTable(cx: CompileCtx, table: TableSchema): void {
  const rt = cx.rt;
  const slot = rt.allocSlot();
  const src = bindTableSource(cx, table, table.name, slot);
  const scope = new Scope([src], null, { correlated: false, depth: 0 });
  const checks = table.checks.map((c) => compileExpr(cx, c.expr, scope).ev);
  const op = chooseAccess(cx, src, table, [], () => true, scope, null, null).op;
  op.open();
  try {
    while (op.next()) {
      for (let ci = 0; ci < table.columns.length; ci++) {
        const c = table.columns[ci];
        const v = src.columns[ci].read();
        if (c.notNull && v === null) throw sqliteError('NOT NULL constraint failed');
        if (table.strict && ci !== table.rowidAlias && strictValue(table, ci, v) instanceof SqliteError) throw sqliteError('type mismatch on DEFAULT');
      }
      for (const ev of checks) {
        const v = ev();
        if (v !== null && !toBool(v)) throw sqliteError('CHECK constraint failed');
      }
    }
  } finally {
    op.close();
  }
}

function dropColumn(cx: CompileCtx, conn: Connection, table: TableSchema, name: string): () => void {
  const ci = table.columnIndex.get(name.toLowerCase());
  if (ci === undefined) throw sqliteError(`no such column: "${name}"`);
  const col = table.columns[ci];
  if (col.pk) throw sqliteError(`cannot drop PRIMARY KEY column: "${col.name}"`);
  for (const idx of cx.schema.indexesOf(table.name)) {
    if (idx.origin === 'u' && idx.columns.some((c) => c.column === ci)) throw sqliteError(`cannot drop UNIQUE column: "${col.name}"`);
    if (idx.origin === 'c' && (idx.columns.some((c) => c.column === ci) || (idx.sql ?? '').toLowerCase().includes(col.name.toLowerCase()))) {
      throw sqliteError(`error in index ${idx.name} after drop column: no such column: ${col.name}`);
    }
  }
  if (table.columns.length === 1) throw sqliteError(`cannot drop column "${col.name}": no other columns exist`);
  if (table.foreignKeys.some((f) => f.from.includes(ci))) throw sqliteError(`error in table ${table.name} after drop column: unknown column "${col.name}" in foreign key definition`);
  // Remove the column definition from the stored text.
  const sql = table.sql;
  const toks = tokenize(sql).map((t) => ({ ...t, text: sql.slice(t.start, t.end) }));
  let depth = 0;
  const defs: { start: number; end: number; commaBefore: number }[] = [];
  let cur: { start: number; end: number; commaBefore: number } | null = null;
  let lastComma = -1;
  for (const t of toks) {
    if (t.text === '(') {
      depth++;
      if (depth === 1) {
        lastComma = t.end;
        continue;
      }
    } else if (t.text === ')') {
      depth--;
      if (depth === 0) {
        if (cur) defs.push(cur);
        cur = null;
        break;
      }
    } else if (t.text === ',' && depth === 1) {
      if (cur) defs.push(cur);
      cur = null;
      lastComma = t.start;
      continue;
    }
    if (depth >= 1) {
      if (!cur) cur = { start: t.start, end: t.end, commaBefore: lastComma };
      else cur.end = t.end;
    }
  }
  const def = defs[ci];
  if (!def) throw sqliteError(`cannot drop column "${col.name}"`);
  const newSql = ci === 0 ? sql.slice(0, def.start) + sql.slice(defs[1].start) : sql.slice(0, def.commaBefore) + sql.slice(def.end);
  const parsed = parseStatement(newSql, 0).stmt as CreateTableStmt;
  const { table: next } = buildTable(parsed, newSql, table.root);
  // the rewritten table must still resolve (CHECK and generated columns naming the dropped
  // column); SQLite finds out when the statement runs (renameTestSchema)
  let dependencyError: string | null = null;
  try {
    const slot = cx.rt.allocSlot();
    const scope = new Scope([bindTableSource(cx, next, next.name, slot)], null, { correlated: false, depth: 0 });
    for (const c of next.checks) compileExpr(cx, c.expr, scope);
    for (const c of next.columns) if (c.generated) compileExpr(cx, c.generated.expr, scope);
  } catch (e) {
    if (!(e instanceof SqliteError)) throw e;
    dependencyError = `error in table ${table.name} after drop column: ${e.message}`;
  }
  return () => {
    if (dependencyError) throw sqliteError(dependencyError);
    const st = schemaTxn(conn, table.temp);
    st.update((r) => (r.type === 'table' && eq(r.name, table.name) ? { ...r, sql: newSql } : null));
    // rewrite every record without the dropped column
    const ri = col.recordIndex;
    if (ri >= 0) {
      const t = st.tx.openTable(table.root);
      const rows: [number | bigint, SqlValue[]][] = [];
      const c = t.cursor();
      for (let ok = c.first(); ok; ok = c.next()) {
        const rec = c.record().slice();
        if (ri < rec.length) rec.splice(ri, 1);
        rows.push([c.rowid(), rec]);
      }
      for (const [rowid, rec] of rows) t.insert(rowid, rec);
    }
    vectorColumnDropped(st, conn, table.temp, table.name, col.name); // vector: HNSW indexes on the column go with it
    st.done(conn);
  };
}

const FROM_WORDS = new Set(['FROM', 'JOIN', 'UPDATE', 'INTO', 'ON']);
const NOT_ALIAS = new Set(['WHERE', 'ON', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'OUTER', 'USING', 'GROUP', 'ORDER', 'LIMIT', 'SET', 'VALUES', 'SELECT', 'DEFAULT', 'BEGIN', 'FOR', 'WHEN', 'UNION', 'EXCEPT', 'INTERSECT', 'HAVING', 'WINDOW', 'RETURNING', 'INDEXED', 'NOT', 'AS']);

/**
 * Renames references to column `oldName` of table `tname` in a view or trigger of another
 * object (SQLite's renameColumnFunc resolves them properly; this follows the same outcome for
 * the usual shapes): `tname.col` / `alias.col` always, and an unqualified `col` in a statement
 * that reads or writes `tname` when no other table it names has such a column.
 */
function renameColumnInDependent(cx: CompileCtx, sql: string, tname: string, oldName: string, repl: (orig: string) => string): string {
  const toks = tokenize(sql).map((t) => ({ ...t, text: sql.slice(t.start, t.end) }));
  const word = (i: number) => (toks[i] ? dequote(toks[i].text) : '');
  // statements of a trigger body are separated by ';'
  const segments: [number, number][] = [];
  let from = 0;
  toks.forEach((t, i) => {
    if (t.text === ';') {
      segments.push([from, i]);
      from = i + 1;
    }
  });
  segments.push([from, toks.length]);
  const edits = new Set<number>();
  for (const [a, b] of segments) {
    const aliases = new Map<string, string>(); // lower alias -> lower table
    const tables = new Set<string>();
    for (let i = a; i < b; i++) {
      if (!FROM_WORDS.has(toks[i].text.toUpperCase()) && !(toks[i].text === ',' && tables.size > 0)) continue;
      const j = i + 1;
      if (!toks[j] || !/^[A-Za-z_"`[\u0080-\uffff]/.test(toks[j].text) || toks[j + 1]?.text === '(') continue;
      const name = word(j).toLowerCase();
      if (NOT_ALIAS.has(name.toUpperCase()) || toks[j + 1]?.text === '.') continue;
      if (!cx.schema.table(name) && !cx.schema.view(name)) continue;
      tables.add(name);
      let k = j + 1;
      if (toks[k]?.text.toUpperCase() === 'AS') k++;
      if (toks[k] && /^[A-Za-z_"`[]/.test(toks[k].text) && !NOT_ALIAS.has(toks[k].text.toUpperCase())) aliases.set(word(k).toLowerCase(), name);
    }
    const lt = tname.toLowerCase();
    const others = [...tables].filter((n) => n !== lt);
    const ambiguous = others.some((n) => cx.schema.table(n)?.columnIndex.has(oldName.toLowerCase()));
    for (let i = a; i < b; i++) {
      if (!eq(word(i), oldName) || !/^[A-Za-z_"`[\u0080-\uffff]/.test(toks[i].text)) continue;
      if (toks[i + 1]?.text === '.' || toks[i + 1]?.text === '(') continue;
      if (toks[i - 1]?.text === '.') {
        const q = word(i - 2).toLowerCase();
        if (q === lt || aliases.get(q) === lt) edits.add(i);
        continue;
      }
      if (tables.has(lt) && !ambiguous && !FROM_WORDS.has((toks[i - 1]?.text ?? '').toUpperCase())) edits.add(i);
    }
  }
  if (edits.size === 0) return sql;
  let out = '';
  let pos = 0;
  for (const i of [...edits].sort((x, y) => x - y)) {
    out += sql.slice(pos, toks[i].start) + repl(toks[i].text);
    pos = toks[i].end;
  }
  return out + sql.slice(pos);
}

const CONSTRAINT_WORDS = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);

/** Offset in a stored CREATE TABLE where ADD COLUMN inserts (SQLite's Table.u.tab.addColOffset). */
function addColumnOffset(sql: string): number {
  const toks = tokenize(sql).map((t) => ({ ...t, text: sql.slice(t.start, t.end) }));
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i].text;
    if (t === '(') depth++;
    else if (t === ')') {
      if (--depth === 0) return toks[i].start;
    } else if (t === ',' && depth === 1 && CONSTRAINT_WORDS.has((toks[i + 1]?.text ?? '').toUpperCase())) return toks[i].start;
  }
  return sql.lastIndexOf(')');
}
