/**
 * Routed root numbers. Compiled plans name trees by root page; time travel gives a table read
 * AS OF a point (and its usable indexes) *routed* roots, which the connection's view sends to a
 * snapshot instead of the current tree, so the planner and executors need no other change:
 *
 *   routed root = ASOF_ROOT_BIAS + ref * ROOT_SPAN + real root      (ref < 2^20; all < 2^53)
 *   HIDDEN_SCHEMA_ROOT (= ASOF_ROOT_BIAS - 1): sqlite_schema without the _helios_* rows
 *
 * Real page numbers are < 2^32 and TEMP roots (catalog/temp-root.ts) < 2^33, far below.
 */
import type { SqlValue } from '../../common/value.js';
import type { HeaderFields, IndexTree, KeyInfo, PageView, Rowid, TableCursor, TableTree } from '../../storage/api.js';
import { SqliteError } from '../../common/errors.js';
import { isInternalName } from '../../mvcc/layout.js';

export const ASOF_ROOT_BIAS = 2 ** 40;
export const ROOT_SPAN = 2 ** 32;
export const MAX_REFS = 2 ** 20;
export const HIDDEN_SCHEMA_ROOT = ASOF_ROOT_BIAS - 1;

export function routedRoot(ref: number, root: number): number {
  return ASOF_ROOT_BIAS + ref * ROOT_SPAN + root;
}

/** What a routed root leads to: one AS OF table reference's snapshot. */
export interface RouteTarget {
  openTable(base: PageView, root: number): TableTree;
  openIndex(base: PageView, root: number, keyInfo: KeyInfo): IndexTree;
}

/** A view that sends routed roots to their targets and everything else to `base`. */
export class RoutingView implements PageView {
  constructor(
    readonly base: PageView,
    private readonly target: (ref: number) => RouteTarget,
  ) {}

  get header(): Readonly<HeaderFields> {
    return this.base.header;
  }

  openTable(root: number): TableTree {
    if (root < HIDDEN_SCHEMA_ROOT) return this.base.openTable(root);
    if (root === HIDDEN_SCHEMA_ROOT) return new HiddenSchemaTree(this.base.openTable(1));
    const r = root - ASOF_ROOT_BIAS;
    const ref = Math.floor(r / ROOT_SPAN);
    return this.target(ref).openTable(this.base, r - ref * ROOT_SPAN);
  }

  openIndex(root: number, keyInfo: KeyInfo): IndexTree {
    if (root < HIDDEN_SCHEMA_ROOT) return this.base.openIndex(root, keyInfo);
    const r = root - ASOF_ROOT_BIAS;
    const ref = Math.floor(r / ROOT_SPAN);
    return this.target(ref).openIndex(this.base, r - ref * ROOT_SPAN, keyInfo);
  }
}

function readOnly(): never {
  throw new SqliteError('table sqlite_master may not be modified', 'SQLITE_ERROR');
}

function hidden(rec: readonly SqlValue[]): boolean {
  const name = rec[1];
  return typeof name === 'string' && isInternalName(name);
}

/** sqlite_schema as applications see it: without the rows of heliosdb's internal tables. */
class HiddenSchemaTree implements TableTree {
  constructor(private readonly base: TableTree) {}
  get root(): number {
    return this.base.root;
  }
  cursor(): TableCursor {
    return new HiddenSchemaCursor(this.base.cursor());
  }
  get(rowid: Rowid): readonly SqlValue[] | undefined {
    const r = this.base.get(rowid);
    return r === undefined || hidden(r) ? undefined : r;
  }
  maxRowid(): Rowid {
    const c = this.cursor();
    return c.last() ? c.rowid() : 0;
  }
  count(): number {
    let n = 0;
    const c = this.cursor();
    for (let ok = c.first(); ok; ok = c.next()) n++;
    return n;
  }
  insert(): void {
    readOnly();
  }
  delete(): boolean {
    readOnly();
  }
  clear(): void {
    readOnly();
  }
}

class HiddenSchemaCursor implements TableCursor {
  constructor(private readonly c: TableCursor) {}
  get valid(): boolean {
    return this.c.valid;
  }
  private skip(ok: boolean, forward: boolean): boolean {
    const c = this.c;
    while (ok && hidden(c.record())) ok = forward ? c.next() : c.prev();
    return ok;
  }
  first(): boolean {
    return this.skip(this.c.first(), true);
  }
  last(): boolean {
    return this.skip(this.c.last(), false);
  }
  next(): boolean {
    return this.skip(this.c.next(), true);
  }
  prev(): boolean {
    return this.skip(this.c.prev(), false);
  }
  seek(rowid: Rowid): boolean {
    const exact = this.c.seek(rowid);
    if (!this.c.valid) return false;
    if (!hidden(this.c.record())) return exact;
    this.skip(true, true);
    return false;
  }
  rowid(): Rowid {
    return this.c.rowid();
  }
  record(): readonly SqlValue[] {
    return this.c.record();
  }
}
