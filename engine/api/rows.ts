/**
 * Turning engine rows (SqlValue[]) into what better-sqlite3 returns, in its four modes:
 * flat objects keyed by column name (duplicate names: the last value wins, at the first key's
 * position), pluck (first column), raw (arrays) and expand (`{ [table|'$']: { [column]: value } }`).
 *
 * Flat rows are the hot path: for each distinct list of column names a builder is compiled
 * once (`new Function` with the names as literal keys), so every row of a result has the same
 * hidden class and is created by one object literal.
 */
import type { ColumnDescriptor, CompiledStatement } from '../sql/session-api.js';
import type { SqlValue } from '../common/value.js';
import type { ToJs } from './binding.js';

export type RowMode = 0 | 1 | 2 | 3;
export const FLAT: RowMode = 0;
export const PLUCK: RowMode = 1;
export const EXPAND: RowMode = 2;
export const RAW: RowMode = 3;

export type RowBuilder = (row: readonly SqlValue[], toJs: ToJs) => unknown;

const flatBuilders = new Map<string, RowBuilder>();

function compileFlat(names: readonly string[]): RowBuilder {
  const key = names.join('\u0000');
  let fn = flatBuilders.get(key);
  if (fn === undefined) {
    const fields = names.map((n, i) => `${JSON.stringify(n)}: c(r[${i}])`).join(', ');
    fn = new Function('r', 'c', `return { ${fields} };`) as RowBuilder;
    if (flatBuilders.size > 10_000) flatBuilders.clear();
    flatBuilders.set(key, fn);
  }
  return fn;
}

function rawRow(row: readonly SqlValue[], toJs: ToJs): unknown[] {
  const n = row.length;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = toJs(row[i]);
  return out;
}

function pluckRow(row: readonly SqlValue[], toJs: ToJs): unknown {
  return toJs(row[0]);
}

function expandBuilder(columns: readonly ColumnDescriptor[]): RowBuilder {
  const tables = columns.map((c) => c.table ?? '$');
  const names = columns.map((c) => c.name);
  return (row, toJs) => {
    const out: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < names.length; i++) {
      const t = tables[i];
      let nested = Object.prototype.hasOwnProperty.call(out, t) ? out[t] : undefined;
      if (nested === undefined) {
        nested = {};
        out[t] = nested;
      }
      nested[names[i]] = toJs(row[i]);
    }
    return out;
  };
}

/** A statement's row builder cache: rebuilt only when the column names change. */
export class RowShape {
  private names: readonly string[] = [];
  private flat: RowBuilder | null = null;
  private expand: RowBuilder | null = null;
  private expandFor: readonly ColumnDescriptor[] | null = null;

  builder(mode: RowMode, compiled: CompiledStatement): RowBuilder {
    switch (mode) {
      case PLUCK:
        return pluckRow;
      case RAW:
        return rawRow;
      case EXPAND: {
        const cols = compiled.columns();
        if (this.expand === null || this.expandFor !== cols) {
          this.expand = expandBuilder(cols);
          this.expandFor = cols;
        }
        return this.expand;
      }
      default: {
        const cols = compiled.columns();
        if (this.flat === null || !sameNames(this.names, cols)) {
          this.names = cols.map((c) => c.name);
          this.flat = compileFlat(this.names);
        }
        return this.flat;
      }
    }
  }
}

function sameNames(names: readonly string[], cols: readonly ColumnDescriptor[]): boolean {
  if (names.length !== cols.length) return false;
  for (let i = 0; i < names.length; i++) if (names[i] !== cols[i].name) return false;
  return true;
}
