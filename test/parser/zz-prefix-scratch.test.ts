import { it } from 'vitest';
import { parseStatement, tokenize } from '../../engine/sql/parser/index.js';
import { GRAMMAR_STATEMENTS, ORM_STATEMENTS } from '../../test/parser/corpus.js';
import { oracleDb, oracleError } from '../../test/parser/oracle.js';
it('prefixes', () => {
  const db = oracleDb();
  const bad: string[] = [];
  let n = 0;
  for (const sql of [...ORM_STATEMENTS, ...GRAMMAR_STATEMENTS]) {
    for (const t of tokenize(sql)) {
      for (const ins of ['', ') ', ', ', 'select ', '* ', 'not ', 'as ', '. ', 'on ', '( ', 'key ', '1 ', "'s' ", 'null ', 'default ', 'where ']) {
      const pre = ins === '' ? sql.slice(0, t.start) : sql.slice(0, t.start) + ins + sql.slice(t.start);
      const exp = oracleError(db, pre);
      if (exp === null || !/^(near|incomplete|unrecognized)/.test(exp)) continue;
      n++;
      let got: string | null = null;
      try { parseStatement(pre, 0); } catch (e) { got = (e as Error).message; }
      if (got !== exp) bad.push(`${JSON.stringify(pre)}\n   sqlite: ${exp}\n   ours:   ${got}`);
    }
    }
  }
  console.log(n, 'compared', bad.length, 'mismatches\n' + bad.slice(0, 40).join('\n'));
});
