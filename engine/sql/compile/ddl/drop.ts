/**
 * DROP TABLE / INDEX / VIEW / TRIGGER. Dropping a table with foreign keys enabled first
 * deletes its rows as `DELETE FROM t` would (so ON DELETE actions run and violations are
 * reported), then removes its indexes, triggers and schema rows and frees its pages.
 */
import { sqliteError } from '../../../common/errors.js';
import { bumpSchemaCookie, deleteSchemaRows } from '../../../catalog/schema-store.js';
import type { DropStmt } from '../../ast.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { compileDelete } from '../dml/delete.js';

export function compileDrop(cx: CompileCtx, conn: Connection, stmt: DropStmt): () => void {
  const lname = stmt.name.toLowerCase();
  const kind = stmt.objectType;
  if (stmt.schema && !['main', 'temp'].includes(stmt.schema.toLowerCase())) throw sqliteError(`unknown database ${stmt.schema}`);
  switch (kind) {
    case 'TABLE': {
      const t = cx.schema.table(stmt.name);
      if (!t && cx.schema.virtualTables.has(lname)) {
        return () => {
          const tx = conn.ensureWriteTxn();
          deleteSchemaRows(tx, (r) => r.type === 'table' && r.name.toLowerCase() === lname);
          bumpSchemaCookie(tx);
          conn.schemaChanged();
        };
      }
      if (!t) {
        if (stmt.ifExists) return () => {};
        if (cx.schema.views.has(lname)) throw sqliteError(`use DROP VIEW to delete view ${stmt.name}`);
        throw sqliteError(`no such table: ${stmt.schema ? `${stmt.schema}.` : ''}${stmt.name}`);
      }
      if (lname.startsWith('sqlite_') && lname !== 'sqlite_stat1' && lname !== 'sqlite_sequence') throw sqliteError(`table ${t.name} may not be dropped`);
      const referenced = (cx.schema.referencedBy.get(lname) ?? []).some((r) => r.child.name.toLowerCase() !== lname);
      const del = referenced || t.foreignKeys.length ? compileDelete(cx, conn, { kind: 'Delete', with: null, table: { schema: null, name: t.name, alias: null, indexedBy: null }, where: null, returning: null, orderBy: null, limit: null, offset: null, start: 0, end: 0 }) : null;
      return () => {
        const tx = conn.ensureWriteTxn();
        if (del && conn.pragmas.foreignKeys) {
          const saved = conn.changes;
          del.run();
          conn.changes = saved;
        }
        const removed = deleteSchemaRows(tx, (r) => r.tblName.toLowerCase() === lname && (r.type === 'table' || r.type === 'index' || r.type === 'trigger'));
        for (const r of removed) if (r.rootpage > 0) tx.dropTree(r.rootpage);
        if (t.autoincrement) {
          const seq = cx.schema.table('sqlite_sequence');
          if (seq) {
            const st = tx.openTable(seq.root);
            const c = st.cursor();
            const kill: (number | bigint)[] = [];
            for (let ok = c.first(); ok; ok = c.next()) if (c.record()[0] === t.name) kill.push(c.rowid());
            for (const k of kill) st.delete(k);
          }
        }
        bumpSchemaCookie(tx);
        conn.schemaChanged();
      };
    }
    case 'INDEX': {
      const idx = cx.schema.indexes.get(lname);
      if (!idx || (idx.origin === 'pk' && cx.schema.table(idx.table)?.withoutRowid)) {
        if (stmt.ifExists) return () => {};
        throw sqliteError(`no such index: ${stmt.name}`);
      }
      if (idx.origin !== 'c') throw sqliteError('index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped');
      return () => {
        const tx = conn.ensureWriteTxn();
        deleteSchemaRows(tx, (r) => r.type === 'index' && r.name.toLowerCase() === lname);
        tx.dropTree(idx.root);
        bumpSchemaCookie(tx);
        conn.schemaChanged();
      };
    }
    case 'VIEW': {
      const v = cx.schema.views.get(lname);
      if (!v) {
        if (stmt.ifExists) return () => {};
        if (cx.schema.tables.has(lname)) throw sqliteError(`use DROP TABLE to delete table ${stmt.name}`);
        throw sqliteError(`no such view: ${stmt.name}`);
      }
      return () => {
        const tx = conn.ensureWriteTxn();
        deleteSchemaRows(tx, (r) => (r.type === 'view' && r.name.toLowerCase() === lname) || (r.type === 'trigger' && r.tblName.toLowerCase() === lname));
        bumpSchemaCookie(tx);
        conn.schemaChanged();
      };
    }
    case 'TRIGGER': {
      const tr = cx.schema.triggers.get(lname);
      if (!tr) {
        if (stmt.ifExists) return () => {};
        throw sqliteError(`no such trigger: ${stmt.name}`);
      }
      return () => {
        const tx = conn.ensureWriteTxn();
        deleteSchemaRows(tx, (r) => r.type === 'trigger' && r.name.toLowerCase() === lname);
        bumpSchemaCookie(tx);
        conn.schemaChanged();
      };
    }
  }
}
