/**
 * ALTER TABLE: RENAME TO, RENAME COLUMN, ADD COLUMN, DROP COLUMN with SQLite's rules
 * (lang_altertable.html). Stored CREATE texts are edited token by token, as SQLite's
 * renameEditSql does: a renamed table is written as "new" (quoted); a renamed column keeps the
 * quoting style of each original token unless the new name itself was quoted.
 */
import { sqliteError } from '../../../common/errors.js';
import type { SqlValue } from '../../../common/value.js';
import { bumpSchemaCookie, readSchemaRows, updateSchemaRows } from '../../../catalog/schema-store.js';
import type { TableSchema } from '../../../catalog/types.js';
import type { AlterTableStmt, ColumnDef, CreateTableStmt } from '../../ast.js';
import { parseStatement, tokenize } from '../../parser/index.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { compileExpr } from '../expr.js';
import { Scope } from '../scope.js';
import { buildTable } from '../../../catalog/build-table.js';
import { keywordCheck } from './create.js';

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

/** SQLite checks ALTER TABLE when it runs, not when it is prepared. */
export function compileAlter(cx: CompileCtx, conn: Connection, stmt: AlterTableStmt): () => void {
  return () => alterNow(cx, conn, stmt)();
}

function alterNow(cx: CompileCtx, conn: Connection, stmt: AlterTableStmt): () => void {
  const table = cx.schema.table(stmt.table);
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
    const tx = conn.ensureWriteTxn();
    updateSchemaRows(tx, (r) => {
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
    bumpSchemaCookie(tx);
    conn.schemaChanged();
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
    const tx = conn.ensureWriteTxn();
    updateSchemaRows(tx, (r) => {
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
    bumpSchemaCookie(tx);
    conn.schemaChanged();
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
  const close = sql.lastIndexOf(')');
  let before = sql.slice(0, close);
  // SQLite appends right after the last column/constraint text, before the closing parenthesis
  const trimmed = before.replace(/\s+$/, '');
  const after = sql.slice(close);
  before = trimmed;
  const newSql = `${before}, ${text}${after}`;
  // validate the new definition
  const parsed = parseStatement(newSql, 0).stmt as CreateTableStmt;
  buildTable(parsed, newSql, table.root);
  return () => {
    const tx = conn.ensureWriteTxn();
    updateSchemaRows(tx, (r) => (r.type === 'table' && eq(r.name, table.name) ? { ...r, sql: newSql } : null));
    bumpSchemaCookie(tx);
    conn.schemaChanged();
  };
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
  return () => {
    const tx = conn.ensureWriteTxn();
    updateSchemaRows(tx, (r) => (r.type === 'table' && eq(r.name, table.name) ? { ...r, sql: newSql } : null));
    // rewrite every record without the dropped column
    const ri = col.recordIndex;
    if (ri >= 0) {
      const t = tx.openTable(table.root);
      const rows: [number | bigint, SqlValue[]][] = [];
      const c = t.cursor();
      for (let ok = c.first(); ok; ok = c.next()) {
        const rec = c.record().slice();
        if (ri < rec.length) rec.splice(ri, 1);
        rows.push([c.rowid(), rec]);
      }
      for (const [rowid, rec] of rows) t.insert(rowid, rec);
    }
    void next;
    bumpSchemaCookie(tx);
    conn.schemaChanged();
    void readSchemaRows;
  };
}
