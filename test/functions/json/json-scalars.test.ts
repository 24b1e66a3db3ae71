import { describe, expect, test } from 'vitest';
import { jsonScalars } from '../../../engine/sql/functions/json/index.js';
import type { SqlValue } from '../../../engine/common/value.js';
import { ctx, findFn, mutate, oracle, ours, randomJsonText, randomPath, rng, toSql, type Outcome } from './oracle.js';

function call(name: string, args: readonly unknown[], argIsJson?: boolean[]): Outcome {
  const f = findFn(jsonScalars, name, args.length);
  return ours(() => f.impl(args.map(toSql), ctx, argIsJson));
}

function sqlCall(name: string, args: readonly unknown[]): Outcome {
  const fn = name === '->' || name === '->>' ? null : name;
  const sql = fn === null ? `select ?1 ${name} ?2` : `select ${fn}(${args.map((_, i) => '?' + (i + 1)).join(',')})`;
  return oracle(sql, args);
}

/** Compares our function with SQLite over many argument lists; returns the number compared. */
function compare(name: string, argLists: readonly (readonly unknown[])[]): number {
  const failures: string[] = [];
  for (const args of argLists) {
    const want = sqlCall(name, args);
    const got = call(name, args);
    try {
      expect(got).toEqual(want);
    } catch {
      if (failures.length < 10) failures.push(`${name}(${args.map((a) => (a instanceof Uint8Array ? 'x' + Buffer.from(a).toString('hex') : typeof a === 'string' ? JSON.stringify(a) : String(a))).join(', ')}): want ${JSON.stringify(want, bigintJson)} got ${JSON.stringify(got, bigintJson)}`);
    }
  }
  expect(failures).toEqual([]);
  return argLists.length;
}
const bigintJson = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() + 'n' : v);

function docs(seed: number, n: number, json5: boolean): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(randomJsonText(r, 0, json5));
  return out;
}

function jsValue(text: string): unknown {
  const canon = oracle('select json(?1)', [text]);
  if ('err' in canon) return null;
  try {
    return JSON.parse(canon.v as string);
  } catch {
    return null;
  }
}

const STRICT = docs(1, 600, false);
const LOOSE = docs(2, 600, true);
const r0 = rng(3);
const BROKEN = [...STRICT.slice(0, 300), ...LOOSE.slice(0, 300)].map((d) => mutate(r0, d));
const ALL = [...STRICT, ...LOOSE, ...BROKEN];
const SPECIAL: unknown[] = [
  '', ' ', '[]', '{}', '"\\ud83d\\ude00"', '"\\ud83d"', '[1,2,]', '{"a":1,}', '[01]', '[-]', '[1e]', '[.e1]', '{a:1}',
  "{'a':'b'}", '[0x]', '[0x1g]', '"\\x4"', '"\\u12"', '[1]   ', '  [1]', '[1] // c', '[1] /* c', '/**/[1]', '\u00a0[1]\ufeff',
  '[true,false,null]', '[truex]', '[nan]', '[-Infinity]', '[+Inf]', '"a\u0000b"', '[1,2]x', 42n, 3.5, -0.0, 1e300,
  Buffer.from('[1,2]'), Buffer.from([0x13, 0x31]), Buffer.from([0x0b]), Buffer.from([0x2c, 0x17, 0x61, 0x13, 0x31]),
  Buffer.from([0xff, 0x00]), null, '{"a":{"b":{"c":[1,{"d":2}]}}}', '[[[[[[[[[[1]]]]]]]]]]', '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
];

describe('JSON scalar functions against SQLite', () => {
  test('json() and jsonb() over random documents (strict, JSON5, malformed)', () => {
    const inputs = [...ALL, ...SPECIAL].map((d) => [d]);
    compare('json', inputs);
    compare('jsonb', inputs);
    compare('json_valid', inputs);
    compare('json_error_position', inputs);
    compare('json_type', inputs);
    compare('json_array_length', inputs);
  });

  test('json_valid with flags and jsonb inputs', () => {
    const lists: unknown[][] = [];
    for (const d of [...STRICT.slice(0, 200), ...LOOSE.slice(0, 200), ...SPECIAL]) {
      for (const f of [1, 2, 3, 4, 5, 6, 8, 9, 10, 0, 16, -1, '3']) lists.push([d, f]);
      const jb = oracle('select jsonb(?1)', [d]);
      if ('v' in jb && typeof jb.v === 'string' && jb.v.endsWith(':blob')) {
        const bytes = Buffer.from(jb.v.slice(0, -5), 'hex');
        for (const f of [1, 2, 4, 8, 12]) lists.push([bytes, f]);
        lists.push([bytes.subarray(0, bytes.length - 1), 8]);
      }
    }
    compare('json_valid', lists);
  });

  test('jsonb of random documents is byte-identical and round-trips', () => {
    const lists: unknown[][] = [];
    for (const d of [...STRICT, ...LOOSE]) {
      const jb = oracle('select jsonb(?1)', [d]);
      if ('v' in jb && typeof jb.v === 'string' && jb.v.endsWith(':blob')) {
        lists.push([Buffer.from(jb.v.slice(0, -5), 'hex')]);
      }
    }
    expect(lists.length).toBeGreaterThan(900);
    compare('json', lists);
    compare('jsonb', lists);
    compare('json_error_position', lists);
    compare('json_type', lists);
  });

  test('json_extract, jsonb_extract, ->, ->> with random paths', () => {
    const r = rng(10);
    const lists: unknown[][] = [];
    const multi: unknown[][] = [];
    for (const d of [...STRICT, ...LOOSE, ...BROKEN.slice(0, 100)]) {
      const v = jsValue(d);
      for (let k = 0; k < 3; k++) lists.push([d, randomPath(r, v)]);
      multi.push([d, randomPath(r, v), randomPath(r, v), randomPath(r, v)]);
    }
    compare('json_extract', lists);
    compare('jsonb_extract', lists);
    compare('json_extract', multi);
    compare('jsonb_extract', multi);
    compare('json_type', lists);
    compare('json_array_length', lists);
    compare('->', lists);
    compare('->>', lists);
    const abbrev: unknown[][] = [];
    for (const d of STRICT.slice(0, 300)) {
      for (const p of ['a', 'b', 'x y', 'a.b', '[0]', '[#-1]', 0n, 1n, -1n, -2n, 5n, 'é', '$id', '1', 1.5, null]) abbrev.push([d, p]);
    }
    compare('->', abbrev);
    compare('->>', abbrev);
  });

  test('json_set / json_insert / json_replace / json_remove / json_array_insert (+jsonb_)', () => {
    const r = rng(20);
    const values: unknown[] = [null, 1n, -7n, 2.5, 1e300, 'text', 'with "q"', '', 9007199254740993n, Buffer.from([0x13, 0x37])];
    const edits: unknown[][] = [];
    const removes: unknown[][] = [];
    for (const d of [...STRICT, ...LOOSE.slice(0, 300), ...BROKEN.slice(0, 50)]) {
      const v = jsValue(d);
      edits.push([d, randomPath(r, v), values[Math.floor(r() * values.length)]]);
      edits.push([d, randomPath(r, v), values[Math.floor(r() * values.length)], randomPath(r, v) + '.new', values[Math.floor(r() * values.length)]]);
      removes.push([d, randomPath(r, v)]);
      removes.push([d, randomPath(r, v), randomPath(r, v)]);
    }
    edits.push(['[1]', '$[0]'], ['[1]', null, 2n], ['{}', '$.a.b[0].c', 1n], ['[]', '$[#]', 1n], ['[1,2]', '$[#-1]', 3n], ['{"a":1}', '$', 5n]);
    removes.push(['[1]', '$'], ['[1]', null], ['[1,2,3]', '$[#-1]', '$[0]']);
    for (const name of ['json_set', 'json_insert', 'json_replace', 'json_array_insert']) {
      compare(name, edits);
      compare(name.replace('json_', 'jsonb_'), edits);
    }
    compare('json_remove', removes);
    compare('jsonb_remove', removes);
    // jsonb input edited in place: byte-exact output (size headers may stay oversized)
    const jbEdits: unknown[][] = [];
    for (const e of edits.slice(0, 600)) {
      const jb = oracle('select jsonb(?1)', [e[0]]);
      if ('v' in jb && typeof jb.v === 'string' && jb.v.endsWith(':blob')) {
        jbEdits.push([Buffer.from(jb.v.slice(0, -5), 'hex'), ...e.slice(1)]);
      }
    }
    compare('jsonb_set', jbEdits);
    compare('jsonb_replace', jbEdits);
    compare('jsonb_insert', jbEdits);
    compare('jsonb_remove', jbEdits.map((e) => e.slice(0, 2)));
  });

  test('json_patch', () => {
    const r = rng(30);
    const lists: unknown[][] = [];
    const objs = [...STRICT, ...LOOSE].filter((d) => d.trimStart().startsWith('{') || r() < 0.1);
    for (let i = 0; i < 800; i++) {
      lists.push([objs[Math.floor(r() * objs.length)], objs[Math.floor(r() * objs.length)]]);
    }
    lists.push(['{"a":1,"b":{"c":2}}', '{"a":null,"b":{"d":3},"e":{"f":null}}'], ['[1]', '{"a":1}'], ['{"a":1}', '[1]']);
    compare('json_patch', lists);
    compare('jsonb_patch', lists);
  });

  test('json_array, json_object, json_quote, json_pretty', () => {
    const r = rng(40);
    const vals: unknown[] = [null, 0n, 1n, -1n, 9223372036854775807n, 0.5, 1 / 3, 1e16, 1e300, -2.5e-9, 100, 'a', 'é"\\\n\u0001', '', '{}', Buffer.from([0x13, 0x31]), Buffer.from('x')];
    const lists: unknown[][] = [];
    const objLists: unknown[][] = [];
    for (let i = 0; i < 400; i++) {
      const n = Math.floor(r() * 5);
      const a: unknown[] = [];
      for (let k = 0; k < n; k++) a.push(vals[Math.floor(r() * vals.length)]);
      lists.push(a);
      const o: unknown[] = [];
      for (let k = 0; k < n; k++) o.push(r() < 0.9 ? ['a', 'b', 'c', '', 'x"y'][Math.floor(r() * 5)] : 1n, vals[Math.floor(r() * vals.length)]);
      objLists.push(o);
    }
    objLists.push(['a'], [1n, 2n]);
    compare('json_array', lists);
    compare('jsonb_array', lists);
    compare('json_object', objLists);
    compare('jsonb_object', objLists);
    compare('json_quote', vals.map((v) => [v]));
    const pretty: unknown[][] = [];
    for (const d of [...STRICT.slice(0, 200), ...LOOSE.slice(0, 100)]) {
      pretty.push([d]);
      pretty.push([d, ['  ', '\t', '', 'xx', null][Math.floor(r() * 5)]]);
    }
    compare('json_pretty', pretty);
  });

  test('JSON subtype: nesting instead of quoting', () => {
    const json = findFn(jsonScalars, 'json', 1);
    const arr = findFn(jsonScalars, 'json_array', -1);
    const obj = findFn(jsonScalars, 'json_object', -1);
    const set = findFn(jsonScalars, 'json_set', -1);
    for (const d of STRICT.slice(0, 200)) {
      const inner = json.impl([d], ctx);
      const want1 = oracle('select json_array(json(?1), ?1)', [d]);
      expect(ours(() => arr.impl([inner, d], ctx, [true, false]))).toEqual(want1);
      const want2 = oracle("select json_object('k', json(?1))", [d]);
      expect(ours(() => obj.impl(['k', inner], ctx, [false, true]))).toEqual(want2);
      const want3 = oracle("select json_set('{}', '$.k', json(?1))", [d]);
      expect(ours(() => set.impl(['{}', '$.k', inner], ctx, [false, false, true]))).toEqual(want3);
    }
  });

  test('error messages', () => {
    const cases: [string, unknown[]][] = [
      ['json', ['{']],
      ['json_extract', ['[1]', '$.']],
      ['json_extract', ['[1]', 'x']],
      ['json_object', ['a']],
      ['json_object', [1n, 2n]],
      ['json_set', ['[1]', '$[0]']],
      ['json_insert', ['[1]', '$[0]']],
      ['json_replace', ['[1]', '$[0]']],
      ['json_array', [Buffer.from('zz')]],
      ['json_valid', ['[1]', 16n]],
      ['json_remove', ['{"a":1}', '$."a']],
      ['json_array_insert', ['{"a":1}', '$.a', 1n]],
    ];
    for (const [name, args] of cases) {
      const want = sqlCall(name, args);
      expect('err' in want, `${name} should fail`).toBe(true);
      expect(call(name, args)).toEqual(want);
    }
  });
});

export type { SqlValue };
