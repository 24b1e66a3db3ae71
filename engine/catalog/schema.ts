/**
 * Schema: the immutable set of tables, indexes, views and triggers of one database, built from
 * the rows of sqlite_schema (page 1). A schema change produces a new Schema object; compiled
 * statements remember the Schema they were planned against and re-plan when it is replaced.
 */
import { sqliteError } from '../common/errors.js';
import type { CreateIndexStmt, CreateTableStmt, CreateTriggerStmt, CreateViewStmt, CreateVirtualTableStmt, Statement } from '../sql/ast.js';
import { parseStatement } from '../sql/parser/index.js';
import { autoIndexSchema, buildTable, canonicalCollation } from './build-table.js';
import type { IndexColumnSchema, IndexSchema, SchemaRow, TableSchema, TriggerSchema, ViewSchema } from './types.js';
import { tempRoot } from './temp-root.js';
import { fixToMain } from './fixed-schema.js';

/** A schema name as SQL writes it: main, temp (or null: search temp, then main). */
export type DbName = 'main' | 'temp';

export function dbNameOf(schemaName: string | null): DbName | null {
  if (schemaName === null) return null;
  const l = schemaName.toLowerCase();
  return l === 'temp' || l === 'temporary' ? 'temp' : l === 'main' ? 'main' : null;
}

export class Schema {
  readonly tables = new Map<string, TableSchema>();
  readonly indexes = new Map<string, IndexSchema>();
  readonly views = new Map<string, ViewSchema>();
  readonly triggers = new Map<string, TriggerSchema>();
  /** Lower-cased table name -> its indexes in sqlite_schema order. */
  readonly tableIndexes = new Map<string, IndexSchema[]>();
  /** Lower-cased table name -> triggers on it. */
  readonly tableTriggers = new Map<string, TriggerSchema[]>();
  /** Lower-cased parent table name -> foreign keys that reference it: [child table, fk index]. */
  readonly referencedBy = new Map<string, { child: TableSchema; fk: number }[]>();
  /** Virtual tables (CREATE VIRTUAL TABLE): instantiated by the connection's modules. */
  readonly virtualTables = new Map<string, { name: string; module: string; args: readonly string[]; sql: string }>();
  /**
   * With a TEMP database: the main-only and temp-only schemas this one merges (lookups by name
   * find temp objects first, as SQLite's sqlite3FindTable does). Null for a single database.
   */
  mainPart: Schema | null = null;
  tempPart: Schema | null = null;

  /** Builds the schema of one database from its sqlite_schema rows; `temp` for the TEMP database (roots biased, objects flagged temp). */
  constructor(
    readonly rows: readonly SchemaRow[],
    readonly cookie: number,
    readonly temp = false,
  ) {
    if (temp) rows = rows.map((r) => (r.rootpage > 0 ? { ...r, rootpage: tempRoot(r.rootpage) } : r));
    const pendingAuto = new Map<string, { table: TableSchema; specs: ReturnType<typeof buildTable>['autoIndexes'] }>();
    for (const row of rows) {
      const key = row.name.toLowerCase();
      switch (row.type) {
        case 'table': {
          if (row.sql === null) break;
          if (/^\s*create\s+virtual\s/i.test(row.sql)) {
            const v = parseStored<CreateVirtualTableStmt>(row.sql, 'CreateVirtualTable');
            this.virtualTables.set(key, { name: row.name, module: v.module, args: v.args, sql: row.sql });
            break;
          }
          const stmt = parseStored<CreateTableStmt>(row.sql, 'CreateTable');
          const { table, autoIndexes } = buildTable(stmt, row.sql, row.rootpage);
          const t: TableSchema = stmt.name === row.name && !temp ? table : { ...table, name: row.name, temp };
          this.tables.set(key, t);
          this.tableIndexes.set(key, []);
          if (autoIndexes.length) pendingAuto.set(key, { table: t, specs: autoIndexes });
          if (t.withoutRowid) {
            // The table's own B-tree is its primary-key index; PRAGMA index_list shows it.
            const pkSpec = autoIndexes.find((a) => a.origin === 'pk');
            if (pkSpec) this.indexes.set(pkSpec.name.toLowerCase(), autoIndexSchema(t, pkSpec, row.rootpage));
          }
          break;
        }
        case 'index': {
          const tkey = row.tblName.toLowerCase();
          let idx: IndexSchema;
          if (row.sql === null) {
            const pend = pendingAuto.get(tkey);
            const spec = pend?.specs.find((s) => s.name.toLowerCase() === key);
            if (!pend || !spec) throw sqliteError(`malformed database schema (${row.name})`, 'SQLITE_CORRUPT');
            idx = autoIndexSchema(pend.table, spec, row.rootpage);
          } else {
            const table = this.tables.get(tkey);
            if (!table) throw sqliteError(`malformed database schema (${row.name})`, 'SQLITE_CORRUPT');
            idx = buildIndex(parseStored<CreateIndexStmt>(row.sql, 'CreateIndex'), table, row.sql, row.rootpage);
          }
          this.indexes.set(key, idx);
          this.tableIndexes.get(tkey)?.push(idx);
          break;
        }
        case 'view': {
          if (row.sql === null) break;
          const stmt = parseStored<CreateViewStmt>(row.sql, 'CreateView');
          if (!temp) fixToMain(stmt.select);
          this.views.set(key, { kind: 'view', name: row.name, sql: row.sql, temp, columnNames: stmt.columns, select: stmt.select });
          break;
        }
        case 'trigger': {
          if (row.sql === null) break;
          const stmt = parseStored<CreateTriggerStmt>(row.sql, 'CreateTrigger');
          if (!temp) fixToMain(stmt);
          const trig: TriggerSchema = { kind: 'trigger', name: row.name, table: row.tblName, sql: row.sql, temp, stmt };
          this.triggers.set(key, trig);
          // Table.pTrigger: each new trigger is prepended (sqlite3FinishTrigger), so the most
          // recently created one fires first
          const tk = row.tblName.toLowerCase();
          const list = this.tableTriggers.get(tk) ?? [];
          list.unshift(trig);
          this.tableTriggers.set(tk, list);
          break;
        }
        default:
          break;
      }
    }
    for (const t of this.tables.values()) {
      for (const fk of t.foreignKeys) {
        const pk = fk.parentTable.toLowerCase();
        const list = this.referencedBy.get(pk) ?? [];
        list.push({ child: t, fk: fk.id });
        this.referencedBy.set(pk, list);
      }
    }
  }

  /**
   * The merged schema of a connection with a TEMP database: every map holds main's objects
   * overlaid by temp's (temp first on lookup by unqualified name).
   */
  static combine(main: Schema, temp: Schema): Schema {
    const s = new Schema([], main.cookie);
    s.mainPart = main;
    s.tempPart = temp;
    const merge = <V>(dst: Map<string, V>, a: Map<string, V>, b: Map<string, V>) => {
      for (const [k, v] of a) dst.set(k, v);
      for (const [k, v] of b) dst.set(k, v);
    };
    merge(s.tables, main.tables, temp.tables);
    merge(s.indexes, main.indexes, temp.indexes);
    merge(s.views, main.views, temp.views);
    merge(s.triggers, main.triggers, temp.triggers);
    merge(s.tableIndexes, main.tableIndexes, temp.tableIndexes);
    merge(s.virtualTables, main.virtualTables, temp.virtualTables);
    for (const [k, v] of main.tableTriggers) s.tableTriggers.set(k, v);
    // temp triggers may sit on main tables: both lists apply, the temp ones first, and in the
    // order they were created (sqlite3TriggerList prepends each while walking the temp trigger
    // hash, which lists the newest first)
    for (const [k, v] of temp.tableTriggers) {
      if (temp.tables.has(k)) s.tableTriggers.set(k, v);
      else s.tableTriggers.set(k, [...v.slice().reverse(), ...(s.tableTriggers.get(k) ?? [])]);
    }
    for (const [k, v] of main.referencedBy) s.referencedBy.set(k, v);
    for (const [k, v] of temp.referencedBy) s.referencedBy.set(k, [...(s.referencedBy.get(k) ?? []), ...v]);
    return s;
  }

  /** Whether this connection has a TEMP database (sqlite_temp_schema then has a tree). */
  get hasTemp(): boolean {
    return this.temp || this.tempPart !== null;
  }

  /** The schema of one database (`main` or `temp`), or this one when it holds a single database. */
  part(db: DbName): Schema | null {
    if (this.mainPart) return db === 'main' ? this.mainPart : this.tempPart;
    return (db === 'temp') === this.temp ? this : null;
  }

  /** A table by name: in database `db`, or (db null) temp first then main. */
  table(name: string, db: DbName | null = null): TableSchema | undefined {
    if (db !== null && this.mainPart) return this.part(db)?.tables.get(name.toLowerCase());
    const t = this.tables.get(name.toLowerCase());
    return db !== null && t && t.temp !== (db === 'temp') ? undefined : t;
  }

  /** A view by name: in database `db`, or (db null) temp first then main. */
  view(name: string, db: DbName | null = null): ViewSchema | undefined {
    if (db !== null && this.mainPart) return this.part(db)?.views.get(name.toLowerCase());
    const v = this.views.get(name.toLowerCase());
    return db !== null && v && v.temp !== (db === 'temp') ? undefined : v;
  }

  indexesOf(table: string): readonly IndexSchema[] {
    return this.tableIndexes.get(table.toLowerCase()) ?? [];
  }

  triggersOf(table: string): readonly TriggerSchema[] {
    return this.tableTriggers.get(table.toLowerCase()) ?? [];
  }

  /** Any object (table, index, view, trigger) with that name (in database `db`, or in any). */
  objectType(name: string, db: DbName | null = null): 'table' | 'index' | 'view' | 'trigger' | null {
    if (db !== null) {
      const p = this.part(db);
      if (p !== this) return p ? p.objectType(name) : null;
    }
    const k = name.toLowerCase();
    if (this.tables.has(k)) return 'table';
    if (this.indexes.has(k)) return 'index';
    if (this.views.has(k)) return 'view';
    if (this.triggers.has(k)) return 'trigger';
    if (this.virtualTables.has(k)) return 'table';
    return null;
  }
}

function parseStored<T extends Statement>(sql: string, kind: T['kind']): T {
  const { stmt } = parseStatement(sql, 0);
  if (!stmt || stmt.kind !== kind) throw sqliteError(`malformed database schema - ${sql.slice(0, 40)}`, 'SQLITE_CORRUPT');
  return stmt as T;
}

export function buildIndex(stmt: CreateIndexStmt, table: TableSchema, sql: string, root: number): IndexSchema {
  const columns: IndexColumnSchema[] = stmt.columns.map((ic) => {
    let e = ic.expr;
    let collation = ic.collation;
    while (e.kind === 'Collate') {
      collation = collation ?? e.collation;
      e = e.expr;
    }
    if (e.kind === 'Column' && e.table === null) {
      const ci = table.columnIndex.get(e.name.toLowerCase());
      if (ci === undefined) {
        if (/^(rowid|oid|_rowid_)$/i.test(e.name) && !table.withoutRowid) {
          return { column: -1, expr: null, collation: canonicalCollation(collation ?? 'BINARY'), desc: ic.direction === 'DESC', name: null };
        }
        throw sqliteError(`no such column: ${e.name}`);
      }
      return {
        column: ci,
        expr: null,
        collation: canonicalCollation(collation ?? table.columns[ci].collation),
        desc: ic.direction === 'DESC',
        name: table.columns[ci].name,
      };
    }
    return { column: -2, expr: ic.expr, collation: canonicalCollation(collation ?? 'BINARY'), desc: ic.direction === 'DESC', name: null };
  });
  return {
    kind: 'index',
    name: stmt.name,
    table: table.name,
    root,
    unique: stmt.unique,
    onConflict: null,
    origin: 'c',
    partial: stmt.where,
    columns,
    sql,
  };
}

/**
 * A table's indexes in SQLite's Table.pIndex order: the most recently created first
 * (sqlite3CreateIndex prepends). A WITHOUT ROWID table's own PRIMARY KEY index was created when
 * its PRIMARY KEY clause was parsed, between the UNIQUE autoindexes numbered before and after it
 * (sqlite_autoindex_<table>_<n>).
 */
export function pIndexOrder(schema: Schema, table: TableSchema): IndexSchema[] {
  const created = schema.indexesOf(table.name).slice();
  if (table.withoutRowid) {
    const pk = [...schema.indexes.values()].find((i) => i.table === table.name && i.origin === 'pk' && i.root === table.root);
    if (pk) {
      const n = autoindexNumber(pk.name);
      let at = 0;
      while (at < created.length && created[at].origin !== 'c' && autoindexNumber(created[at].name) < n) at++;
      created.splice(at, 0, pk);
    }
  }
  return created.reverse();
}

/** n of an automatic index name sqlite_autoindex_<table>_<n>. */
function autoindexNumber(name: string): number {
  return Number(name.slice(name.lastIndexOf('_') + 1));
}
