/**
 * `db.pragma(source, { simple })`: runs `PRAGMA <source>` as a statement that always "returns
 * data" (so assignment pragmas give `[]`), and with `simple` the first column of the first row.
 */
import type { Statement } from './statement.js';

export function runPragma(prepare: (sql: string) => Statement, source: unknown, options: unknown): unknown {
  if (options == null) options = {};
  if (typeof source !== 'string') throw new TypeError('Expected first argument to be a string');
  if (typeof options !== 'object') throw new TypeError('Expected second argument to be an options object');
  let simple: unknown = false;
  if ('simple' in (options as object) && typeof (simple = (options as { simple: unknown }).simple) !== 'boolean') {
    throw new TypeError('Expected the "simple" option to be a boolean');
  }
  const stmt = prepare(`PRAGMA ${source}`);
  return simple ? stmt.pluck().get() : stmt.all();
}
