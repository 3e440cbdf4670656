// The model specs in specs/: each compiles without a single diagnostic (but the GS184 warning
// of the two WGANs that keep Keras-GAN's clipped batch norms, helpers.ts); the `extends` variants
// inherit what they do not restate; `--set` overrides reach the module; a JSON spec compiles like
// its YAML original; expressions share subexpressions; a head's own layers are what its phase
// updates; and no model is special-cased by name anywhere in compiler/ or runtime/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { renderDiagnosticLine } from '../compiler/diagnostics';
import { compileToModule, type Compiled } from '../compiler/index';
import { loadSpec } from '../compiler/load';
import { valueAt } from '../compiler/pointer';
import { KNOWN_SPEC_WARNINGS, unexpectedDiagnostics } from './helpers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const specs = readdirSync('specs')
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();
const compiled = new Map<string, Compiled>(specs.map((f) => [f.replace(/\.\w+$/, ''), compileToModule(`specs/${f}`, { format: false })]));

function moduleOf(name: string): string {
  const c = compiled.get(name);
  assert.ok(c?.text, `specs/${name} did not compile: ${c?.diagnostics.map(renderDiagnosticLine).join('\n')}`);
  return c.text;
}

function sourceOf(text: string): ts.SourceFile {
  return ts.createSourceFile('module.ts', text, ts.ScriptTarget.ES2022, true);
}

function functionIn(text: string, name: string): { sf: ts.SourceFile; fn: ts.FunctionDeclaration } {
  const sf = sourceOf(text);
  const fn = sf.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name);
  assert.ok(fn?.body, `no function ${name}`);
  return { sf, fn };
}

/** A function's body, without comments (for comparing code). */
function bodyOf(text: string, name: string): string {
  const { sf, fn } = functionIn(text, name);
  return ts.createPrinter({ removeComments: true }).printNode(ts.EmitHint.Unspecified, fn.body!, sf);
}

/** The `const tN = ...; // comment` statements of a loss or preview function. */
function statementsOf(text: string, name: string): { id: string; code: string; comment: string }[] {
  const { sf, fn } = functionIn(text, name);
  return fn.body!.statements.filter(ts.isVariableStatement).map((s) => {
    const decl = s.declarationList.declarations[0];
    const trailing = ts.getTrailingCommentRanges(sf.text, s.end) ?? [];
    const comment = trailing.length > 0 ? sf.text.slice(trailing[0].pos + 2, trailing[0].end).trim() : '';
    return { id: decl.name.getText(sf), code: decl.initializer!.getText(sf), comment };
  });
}

/** The value of an exported const whose initializer is plain data (no references). */
function constValue(text: string, name: string): unknown {
  const sf = sourceOf(text);
  for (const s of sf.statements) {
    if (!ts.isVariableStatement(s)) continue;
    const decl = s.declarationList.declarations.find((d) => d.name.getText(sf) === name);
    if (decl?.initializer) return new Function(`return (${decl.initializer.getText(sf)});`)();
  }
  assert.fail(`no const ${name}`);
}

/** A property of the trainer object literal, as source text. */
function trainerProperty(text: string, path: (string | number)[]): string {
  const sf = sourceOf(text);
  let node: ts.Node | undefined;
  for (const s of sf.statements) {
    if (ts.isVariableStatement(s)) node ??= s.declarationList.declarations.find((d) => d.name.getText(sf) === 'trainer')?.initializer;
  }
  for (const key of path) {
    if (node && typeof key === 'number' && ts.isArrayLiteralExpression(node)) node = node.elements[key];
    else if (node && typeof key === 'string' && ts.isObjectLiteralExpression(node)) {
      const prop = node.properties.find((p) => p.name?.getText(sf) === key);
      node = prop && ts.isPropertyAssignment(prop) ? prop.initializer : undefined;
    } else node = undefined;
  }
  assert.ok(node, `trainer has no ${path.join('.')}`);
  return node.getText(sf);
}

function assertOnlyKnownWarnings(file: string, c: Compiled): void {
  assert.deepEqual(unexpectedDiagnostics(file, c.diagnostics).map(renderDiagnosticLine), [], file);
  assert.deepEqual(c.diagnostics.map((d) => `${d.code} ${d.pointer}`), KNOWN_SPEC_WARNINGS[file] ?? [], `${file}'s known warnings`);
}

test('every spec in specs/ compiles with zero diagnostics but the known GS184 of wgan', () => {
  assert.ok(specs.length >= 10);
  for (const f of specs) {
    const name = f.replace(/\.\w+$/, '');
    const c = compiled.get(name)!;
    assertOnlyKnownWarnings(`specs/${f}`, c);
    assert.equal(typeof c.text, 'string');
    assert.equal(c.name, name, `specs/${name} is named '${c.name}': its module would be generated/${c.name}.ts`);
  }
});

test('every spec in specs/variants/ compiles with zero diagnostics but the known GS184 of wgan-fast, is named after its file and opens with its paper', () => {
  const variants = readdirSync('specs/variants').filter((f) => /\.(ya?ml|json)$/.test(f));
  assert.ok(variants.length >= 1);
  for (const f of variants) {
    const file = `specs/variants/${f}`;
    const c = compileToModule(file, { format: false });
    assertOnlyKnownWarnings(file, c);
    assert.equal(c.name, f.replace(/\.\w+$/, ''), `${file} is named '${c.name}': its module would be generated/variants/${c.name}.ts`);
    const text = readFileSync(file, 'utf8');
    const paper = (parseYaml(text) as { paper?: string }).paper;
    assert.ok(paper, `${file} names no paper:`);
    // The header comment, after the schema line, opens with the paper's authors and year.
    const header = text.split('\n').filter((l) => l.startsWith('# ') && !l.includes('$schema'))[0];
    const authors = paper.split(',')[0];
    assert.ok(header.includes(authors), `${file}'s first comment line names its paper (${authors}): ${header}`);
    assert.match(c.text!, new RegExp(`^// Paper: ${paper.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  }
});

const VARIANTS = [
  { name: 'wgan-gp', base: 'wgan', own: ['name', 'paper', 'losses', 'schedule', 'preview'], sameNets: ['G', 'D'] },
  // `edits`: the lists the variant edits (`{ edit: [...] }`) instead of restating them.
  { name: 'lsgan', base: 'gan', own: ['name', 'paper', 'networks', 'losses'], sameNets: ['G'], edits: ['/networks/D/layers'] },
  { name: 'hinge-dcgan', base: 'dcgan', own: ['name', 'paper', 'networks', 'losses'], sameNets: ['G'], edits: ['/networks/D/layers'] },
];

for (const v of VARIANTS) {
  test(`${v.name} extends ${v.base}: it inherits every section it does not restate`, () => {
    const child = parseYaml(readFileSync(`specs/${v.name}.yaml`, 'utf8')) as Record<string, unknown>;
    assert.equal(child.extends, `${v.base}.yaml`);
    const merged = loadSpec(`specs/${v.name}.yaml`);
    const base = loadSpec(`specs/${v.base}.yaml`);
    assert.deepEqual(merged.diagnostics, []);
    assert.equal('extends' in merged.doc, false);
    for (const key of Object.keys(base.doc)) {
      const restated = key in child;
      if (!restated) assert.deepEqual(merged.doc[key], base.doc[key], `${key} is inherited`);
      // Positions of inherited values point into the base spec's file.
      const pointer = `/${key}`;
      assert.equal(merged.where(pointer).file, restated ? `specs/${v.name}.yaml` : `specs/${v.base}.yaml`, pointer);
    }
    assert.deepEqual(Object.keys(child).filter((k) => k !== 'extends').sort(), [...v.own].sort(), 'the sections the variant restates');
    // Objects merge key by key: networks the child does not restate come from the base.
    const childNets = (child.networks ?? {}) as Record<string, unknown>;
    const nets = merged.doc.networks as Record<string, unknown>;
    const baseNets = base.doc.networks as Record<string, unknown>;
    assert.deepEqual(Object.keys(nets), Object.keys(baseNets));
    for (const net of v.sameNets) {
      assert.equal(net in childNets, false);
      assert.deepEqual(nets[net], baseNets[net]);
      assert.equal(bodyOf(moduleOf(v.name), `build${net}`), bodyOf(moduleOf(v.base), `build${net}`), `build${net} is the base's`);
    }
    for (const pointer of v.edits ?? []) {
      assert.deepEqual(Object.keys(valueAt(child, pointer) as object), ['edit'], `${pointer} is edited`);
      assert.equal(merged.where(pointer).file, `specs/${v.name}.yaml`);
      // Kept items are placed in the base's file at their own line, edited ones in the variant's.
      const list = valueAt(merged.doc, pointer) as unknown[];
      assert.deepEqual(merged.where(`${pointer}/0`), base.where(`${pointer}/0`));
      assert.equal(merged.where(`${pointer}/${list.length - 1}`).file, `specs/${v.name}.yaml`);
    }
    // The module names its own spec as its source, never the base's.
    assert.match(moduleOf(v.name), new RegExp(`^// @generated by gan-compile from specs/${v.name}\\.yaml: do not edit\\.\\n`));
  });
}

test('what the variants restate replaces the base (wgan-gp: no clipping, a gradient penalty; lsgan and hinge: linear critics)', () => {
  type Hp = { batch: number; steps: number; phases: Record<string, { repeat: number; clip: number | null; optimizer: { kind: string; lr: number } }> };
  const wgan = constValue(moduleOf('wgan'), 'hyperparameters') as Hp;
  const gp = constValue(moduleOf('wgan-gp'), 'hyperparameters') as Hp;
  assert.equal(wgan.phases.D.clip, 0.01);
  assert.equal(gp.phases.D.clip, null);
  assert.equal(gp.phases.D.repeat, 5);
  assert.equal(gp.steps, 30000);
  assert.match(bodyOf(moduleOf('wgan-gp'), 'lossD'), /gs\.gradientPenalty\(/);
  assert.equal(bodyOf(moduleOf('wgan-gp'), 'lossG'), bodyOf(moduleOf('wgan'), 'lossG'), 'the G loss is inherited');
  // Checkpoint settings were not restated: inherited.
  assert.equal(trainerProperty(moduleOf('wgan-gp'), ['checkpoint']), trainerProperty(moduleOf('wgan'), ['checkpoint']));
  for (const [variant, base] of [['lsgan', 'gan'], ['hinge-dcgan', 'dcgan']]) {
    // The variant edits the base's last D layer: every other layer is the base's.
    const layers = (name: string) => (loadSpec(`specs/${name}.yaml`).doc.networks as { D: { layers: unknown[] } }).D.layers;
    assert.deepEqual(layers(variant), [...layers(base).slice(0, -1), { dense: { units: 1 } }]);
    assert.match(bodyOf(moduleOf(base), 'buildD'), /activation: "sigmoid"/);
    assert.doesNotMatch(bodyOf(moduleOf(variant), 'buildD'), /sigmoid/);
    assert.deepEqual(constValue(moduleOf(variant), 'hyperparameters'), constValue(moduleOf(base), 'hyperparameters'), `${variant} keeps ${base}'s schedule`);
    assert.equal(trainerProperty(moduleOf(variant), ['preview']), trainerProperty(moduleOf(base), ['preview']));
  }
});

test("paper and description are the spec's own: a child that does not restate them has none (no Paper line), one that does has its own", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ganspec-paper-'));
  try {
    writeFileSync(join(dir, 'parent.yaml'), `extends: ${JSON.stringify(join(ROOT, 'specs/gan.yaml'))}\nname: parent\npaper: Parent et al. 2020, A Paper\ndescription: the parent model\n`);
    writeFileSync(join(dir, 'silent.yaml'), 'extends: parent.yaml\nname: silent\nnetworks:\n  D:\n    layers:\n      edit: [ { at: -1, replace: { dense: { units: 1 } } } ]\nlosses:\n  D: mse(D(x), 1)\n  G: mse(D(G(z)), 1)\n');
    writeFileSync(join(dir, 'own.yaml'), 'extends: parent.yaml\nname: own\npaper: Child & Co 2021, Another Paper\ndescription: the child model\n');
    const header = (text: string) => text.split('\n').slice(0, 3);
    const parent = compileToModule(join(dir, 'parent.yaml'), { format: false });
    assert.deepEqual(parent.diagnostics, []);
    assert.deepEqual(header(parent.text!).slice(1), ['// parent: the parent model', '// Paper: Parent et al. 2020, A Paper']);
    const silent = compileToModule(join(dir, 'silent.yaml'), { format: false });
    assert.deepEqual(silent.diagnostics, []);
    assert.equal('paper' in silent.values || 'description' in silent.values, false);
    assert.deepEqual(header(silent.text!).slice(1), ['// silent', 'import { gs, tf } from "ganspec/runtime";']);
    assert.equal(trainerProperty(silent.text!, ['paper']), '""');
    const own = compileToModule(join(dir, 'own.yaml'), { format: false });
    assert.deepEqual(header(own.text!).slice(1), ['// own: the child model', '// Paper: Child & Co 2021, Another Paper']);
    assert.equal(trainerProperty(own.text!, ['paper']), '"Child & Co 2021, Another Paper"');
    // Everything else is inherited: gan's schedule reaches both children.
    assert.deepEqual(constValue(silent.text!, 'hyperparameters'), constValue(moduleOf('gan'), 'hyperparameters'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--set overrides reach the module (schedule.batch=64, a phase learning rate)', () => {
  const c = compileToModule('specs/dcgan.yaml', { format: false, overrides: ['schedule.batch=64', 'schedule.phases.1.optimizer.adam.lr=0.001'] });
  assert.deepEqual(c.diagnostics, []);
  const hp = constValue(c.text!, 'hyperparameters') as { batch: number; steps: number; phases: Record<string, { optimizer: { lr: number; beta1: number } }> };
  const original = constValue(moduleOf('dcgan'), 'hyperparameters') as typeof hp;
  assert.equal(original.batch, 32);
  assert.equal(hp.batch, 64);
  assert.equal(hp.steps, original.steps);
  assert.equal(hp.phases.G.optimizer.lr, 0.001);
  assert.equal(hp.phases.G.optimizer.beta1, 0.5);
  assert.deepEqual(hp.phases.D, original.phases.D);
  // Overrides go through the same validation, positioned at the --set argument.
  const bad = compileToModule('specs/dcgan.yaml', { format: false, overrides: ['schedule.steps=100', 'schedule.batch=0'] });
  assert.equal(bad.text, undefined);
  assert.deepEqual(bad.diagnostics.map(renderDiagnosticLine), ['--set:1:2 /schedule/batch: must be >= 1 (got 0)']);
});

test('a JSON spec compiles to the same module as its YAML original', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ganspec-json-'));
  try {
    const file = join(dir, 'dcgan.json');
    writeFileSync(file, JSON.stringify(parseYaml(readFileSync('specs/dcgan.yaml', 'utf8')), null, 2));
    const c = compileToModule(file, { format: false });
    assert.deepEqual(c.diagnostics.map(renderDiagnosticLine), []);
    const shown = relative(process.cwd(), file);
    assert.equal(c.text!.split(shown).join('specs/dcgan.yaml'), moduleOf('dcgan'));
    // Diagnostics in JSON point at JSON lines.
    const broken = JSON.stringify(parseYaml(readFileSync('specs/dcgan.yaml', 'utf8')), null, 2).replace('"batch": 32', '"batch": 0');
    writeFileSync(file, broken);
    const line = broken.split('\n').findIndex((l) => l.includes('"batch": 0')) + 1;
    const col = broken.split('\n')[line - 1].indexOf('0') + 1;
    // (Diagnostics name a file outside the working directory by its absolute path.)
    const named = shown.startsWith('..') ? file : shown;
    assert.deepEqual(compileToModule(file, { format: false }).diagnostics.map(renderDiagnosticLine), [`${named}:${line}:${col} /schedule/batch: must be >= 1 (got 0)`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('expressions share subexpressions: each network call on the same inputs is computed once', () => {
  const count = (s: string, needle: string) => s.split(needle).length - 1;
  // dcgan: 0.5 * (bce(D(x), 1) + bce(D(G(z)), 0)) applies G once and D twice.
  const dcgan = bodyOf(moduleOf('dcgan'), 'lossD');
  assert.equal(count(dcgan, 'nets.G.apply('), 1);
  assert.equal(count(dcgan, 'nets.D.apply('), 2);
  // acgan: D(G(z, y_g)) appears twice in each loss, and is applied once.
  for (const loss of ['lossD', 'lossG']) assert.equal(count(bodyOf(moduleOf('acgan'), loss), 'nets.G.apply('), 1, `acgan ${loss}`);
  // cyclegan's G loss: G_AB(a) feeds D_B and G_BA, G_BA(b) feeds D_A and G_AB; each is applied once.
  const stmts = statementsOf(moduleOf('cyclegan'), 'lossG');
  for (const call of ['G_AB(a)', 'G_BA(b)', 'G_BA(G_AB(a))', 'G_AB(G_BA(b))', 'G_BA(a)', 'G_AB(b)']) {
    assert.equal(stmts.filter((s) => s.comment === call).length, 1, `${call} is computed once`);
  }
  const gab = stmts.find((s) => s.comment === 'G_AB(a)')!;
  const uses = stmts.filter((s) => new RegExp(`\\b${gab.id}\\b`).test(s.code)).map((s) => s.comment);
  // G_BA's three calls are one batch (compiler/emit/together.ts), G_AB's on a and b another.
  assert.deepEqual(uses, ['G_BA(b), G_BA(G_AB(a)), G_BA(a) as one batch', 'D_B(G_AB(a))']);
  assert.equal(stmts.filter((s) => s.code.startsWith('nets.G_AB.apply(')).length, 1);
  assert.equal(stmts.filter((s) => /^gs\.applyTogether\(nets\.G_AB, \[\w+, \w+\], /.test(s.code)).length, 1);
  assert.equal(stmts.filter((s) => s.code.startsWith('real.a')).length, 1);
  // In every loss and preview of every module, no two statements compute the same thing.
  for (const name of compiled.keys()) {
    const text = moduleOf(name);
    const fns = sourceOf(text).statements.filter((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && /^(loss|preview$)/.test(s.name!.text));
    assert.ok(fns.length >= 2);
    for (const fn of fns) {
      const codes = statementsOf(text, fn.name!.text).map((s) => s.code);
      assert.equal(new Set(codes).size, codes.length, `${name} ${fn.name!.text} repeats a computation`);
    }
  }
});

test("a head's own layers: infogan's G phase updates G and only the layers of D's code head", () => {
  const text = moduleOf('infogan');
  const updates = (i: number) => new Function(`return (${trainerProperty(text, ['phases', i, 'updates'])});`)() as unknown;
  assert.deepEqual(updates(0), [{ net: 'D' }]);
  assert.deepEqual(updates(1), [{ net: 'G' }, { net: 'D', layers: ['D_code_0', 'D_code_1'] }]);
  // Those are the names the D network gives the head's layers.
  const build = bodyOf(text, 'buildD');
  for (const layer of ['D_code_0', 'D_code_1']) assert.equal(build.split(`name: "${layer}"`).length - 1, 1, layer);
});

/** Words of an identifier: camelCase, snake_case and SCREAMING_CASE split, lower-cased. */
const identifierWords = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
/** Words of a string literal, case kept (model names are lower-case; 'GAN' in prose is not one). */
const stringWords = (s: string) => s.split(/[^A-Za-z0-9]+/).filter(Boolean);

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? codeFiles(p) : /\.(ts|hbs)$/.test(e.name) ? [p] : [];
  });
}

test('no model is special-cased: no model name appears in compiler/ or runtime/ code', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
  // A model named like a word of the spec language (a key or an enum value of the schema: a data
  // source, say) cannot be told apart; examples and descriptions are not words of the language.
  const words = new Set<string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'enum' || key === 'const') [value].flat().forEach((v) => typeof v === 'string' && words.add(v));
        else if (key === 'properties') Object.keys(value as object).forEach((k) => words.add(k));
        if (key !== 'examples' && key !== 'default') collect(value);
      }
    }
  };
  collect(JSON.parse(readFileSync('schema/ganspec.schema.json', 'utf8')));
  const names = [...compiled.values()].map((c) => c.name!).filter((n) => !words.has(n));
  assert.ok(names.length >= 10, names.join(', '));
  // The package's own command names (gan-compile, gan-train, ...) are not the model 'gan'.
  const commandNames = new Set([...Object.keys(pkg.bin), ...readdirSync('bin').map((f) => f.replace(/\.[cm]?js$/, ''))]);
  const commands = new RegExp([...commandNames].join('|'), 'g');
  const has = (words: string[], name: string) => {
    const parts = name.split('-');
    return words.some((_, i) => parts.every((p, k) => words[i + k] === p));
  };
  const found: string[] = [];
  for (const file of [...codeFiles('compiler'), ...codeFiles('runtime')]) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.hbs')) {
      for (const name of names) if (has(stringWords(text.replace(commands, '')), name)) found.push(`${file}: ${name}`);
      continue;
    }
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      // Help text of the command-line tools (yargs .usage and .example) is documentation.
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ['usage', 'example'].includes(node.expression.name.text)) return;
      let words: string[] | undefined;
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) words = identifierWords(node.text);
      else if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) words = stringWords(node.text.replace(commands, ''));
      for (const name of words ? names : []) {
        if (has(words!, name)) found.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: ${name} in ${JSON.stringify(node.getText(sf).slice(0, 60))}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  assert.deepEqual(found, []);
});
