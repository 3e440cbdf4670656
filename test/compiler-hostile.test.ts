// Hostile specs: quotes, backticks, ${...}, newlines, */, //, U+2028 and U+2029 (and NEL, VT, FF)
// in every place a spec holds text. Whatever a spec says must not change the meaning of the
// generated code:
// - names (the spec's, networks, inputs, heads, layer ids, samples, blocks, phases, losses...)
//   must be identifiers: hostile ones are rejected with a one-line diagnostic, never a crash;
// - loss and preview expressions are parsed, never pasted: hostile ones are syntax errors;
// - free text (paper, description, data paths, the spec file's own path) is emitted only inside
//   comments and string literals: the module type-checks, its code tokens are exactly those of
//   the same spec with plain text, and evaluating it gives the text back without running any.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { parse as parseYaml, stringify } from 'yaml';
import { renderDiagnosticLine } from '../compiler/diagnostics';
import { compileToModule, compileToModules, type Compiled } from '../compiler/index';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const PAYLOAD = [
  `q"uote 'single' \`backtick\` \${process.exit(1)} \${'}'}`,
  '*/ process.exit(2); /* // process.exit(3)',
  'line\nfeed\r\nreturn\rLS\u2028PS\u2029NEL\u0085VT\u000bFF\u000c',
  '\\"); process.exit(4); ("\\u2028 </script><!-- -->',
].join(' ');
const LINE_BREAK = /[\n\r\u2028\u2029\u0085]/;
/** A string as a visible literal (JSON.stringify leaves U+2028, U+2029 and U+0085 raw). */
const show = (s: string) => JSON.stringify(s).replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const dir = mkdtempSync(join(tmpdir(), 'ganspec-hostile-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let serial = 0;

type Obj = Record<string, any>;

/** A small valid spec with a block, a head, a named phase and per-row inputs to aim at. */
function baseSpec(): Obj {
  return {
    name: 'hostile',
    data: { source: 'mnist', image: [28, 28, 1] },
    sample: { z: 'normal(8)' },
    blocks: { up: { params: ['units'], layers: [{ dense: { units: '$units', activation: 'relu' } }] } },
    networks: {
      G: {
        inputs: { z: [8] },
        layers: [{ use: 'up', args: { units: 64 } }, { dense: { units: 784, activation: 'tanh' }, id: 'pixels' }, { reshape: [28, 28, 1] }],
      },
      D: {
        inputs: { img: 'image' },
        layers: ['flatten', { dense: { units: 16 }, id: 'features' }],
        outputs: { valid: [{ dense: { units: 1, activation: 'sigmoid' } }] },
      },
    },
    losses: { D: 'bce(D(x).valid, 1) + bce(D(G(z)).valid, 0)', G: 'bce(D(G(z)).valid, 1)' },
    schedule: {
      batch: 4,
      steps: 1,
      phases: [
        { update: 'D', optimizer: { adam: { lr: 0.001 } } },
        { name: 'gen', update: 'G', loss: 'G', optimizer: { adam: { lr: 0.001 } } },
      ],
    },
    preview: { show: ['G(z)'], per_row: ['z'] },
  };
}

/** Writes a spec as YAML (or JSON) and checks that it reads back as written. */
function write(spec: Obj, format: 'yaml' | 'json' = 'yaml', path?: string): string {
  const file = path ?? join(dir, `spec${serial++}.${format}`);
  const text = format === 'yaml' ? stringify(spec) : JSON.stringify(spec, null, 2);
  writeFileSync(file, text);
  assert.deepEqual(parseYaml(text), spec, 'the spec file holds the hostile text exactly');
  return file;
}

function rename(obj: Obj, from: string, to: string): Obj {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k === from ? to : k, v]));
}

/** Where a hostile name goes, and the pointer its diagnostic must be at or under. */
const NAME_CASES: { where: string; pointer: string; put(s: Obj, text: string): void }[] = [
  { where: 'the spec name', pointer: '/name', put: (s, t) => (s.name = t) },
  { where: 'a network name', pointer: '/networks', put: (s, t) => (s.networks = rename(s.networks, 'G', t)) },
  { where: 'an input name', pointer: '/networks/G/inputs', put: (s, t) => (s.networks.G.inputs = { [t]: [8] }) },
  { where: 'a head name', pointer: '/networks/D/outputs', put: (s, t) => (s.networks.D.outputs = rename(s.networks.D.outputs, 'valid', t)) },
  { where: "a head's layer id", pointer: '/networks/D/outputs/valid', put: (s, t) => (s.networks.D.outputs.valid = t) },
  { where: 'a layer id', pointer: '/networks/G/layers/1', put: (s, t) => (s.networks.G.layers[1].id = t) },
  { where: "a layer's from", pointer: '/networks/G/layers/1', put: (s, t) => (s.networks.G.layers[1].from = t) },
  { where: "a merge's with", pointer: '/networks/D/layers/2', put: (s, t) => s.networks.D.layers.push({ add: { with: t } }) },
  { where: "a network's like", pointer: '/networks/E/like', put: (s, t) => (s.networks.E = { like: t }) },
  { where: 'a sample name', pointer: '/sample', put: (s, t) => (s.sample = { ...s.sample, [t]: 'normal(3)' }) },
  { where: 'a sample form', pointer: '/sample/z', put: (s, t) => (s.sample.z = `normal(8) ${t}`) },
  { where: 'a block name', pointer: '/blocks', put: (s, t) => (s.blocks = rename(s.blocks, 'up', t)) },
  { where: 'a block parameter', pointer: '/blocks/up/params/0', put: (s, t) => (s.blocks.up.params = [t]) },
  { where: 'a block use', pointer: '/networks/G/layers/0/use', put: (s, t) => (s.networks.G.layers[0].use = t) },
  { where: 'a block argument name', pointer: '/networks/G/layers/0/args', put: (s, t) => (s.networks.G.layers[0].args = { units: 64, [t]: 1 }) },
  { where: 'a block argument value', pointer: '/networks/G/layers/0/args/units', put: (s, t) => (s.networks.G.layers[0].args = { units: t }) },
  { where: "a $parameter's name", pointer: '/blocks/up/layers/0', put: (s, t) => (s.blocks.up.layers[0].dense.units = `$${t}`) },
  { where: 'a loss name', pointer: '/losses', put: (s, t) => (s.losses = { ...s.losses, [t]: 'mean(D(x).valid)' }) },
  { where: 'a loss expression', pointer: '/losses/G', put: (s, t) => (s.losses.G = `bce(D(G(z)).valid, 1) + ${t}`) },
  { where: 'a phase name', pointer: '/schedule/phases/1/name', put: (s, t) => (s.schedule.phases[1].name = t) },
  { where: "a phase's update", pointer: '/schedule/phases/0/update', put: (s, t) => (s.schedule.phases[0].update = t) },
  { where: "a phase's head update", pointer: '/schedule/phases/0/update', put: (s, t) => (s.schedule.phases[0].update = `D.${t}`) },
  { where: "a phase's loss", pointer: '/schedule/phases/1/loss', put: (s, t) => (s.schedule.phases[1].loss = t) },
  { where: 'a preview expression', pointer: '/preview/show/0', put: (s, t) => (s.preview.show = [`G(z) ${t}`]) },
  { where: 'a per-row input', pointer: '/preview/per_row/0', put: (s, t) => (s.preview.per_row = [t]) },
  { where: 'the extends path', pointer: '/extends', put: (s, t) => (s.extends = `${t}.yaml`) },
];

/** Pieces of the payload that are hostile alone, plus the whole payload. */
const NAMES = [PAYLOAD, 'a"b', 'a`b', '${process.exit(1)}', 'a\nb', 'a*/b', 'a//b', 'a\u2028b', 'a\u2029b'];

function check(c: Compiled, label: string, pointer: string): void {
  assert.equal(c.text, undefined, `${label}: compiled into a module`);
  assert.ok(c.diagnostics.length > 0, `${label}: no diagnostic`);
  const lines = c.diagnostics.map(renderDiagnosticLine);
  assert.ok(
    c.diagnostics.some((d) => d.severity === 'error' && (d.pointer === pointer || d.pointer.startsWith(`${pointer}/`) || pointer.startsWith(`${d.pointer}/`))),
    `${label}: no error at ${pointer}:\n${lines.join('\n')}`,
  );
  for (const line of lines) assert.doesNotMatch(line, LINE_BREAK, `${label}: a diagnostic spans lines: ${show(line)}`);
}

for (const c of NAME_CASES) {
  test(`hostile text in ${c.where} is rejected with a diagnostic`, () => {
    for (const name of NAMES) {
      const spec = baseSpec();
      c.put(spec, name);
      const label = `${c.where} = ${show(name)}`;
      let compiled: Compiled;
      try {
        compiled = compileToModule(write(spec), { format: false });
      } catch (err) {
        assert.fail(`${label}: the compiler threw ${(err as Error).stack}`);
      }
      if (c.where === 'the extends path') {
        // The path is the user's own: it appears in the message as given, but nothing compiles.
        assert.equal(compiled.text, undefined);
        assert.ok(compiled.diagnostics.some((d) => d.pointer === '/extends' && d.message.startsWith('cannot read spec file')), label);
        continue;
      }
      check(compiled, label, c.pointer);
    }
  });
}

test('names that are Object.prototype members are plain names (or rejected), never lookups', () => {
  const cases: [string, (s: Obj) => void, string][] = [
    ['update: toString', (s) => (s.schedule.phases[0].update = 'toString'), '/schedule/phases/0/update'],
    ['loss: toString', (s) => (s.schedule.phases[1].loss = 'hasOwnProperty'), '/schedule/phases/1/loss'],
    ['use: toString', (s) => (s.networks.G.layers[0].use = 'toString'), '/networks/G/layers/0/use'],
    ['like: valueOf', (s) => (s.networks.E = { like: 'valueOf' }), '/networks/E/like'],
    ['$constructor', (s) => (s.blocks.up.layers[0].dense.units = '$constructor'), '/blocks/up/layers/0/dense/units'],
    ['with: $toString', (s) => s.blocks.up.layers.push({ add: { with: '$toString' } }), '/blocks/up/layers/1/add/with'],
    ['per_row: toString', (s) => (s.preview.per_row = ['toString']), '/preview/per_row/0'],
    ['network __proto__', (s) => (s.networks = rename(s.networks, 'G', '__proto__')), '/networks/__proto__'],
    ['head __proto__', (s) => (s.networks.D.outputs = rename(s.networks.D.outputs, 'valid', '__proto__')), '/networks/D/outputs/__proto__'],
    ['loss __proto__', (s) => (s.schedule.phases[1].loss = '__proto__'), '/schedule/phases/1/loss'],
    ['block __proto__', (s) => (s.networks.G.layers[0].use = '__proto__'), '/networks/G/layers/0/use'],
    ['argument __proto__', (s) => (s.networks.G.layers[0].args = Object.fromEntries([['units', 64], ['__proto__', 1]])), '/networks/G/layers/0/args/__proto__'],
  ];
  for (const [label, put, pointer] of cases) {
    const spec = baseSpec();
    put(spec);
    let compiled: Compiled;
    try {
      compiled = compileToModule(write(spec), { format: false });
    } catch (err) {
      assert.fail(`${label}: the compiler threw ${(err as Error).stack}`);
    }
    check(compiled, label, pointer);
  }
});

// ---- Free text: compiled, type-checked, tokenised and evaluated ----------------------------------

/** The spec with free text everywhere it is allowed, and expressions with odd line breaks. */
function freeText(text: string): Obj {
  const s = baseSpec();
  s.paper = text;
  s.description = text;
  s.networks.G.description = text;
  s.data = { source: 'folder', image: [28, 28, 1], path: text };
  s.losses.D = 'bce(D(x).valid, 1)\n  +\u2028bce(D(G(z)).valid,\u2029 0)\r\n';
  s.preview.show = ['G(z)\u2028', '\u2029G(z)'];
  // Prototype-member names are plain names.
  s.networks = rename(s.networks, 'D', 'toString');
  s.networks.toString.outputs = rename(s.networks.toString.outputs, 'valid', 'valueOf');
  s.losses = rename(s.losses, 'D', 'hasOwnProperty');
  for (const key of ['G', 'hasOwnProperty'] as const) s.losses[key] = s.losses[key].replace(/D\(/g, 'toString(').replace(/\.valid/g, '.valueOf');
  s.schedule.phases[0] = { update: 'toString', loss: 'hasOwnProperty', optimizer: { adam: { lr: 0.001 } } };
  return s;
}

interface Case {
  label: string;
  freeText: string;
  file: string;
}
// A directory named '*' puts '*/' in the path; '/' and '\\' cannot be in a file name.
const weird = join(dir, '*', `${PAYLOAD.replace(/[/\\]/g, '|')}.yaml`);
mkdirSync(join(dir, '*'));
const CASES: Case[] = [
  { label: 'plain', freeText: 'Plain text', file: write(freeText('Plain text')) },
  { label: 'YAML', freeText: PAYLOAD, file: write(freeText(PAYLOAD)) },
  { label: 'JSON', freeText: PAYLOAD, file: write(freeText(PAYLOAD), 'json') },
  { label: 'hostile file name', freeText: PAYLOAD, file: write(freeText(PAYLOAD), 'yaml', weird) },
];

const modules = (() => {
  // One ts-morph project for all, type-checked afresh (no cache).
  const compiled = compileToModules(CASES.map((c) => c.file), { cacheDir: null });
  const results = CASES.map((c, i) => ({ ...c, compiled: compiled[i] }));
  const typeErrors = (c: Compiled) => c.diagnostics.filter((d) => d.code === 'GS900').map((d) => d.message);
  for (const r of results) assert.deepEqual(r.compiled.diagnostics.filter((d) => d.code !== 'GS900').map(renderDiagnosticLine), [], r.label);
  return results.map((r) => ({ ...r, text: r.compiled.text ?? '', errors: typeErrors(r.compiled) }));
})();
const plain = modules[0];

test('free text still compiles: the modules type-check', () => {
  for (const m of modules) assert.deepEqual(m.errors, [], m.label);
});

/** Every token of a module outside comments, with string literals by their value. */
function tokens(text: string): { kind: ts.SyntaxKind; text: string; value?: string }[] {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, text);
  const out: { kind: ts.SyntaxKind; text: string; value?: string }[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) continue;
    if (kind === ts.SyntaxKind.NewLineTrivia || kind === ts.SyntaxKind.WhitespaceTrivia) continue;
    // (Scanned without the parser: fine for generated code, which has no regular expressions.)
    out.push({ kind, text: scanner.getTokenText(), value: kind === ts.SyntaxKind.StringLiteral ? scanner.getTokenValue() : undefined });
  }
  return out;
}

test('free text changes no code: the same tokens as with plain text, only string values differ', () => {
  const expected = tokens(plain.text).map((t) => (t.kind === ts.SyntaxKind.StringLiteral ? '<string>' : t.text));
  for (const m of modules.slice(1)) {
    const got = tokens(m.text);
    assert.deepEqual(
      got.map((t) => (t.kind === ts.SyntaxKind.StringLiteral ? '<string>' : t.text)),
      expected,
      `${m.label}: the code differs from the plain spec's`,
    );
    // No template literals anywhere, no identifier of the payload.
    assert.ok(!got.some((t) => t.kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral || t.kind === ts.SyntaxKind.TemplateHead), m.label);
    assert.ok(!got.some((t) => t.kind === ts.SyntaxKind.Identifier && t.text === 'process'), m.label);
    // Every string literal is either plain or exactly the hostile text (or the file's path).
    const strings = got.filter((t) => t.value !== undefined).map((t) => t.value!);
    const hostile = strings.filter((s) => s.includes('process.exit'));
    const source = relative(process.cwd(), m.file);
    assert.ok(hostile.length >= 2, `${m.label}: paper and data path are string literals`);
    for (const s of hostile) assert.ok(s === PAYLOAD || s === source, `${m.label}: ${show(s)}`);
  }
});

test('outside comments and string literals no line holds any of the hostile text', () => {
  for (const m of modules.slice(1)) {
    assert.doesNotMatch(m.text, /[\u2028\u2029]/, `${m.label}: raw U+2028/U+2029 in the module`);
    const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, m.text);
    let code = '';
    for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
      if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) continue;
      code += kind === ts.SyntaxKind.StringLiteral ? '""' : scanner.getTokenText();
    }
    for (const piece of ['process', 'exit', '*/', '/*', '//', '`', '${', "'", '</script>']) {
      const line = code.split('\n').find((l) => l.includes(piece));
      assert.equal(line, undefined, `${m.label}: ${JSON.stringify(piece)} in code: ${line}`);
    }
    // Comments hold the text only on one line and cannot end early.
    for (const line of m.text.split('\n')) {
      const comment = /^\s*\/\/ (.*)$/.exec(line)?.[1] ?? /^\s*\/\*\* (.*) \*\/$/.exec(line)?.[1];
      if (comment !== undefined) assert.doesNotMatch(comment, /\*\//, `${m.label}: ${line}`);
    }
  }
});

test('evaluating a module gives back the text and runs none of it', () => {
  for (const m of modules) {
    const js = ts.transpileModule(m.text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const exits: unknown[] = [];
    const exports: Obj = {};
    const sandbox = {
      exports,
      module: { exports },
      process: { exit: (code: unknown) => exits.push(code) },
      // The module's top level only builds plain objects: the runtime is not needed.
      require: (id: string) => {
        assert.equal(id, 'ganspec/runtime', `${m.label}: imports ${id}`);
        return { gs: {}, tf: {} };
      },
    };
    runInNewContext(js, sandbox, { filename: `${m.label}.js` });
    assert.deepEqual(exits, [], `${m.label}: the module called process.exit`);
    assert.equal(exports.default, exports.trainer);
    // Plain data of this realm (the module's objects have the sandbox's prototypes).
    const trainer = JSON.parse(JSON.stringify(exports.trainer)) as Obj;
    assert.equal(trainer.paper, m.freeText);
    assert.equal(trainer.data.path, m.freeText);
    assert.equal(trainer.source, relative(process.cwd(), m.file));
    assert.deepEqual(trainer.preview.bands.map((b: Obj) => b.text), ['G(z)\u2028', '\u2029G(z)']);
    assert.deepEqual(Object.keys(exports.trainer.networks), ['G', 'toString']);
    assert.ok(Object.values(exports.trainer.networks).every((f) => typeof f === 'function'));
    assert.deepEqual(
      trainer.phases.map((p: Obj) => [p.name, p.updates]),
      [
        // A phase is named after its loss (hasOwnProperty), else its one network.
        ['hasOwnProperty', [{ net: 'toString' }]],
        ['gen', [{ net: 'G' }]],
      ],
    );
    assert.equal(typeof exports.trainer.phases[0].loss, 'function');
    assert.equal(exports.trainer.phases[0].loss.name, 'losshasOwnProperty');
  }
});
