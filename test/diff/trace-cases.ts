// Debug aid: runs each case file statement by statement on our engine, printing each statement first.
import * as fs from 'node:fs';
import { parseCaseFile, listCaseFiles } from './cases.js';
import { Database } from '../../engine/api/index.js';
// usage: npx vite-node test/diff/trace-cases.ts [file-substring]
for (const f of listCaseFiles()) {
  if (process.argv[2] && !f.includes(process.argv[2])) continue;
  const db = new Database(':memory:');
  for (const st of parseCaseFile(fs.readFileSync(f, 'utf8'))) {
    const sql = (st as { sql: string }).sql;
    process.stdout.write(`${f.split('/').pop()}: ${sql.slice(0, 150).replace(/\n/g, ' ')}\n`);
    try {
      const s = db.prepare(sql);
      if (s.reader) s.all(); else s.run();
    } catch (e) { /* errors are fine here */ }
  }
}
