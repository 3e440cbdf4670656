// Invalid specs: each test/fixtures/invalid/<case>.yaml (or .json) must give exactly the
// diagnostics in <case>.expected, one renderDiagnosticLine per line, with exact line:col. The
// .expected files are written and reviewed by hand (test/fixtures/invalid/base/ holds files the
// cases extend, not cases). The gan-compile CLI must exit 1 on them, print file:line:col with a
// code frame, never a stack trace, and write nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { renderDiagnostic, renderDiagnosticLine, type Diagnostic } from '../compiler/diagnostics';
import { compileToModule } from '../compiler/index';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const DIR = 'test/fixtures/invalid';
const SPEC = /\.(yaml|json)$/;
const cases = readdirSync(DIR)
  .filter((f) => SPEC.test(f))
  .sort();

/** Cases the compiler must keep covering (the list); each has its own fixture. */
const REQUIRED = [
  'misspelled-layer',
  'misspelled-bare-layer',
  'unknown-key',
  'missing-key',
  'wrong-type',
  'out-of-range',
  'yaml-syntax',
  'duplicate-key',
  'reshape-mismatch',
  'conv-on-flat',
  'gen-disc-mismatch',
  'gen-disc-mismatch-folded',
  'unknown-head',
  'unknown-network-in-phase',
  'unknown-loss',
  'loss-not-scalar',
  'ce-class-out-of-range',
  'unknown-block',
  'missing-block-param',
  'unknown-block-param',
  'block-arg-out-of-range',
  'extends-missing',
  'extends-cycle',
  'extends-child-error',
  'extends-parent-error',
  'unknown-name',
  'unknown-name-in-preview',
  'unknown-function',
  'expr-syntax',
  'label-into-dense',
  'reserved-name',
  'two-errors',
  'two-loss-errors',
  'json-spec',
  'bce-on-difference',
  'ce-on-linear-head',
  'bce-logits-on-sigmoid',
  'gradient-penalty-same-point',
];

interface Result {
  diagnostics: Diagnostic[];
  texts: Map<string, string>;
  text?: string;
}

const results = new Map<string, Result>(cases.map((f) => [f, compileToModule(join(DIR, f), { format: false })]));
const expectedOf = (f: string): string[] =>
  readFileSync(join(DIR, f.replace(SPEC, '.expected')), 'utf8')
    .split('\n')
    .filter((l) => l !== '');

test('every required case has a fixture and every fixture an .expected file', () => {
  const names = cases.map((f) => f.replace(SPEC, ''));
  assert.deepEqual(
    REQUIRED.filter((r) => !names.includes(r)),
    [],
  );
  const expected = readdirSync(DIR).filter((f) => f.endsWith('.expected'));
  assert.deepEqual(expected.map((f) => f.replace(/\.expected$/, '')).sort(), [...names].sort());
});

for (const f of cases) {
  test(`${f} gives the diagnostics of ${f.replace(SPEC, '.expected')}`, () => {
    const r = results.get(f)!;
    assert.equal(r.text, undefined, 'an invalid spec must not produce a module');
    assert.ok(r.diagnostics.length > 0);
    assert.ok(
      r.diagnostics.some((d) => d.severity === 'error'),
      'at least one error',
    );
    assert.deepEqual(r.diagnostics.map(renderDiagnosticLine), expectedOf(f));
    for (const d of r.diagnostics) {
      // One line each; the position lies in the file's text and the code frame shows it.
      assert.doesNotMatch(renderDiagnosticLine(d), /[\r\n\u2028\u2029]/);
      const source = r.texts.get(d.file);
      assert.ok(source !== undefined, `no source text for ${d.file}`);
      const line = source.split('\n')[d.line - 1];
      assert.ok(line !== undefined, `${d.file} has no line ${d.line}`);
      assert.ok(d.col >= 1 && d.col <= line.length + 1, `${d.file}:${d.line} has no column ${d.col}`);
      assert.match(renderDiagnostic(d, source), new RegExp(`^ {2}${d.line} \\| .*\\n {${3 + String(d.line).length}}\\| *\\^$`, 'm'));
    }
  });
}

/** The source text at each diagnostic's position. */
function at(f: string): string[] {
  const r = results.get(f)!;
  return r.diagnostics.map((d) => r.texts.get(d.file)!.split('\n')[d.line - 1].slice(d.col - 1));
}

test('the range traps (GS133, GS134) and gradient_penalty at one point (GS135) have their codes and point at the argument', () => {
  const codes = (f: string) => results.get(f)!.diagnostics.map((d) => d.code);
  assert.deepEqual(codes('bce-on-difference.yaml'), ['GS133', 'GS133']);
  assert.deepEqual(at('bce-on-difference.yaml').map((s) => s.slice(0, 21)), ['D(x) - mean(D(G(z))),', 'D(G(z)) - mean(D(x)),']);
  assert.deepEqual(codes('ce-on-linear-head.yaml'), ['GS133']);
  assert.ok(at('ce-on-linear-head.yaml')[0].startsWith('D(x).label, y)'));
  assert.deepEqual(codes('bce-logits-on-sigmoid.yaml'), ['GS134']);
  assert.ok(at('bce-logits-on-sigmoid.yaml')[0].startsWith('D(x), 1)'));
  assert.deepEqual(codes('gradient-penalty-same-point.yaml'), ['GS135']);
  assert.equal(at('gradient-penalty-same-point.yaml')[0], 'x)');
});

test('diagnostics in expressions point at the character they are about', () => {
  // D(G(z)): the generator's [32, 32, 1] images do not fit the discriminator's [28, 28, 1].
  assert.deepEqual(
    at('gen-disc-mismatch.yaml').map((s) => s.slice(0, 7)),
    ['G(z)), ', 'G(z)), '],
  );
  assert.ok(at('gen-disc-mismatch-folded.yaml').every((s) => s.startsWith('G(z))')));
  assert.ok(at('json-spec.json').every((s) => s.startsWith('G(z))')));
  assert.ok(at('unknown-head.yaml')[0].startsWith('vlaid, 1)'));
  assert.ok(at('ce-class-out-of-range.yaml')[0].startsWith('10)'));
  assert.ok(at('unknown-name.yaml')[0].startsWith('zz)'));
  assert.ok(at('unknown-name-in-preview.yaml')[0].startsWith('w)]'));
  assert.ok(at('unknown-function.yaml')[0].startsWith('bec('));
  assert.ok(at('expr-syntax.yaml')[0].startsWith('* bce('));
  assert.deepEqual(
    at('two-loss-errors.yaml').map((s) => s.slice(0, 3)),
    ['zz)', 'D(x'],
  );
  // Other mistakes point at the offending key or value.
  assert.ok(at('misspelled-layer.yaml')[0].startsWith('conv2dd:'));
  assert.ok(at('out-of-range.yaml')[0].startsWith('0,'));
  assert.ok(at('unknown-key.yaml')[0].startsWith('epochs:'));
  assert.ok(at('unknown-block-param.yaml')[0].startsWith('kernal:'));
  assert.ok(at('block-arg-out-of-range.yaml')[0].startsWith('0 }'));
  assert.ok(at('unknown-network-in-phase.yaml')[0].startsWith('Gen,'));
  assert.ok(at('extends-missing.yaml')[0].startsWith('base/no-such-spec.yaml'));
  assert.ok(at('extends-cycle.yaml')[0].startsWith('../extends-cycle.yaml'));
});

test('errors in an inherited file are reported in that file', () => {
  const files = results.get('extends-parent-error.yaml')!.diagnostics.map((d) => d.file);
  assert.deepEqual(files, [`${DIR}/base/small.yaml`, `${DIR}/base/small.yaml`]);
});

const run = promisify(execFile);

/** Runs bin/gan-compile.js; resolves with its exit code and output (it never rejects). */
async function ganCompile(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/gan-compile.js', ...args], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('gan-compile exits 1 with file:line:col and a code frame, no stack trace, and writes nothing', async () => {
  const out = mkdtempSync(join(tmpdir(), 'ganspec-invalid-'));
  try {
    // A valid spec beside broken ones (and a missing file): still nothing is written.
    const broken = ['gen-disc-mismatch.yaml', 'extends-cycle.yaml', 'yaml-syntax.yaml', 'no-such-file.yaml'].map((f) => `${DIR}/${f}`);
    const r = await ganCompile(['specs/dcgan.yaml', ...broken, '--out', join(out, 'generated')]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /^ {4}at /m, 'stack trace');
    assert.doesNotMatch(r.stderr, /internal error|TypeError|ReferenceError/);
    assert.match(r.stderr, /^test\/fixtures\/invalid\/gen-disc-mismatch\.yaml:19:27 error GS131 \/losses\/D: D's input 'img' expects \[28, 28, 1\], but G\(z\) gives \[32, 32, 1\]$/m);
    assert.ok(r.stderr.includes(`  19 |   D: bce(D(x), 1) + bce(D(G(z)), 0)\n     | ${' '.repeat(26)}^\n`), 'code frame with a caret under G(z)');
    assert.match(r.stderr, /^test\/fixtures\/invalid\/gen-disc-mismatch\.yaml:20:12 error GS131 /m);
    assert.match(r.stderr, /^test\/fixtures\/invalid\/base\/cycle\.yaml:2:10 error GS001 \/extends: 'extends' makes a cycle/m);
    assert.match(r.stderr, /^test\/fixtures\/invalid\/yaml-syntax\.yaml:6:1 error GS001: all mapping items must start at the same column$/m);
    assert.match(r.stderr, /^test\/fixtures\/invalid\/no-such-file\.yaml:1:1 error GS001: cannot read spec file test\/fixtures\/invalid\/no-such-file\.yaml$/m);
    assert.deepEqual(readdirSync(out), [], 'gan-compile wrote to --out');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
