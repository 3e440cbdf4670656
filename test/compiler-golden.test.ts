// Golden tests: every spec in specs/ and specs/variants/ compiled now (compileToModules: emitted, formatted, with the
// type-check, as gan-compile does) must equal its committed module in generated/ (or
// generated/variants/) byte for byte.
// Any drift fails with the first differing line. When a change to the compiler or a spec is
// intended, regenerate the modules and review them:
//
//   npm run golden:update        (runs gan-compile on specs/*.yaml and specs/variants/*.yaml)
//   git diff generated/
//
// Also: `gan-compile --check` (runCompile with check) names stale modules and writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCompile } from '../cli/compile';
import { renderDiagnosticLine } from '../compiler/diagnostics';
import { compileToModules } from '../compiler/index';
import { projectSpecs, SPEC_FOLDERS, unexpectedDiagnostics } from './helpers';

// Module headers and positions name files relative to the working directory: run from the root.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const UPDATE = 'npm run golden:update';
const project = projectSpecs();
const specs = project.map((p) => p.spec);
const folderOf = new Map(project.map((p) => [p.spec, p.generated]));

interface Golden {
  spec: string;
  generated: string;
  name?: string;
  problems: string[];
  text?: string;
  typeErrors: string[];
}

/** All specs compiled once, and type-checked together in one ts-morph project. */
const compiled: Golden[] = (() => {
  // Type-checked afresh (no cache), as one ts-morph project.
  return compileToModules(specs, { cacheDir: null }).map((r) => ({
    spec: r.file,
    generated: folderOf.get(r.file)!,
    name: r.name,
    problems: unexpectedDiagnostics(r.file, r.diagnostics.filter((d) => d.code !== 'GS900')).map(renderDiagnosticLine),
    text: r.text,
    typeErrors: r.diagnostics.filter((d) => d.code === 'GS900').map((d) => d.message),
  }));
})();

/** Where two texts first differ, as a message; undefined when they are identical. */
function firstDifference(committed: string, emitted: string): string | undefined {
  if (committed === emitted) return undefined;
  const a = committed.split('\n');
  const b = emitted.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (lines: string[]) => (i < lines.length ? JSON.stringify(lines[i]) : '(end of file)');
  return `first difference at line ${i + 1}:\n  committed: ${show(a)}\n  emitted:   ${show(b)}`;
}

test('the specs folder has specs to check', () => {
  assert.ok(specs.filter((s) => !s.startsWith('specs/variants/')).length >= 10, `expected the ten model specs, found ${specs.join(', ')}`);
  assert.ok(specs.some((s) => s.startsWith('specs/variants/')), 'expected variant specs in specs/variants/');
});

test(`package.json has the golden update command: ${UPDATE}`, () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
  const script = pkg.scripts['golden:update'];
  assert.ok(script, 'scripts["golden:update"] is missing');
  // npm scripts do not see this package's own bin links: the script runs the bin file itself,
  // once per spec folder, into that folder's generated/ counterpart.
  // The torch target's commands (--target torch) are checked by compiler-torch-golden.test.ts.
  const commands = script.split(' && ').filter((c) => !c.includes('--target torch'));
  assert.deepEqual(
    commands.map((c) => c.replace(/^node \S+ /, '')),
    SPEC_FOLDERS.map(({ specs: dir, generated }) => (generated === 'generated' ? `${dir}/*.yaml` : `${dir}/*.yaml --out ${generated}`)),
  );
  for (const c of commands) {
    const bin = /^node (\S+)/.exec(c)![1];
    assert.equal(bin, pkg.bin['gan-compile'], 'golden:update runs gan-compile');
    assert.ok(statSync(bin).isFile());
  }
});

test('every spec has a committed module and every committed module a spec', () => {
  const names = compiled.filter((c) => c.name !== undefined).map((c) => `${c.generated}/${c.name}.ts`);
  const committed = SPEC_FOLDERS.flatMap(({ generated }) =>
    readdirSync(generated)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `${generated}/${f}`),
  );
  const missing = names.filter((n) => !committed.includes(n));
  const orphans = committed.filter((n) => !names.includes(n));
  assert.deepEqual(missing, [], `no committed module for ${missing.join(', ')}: run ${UPDATE}`);
  assert.deepEqual(orphans, [], `modules without a spec: ${orphans.join(', ')}`);
});

for (const spec of specs) {
  test(`${spec} compiles to its committed module, byte for byte`, () => {
    const c = compiled.find((r) => r.spec === spec)!;
    assert.deepEqual(c.problems, [], `${spec} has diagnostics`);
    assert.ok(c.text !== undefined && c.name !== undefined);
    assert.deepEqual(c.typeErrors, [], `the module of ${spec} does not type-check`);
    const file = `${c.generated}/${c.name}.ts`;
    const header = `// @generated by gan-compile from ${spec}: do not edit.\n`;
    assert.ok(c.text.startsWith(header), `emitted module does not start with ${JSON.stringify(header)}`);
    let committed: string;
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      assert.fail(`${file} is missing: run ${UPDATE}`);
    }
    assert.ok(committed.startsWith(header), `${file} does not start with ${JSON.stringify(header)}`);
    const drift = firstDifference(committed, c.text);
    if (drift) assert.fail(`${file} is not what gan-compile emits for ${spec} now; ${drift}\nIf the change is intended, run \`${UPDATE}\` and review \`git diff generated/\`.`);
  });
}

test('the drift check sees any change, down to one character or a final newline', () => {
  const text = 'a\nb\nc\n';
  assert.equal(firstDifference(text, text), undefined);
  assert.match(firstDifference(text, 'a\nb \nc\n')!, /line 2:\n {2}committed: "b"\n {2}emitted: {3}"b "/);
  assert.match(firstDifference(text, 'a\nb\nc')!, /line 4:/);
  assert.match(firstDifference('a\r\nb\n', 'a\nb\n')!, /line 1:/);
});

test('--check names a stale module, reports a missing one, and writes nothing', async () => {
  const out = mkdtempSync(join(tmpdir(), 'ganspec-golden-'));
  try {
    const log: string[] = [];
    const opts = { out, set: [], log: (s: string) => log.push(s), typeCheck: false };
    const pair = ['specs/dcgan.yaml', 'specs/gan.yaml'];
    const first = await runCompile(pair, { ...opts, check: false });
    assert.equal(first.ok, true, log.join('\n'));
    const dcgan = join(out, 'dcgan.ts');
    const gan = join(out, 'gan.ts');
    assert.deepEqual([...first.written].sort(), [dcgan, gan]);
    assert.equal((await runCompile(pair, { ...opts, check: true })).ok, true, 'freshly written modules are up to date');

    // A hand edit of one module and the removal of the other.
    const edited = readFileSync(dcgan, 'utf8').replace('batch: 32,', 'batch: 33,');
    assert.notEqual(edited, readFileSync(dcgan, 'utf8'));
    writeFileSync(dcgan, edited);
    rmSync(gan);
    const before = readdirSync(out).sort();
    const mtime = statSync(dcgan).mtimeMs;
    log.length = 0;

    const run = await runCompile(pair, { ...opts, check: true });
    assert.equal(run.ok, false);
    assert.deepEqual([...run.stale].sort(), [dcgan, gan]);
    assert.deepEqual(run.written, []);
    assert.equal(log.filter((l) => l.startsWith('stale: ')).length, 2, log.join('\n'));
    assert.ok(log.some((l) => l.startsWith(`stale: ${dcgan} differs`)), log.join('\n'));
    // Nothing written: the edit stays, the removed module stays removed, no temporary files.
    assert.deepEqual(readdirSync(out).sort(), before);
    assert.equal(readFileSync(dcgan, 'utf8'), edited);
    assert.equal(statSync(dcgan).mtimeMs, mtime);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
