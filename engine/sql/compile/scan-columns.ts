/**
 * Table scans that decode only the columns the query reads (TableScanOp.setColumns): the
 * query's column usage (column-usage.ts) names them, and a read of any other column compiled
 * later switches the scan back to whole records, as covering index scans do.
 */
import type { TableSchema } from '../../catalog/types.js';
import type { TableScanOp } from '../exec/scan.js';
import { neededColumns, onUncoveredRead } from './column-usage.js';
import type { ScopeSource } from './scope.js';

/** Makes `op` (a scan of `table` for `src`) decode only the needed columns when that saves any; returns it. */
export function scanNeededColumns(op: TableScanOp, src: ScopeSource, table: TableSchema): TableScanOp {
  const needed = neededColumns(src);
  if (needed === null) return op;
  const wanted = new Uint8Array(table.recordLength);
  for (const ci of needed) {
    const ri = table.columns[ci]?.recordIndex ?? -1;
    if (ri >= 0 && ri < wanted.length) wanted[ri] = 1;
  }
  if (wanted.every((w) => w === 1)) return op;
  op.setColumns(wanted);
  onUncoveredRead(src, () => op.setColumns(null));
  return op;
}
