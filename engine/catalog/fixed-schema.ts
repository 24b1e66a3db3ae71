/**
 * SQLite's "fixing" of stored SQL (attach.c, sqlite3FixSrcList): the table references in the
 * body of a view or trigger of the main database resolve in the main database only, so a TEMP
 * table of the same name never shadows them. (A TEMP view or trigger resolves names as usual:
 * temp first, then main.)
 *
 * The schema builder marks those references once, when it parses the stored SQL; the compiler
 * asks `fixedDb(ref)` for an unqualified reference that named no CTE.
 */
import { astSome, type AstNode } from '../sql/compile/dml/ast-walk.js';
import type { DbName } from './schema.js';

const fixedToMain = new WeakSet<object>();

/** A table reference in the AST (`TableRef`), with its schema qualifier. */
function tableRef(n: AstNode): { readonly schema: string | null } | null {
  return n.kind === 'TableRef' ? (n as unknown as { readonly schema: string | null }) : null;
}

/** Marks every unqualified table reference (`TableRef`) reachable from `node` as fixed to main. */
export function fixToMain(node: unknown): void {
  astSome(node, (n) => {
    if (tableRef(n)?.schema === null) fixedToMain.add(n);
    return false;
  });
}

/** The database an unqualified table reference is fixed to, or null when it resolves as usual. */
export function fixedDb(ref: object): DbName | null {
  return fixedToMain.has(ref) ? 'main' : null;
}

/**
 * The first database other than main that a table reference reachable from `node` names, as
 * written (`temp.x` in a main view or trigger is SQLite's "view v cannot reference objects in
 * database temp"), or null.
 */
export function otherDbReference(node: unknown): string | null {
  let found: string | null = null;
  astSome(node, (n) => {
    const schema = tableRef(n)?.schema;
    if (typeof schema === 'string' && schema.toLowerCase() !== 'main') found = schema;
    return found !== null;
  });
  return found;
}
