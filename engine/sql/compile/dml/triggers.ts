/**
 * Row triggers (lang_createtrigger.html): BEFORE / AFTER / INSTEAD OF, on INSERT, DELETE and
 * UPDATE [OF columns], FOR EACH ROW, with an optional WHEN clause. Trigger programs see the
 * row through the NEW and OLD pseudo-tables. RAISE(IGNORE) abandons the current row;
 * RAISE(ABORT|FAIL|ROLLBACK, msg) fails with SQLITE_CONSTRAINT_TRIGGER. Without
 * recursive_triggers a trigger does not fire again while it is running.
 */
import { sqliteError, SqliteError } from '../../../common/errors.js';
import type { SqlValue } from '../../../common/value.js';
import type { TableSchema, TriggerSchema } from '../../../catalog/types.js';
import type { Rowid } from '../../../storage/api.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { compileExpr, RaiseSignal } from '../expr.js';
import { toBool } from '../../exec/truth.js';
import type { Ev } from '../../exec/runtime.js';
import { Scope } from '../scope.js';
import { pseudoTable } from './common.js';
import type { RunPlan } from '../statement.js';
import { SKIP } from './writer.js';
import { compileInsert } from './insert.js';
import { compileUpdate } from './update.js';
import { compileDelete } from './delete.js';
import { compileSelectStmt } from '../select.js';

type Timing = 'BEFORE' | 'AFTER' | 'INSTEAD OF';
type Event = 'INSERT' | 'UPDATE' | 'DELETE';

interface CompiledTrigger {
  readonly schema: TriggerSchema;
  readonly when: Ev | null;
  readonly program: RunPlan[];
  readonly updateOf: ReadonlySet<number> | null;
}

const active = new WeakSet<TriggerSchema>();

export class Triggers {
  private compiled: CompiledTrigger[] | null = null;
  private newSlot = -1;
  private oldSlot = -1;
  private readonly list: readonly TriggerSchema[];

  constructor(
    private readonly cx: CompileCtx,
    private readonly conn: Connection,
    /** The table (or, for INSTEAD OF triggers, the view described as a table) the triggers are on. */
    private readonly table: TableSchema,
  ) {
    this.list = cx.schema.triggersOf(table.name);
  }

  /** Bit (timing, event) set when a trigger of that kind exists (-1: not computed yet). */
  private kinds = -1;

  has(timing: Timing, event: Event): boolean {
    if (this.list.length === 0) return false;
    if (this.kinds < 0) {
      this.kinds = 0;
      for (const t of this.list) this.kinds |= kindBit(t.stmt.timing, t.stmt.event);
    }
    return (this.kinds & kindBit(timing, event)) !== 0;
  }

  private compile(): CompiledTrigger[] {
    if (this.compiled) return this.compiled;
    const cx = this.cx;
    const t = this.table;
    const newSrc = pseudoTable(cx, t, 'new', true);
    const oldSrc = pseudoTable(cx, t, 'old', true);
    this.newSlot = newSrc.slot;
    this.oldSlot = oldSrc.slot;
    const scope = new Scope([newSrc, oldSrc], null, { correlated: false, depth: 0 });
    const savedTrigger = cx.trigger;
    cx.trigger = { raiseAllowed: true };
    try {
      this.compiled = this.list.map((schema) => {
        const s = schema.stmt;
        const when = s.when ? compileExpr(cx, s.when, scope).ev : null;
        // A main-database trigger writes main's tables (codeTriggerProgram qualifies each step's
        // target with the trigger's database); a TEMP trigger's targets resolve as usual.
        const db = schema.temp ? null : 'main';
        const program = s.body.map((b): RunPlan => {
          switch (b.kind) {
            case 'Insert':
              return compileInsert(cx, this.conn, db ? { ...b, schema: db } : b, scope);
            case 'Update':
              return compileUpdate(cx, this.conn, db ? { ...b, table: { ...b.table, schema: db } } : b, scope);
            case 'Delete':
              return compileDelete(cx, this.conn, db ? { ...b, table: { ...b.table, schema: db } } : b, scope);
            case 'Select': {
              const plan = compileSelectStmt(cx, b, scope);
              return {
                columns: [],
                write: false,
                run: () => {
                  plan.source.open();
                  try {
                    while (plan.source.next() !== null);
                  } finally {
                    plan.source.close();
                  }
                  return [];
                },
              };
            }
          }
        });
        const updateOf = s.updateOf ? new Set(s.updateOf.map((n) => t.columnIndex.get(n.toLowerCase()) ?? -1)) : null;
        return { schema, when, program, updateOf };
      });
    } finally {
      cx.trigger = savedTrigger;
    }
    return this.compiled;
  }

  fire(timing: Timing, event: Event, oldVals: SqlValue[] | null, newVals: SqlValue[] | null, rowid: Rowid | null, changed?: ReadonlySet<number>): void {
    const list = this.compile();
    const rt = this.cx.rt;
    for (const trig of list) {
      const s = trig.schema.stmt;
      if (s.timing !== timing || s.event !== event) continue;
      if (trig.updateOf && changed && !overlaps(trig.updateOf, changed)) continue;
      if (active.has(trig.schema) && !this.conn.pragmas.recursiveTriggers) continue;
      if (newVals) {
        rt.rows[this.newSlot] = newVals;
        rt.rowids[this.newSlot] = rowid;
      }
      if (oldVals) {
        rt.rows[this.oldSlot] = oldVals;
        rt.rowids[this.oldSlot] = rowid;
      }
      const savedNew = [rt.rows[this.newSlot], rt.rowids[this.newSlot]] as const;
      const savedOld = [rt.rows[this.oldSlot], rt.rowids[this.oldSlot]] as const;
      if (trig.when && !toBool(trig.when())) continue;
      active.add(trig.schema);
      const savedChanges = this.conn.changes;
      // last_insert_rowid() reverts when the trigger program ends
      const savedRowid = this.conn.lastInsertRowid;
      try {
        for (const step of trig.program) {
          step.run();
          // nested statements may reuse the pseudo-table slots (recursive firing)
          rt.rows[this.newSlot] = savedNew[0];
          rt.rowids[this.newSlot] = savedNew[1];
          rt.rows[this.oldSlot] = savedOld[0];
          rt.rowids[this.oldSlot] = savedOld[1];
        }
      } catch (e) {
        if (e instanceof RaiseSignal) {
          if (e.action === 'IGNORE') throw SKIP;
          const err = new SqliteError(e.message, 'SQLITE_CONSTRAINT_TRIGGER');
          if (e.action === 'ROLLBACK') (err as SqliteError & { rollback?: boolean }).rollback = true;
          if (e.action === 'FAIL') (err as SqliteError & { fail?: boolean }).fail = true;
          throw err;
        }
        throw e;
      } finally {
        active.delete(trig.schema);
        this.conn.changes = savedChanges;
        this.conn.lastInsertRowid = savedRowid;
      }
    }
  }
}

function overlaps(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

function kindBit(timing: Timing, event: Event): number {
  return 1 << ((timing === 'BEFORE' ? 0 : timing === 'AFTER' ? 3 : 6) + (event === 'INSERT' ? 0 : event === 'UPDATE' ? 1 : 2));
}

export function noSuchTrigger(name: string): Error {
  return sqliteError(`no such trigger: ${name}`);
}
