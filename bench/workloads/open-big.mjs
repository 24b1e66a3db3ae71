import { bigFixture, BIG_PAYLOAD } from './_storage.mjs';

/**
 * Open of a 1 GiB file after a clean close: `new Database(file)` plus one point lookup (the first
 * statement, so the schema is read). Close is not timed. The bar is absolute: under 100 ms, ours.
 */
export default {
  name: 'open-1gb',
  title: 'Open a 1 GiB file after a clean close + first point lookup',
  suite: 'storage',
  heavy: true,
  open: false,
  modes: ['file'],
  unit: 'ms',
  bar: 100,
  barKind: 'absolute',
  setup(db, ctx) {
    Object.assign(ctx, bigFixture(ctx));
  },
  run(db, ctx) {
    const id = Math.max(1, ctx.rows >> 1);
    const t0 = process.hrtime.bigint();
    const conn = new ctx.Ctor(ctx.file);
    try {
      const r = conn.prepare('SELECT n, length(payload) AS len FROM big WHERE id = ?').get(id);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!r || r.len !== BIG_PAYLOAD) throw new Error(`row ${id} missing or wrong (${JSON.stringify(r)})`);
      return { value: ms, checksum: `${ctx.checksum}/${r.n}` };
    } finally {
      conn.close();
    }
  },
};
