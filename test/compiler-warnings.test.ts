// Specs with warnings: each test/fixtures/warnings/<case>.yaml must give exactly the diagnostics
// in <case>.expected (one renderDiagnosticLine per line, written and reviewed by hand), all of
// them warnings, and still compile to a module; gan-compile prints them with a code frame, writes
// the module and exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { renderDiagnosticLine } from '../compiler/diagnostics';
import { compileToModule } from '../compiler/index';
import { tempDir } from './helpers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const DIR = 'test/fixtures/warnings';
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

for (const f of cases) {
  test(`${f} compiles with the warnings of ${f.replace('.yaml', '.expected')}`, () => {
    const r = compileToModule(join(DIR, f), { format: false });
    assert.ok(r.text, 'a spec with warnings only still produces a module');
    assert.deepEqual(r.diagnostics.map((d) => d.severity), r.diagnostics.map(() => 'warning'));
    const expected = readFileSync(join(DIR, f.replace('.yaml', '.expected')), 'utf8').split('\n').filter((l) => l !== '');
    assert.deepEqual(r.diagnostics.map(renderDiagnosticLine), expected);
  });
}

test('unused.yaml warns with one code per kind of unused thing', () => {
  const r = compileToModule(join(DIR, 'unused.yaml'), { format: false });
  assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${d.pointer}`), ['GS176 /sample/w', 'GS177 /networks/E', 'GS175 /losses/D', 'GS178 /optimizers/adam_G']);
});

test('gan-compile prints warnings with a code frame, writes the module and exits 0', async () => {
  const out = tempDir('warnings');
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/gan-compile.js', join(DIR, 'unused.yaml'), '--out', out], { cwd: ROOT, timeout: 120_000 });
  assert.match(stderr, /^test\/fixtures\/warnings\/unused\.yaml:29:3 warning GS175 \/losses\/D: loss 'D' is not used by any phase$/m);
  assert.ok(stderr.includes("  29 |   D: bce(D(x), 1) + bce(D(G(c)), 0)\n     |   ^\n  hint: use it in a phase with 'loss: D', or remove it if it is left over\n"), stderr);
  assert.doesNotMatch(stderr, / error /);
  assert.ok(existsSync(join(out, 'unused.ts')), `no module written (stdout: ${stdout})`);
});
