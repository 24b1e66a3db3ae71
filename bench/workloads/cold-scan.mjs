import { openFile, rowsChecksum, rowsFixture } from './_storage.mjs';

/**
 * Full scan of a 1M-row file (about 60 MB) through a new connection whose page cache is 2 MB
 * (`PRAGMA cache_size = -2000` on both sides). Timed: open, pragma, the scan. "Cold" means the
 * engine's cache starts empty; the operating system's file cache stays warm.
 */
export default {
  name: 'cold-scan',
  title: 'Cold full scan of a 1M-row file, cache_size=-2000 (new connection)',
  suite: 'storage',
  heavy: true,
  open: false,
  modes: ['file'],
  unit: 'ms',
  bar: 2,
  setup(db, ctx) {
    ctx.file = rowsFixture(ctx);
  },
  run(db, ctx) {
    const conn = openFile(ctx.Ctor, ctx.file, { cacheSize: -2000 });
    try {
      return rowsChecksum(conn);
    } finally {
      conn.close();
    }
  },
};
