// Specs with warnings (unused declarations, gradient flow): each test/fixtures/warnings/<case>.yaml must give exactly the diagnostics
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
import type { Expr } from '../compiler/expr/ast';
import { parseExpr } from '../compiler/expr/parse';
import { pullOf } from '../compiler/expr/pulls';
import { show } from '../compiler/expr/ast';
import { termReaches } from '../compiler/expr/terms';
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

test('the flow fixtures warn with the codes of their kind (GS179 dead term, GS180 loss independent of a target, GS181 detach, GS182/GS183 clips, GS184 clipped batch norms)', () => {
  const codes = (f: string) => compileToModule(join(DIR, f), { format: false }).diagnostics.map((d) => `${d.code} ${d.pointer}`);
  assert.deepEqual(codes('dead-term.yaml'), ['GS179 /losses/G', 'GS179 /losses/G']);
  assert.deepEqual(codes('detach.yaml'), ['GS181 /losses/G']);
  assert.deepEqual(codes('no-dependence.yaml'), ['GS180 /schedule/phases/1/update/1', 'GS180 /schedule/phases/2/update', 'GS182 /schedule/phases/2/clip']);
  assert.deepEqual(codes('clip-not-held.yaml'), ['GS183 /schedule/phases/1/update', 'GS183 /schedule/phases/2/update']);
  assert.deepEqual(codes('clip-batchnorm.yaml'), ['GS184 /schedule/phases/0/clip', 'GS184 /schedule/phases/1/clip']);
});

test('the game fixtures warn with their codes (GS185 a critic pulled the same way on real and generated, GS186 a generator that helps the critic, GS187 labels that do not match)', () => {
  const codes = (f: string) => compileToModule(join(DIR, f), { format: false }).diagnostics.map((d) => `${d.code} ${d.pointer}`);
  assert.deepEqual(codes('helps-critic.yaml'), ['GS186 /losses/G']);
  assert.deepEqual(codes('helps-critic-wgan.yaml'), ['GS186 /losses/G']);
  assert.deepEqual(codes('least-squares-slip.yaml'), ['GS186 /losses/G']);
  assert.deepEqual(codes('projection-slip.yaml'), ['GS186 /losses/G']);
  assert.deepEqual(codes('critic-same-pull.yaml'), ['GS185 /losses/D_fake']);
  assert.deepEqual(codes('shared-loss.yaml'), ['GS179 /losses/D', 'GS186 /losses/D', 'GS175 /losses/G']);
  assert.deepEqual(codes('condition-mismatch.yaml'), ['GS187 /losses/G', 'GS187 /losses/G']);
});

test('a loss pulls a critic output toward its target, up or down where it is monotone, and is unknown where it is not', () => {
  // [loss, the output as show() writes it, the pull: a target, +Infinity up, -Infinity down, unknown, undefined (not reached)]
  const cases: [string, string, number | 'unknown' | undefined][] = [
    ['0.5 * (bce(D(x), 1) + bce(D(G(z)), 0))', 'D(x)', 1],
    ['0.5 * (bce(D(x), 1) + bce(D(G(z)), 0))', 'D(G(z))', 0],
    ['mse(D(G(z)), -1)', 'D(G(z))', -1],
    ['0.5 * mean(square(D(x) - 1)) + 0.5 * mean(square(D(G(z))))', 'D(x)', 1], // least squares by hand
    ['0.5 * mean(square(D(x) - 1)) + 0.5 * mean(square(D(G(z))))', 'D(G(z))', 0],
    ['mean(abs(1 - D(G(z))))', 'D(G(z))', 1],
    ['sum(square(D(G(z)) + 1), 1)', 'D(G(z))', -1],
    ['-mean(square(D(G(z)) - 1))', 'D(G(z))', 'unknown'], // away from 1: up or down by the side it is on
    ['mean(square(D(G(z)) - D(x)))', 'D(G(z))', 'unknown'],
    ['bce(D(G(z)), 1)', 'D(G(z))', 1],
    ['-bce(D(G(z)), 0)', 'D(G(z))', Infinity], // the minimax generator loss
    ['mean(log(1 - D(G(z))))', 'D(G(z))', Infinity],
    ['-0.5 * bce(D(G(z)), 1)', 'D(G(z))', -Infinity],
    ['mean(relu(1 - D(x))) + mean(relu(1 + D(G(z))))', 'D(x)', Infinity],
    ['mean(relu(1 - D(x))) + mean(relu(1 + D(G(z))))', 'D(G(z))', -Infinity],
    ['bce_logits(D(x) - mean(D(G(z))), 1) + bce_logits(D(G(z)) - mean(D(x)), 0)', 'D(G(z))', -Infinity],
    ['bce_logits(D(x), 0.75)', 'D(x)', Math.log(3)],
    ['mean(softplus(-D(G(z)).psi))', 'D(G(z)).psi', Infinity],
    ['mean(relu(1 - D(x).psi - dot(E(y), D(x).phi)))', 'D(x).psi', Infinity],
    ['mean(relu(1 - D(x).psi - dot(E(y), D(x).phi)))', 'D(x).phi', 'unknown'],
    ['sum(square(mean(D(G(z)).features, 0) - mean(D(x).features, 0)))', 'D(G(z)).features', 'unknown'],
    ['mean(D(G(z)) * D(x))', 'D(G(z))', 'unknown'],
    ['mse(D(G(z)), 1) - mse(D(G(z)), 0)', 'D(G(z))', 'unknown'],
    ['bce(D(G(z)), 1) + mean(D(G(z)))', 'D(G(z))', 'unknown'],
    ['mean(D(G(z))) + 10 * mean(sqnorm(grad(D(x), x)))', 'D(x)', undefined],
    ['detach(mean(D(G(z)))) + mean(D(x))', 'D(G(z))', undefined],
    ['bce(D(detach(G(z))), 0)', 'D(detach(G(z)))', 0],
  ];
  for (const [loss, output, expected] of cases) {
    assert.equal(pullOf(parseExpr(loss) as Expr, (e) => show(e) === output), expected, `${loss} on ${output}`);
  }
});

test('a term reaches what it calls outside detach, through heads, and nothing through a uniform_like shape', () => {
  const nets = new Set(['G', 'D']);
  const reaches = (text: string, throughDetach = false) => termReaches(parseExpr(text) as Expr, nets, { throughDetach });
  assert.deepEqual(reaches('bce(D(detach(G(z))), 1)'), ['D']);
  assert.deepEqual(reaches('bce(D(detach(G(z))), 1)', true), ['D', 'G']);
  assert.deepEqual(reaches('mean(D(G(z)).code)'), ['D.code', 'G']);
  assert.deepEqual(reaches('mean(x * uniform_like(G(z)))'), []);
  assert.deepEqual(reaches('gradient_penalty(D, x, G(z))'), ['D', 'G']);
});

test('gan-compile --strict makes the warnings errors: exit 1, the error printed, nothing written', async () => {
  const out = tempDir('strict');
  const failed = await promisify(execFile)(process.execPath, ['bin/gan-compile.js', join(DIR, 'detach.yaml'), '--strict', '--out', out], { cwd: ROOT, timeout: 120_000 }).then(
    () => assert.fail('gan-compile --strict exited 0 on a spec with a warning'),
    (err: { code: number; stderr: string }) => err,
  );
  assert.equal(failed.code, 1);
  assert.ok(
    failed.stderr.startsWith(
      "test/fixtures/warnings/detach.yaml:21:12 error GS181 /losses/G: detach(...) cuts every path from the term bce(D(detach(G(z))), 1) to the weights phase 'G' updates (G): without it the term would reach G; as written it changes nothing\n" +
        '  21 |   G: bce(D(detach(G(z))), 1)\n     |            ^\n  hint: remove the detach if G should learn from this term, or remove the term; --strict makes this warning an error\n',
    ),
    failed.stderr,
  );
  assert.doesNotMatch(failed.stderr, / warning GS/);
  assert.deepEqual(readdirSync(out), []);
});

test('--strict leaves a spec without warnings alone, and a spec with only warnings compiles without it', () => {
  assert.equal(compileToModule('specs/gan.yaml', { format: false, strict: true }).diagnostics.length, 0);
  assert.ok(compileToModule('specs/gan.yaml', { format: false, strict: true }).text);
  const strict = compileToModule(join(DIR, 'unused.yaml'), { format: false, strict: true });
  assert.equal(strict.text, undefined);
  assert.deepEqual(strict.diagnostics.map((d) => `${d.severity} ${d.code}`), ['error GS176', 'error GS177', 'error GS175', 'error GS178']);
});

test('gan-train --strict refuses a spec with a warning before it trains', async () => {
  const out = join(tempDir('strict-train'), 'run');
  const failed = await promisify(execFile)(process.execPath, ['bin/gan-train.js', join(DIR, 'detach.yaml'), '--strict', '--steps', '1', '--out', out], { cwd: ROOT, timeout: 120_000 }).then(
    () => assert.fail('gan-train --strict exited 0 on a spec with a warning'),
    (err: { code: number; stderr: string }) => err,
  );
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /^test\/fixtures\/warnings\/detach\.yaml:21:12 error GS181 /m);
  assert.match(failed.stderr, /detach\.yaml has 1 error\(s\); nothing was trained/);
  assert.equal(existsSync(out), false);
});
