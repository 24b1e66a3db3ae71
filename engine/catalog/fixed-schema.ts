/**
 * SQLite's "fixing" of stored SQL (attach.c, sqlite3FixSrcList): the table references in the
 * body of a view or trigger of the main database resolve in the main database only, so a TEMP
 * table of the same name never shadows them. (A TEMP view or trigger resolves names as usual:
 * temp first, then main.)
 *
 * The schema builder marks those references once, when it parses the stored SQL; the compiler
 * asks `fixedDb(ref)` for an unqualified reference that named no CTE.
 */
import type { DbName } from './schema.js';

const fixedToMain = new WeakSet<object>();

/** Marks every unqualified table reference (`TableRef`) reachable from `node` as fixed to main. */
export function fixToMain(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) fixToMain(x);
    return;
  }
  const n = node as { readonly kind?: unknown; readonly schema?: unknown };
  if (n.kind === 'TableRef' && n.schema === null) fixedToMain.add(node);
  for (const k in node) {
    const v = (node as Record<string, unknown>)[k];
    if (v && typeof v === 'object') fixToMain(v);
  }
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
  if (!node || typeof node !== 'object') return null;
  if (Array.isArray(node)) {
    for (const x of node) {
      const r = otherDbReference(x);
      if (r !== null) return r;
    }
    return null;
  }
  const n = node as { readonly kind?: unknown; readonly schema?: unknown };
  if (n.kind === 'TableRef' && typeof n.schema === 'string' && n.schema.toLowerCase() !== 'main') return n.schema;
  for (const k in node) {
    const v = (node as Record<string, unknown>)[k];
    if (v && typeof v === 'object') {
      const r = otherDbReference(v);
      if (r !== null) return r;
    }
  }
  return null;
}
