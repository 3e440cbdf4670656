// Hostile specs against the torch target: free text (paper, description, data paths) full of
// quotes, triple quotes, backslashes, `#`, newlines and U+2028/9 reaches the Python module only
// inside string literals, comments and docstrings: the module's code tokens (Python's tokenize,
// comments and strings left out) are exactly those of the same spec with plain text, and its
// `paper` literal evaluates to the text itself. Names Python gives a meaning (keywords, the
// module's own imports, `self`) are refused with GS190 at the place that wrote them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { renderDiagnosticLine } from '../compiler/diagnostics';
import { compileToModule } from '../compiler/index';
import { runPython, torchTest } from './torch-runtime';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

const PAYLOAD = [`q"uote 'single' """triple''' \\" \\\\ \\x00 # not a comment`, '"""); import os; os._exit(3); ("""', 'line\nfeed\r\nreturn\rLS\u2028PS\u2029NEL\u0085VT\u000bFF\u000c'].join(' ');

const dir = mkdtempSync(join(tmpdir(), 'ganspec-torch-hostile-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

type Obj = Record<string, any>;

function spec(text: string, names: { G?: string; id?: string } = {}): Obj {
  const G = names.G ?? 'G';
  return {
    name: 'hostile',
    paper: text,
    description: text,
    data: { source: 'mnist', image: [28, 28, 1] },
    sample: { z: 'normal(8)' },
    networks: {
      [G]: { inputs: { z: [8] }, layers: [{ dense: { units: 784, activation: 'tanh' }, id: names.id ?? 'pixels' }, { reshape: [28, 28, 1] }] },
      D: { inputs: { img: 'image' }, layers: ['flatten', { dense: { units: 1, activation: 'sigmoid' } }] },
    },
    losses: { D: `bce(D(x), 1) + bce(D(${G}(z)), 0)`, G: `bce(D(${G}(z)), 1)` },
    schedule: { batch: 4, steps: 1, phases: [{ update: 'D', optimizer: { adam: { lr: 0.001 } } }, { update: G, loss: 'G', optimizer: { adam: { lr: 0.001 } } }] },
    preview: { show: [`${G}(z)`] },
  };
}

let serial = 0;
function compile(s: Obj) {
  const file = join(dir, `spec${serial++}.yaml`);
  writeFileSync(file, stringify(s));
  return compileToModule(file, { target: 'torch' });
}

torchTest('hostile free text reaches the torch module only inside literals, comments and docstrings', (python) => {
  const hostile = compile(spec(PAYLOAD));
  const plain = compile(spec('plain text'));
  assert.deepEqual(hostile.diagnostics.map(renderDiagnosticLine), []);
  const [a, b] = [join(dir, 'hostile.py'), join(dir, 'plain.py')];
  writeFileSync(a, hostile.text!);
  writeFileSync(b, plain.text!);
  const script = [
    'import ast, io, json, sys, tokenize',
    'def code(path):',
    '    text = open(path).read()',
    '    skip = {tokenize.COMMENT, tokenize.STRING, tokenize.NL, tokenize.NEWLINE}',
    '    return [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type not in skip]',
    'tree = ast.parse(open(sys.argv[1]).read())',
    'trainer = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "TRAINER")',
    'paper = next(k.value for k in trainer.value.keywords if k.arg == "paper")',
    'print(json.dumps({"same": code(sys.argv[1]) == code(sys.argv[2]), "paper": ast.literal_eval(paper)}))',
  ].join('\n');
  const r = runPython(python, ['-c', script, a, b]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { same: boolean; paper: string };
  assert.equal(out.same, true, 'the code tokens differ from the plain spec’s');
  assert.equal(out.paper, PAYLOAD);
});

test('a network named by a Python keyword and a layer id `self` are refused with GS190 where written', () => {
  const r = compile(spec('x', { G: 'lambda', id: 'self' }));
  const lines = r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.pointer}: ${d.message}`);
  assert.equal(r.text, undefined);
  assert.deepEqual(
    lines.map((l) => l.replace(/^\d+:\d+ /, '')),
    [
      "GS190 /networks/lambda: network name 'lambda' is a Python keyword, so it cannot name the network's class",
      "GS190 /networks/lambda/layers/0: layer id 'self' is a name the generated Python module uses itself (torch, nn, Tensor, gs, annotations, self)",
    ],
  );
  assert.ok(r.diagnostics.every((d) => d.hint === 'the torch target writes this name into Python code: rename it (the tfjs target is not affected)'));
  // The tfjs target takes the same names.
  const file = join(dir, 'kw.yaml');
  writeFileSync(file, stringify(spec('x', { G: 'lambda', id: 'self' })));
  assert.deepEqual(compileToModule(file, { typeCheck: false }).diagnostics.map(renderDiagnosticLine), []);
});

test('a network named like a top-level name of the module (preview) is refused with GS190', () => {
  const r = compile(spec('x', { G: 'preview' }));
  assert.deepEqual(
    r.diagnostics.map((d) => d.message),
    ["network name 'preview' is a name the generated Python module defines itself (HYPERPARAMETERS, TRAINER, preview, loss_D, loss_G), so it cannot name the network's class"],
  );
});
