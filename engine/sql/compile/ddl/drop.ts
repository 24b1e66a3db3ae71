/**
 * DROP TABLE / INDEX / VIEW / TRIGGER. Dropping a table with foreign keys enabled first
 * deletes its rows as `DELETE FROM t` would (so ON DELETE actions run and violations are
 * reported), then removes its indexes, triggers and schema rows and frees its pages.
 * Unqualified names are looked up in TEMP first, then main, as in SQLite.
 */
import { sqliteError } from '../../../common/errors.js';
import { dbNameOf } from '../../../catalog/schema.js';
import type { DropStmt } from '../../ast.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { compileDelete } from '../dml/delete.js';
import { schemaTxn } from './schema-txn.js';
import { vectorTableDropped } from '../../../vector/ddl.js'; // vector: definitions go with the table

const SCHEMA_TABLES = new Set(['sqlite_master', 'sqlite_schema', 'sqlite_temp_master', 'sqlite_temp_schema']);

export function compileDrop(cx: CompileCtx, conn: Connection, stmt: DropStmt): () => void {
  const lname = stmt.name.toLowerCase();
  const kind = stmt.objectType;
  const db = dbNameOf(stmt.schema);
  if (stmt.schema && db === null) throw sqliteError(`unknown database ${stmt.schema}`);
  const schema = db ? cx.schema.part(db) : cx.schema;
  const qname = `${stmt.schema ? `${stmt.schema}.` : ''}${stmt.name}`;
  switch (kind) {
    case 'TABLE': {
      if (SCHEMA_TABLES.has(lname)) throw sqliteError(`table ${stmt.name} may not be dropped`);
      const t = schema?.table(stmt.name);
      if (!t && schema?.virtualTables.has(lname)) {
        return () => {
          const st = schemaTxn(conn, false);
          st.delete((r) => r.type === 'table' && r.name.toLowerCase() === lname);
          st.done(conn);
        };
      }
      if (!t) {
        if (stmt.ifExists) return () => {};
        if (schema?.views.has(lname)) throw sqliteError(`use DROP VIEW to delete view ${stmt.name}`);
        throw sqliteError(`no such table: ${qname}`);
      }
      if (lname.startsWith('sqlite_') && lname !== 'sqlite_stat1' && lname !== 'sqlite_sequence') throw sqliteError(`table ${t.name} may not be dropped`);
      const referenced = (cx.schema.referencedBy.get(lname) ?? []).some((r) => r.child.name.toLowerCase() !== lname);
      const del = referenced || t.foreignKeys.length
        ? compileDelete(cx, conn, { kind: 'Delete', with: null, table: { schema: t.temp ? 'temp' : 'main', name: t.name, alias: null, indexedBy: null }, where: null, returning: null, orderBy: null, limit: null, offset: null, start: 0, end: 0 })
        : null;
      return () => {
        const st = schemaTxn(conn, t.temp);
        if (del && conn.pragmas.foreignKeys) {
          const saved = conn.changes;
          const savedTotal = conn.totalChanges;
          del.run();
          conn.changes = saved;
          conn.totalChanges = savedTotal;
        }
        vectorTableDropped(st, conn, t.temp, t.name); // vector: declared HNSW indexes go with the table
        const removed = st.delete((r) => r.tblName.toLowerCase() === lname && (r.type === 'table' || r.type === 'index' || r.type === 'trigger'));
        for (const r of removed) if (r.rootpage > 0) st.dropTree(r.rootpage);
        if (t.autoincrement) {
          const seq = cx.schema.table('sqlite_sequence', t.temp ? 'temp' : 'main');
          if (seq) {
            const sq = st.tx.openTable(seq.root);
            const c = sq.cursor();
            const kill: (number | bigint)[] = [];
            for (let ok = c.first(); ok; ok = c.next()) if (c.record()[0] === t.name) kill.push(c.rowid());
            for (const k of kill) sq.delete(k);
          }
        }
        st.done(conn);
      };
    }
    case 'INDEX': {
      const idx = schema?.indexes.get(lname);
      if (!idx || (idx.origin === 'pk' && cx.schema.table(idx.table)?.withoutRowid && idx.root === cx.schema.table(idx.table)?.root)) {
        if (stmt.ifExists) return () => {};
        throw sqliteError(`no such index: ${qname}`);
      }
      if (idx.origin !== 'c') throw sqliteError('index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped');
      const temp = cx.schema.table(idx.table, null)?.temp ?? false;
      return () => {
        const st = schemaTxn(conn, temp);
        st.delete((r) => r.type === 'index' && r.name.toLowerCase() === lname);
        st.dropTree(idx.root);
        st.done(conn);
      };
    }
    case 'VIEW': {
      const v = schema?.views.get(lname);
      if (!v) {
        if (stmt.ifExists) return () => {};
        if (schema?.tables.has(lname)) throw sqliteError(`use DROP TABLE to delete table ${stmt.name}`);
        throw sqliteError(`no such view: ${qname}`);
      }
      return () => {
        const st = schemaTxn(conn, v.temp);
        st.delete((r) => (r.type === 'view' && r.name.toLowerCase() === lname) || (r.type === 'trigger' && r.tblName.toLowerCase() === lname));
        st.done(conn);
      };
    }
    case 'TRIGGER': {
      const tr = schema?.triggers.get(lname);
      if (!tr) {
        if (stmt.ifExists) return () => {};
        throw sqliteError(`no such trigger: ${qname}`);
      }
      return () => {
        const st = schemaTxn(conn, tr.temp);
        st.delete((r) => r.type === 'trigger' && r.name.toLowerCase() === lname);
        st.done(conn);
      };
    }
  }
}
