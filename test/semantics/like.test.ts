import { afterAll, describe, expect, it } from 'vitest';
import { compileGlob, compileLike, globMatch, likeMatch } from '../../engine/sql/semantics/like.js';
import { getCollation } from '../../engine/sql/semantics/collation.js';
import { EDGE_VALUES, oracleEval, openOracle, ours, sameOutcome, showOutcome } from './oracle.js';

const db = openOracle();
afterAll(() => db.close());

const STRINGS = ['', 'a', 'A', 'abc', 'ABC', 'aBc', 'abcabc', 'xabcx', 'a_c', 'a%c', 'a\\c', 'ab', 'abd', 'bab', 'ä', 'Ä', 'äbc', '😀x', 'x😀',
  'a\u0000b', '[', ']', '^', '-', 'a-c', 'b', 'z', 'hello world', 'Hello World', 'ab]', 'a*b', 'a?b'];
const LIKE_PATTERNS = ['', '%', '_', 'a', 'A', 'abc', 'a%', '%c', '%b%', 'a_c', '_b_', '%a%c%', 'a\\_c', 'a\\%c', '%\\%%', '__', '%_%', 'ä%', 'Ä%',
  '_x', '😀%', '%😀', 'a%%c', '%%', 'ab%d', 'h%W%', '%o w%', 'x\\', 'a\\\\c'];
const GLOB_PATTERNS = ['', '*', '?', 'a', 'A', 'abc', 'a*', '*c', '*b*', 'a?c', '?b?', '[abc]', '[a-c]*', '[^a]*', '[]]', '[^]]*', '[a-]', '*[z-]',
  'a[*]b', 'a[?]b', '*[ä]*', '[', 'a[', '[^', '*a*c*', '??', '*?*', '[-a]', '[c-a]*', 'x😀', '*😀', 'h*W*', '[[]'];

function lit(s: string): string {
  return `'${s.replace(/'/g, "''").replace(/\u0000/g, "' || char(0) || '")}'`;
}

describe('LIKE against SQLite', () => {
  it('patterns x strings, default case folding', () => {
    const failures: string[] = [];
    for (const p of LIKE_PATTERNS) {
      for (const s of STRINGS) {
        const want = db.prepare(`SELECT ${lit(s)} LIKE ${lit(p)}`).pluck().get();
        const got = compileLike(p, null, false)(s) ? 1n : 0n;
        if (want !== got) failures.push(`${JSON.stringify(s)} LIKE ${JSON.stringify(p)}: ${want} vs ${got}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('with ESCAPE characters', () => {
    const failures: string[] = [];
    for (const esc of ['\\', '%', '_', 'a', 'ä']) {
      for (const p of LIKE_PATTERNS) {
        for (const s of STRINGS) {
          const want = oracleEval(db, `(${lit(s)} LIKE ${lit(p)} ESCAPE ${lit(esc)})`);
          const got = ours(() => likeMatch(p, s, esc, false));
          if (!sameOutcome(want, got)) failures.push(`${JSON.stringify(s)} LIKE ${JSON.stringify(p)} ESCAPE ${esc}: ${showOutcome(want)} vs ${showOutcome(got)}`);
        }
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('case_sensitive_like', () => {
    const cs = openOracle();
    cs.exec('PRAGMA case_sensitive_like = 1');
    const failures: string[] = [];
    for (const p of LIKE_PATTERNS) {
      for (const s of STRINGS) {
        const want = cs.prepare(`SELECT ${lit(s)} LIKE ${lit(p)}`).pluck().get();
        const got = compileLike(p, null, true)(s) ? 1n : 0n;
        if (want !== got) failures.push(`${JSON.stringify(s)} LIKE ${JSON.stringify(p)}: ${want} vs ${got}`);
      }
    }
    cs.close();
    expect(failures).toEqual([]);
  });

  it('NULL, numbers, blobs and bad escapes like SQLite', () => {
    const failures: string[] = [];
    const vals = EDGE_VALUES.filter((_, i) => i % 3 === 0);
    for (const [la, a] of vals) {
      for (const [lb, b] of vals) {
        const want = oracleEval(db, `like(${la}, ${lb})`);
        const got = ours(() => likeMatch(a, b, undefined, false));
        if (!sameOutcome(want, got)) failures.push(`like(${la}, ${lb}): ${showOutcome(want)} vs ${showOutcome(got)}`);
        const want3 = oracleEval(db, `like('a%', 'abc', ${la})`);
        const got3 = ours(() => likeMatch('a%', 'abc', a, false));
        if (!sameOutcome(want3, got3)) failures.push(`like('a%','abc',${la}): ${showOutcome(want3)} vs ${showOutcome(got3)}`);
        const wantG = oracleEval(db, `glob(${la}, ${lb})`);
        const gotG = ours(() => globMatch(a, b));
        if (!sameOutcome(wantG, gotG)) failures.push(`glob(${la}, ${lb}): ${showOutcome(wantG)} vs ${showOutcome(gotG)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('GLOB against SQLite', () => {
  it('patterns x strings', () => {
    const failures: string[] = [];
    for (const p of GLOB_PATTERNS) {
      for (const s of STRINGS) {
        const want = db.prepare(`SELECT ${lit(s)} GLOB ${lit(p)}`).pluck().get();
        const got = compileGlob(p)(s) ? 1n : 0n;
        if (want !== got) failures.push(`${JSON.stringify(s)} GLOB ${JSON.stringify(p)}: ${want} vs ${got}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('collations against SQLite', () => {
  it('BINARY, NOCASE and RTRIM order pairs as SQLite does', () => {
    const words = ['', ' ', 'a', 'A', 'a ', 'A  ', 'ab', 'aB', 'b', 'B', '_', '[', 'z', 'Z', 'ä', 'Ä', '\uffff', '😀', 'a\t', 'abc', 'ABD'];
    const failures: string[] = [];
    for (const coll of ['BINARY', 'NOCASE', 'RTRIM']) {
      const f = getCollation(coll.toLowerCase());
      for (const a of words) {
        for (const b of words) {
          const want = db.prepare(`SELECT (${lit(a)} < ${lit(b)} COLLATE ${coll}) - (${lit(a)} > ${lit(b)} COLLATE ${coll})`).pluck().get();
          const c = f(a, b);
          const got = BigInt(c < 0 ? 1 : c > 0 ? -1 : 0);
          if (want !== got) failures.push(`${coll} ${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${want} vs ${got}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('unknown collation error text', () => {
    expect(() => getCollation('Foo')).toThrow('no such collation sequence: Foo');
    expect(() => db.prepare("SELECT 'a' < 'b' COLLATE Foo").get()).toThrow('no such collation sequence: Foo');
    try {
      getCollation('Foo');
    } catch (e) {
      expect((e as { code: string }).code).toBe('SQLITE_ERROR_MISSING_COLLSEQ');
    }
  });
});
