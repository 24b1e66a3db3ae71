/**
 * VACUUM and VACUUM INTO. VACUUM rebuilds the main database compactly (storage/vacuum.ts): it
 * needs what SQLite's exclusive lock gives, so it fails with SQLITE_BUSY while another
 * connection of the engine holds a snapshot, an iterator or a write transaction. Rowids of
 * every table are kept; root pages are renumbered (the schema cookie advances, so prepared
 * statements re-prepare). VACUUM INTO writes a plain SQLite image of the committed database
 * (write version 1, so stock SQLite may write it) to a new file.
 */
import * as fs from 'node:fs';
import { sqliteError } from '../../../common/errors.js';
import { vacuumStorage, type VacuumTree } from '../../../storage/vacuum.js';
import type { VacuumStmt } from '../../ast.js';
import type { Connection } from '../../connection.js';
import { keyInfoFor } from '../access-path.js';
import type { CompileCtx } from '../context.js';
import { compileExpr } from '../expr.js';
import { Scope } from '../scope.js';

export function compileVacuum(cx: CompileCtx, conn: Connection, stmt: VacuumStmt): () => void {
  if (stmt.schema && stmt.schema.toLowerCase() !== 'main') throw sqliteError(`unknown database ${stmt.schema}`);
  const into = stmt.into ? compileExpr(cx, stmt.into, new Scope([], null, { correlated: false, depth: 0 })).ev : null;
  return () => {
    if (conn.inTransaction) throw sqliteError('cannot VACUUM from within a transaction');
    if (!into) return vacuumMain(cx, conn);
    const target = into();
    if (typeof target !== 'string') throw sqliteError('non-text filename');
    if (fs.existsSync(target) && fs.statSync(target).size > 0) throw sqliteError('output file already exists');
    const image = conn.engine.storage.serialize();
    fs.writeFileSync(target, image);
  };
}

function vacuumMain(cx: CompileCtx, conn: Connection): void {
  if (conn.readHoldCount > 0) throw sqliteError('cannot VACUUM - SQL statements in progress');
  const e = conn.engine;
  if (e.storage.readonly) throw sqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
  if (e.storage.writeTxnOpen || e.rawReaders > 0 || e.versions.openSnapshots > 0) throw sqliteError('database is locked', 'SQLITE_BUSY');
  const schema = e.schemaOf(e.storage.read()); // the main database only (no TEMP tables)
  const trees: VacuumTree[] = [];
  for (const t of schema.tables.values()) {
    if (t.withoutRowid) {
      const pk = [...schema.indexes.values()].find((i) => i.table === t.name && i.origin === 'pk' && i.root === t.root);
      trees.push({ root: t.root, kind: 'index', keyInfo: pk ? keyInfoFor(cx, t, pk) : undefined });
    } else trees.push({ root: t.root, kind: 'table' });
    for (const idx of schema.indexesOf(t.name)) trees.push({ root: idx.root, kind: 'index', keyInfo: keyInfoFor(cx, t, idx) });
  }
  vacuumStorage(e.storage, trees);
}
