import { describe, expect, test } from 'vitest';
import { jsonAggregates, jsonTableFunctions } from '../../../engine/sql/functions/json/index.js';
import { SqliteError } from '../../../engine/common/errors.js';
import { ctx, db, mutate, norm, randomJsonText, rng, toSql } from './oracle.js';

function ourRows(name: string, args: unknown[]): unknown {
  const f = jsonTableFunctions.find((t) => t.name === name);
  if (!f) throw new Error(name);
  try {
    const out: unknown[][] = [];
    for (const row of f.rows(args.map(toSql), ctx)) out.push(row.slice(0, 8).map((v) => norm(v)));
    return out;
  } catch (e) {
    if (e instanceof SqliteError) return { err: e.message };
    throw e;
  }
}

function sqliteRows(name: string, args: unknown[]): unknown {
  try {
    const sql = `select * from ${name}(${args.map(() => '?').join(',')})`;
    return (db.prepare(sql).raw(true).all(...args) as unknown[][]).map((r) =>
      r.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') + ':blob' : v)),
    );
  } catch (e) {
    return { err: (e as Error).message };
  }
}

describe('json_each / json_tree against SQLite', () => {
  test('rows for random documents, with and without root paths', () => {
    const r = rng(50);
    let compared = 0;
    const failures: string[] = [];
    for (let i = 0; i < 500; i++) {
      let d = randomJsonText(r, 0, i % 2 === 1);
      if (i % 10 === 9) d = mutate(r, d);
      const roots: unknown[][] = [[d], [d, '$'], [d, ['$.a', '$[0]', '$.b.c', '$[#-1]', '$.', 'x', '$[1][0]', '$.key', '$."x y"'][i % 9]]];
      let jb: unknown[] | undefined;
      try {
        jb = db.prepare('select jsonb(?) as v').raw(true).get(d) as unknown[] | undefined;
      } catch {
        jb = undefined;
      }
      for (const name of ['json_each', 'json_tree', 'jsonb_each', 'jsonb_tree']) {
        for (const args of roots) {
          const want = sqliteRows(name, args);
          const got = ourRows(name, args);
          compared++;
          try {
            expect(got).toEqual(want);
          } catch {
            if (failures.length < 5) failures.push(`${name}(${JSON.stringify(args)}): want ${JSON.stringify(want, big)} got ${JSON.stringify(got, big)}`);
          }
        }
        if (jb && jb[0] instanceof Uint8Array) {
          const args = [Buffer.from(jb[0])];
          expect(ourRows(name, args)).toEqual(sqliteRows(name, args));
        }
      }
    }
    expect(failures).toEqual([]);
    expect(compared).toBe(6000);
  });
});
const big = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? `${v}n` : v);

describe('json_group_array / json_group_object against SQLite', () => {
  test('aggregate and sliding-window results', () => {
    const r = rng(60);
    const vals: unknown[] = [null, 1n, -2n, 0.5, 1e300, 'x', 'q"\\', '', '[1,2]', '{"a":1}'];
    for (let t = 0; t < 60; t++) {
      const n = Math.floor(r() * 8);
      const rows: [unknown, unknown][] = [];
      for (let i = 0; i < n; i++) {
        rows.push([r() < 0.15 ? null : ['a', 'b', 'c"', ''][Math.floor(r() * 4)], vals[Math.floor(r() * vals.length)]]);
      }
      db.exec('drop table if exists t; create table t(i integer primary key, k, v)');
      const ins = db.prepare('insert into t(k, v) values (?, ?)');
      for (const [k, v] of rows) ins.run(k, v);
      for (const agg of jsonAggregates) {
        const isObj = agg.nArgs === 2;
        const argSql = isObj ? 'k, v' : 'v';
        const want = (db.prepare(`select ${agg.name}(${argSql}) from t`).raw(true).get() as unknown[])[0];
        const acc = agg.create();
        for (const [k, v] of rows) acc.step(isObj ? [toSql(k), toSql(v)] : [toSql(v)]);
        expect(norm(acc.final())).toEqual(want instanceof Uint8Array ? Buffer.from(want).toString('hex') + ':blob' : want);
        // window: 2 preceding rows and the current one
        const wantWin = (db.prepare(`select ${agg.name}(${argSql}) over (order by i rows between 2 preceding and current row) from t order by i`).raw(true).all() as unknown[][]).map((x) => x[0]);
        const w = agg.create();
        const got: unknown[] = [];
        for (let i = 0; i < rows.length; i++) {
          const [k, v] = rows[i];
          w.step(isObj ? [toSql(k), toSql(v)] : [toSql(v)]);
          if (i >= 3) {
            const [k0, v0] = rows[i - 3];
            (w.inverse as (a: unknown[]) => void)(isObj ? [toSql(k0), toSql(v0)] : [toSql(v0)]);
          }
          got.push(norm(w.value()));
        }
        expect(got, JSON.stringify([agg.name, rows], big)).toEqual(wantWin.map((x) => (x instanceof Uint8Array ? Buffer.from(x).toString('hex') + ':blob' : x)));
      }
    }
  });
});
