// npm run explain:update (run it beside npm run golden:update after a compiler change): writes the golden texts
// of gan-compile --explain (every spec) and gan-diff (the article pairs) under test/golden/, and
// the article pages made from them under docs/articles/;
// review them with `git diff test/golden/`. Run from the repository root.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { goldenCases } from './cases';

let written = 0;
for (const c of goldenCases()) {
  const text = c.make();
  if (text === undefined) throw new Error(`${c.file}: its spec has errors`);
  let old: string | undefined;
  try {
    old = readFileSync(c.file, 'utf8');
  } catch {
    old = undefined;
  }
  if (old === text) continue;
  mkdirSync(dirname(c.file), { recursive: true });
  writeFileSync(c.file, text);
  written++;
}
console.log(`explain:update: ${written} golden file(s) written under test/golden/ and docs/articles/`);
