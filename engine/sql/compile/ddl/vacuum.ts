/**
 * VACUUM and VACUUM INTO. Plain VACUUM is accepted and does nothing yet (pages are not
 * compacted; documented in docs/compat.md). VACUUM INTO writes a plain SQLite image of the
 * committed database (write version 1, so stock SQLite may write it) to a new file.
 */
import * as fs from 'node:fs';
import { sqliteError } from '../../../common/errors.js';
import type { VacuumStmt } from '../../ast.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { compileExpr } from '../expr.js';
import { Scope } from '../scope.js';

export function compileVacuum(cx: CompileCtx, conn: Connection, stmt: VacuumStmt): () => void {
  if (stmt.schema && stmt.schema.toLowerCase() !== 'main') throw sqliteError(`unknown database ${stmt.schema}`);
  const into = stmt.into ? compileExpr(cx, stmt.into, new Scope([], null, { correlated: false, depth: 0 })).ev : null;
  return () => {
    if (conn.inTransaction) throw sqliteError('cannot VACUUM from within a transaction');
    if (!into) return;
    const target = into();
    if (typeof target !== 'string') throw sqliteError('non-text filename');
    if (fs.existsSync(target) && fs.statSync(target).size > 0) throw sqliteError('output file already exists');
    const image = conn.engine.storage.serialize();
    fs.writeFileSync(target, image);
  };
}
