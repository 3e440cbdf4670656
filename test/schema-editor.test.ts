// The schema as an editor sees it: schema/ganspec.schema.json run by yaml-language-server (the
// package VS Code's YAML extension and other editors use, through its programmatic API) over
// the raw text of every spec, and by plain ajv (JSON Schema 2020-12, no ganspec code) over the
// raw, un-merged YAML. Every spec in specs/ and specs/variants/ gets no diagnostic (a spec with
// `extends` may leave keys to its parent); every schema diagnostic gan-compile gives for an
// invalid fixture is matched by a language-server diagnostic on the same line of the same file;
// completion offers the schema's defaults and examples, hover its descriptions.
// yaml-language-server reports schema problems with LSP severity Warning (2) and YAML syntax
// errors with Error (1); both are counted here.
// May import anything of ours; reads schemas from disk only (no network).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020';
import { parse as parseYaml } from 'yaml';
import { getLanguageService, type LanguageService } from 'yaml-language-server';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compileToModule } from '../compiler/index';
import type { Diagnostic } from '../compiler/diagnostics';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const SCHEMA_FILE = resolve('schema/ganspec.schema.json');
const SCHEMA_URI = pathToFileURL(SCHEMA_FILE).href;
const SCHEMA = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object;
const INVALID = 'test/fixtures/invalid';

const specFiles = [
  ...readdirSync('specs').filter((f) => f.endsWith('.yaml')).map((f) => `specs/${f}`),
  ...readdirSync('specs/variants').filter((f) => f.endsWith('.yaml')).map((f) => `specs/variants/${f}`),
].sort();

/**
 * A language service that reads schemas from local files only. `registered`: the schema is
 * associated with every file by the settings (as a user's `yaml.schemas` does); otherwise a file
 * finds it only through its own `# yaml-language-server: $schema=...` line.
 */
function languageService(registered: boolean): LanguageService {
  const service = getLanguageService({
    schemaRequestService: (uri: string) =>
      uri.startsWith('file:') ? Promise.resolve(readFileSync(fileURLToPath(uri), 'utf8')) : Promise.reject(new Error(`no network: ${uri}`)),
    workspaceContext: { resolveRelativePath: (path: string, resource: string) => new URL(path, resource).href },
  });
  const schemas = registered ? [{ uri: SCHEMA_URI, fileMatch: ['*.yaml', '*.json'] }] : [];
  service.configure({ validate: true, completion: true, hover: true, schemas });
  return service;
}

let version = 0;
/** The language server's diagnostics for a file, as `line:col message` (1-based, like gan-compile). */
async function editorDiagnostics(service: LanguageService, file: string, text = readFileSync(file, 'utf8')): Promise<{ line: number; text: string }[]> {
  const document = TextDocument.create(pathToFileURL(resolve(file)).href, 'yaml', ++version, text);
  const found = await service.doValidation(document, false);
  return found.map((d) => ({ line: d.range.start.line + 1, text: `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}` }));
}

const byModeline = languageService(false);
const registered = languageService(true);

test('every spec names the schema on its first line, by a path that leads to it', () => {
  for (const file of specFiles) {
    const first = readFileSync(file, 'utf8').split('\n')[0];
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    assert.ok(match, `${file}: first line is ${JSON.stringify(first)}`);
    assert.equal(resolve(dirname(file), match[1]), SCHEMA_FILE, file);
  }
});

test('yaml-language-server finds the schema through each spec\'s $schema line and reports no diagnostic on any spec', async () => {
  assert.ok(specFiles.length >= 12, `only ${specFiles.length} specs found`);
  for (const file of specFiles) assert.deepEqual(await editorDiagnostics(byModeline, file), [], file);
  // The same server does apply the schema: a misspelled key in a variant is marked.
  const ttur = readFileSync('specs/variants/ttur.yaml', 'utf8').replace('\nschedule:', '\nschedul:');
  assert.deepEqual(
    (await editorDiagnostics(byModeline, 'specs/variants/ttur.yaml', ttur)).map((d) => d.text),
    ['9:1 Property schedul is not allowed.'],
  );
});

test('a spec without extends must be complete: yaml-language-server marks each key the merged spec needs', async () => {
  // ttur.yaml restates only name, paper and edits of the phases: its parent gives the rest, and
  // the phases the edits change.
  const alone = readFileSync('specs/variants/ttur.yaml', 'utf8').replace('extends: ../dcgan.yaml\n', '');
  assert.deepEqual(
    (await editorDiagnostics(byModeline, 'specs/variants/ttur.yaml', alone)).map((d) => d.text).sort(),
    [
      '10:5 Incorrect type. Expected "array".',
      '6:1 Missing property "data".',
      '6:1 Missing property "losses".',
      '6:1 Missing property "networks".',
      '6:1 Missing property "preview".',
      '8:1 Missing property "batch".',
      '8:1 Missing property "steps".',
    ],
  );
});

test("yaml-language-server completes keys with the schema's defaults and examples, and shows descriptions on hover", async () => {
  const text = 'extends: dcgan.yaml\ncheckpoint:\n  \nschedule:\n  phases:\n    - update: D\n      optimizer:\n        adam:\n          \n';
  const document = TextDocument.create(pathToFileURL(resolve('specs/variants/completion.yaml')).href, 'yaml', ++version, text);
  const completions = async (line: number, character: number) =>
    (await registered.doComplete(document, { line, character }, false)).items.map((i) => `${i.label}: ${i.insertText}`);
  assert.deepEqual(await completions(2, 2), ['every: every: ${1:1000}', 'keep: keep: ${1:3}']);
  const adam = await completions(8, 10);
  for (const want of ['lr: lr: ${1:0.0002}', 'beta2: beta2: ${1:0.999}', 'epsilon: epsilon: ${1:1e-7}']) assert.ok(adam.includes(want), `${want} in ${adam.join(', ')}`);
  const hoverDoc = TextDocument.create(pathToFileURL(resolve('specs/variants/hover.yaml')).href, 'yaml', ++version, 'preview:\n  rows: 4\n');
  const hover = await registered.doHover(hoverDoc, { line: 1, character: 3 });
  assert.match(JSON.stringify(hover?.contents), /Rows of samples in each band, at most 32 \(default 8\)\./);
});

/**
 * Fixtures whose GS0xx diagnostic no schema of the file's text can give, and why. Each must
 * indeed get no editor diagnostic on that line (else it belongs in the checked set).
 */
const OUTSIDE_THE_TEXT: Record<string, string> = {
  'extends-missing.yaml': "the file 'extends' names does not exist (load reads the file system)",
  'extends-cycle.yaml': "'extends' makes a cycle through another file",
  'block-arg-id-as-count.yaml': "a block's argument is valid where it is written, and wrong only once substituted into the block's layer",
  'edit-unknown-id.yaml': "an edit's target is an id of the parent's list, in another file",
  'edit-index-out-of-range.yaml': "an edit's index is checked against the length of the parent's list, in another file",
  'edit-not-a-list.yaml': "whether the parent has a list at an edit's place is in another file",
  'edit-conflict.yaml': 'two edits name one item of the parent only through its id and its index',
  'edit-set-out-of-range.yaml': "a key set into a parent's layer is checked in the merged layer (a partial layer has no schema of its own)",
};

const fixtures = readdirSync(INVALID)
  .filter((f) => /\.(yaml|json)$/.test(f))
  .sort();
const schemaDiagnostics = new Map<string, Diagnostic[]>(
  fixtures.map((f) => [f, compileToModule(join(INVALID, f), { format: false }).diagnostics.filter((d) => d.code.startsWith('GS0'))]),
);

test('yaml-language-server marks the line of every schema diagnostic gan-compile gives for an invalid fixture', async () => {
  const checked: string[] = [];
  for (const [fixture, diagnostics] of schemaDiagnostics) {
    for (const d of diagnostics) {
      const lines = (await editorDiagnostics(registered, d.file)).filter((e) => e.line === d.line);
      const what = `${fixture}: gan-compile says ${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`;
      if (Object.hasOwn(OUTSIDE_THE_TEXT, fixture)) {
        assert.deepEqual(lines, [], `${what}; listed as outside the text, yet the editor marks its line`);
        continue;
      }
      assert.ok(lines.length > 0, `${what}; yaml-language-server marks nothing on line ${d.line}`);
      checked.push(`${d.file}:${d.line} ${d.code} | ${lines.map((e) => e.text).join(' | ')}`);
    }
  }
  // Every exception is still a fixture with a GS0xx diagnostic.
  for (const fixture of Object.keys(OUTSIDE_THE_TEXT)) assert.ok((schemaDiagnostics.get(fixture) ?? []).length > 0, fixture);
  assert.deepEqual(checked, [
    `${INVALID}/duplicate-key.yaml:24 GS007 | 24:3 Map keys must be unique`,
    `${INVALID}/edit-malformed.yaml:8 GS012 | 8:11 Object has more properties than limit of 2. | 8:11 Matches multiple schemas when only one must validate.`,
    `${INVALID}/edit-malformed.yaml:9 GS012 | 9:11 Missing property "replace".`,
    `${INVALID}/edit-malformed.yaml:10 GS012 | 10:11 Missing property "replace".`,
    `${INVALID}/edit-malformed.yaml:11 GS012 | 11:35 Array has too few items. Expected 1 or more.`,
    `${INVALID}/edit-malformed.yaml:12 GS012 | 12:20 Property sett is not allowed. | 12:11 Missing property "replace".`,
    `${INVALID}/edit-not-editable.yaml:6 GS011 | 6:10 Incorrect type. Expected "array".`,
    `${INVALID}/edit-not-editable.yaml:8 GS011 | 8:6 Incorrect type. Expected "string".`,
    `${INVALID}/edit-replaced-layer-schema.yaml:9 GS002 | 9:35 Missing property "units". | 9:44 Property unitz is not allowed.`,
    `${INVALID}/edit-replaced-layer-schema.yaml:13 GS002 | 13:32 Missing property "optimizer". | 13:45 Property optimiser is not allowed.`,
    `${INVALID}/edit-without-extends.yaml:6 GS011 | 6:7 Incorrect type. Expected "array".`,
    `${INVALID}/ema-decay-range.yaml:5 GS005 | 5:33 Value is above the exclusive maximum of 1.`,
    `${INVALID}/base/unknown-key.yaml:3 GS002 | 3:44 Property rangee is not allowed.`,
    `${INVALID}/missing-key.yaml:21 GS003 | 21:1 Missing property "steps".`,
    `${INVALID}/misspelled-bare-layer.yaml:16 GS006 | 16:9 Value is not accepted. Valid values: "relu", "tanh", "sigmoid", "softmax", "leaky_relu", "flatten", "batchnorm", "instancenorm".`,
    `${INVALID}/misspelled-layer.yaml:15 GS002 | 15:9 Value is not accepted. Valid values: "relu", "tanh", "sigmoid", "softmax", "leaky_relu", "flatten", "batchnorm", "instancenorm".`,
    `${INVALID}/out-of-range.yaml:15 GS005 | 15:28 Value is below the minimum of 1.`,
    `${INVALID}/two-errors.yaml:15 GS005 | 15:28 Value is below the minimum of 1.`,
    `${INVALID}/two-errors.yaml:22 GS004 | 22:10 Incorrect type. Expected "integer".`,
    `${INVALID}/unknown-key.yaml:23 GS002 | 23:3 Property epochs is not allowed.`,
    `${INVALID}/wrong-type.yaml:22 GS004 | 22:10 Incorrect type. Expected "integer".`,
    `${INVALID}/yaml-syntax.yaml:6 GS001 | 6:1 All mapping items must start at the same column | 6:2 Property c is not allowed.`,
  ]);
});

// The cross-check: ajv's 2020-12 validator alone (ganspec's x-hint notes ignored), on each file's
// own YAML before any `extends` is merged.
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validateRaw = ajv.compile(SCHEMA);
const rawErrors = (text: string) => (validateRaw(parseYaml(text)) ? [] : (validateRaw.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

test('ajv 2020 alone: the schema is a valid 2020-12 schema and every spec\'s own YAML is valid', () => {
  assert.equal(ajv.validateSchema(SCHEMA), true, JSON.stringify(ajv.errors));
  for (const file of specFiles) assert.deepEqual(rawErrors(readFileSync(file, 'utf8')), [], file);
});

test('ajv 2020 alone: without its extends line each variant misses what its parent gave, and its edits are no lists', () => {
  const without = (file: string) => rawErrors(readFileSync(file, 'utf8').replace(/^extends: .*\n/m, '')).filter((e) => !e.includes('"else"'));
  assert.deepEqual(without('specs/wgan-gp.yaml'), [" must have required property 'data'", " must have required property 'networks'"]);
  assert.deepEqual(without('specs/lsgan.yaml'), [" must have required property 'data'", " must have required property 'schedule'", " must have required property 'preview'", '/networks/D/layers must be array']);
  assert.deepEqual(without('specs/hinge-dcgan.yaml'), [" must have required property 'data'", " must have required property 'schedule'", " must have required property 'preview'", '/networks/D/layers must be array']);
  assert.deepEqual(without('specs/variants/ttur.yaml'), [
    " must have required property 'data'",
    " must have required property 'networks'",
    " must have required property 'losses'",
    " must have required property 'preview'",
    "/schedule must have required property 'batch'",
    "/schedule must have required property 'steps'",
    '/schedule/phases must be array',
  ]);
});

test('ajv 2020 alone: the fixtures whose schema diagnostic is in their own text are invalid', () => {
  for (const [fixture, diagnostics] of schemaDiagnostics) {
    const inText = diagnostics.filter((d) => d.code !== 'GS001' && d.code !== 'GS007' && !Object.hasOwn(OUTSIDE_THE_TEXT, fixture));
    for (const file of new Set(inText.map((d) => d.file))) assert.notDeepEqual(rawErrors(readFileSync(file, 'utf8')), [], `${fixture}: ${file}`);
  }
});
