import { loadRows, openFile, removeDatabase, ROWS_TABLE_SQL, rowsChecksum, sideFile, storageRows } from './_storage.mjs';

/** 1M-row INSERT in one transaction into a new WAL file (open + load + COMMIT timed; close not). */
export default {
  name: 'bulk-load',
  title: 'Bulk load of 1M rows into a new file, one transaction',
  suite: 'storage',
  heavy: true,
  open: false,
  modes: ['file'],
  unit: 'ms',
  bar: 2,
  setup(db, ctx) {
    ctx.file = sideFile(ctx, 'bulk-load');
    ctx.rows = storageRows(ctx);
  },
  before(db, ctx) {
    removeDatabase(ctx.file);
  },
  run(db, ctx) {
    const t0 = process.hrtime.bigint();
    const conn = openFile(ctx.Ctor, ctx.file);
    try {
      conn.exec(ROWS_TABLE_SQL);
      loadRows(conn, ctx.rows);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      return { value: ms, checksum: rowsChecksum(conn) };
    } finally {
      conn.close();
    }
  },
  teardown(db, ctx) {
    removeDatabase(ctx.file);
  },
};
