/**
 * CREATE TABLE / INDEX / VIEW / TRIGGER: validation with SQLite's messages, new B-trees, the
 * sqlite_schema rows (with SQLite's stored text), automatic indexes, sqlite_sequence for
 * AUTOINCREMENT, CREATE TABLE ... AS SELECT, and index builds over existing rows.
 */
import { sqliteError } from '../../../common/errors.js';
import { compareValues, type SqlValue } from '../../../common/value.js';
import { buildTable } from '../../../catalog/build-table.js';
import { buildIndex } from '../../../catalog/schema.js';
import { dbNameOf, type DbName } from '../../../catalog/schema.js';
import { schemaTxn } from './schema-txn.js';
import type { CreateIndexStmt, CreateTableStmt, CreateTriggerStmt, CreateViewStmt } from '../../ast.js';
import { parseStatement, tokenize } from '../../parser/index.js';
import { isKeyword } from '../../lexer.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx, QueryPlan } from '../context.js';
import { keyInfoFor } from '../access-path.js';
import { compileExpr } from '../expr.js';
import { Scope } from '../scope.js';
import { bindTableSource } from '../table-source.js';
import { toBool } from '../../exec/truth.js';
import { quoteIdent, storedSql } from './sql-text.js';
import type { Affinity } from '../../semantics/affinity.js';

export function keywordCheck(w: string): boolean {
  const t = tokenize(w);
  return t.length === 1 && isKeyword(t[0].type);
}

/**
 * The database a CREATE writes to: `temp` for CREATE TEMP ... or a `temp.` qualifier (the TEMP
 * database is created then), else main. Any other qualifier is an unknown database.
 */
export function targetDb(conn: Connection, schemaName: string | null, temp: boolean): DbName {
  const db = dbNameOf(schemaName);
  if (schemaName !== null && db === null) throw sqliteError(`unknown database ${schemaName}`);
  if (temp && db === 'main') throw sqliteError('temporary table name must be unqualified');
  if (temp || db === 'temp') {
    conn.ensureTempDb();
    return 'temp';
  }
  return 'main';
}

function checkName(cx: CompileCtx, name: string, kind: string, db: DbName): void {
  if (name.toLowerCase().startsWith('sqlite_')) throw sqliteError(`object name reserved for internal use: ${name}`);
  const existing = cx.schema.objectType(name, db);
  if (existing) {
    if (existing === 'index') throw sqliteError(`there is already an index named ${name}`);
    throw sqliteError(`${existing === kind ? kind : existing} ${name} already exists`);
  }
}

function exists(cx: CompileCtx, name: string, kind: 'table' | 'index' | 'view' | 'trigger', db: DbName): boolean {
  const t = cx.schema.objectType(name, db);
  return t !== null && (t === kind || ((kind === 'table' || kind === 'view') && (t === 'table' || t === 'view')));
}

/** Declared type SQLite gives a CREATE TABLE AS column from its expression affinity. */

export function createTable(cx: CompileCtx, conn: Connection, stmt: CreateTableStmt, sql: string): () => void {
  const db = targetDb(conn, stmt.schema, stmt.temp);
  const temp = db === 'temp';
  if (exists(cx, stmt.name, 'table', db)) {
    if (stmt.ifNotExists) return () => {};
  }
  checkName(cx, stmt.name, 'table', db);
  let plan: QueryPlan | null = null;
  let text: string;
  let def: CreateTableStmt = stmt;
  if (stmt.asSelect) {
    plan = cx.compileSelect(stmt.asSelect, null);
    const names = uniqueColumnNames(plan.columns.map((c) => c.name));
    const cols = plan.columns.map((c, i) => {
      const type = affinityTypeName(c.affinity, '');
      return `${quoteIdent(names[i], keywordCheck)}${type ? ` ${type}` : ''}`;
    });
    // createTableStmt: one line when the names are short, else a column per line
    const identLength = (z: string): number => Buffer.byteLength(z) + (z.split('"').length - 1) + 2;
    const n = names.reduce((a, z) => a + identLength(z) + 5, identLength(stmt.name));
    const [sep, sep2, end] = n < 50 ? ['', ',', ')'] : ['\n  ', ',\n  ', '\n)'];
    text = `CREATE TABLE ${quoteIdent(stmt.name, keywordCheck)}(${cols.map((c, i) => `${i === 0 ? sep : sep2}${c}`).join('')}${end}`;
    const reparsed = parseStatement(text, 0).stmt as CreateTableStmt;
    def = reparsed;
  } else {
    text = storedSql('TABLE', sql, stmt.start, stmt.end);
  }
  // validates the definition now (errors at prepare, as in SQLite)
  const { table: draft } = buildTable(def, text, 0);
  for (const c of def.columns) {
    for (const k of c.constraints) if (k.kind === 'Generated') checkDeterministic(cx, k.expr);
  }
  // CHECK constraints and generated columns are resolved now: unknown names fail CREATE TABLE
  {
    const slot = cx.rt.allocSlot();
    const scope = new Scope([bindTableSource(cx, draft, draft.name, slot)], null, { correlated: false, depth: 0 });
    for (const c of draft.checks) compileExpr(cx, c.expr, scope);
    for (const c of draft.columns) if (c.generated) compileExpr(cx, c.generated.expr, scope);
  }
  const asPlan = plan;
  return () => {
    const st = schemaTxn(conn, temp);
    const { table, autoIndexes } = buildTable(def, text, 0);
    const root = st.createTree(table.withoutRowid ? 'index' : 'table');
    st.insert({ type: 'table', name: stmt.name, tblName: stmt.name, rootpage: root, sql: text });
    for (const a of autoIndexes) {
      if (table.withoutRowid && a.origin === 'pk') continue;
      const iroot = st.createTree('index');
      st.insert({ type: 'index', name: a.name, tblName: stmt.name, rootpage: iroot, sql: null });
    }
    if (table.autoincrement && !cx.schema.table('sqlite_sequence', db)) {
      const sroot = st.createTree('table');
      st.insert({ type: 'table', name: 'sqlite_sequence', tblName: 'sqlite_sequence', rootpage: sroot, sql: 'CREATE TABLE sqlite_sequence(name,seq)' });
    }
    st.done(conn);
    if (asPlan) {
      const t = st.tx.openTable(root);
      let rowid = 0;
      const cols = table.columns;
      asPlan.source.open();
      try {
        for (let r = asPlan.source.next(); r !== null; r = asPlan.source.next()) {
          t.insert(++rowid, r.map((v, i) => applyCol(v, cols[i].affinity)));
        }
      } finally {
        asPlan.source.close();
      }
    }
  };
}

import { applyAffinity } from '../../semantics/affinity.js';
import { otherDbReference } from '../../../catalog/fixed-schema.js';
import { uniqueColumnNames } from '../column-names.js';
import { affinityTypeName } from '../../../catalog/std-type.js';
function applyCol(v: SqlValue, a: Affinity): SqlValue {
  return applyAffinity(v, a);
}

const DATE_FUNCTIONS = new Set(['date', 'time', 'datetime', 'julianday', 'unixepoch', 'strftime', 'timediff']);

/** Generated columns and indexes may only use deterministic functions (date/time functions are checked when run). */
function checkDeterministic(cx: CompileCtx, e: import('../../ast.js').Expr, where = 'generated columns'): void {
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(visit);
    const o = x as { kind?: string; name?: string; args?: unknown[] };
    if (o.kind === 'Function' && typeof o.name === 'string') {
      const def = cx.functions.scalar(o.name, o.args?.length ?? 0);
      if (def && !def.deterministic && !DATE_FUNCTIONS.has(o.name.toLowerCase())) {
        throw sqliteError(`non-deterministic functions prohibited in ${where}`);
      }
    }
    for (const v of Object.values(o)) if (v && typeof v === 'object') visit(v);
  };
  visit(e);
}

export function createIndex(cx: CompileCtx, conn: Connection, stmt: CreateIndexStmt, sql: string): () => void {
  if (stmt.using) throw sqliteError(`no such index method: ${stmt.using.method}`);
  const qualified = dbNameOf(stmt.schema);
  if (stmt.schema && qualified === null) throw sqliteError(`unknown database ${stmt.schema}`);
  const table = cx.schema.table(stmt.table, qualified);
  if (!table) {
    if (cx.schema.view(stmt.table, qualified)) throw sqliteError('views may not be indexed');
    throw sqliteError(`no such table: ${qualified ?? 'main'}.${stmt.table}`);
  }
  if (table.name.toLowerCase().startsWith('sqlite_')) throw sqliteError(`table ${table.name} may not be indexed`);
  const db: DbName = table.temp ? 'temp' : 'main';
  if (stmt.name.toLowerCase().startsWith('sqlite_')) throw sqliteError(`object name reserved for internal use: ${stmt.name}`);
  const existing = cx.schema.objectType(stmt.name, db);
  if (existing === 'table' || existing === 'view') throw sqliteError(`there is already a table named ${stmt.name}`);
  if (existing === 'index') {
    if (stmt.ifNotExists) return () => {};
    throw sqliteError(`index ${stmt.name} already exists`);
  }
  const text = storedSql(stmt.unique ? 'UNIQUE INDEX' : 'INDEX', sql, stmt.start, stmt.end);
  const idx = buildIndex(stmt, table, text, 0);
  // compile index expressions and the partial condition now to surface errors at prepare
  const slot = cx.rt.allocSlot();
  const src = bindTableSource(cx, table, table.name, slot);
  const scope = new Scope([src], null, { correlated: false, depth: 0 });
  const parts = idx.columns.map((c) => {
    if (c.column === -1) return src.rowid!;
    if (c.column >= 0) return src.columns[c.column].read;
    checkDeterministic(cx, c.expr!, 'index expressions');
    return compileExpr(cx, c.expr!, scope).ev;
  });
  if (idx.partial) checkDeterministic(cx, idx.partial, 'partial index WHERE clauses');
  const partial = idx.partial ? compileExpr(cx, idx.partial, scope).ev : null;
  // WITHOUT ROWID: entries end with the primary key columns the index does not already hold
  const pkIndex = table.withoutRowid ? [...cx.schema.indexesOf(table.name), ...cx.schema.indexes.values()].find((i) => i.origin === 'pk' && i.root === table.root) : undefined;
  const suffix = table.withoutRowid ? table.primaryKey.filter((pk) => !idx.columns.some((c) => c.column === pk)).map((pk) => src.columns[pk].read) : [];
  return () => {
    const st = schemaTxn(conn, table.temp);
    const tx = st.tx;
    const root = st.createTree('index');
    const built = { ...idx, root };
    const ki = keyInfoFor(cx, table, built);
    const itree = tx.openIndex(root, ki);
    const rt = cx.rt;
    const nKey = parts.length;
    const keys: SqlValue[][] = [];
    const add = (): void => {
      if (partial && !toBool(partial())) return;
      const key = parts.map((p) => p());
      if (table.withoutRowid) for (const p of suffix) key.push(p());
      else key.push(rt.rowids[slot] as SqlValue);
      keys.push(key);
    };
    if (!table.withoutRowid) {
      const cur = tx.openTable(table.root).cursor();
      for (let ok = cur.first(); ok; ok = cur.next()) {
        rt.rows[slot] = cur.record();
        rt.rowids[slot] = cur.rowid();
        add();
      }
    } else {
      const cur = tx.openIndex(table.root, keyInfoFor(cx, table, pkIndex!)).cursor();
      for (let ok = cur.first(); ok; ok = cur.next()) {
        rt.rows[slot] = cur.key();
        rt.rowids[slot] = null;
        add();
      }
    }
    if (stmt.unique) {
      const sorted = keys.slice().sort((a, b) => {
        for (let i = 0; i < nKey; i++) {
          const c = compareValues(a[i], b[i], ki.collations[i]);
          if (c !== 0) return ki.desc[i] ? -c : c;
        }
        return 0;
      });
      let prev: SqlValue[] | null = null;
      for (const k of sorted) {
        if (prev && k.slice(0, nKey).every((v, i) => v !== null && compareValues(v, prev![i], ki.collations[i]) === 0)) {
          const what = idx.columns.every((c) => c.column >= 0) ? idx.columns.map((c) => `${table.name}.${table.columns[c.column].name}`).join(', ') : `index '${idx.name}'`;
          throw sqliteError(`UNIQUE constraint failed: ${what}`, 'SQLITE_CONSTRAINT_UNIQUE');
        }
        prev = k;
      }
    }
    for (const k of keys) itree.insert(k);
    st.insert({ type: 'index', name: stmt.name, tblName: table.name, rootpage: root, sql: text });
    st.done(conn);
  };
}

export function createView(cx: CompileCtx, conn: Connection, stmt: CreateViewStmt, sql: string): () => void {
  const db = targetDb(conn, stmt.schema, stmt.temp);
  if (exists(cx, stmt.name, 'view', db) && stmt.ifNotExists) return () => {};
  checkName(cx, stmt.name, 'view', db);
  if (db === 'main') checkFixed(stmt.select, 'view', stmt.name);
  // SQLite does not resolve the view's SELECT until it is used
  const text = storedSql('VIEW', sql, stmt.start, stmt.end);
  return () => {
    const st = schemaTxn(conn, db === 'temp');
    st.insert({ type: 'view', name: stmt.name, tblName: stmt.name, rootpage: 0, sql: text });
    st.done(conn);
  };
}

export function createTrigger(cx: CompileCtx, conn: Connection, stmt: CreateTriggerStmt, sql: string): () => void {
  const qualified = dbNameOf(stmt.schema);
  if (stmt.schema && qualified === null) throw sqliteError(`unknown database ${stmt.schema}`);
  const table = cx.schema.table(stmt.table, stmt.temp ? null : qualified);
  const view = table ? undefined : cx.schema.view(stmt.table, stmt.temp ? null : qualified);
  // a trigger on a TEMP table is a TEMP trigger
  const temp = stmt.temp || qualified === 'temp' || !!(table ?? view)?.temp;
  if (temp) conn.ensureTempDb();
  const db: DbName = temp ? 'temp' : 'main';
  if (exists(cx, stmt.name, 'trigger', db)) {
    if (stmt.ifNotExists) return () => {};
    throw sqliteError(`trigger ${stmt.name} already exists`);
  }
  if (!table && !view) throw sqliteError(`no such table: ${qualified ?? 'main'}.${stmt.table}`);
  if (view && stmt.timing !== 'INSTEAD OF') throw sqliteError(`cannot create ${stmt.timing} trigger on view: ${stmt.table}`);
  if (table && stmt.timing === 'INSTEAD OF') throw sqliteError(`cannot create INSTEAD OF trigger on table: ${stmt.table}`);
  if (table && table.name.toLowerCase().startsWith('sqlite_')) throw sqliteError('cannot create trigger on system table');
  checkStepTargets(stmt);
  if (!temp) checkFixed([stmt.body, stmt.when], 'trigger', stmt.name);
  const text = storedSql('TRIGGER', sql, stmt.start, stmt.end);
  const tblName = (table ?? view)!.name;
  return () => {
    const st = schemaTxn(conn, temp);
    st.insert({ type: 'trigger', name: stmt.name, tblName, rootpage: 0, sql: text });
    st.done(conn);
  };
}

/** sqlite3FixSrcList: a main view or trigger names tables of main only. */
function checkFixed(body: unknown, kind: 'view' | 'trigger', name: string): void {
  const other = otherDbReference(body);
  if (other !== null) throw sqliteError(`${kind} ${name} cannot reference objects in database ${other}`);
}

/**
 * parse.y's trnm: the targets of a trigger program's steps are unqualified (an error raised while
 * the body is parsed, so after sqlite3BeginTrigger's).
 */
function checkStepTargets(stmt: CreateTriggerStmt): void {
  for (const b of stmt.body) {
    if ((b.kind === 'Insert' && b.schema !== null) || ((b.kind === 'Update' || b.kind === 'Delete') && b.table.schema !== null)) {
      throw sqliteError('qualified table names are not allowed on INSERT, UPDATE, and DELETE statements within triggers');
    }
  }
}

export function createVirtualTable(cx: CompileCtx, conn: Connection, stmt: import('../../ast.js').CreateVirtualTableStmt, sql: string): () => void {
  if (cx.schema.objectType(stmt.name)) {
    if (stmt.ifNotExists) return () => {};
    throw sqliteError(`table ${stmt.name} already exists`);
  }
  if (!cx.functions.hasModule(stmt.module)) throw sqliteError(`no such module: ${stmt.module}`);
  // instantiate now: a module that rejects its arguments fails CREATE VIRTUAL TABLE
  cx.functions.virtualTable(stmt.name, stmt.module, stmt.args);
  const text = storedSql('VIRTUAL TABLE', sql, stmt.start, stmt.end);
  return () => {
    const st = schemaTxn(conn, false);
    st.insert({ type: 'table', name: stmt.name, tblName: stmt.name, rootpage: 0, sql: text });
    st.done(conn);
  };
}
