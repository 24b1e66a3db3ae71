import { contentBytes, openFile, rowsChecksum, rowsFixture } from './_storage.mjs';

/**
 * On-disk size of the same data (1M rows of t plus an index on a), each written by its own
 * engine and closed cleanly: main file plus any write-ahead log left behind (ours `-hlog`,
 * SQLite's `-wal`). Measured after the close; a reopen then checks the content.
 */
export default {
  name: 'file-size',
  title: 'File size of 1M rows + 1 index after close',
  suite: 'storage',
  heavy: true,
  open: false,
  modes: ['file'],
  unit: 'MiB',
  bar: 1.2,
  setup(db, ctx) {
    ctx.file = rowsFixture(ctx);
    ctx.bytes = contentBytes(ctx.file);
    const conn = openFile(ctx.Ctor, ctx.file);
    try {
      ctx.checksum = rowsChecksum(conn);
    } finally {
      conn.close();
    }
  },
  run(db, ctx) {
    return { value: ctx.bytes / 2 ** 20, checksum: ctx.checksum };
  },
};
