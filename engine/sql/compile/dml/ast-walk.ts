/** A generic walk over AST nodes, for the checks the DML compilers make on expressions. */

/** Whether `pred` holds for a node of an AST (any object reachable from `node`, `node` included). */
export function astSome(node: unknown, pred: (n: AstNode) => boolean): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) {
    for (const x of node) if (astSome(x, pred)) return true;
    return false;
  }
  if (pred(node as AstNode)) return true;
  for (const k in node) {
    const v = (node as Record<string, unknown>)[k];
    if (v && typeof v === 'object' && astSome(v, pred)) return true;
  }
  return false;
}

/** The fields the AST walkers look at. */
export interface AstNode {
  readonly kind?: string;
  readonly name?: string;
  readonly op?: string;
}
