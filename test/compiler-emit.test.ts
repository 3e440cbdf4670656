// How generated code is written: literals with bare keys where a key is a safe name (and quoted
// where not), layer variables named by the spec's layer ids (renamed only where an id cannot be a
// variable) while the tfjs layer names stay those checkpoints store, and the preview bands the
// compiler describes for the evaluator (the inputs each reads, how many network calls deep).
// Imports the compiler, the runtime's backend choice and the test helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { renderDiagnosticLine } from '../compiler/diagnostics';
import { key, lit, member } from '../compiler/emit/quote';
import { compileToModule } from '../compiler/index';
import { compiledTrainer, generatedTrainer, tempDir, useBackend } from './helpers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

test('lit writes bare keys where they are safe names, quotes the rest, and reads back as the value', () => {
  assert.equal(lit({ units: 6272, activation: 'relu', name: 'G_l0' }), '{ units: 6272, activation: "relu", name: "G_l0" }');
  assert.equal(lit({ 'a-b': 1, class: 2, _x: [1, null, 'q"\u2028'], e: {} }), '{ "a-b": 1, "class": 2, _x: [1, null, "q\\"\\u2028"], e: {} }');
  assert.equal(lit({ skip: undefined, keep: [undefined, true] }), '{ keep: [null, true] }');
  assert.throws(() => lit({ lr: [Infinity] }), /internal error: Infinity is not a finite number/);
  const value = { padding: [[0, 1], [0, 1]], 'two words': 'x', epsilon: 1e-7, clip: null, nested: { toString: 'y' } };
  assert.deepEqual(new Function(`return (${lit(value)});`)(), value);
  assert.deepEqual([key('D'), key('a-b'), key('class'), member('G'), member('a-b')], ['D', '"a-b"', '"class"', '.G', '["a-b"]']);
});

/** A spec whose G has layer ids that cannot all be variables as they are. */
function namesSpec(): Record<string, unknown> {
  return {
    name: 'names',
    data: { source: 'mnist', image: [28, 28, 1] },
    sample: { z: 'normal(8)' },
    networks: {
      G: {
        inputs: { z: [8] },
        layers: [
          { dense: { units: 16, activation: 'leaky_relu' }, id: 'trunk' },
          { dense: { units: 16 }, id: 'class' },
          { dense: { units: 16 }, id: 'tf' },
          { dense: { units: 16 }, id: 'in_z' },
          { dense: { units: 16 }, id: 'trunk_dense' },
          { add: { with: ['trunk'] } },
          { dense: { units: 784, activation: 'tanh' }, id: 'buildG' },
          { reshape: [28, 28, 1] },
        ],
      },
      D: { inputs: { img: 'image' }, layers: ['flatten', { dense: { units: 1, activation: 'sigmoid' } }] },
    },
    losses: { D: 'bce(D(x), 1) + bce(D(G(z)), 0)', G: 'bce(D(G(z)), 1)' },
    schedule: { batch: 4, steps: 1, phases: [{ update: 'D', optimizer: { adam: { lr: 0.001 } } }, { update: 'G', optimizer: { adam: { lr: 0.001 } } }] },
    preview: { show: ['G(z)'] },
  };
}

test('layer variables are the layer ids; ids that cannot be variables get a suffix; tfjs names stay', async () => {
  const dir = tempDir('emit-names');
  const file = join(dir, 'names.yaml');
  writeFileSync(file, stringify(namesSpec()));
  const c = compileToModule(file, { typeCheck: false });
  assert.deepEqual(c.diagnostics.map(renderDiagnosticLine), []);
  const build = c.text!.slice(c.text!.indexOf('export function buildG'), c.text!.indexOf('export function buildD'));
  const lines = [...build.matchAll(/^ {2}const (\w+) = gs\.layer\(tf\.layers\.\w+\(\{.*name: "(\w+)" \}\), (.+)\);$/gm)].map((m) => m.slice(1));
  assert.deepEqual(lines, [
    ['trunk_dense_', 'G_trunk', 'in_z'],
    ['trunk', 'G_trunk_leakyReLU', 'trunk_dense_'],
    ['class_', 'G_class', 'trunk'],
    ['tf_', 'G_tf', 'class_'],
    ['in_z_', 'G_in_z', 'tf_'],
    ['trunk_dense', 'G_trunk_dense', 'in_z_'],
    ['l5', 'G_l5', '[trunk_dense, trunk]'],
    ['buildG_', 'G_buildG', 'l5'],
    ['l7', 'G_l7', 'buildG_'],
  ]);
  assert.doesNotMatch(c.text!, / as tf\.SymbolicTensor| as tf\.Scalar/);

  await useBackend('cpu');
  const trainer = await compiledTrainer(file, [], dir);
  const g = trainer.networks.G();
  assert.deepEqual(
    g.layers.map((l) => l.name),
    ['G_z', 'G_trunk', 'G_trunk_leakyReLU', 'G_class', 'G_tf', 'G_in_z', 'G_trunk_dense', 'G_l5', 'G_buildG', 'G_l7'],
  );
  assert.deepEqual(g.outputs[0].shape, [null, 28, 28, 1]);
  g.dispose();
});

test('preview bands carry the inputs they read and their network depth, also where bands share statements', async () => {
  const dir = tempDir('emit-bands');
  const cyclegan = await compiledTrainer('specs/cyclegan.yaml', ['preview.show=[G_BA(G_AB(a)), G_AB(a), a, G_AB(G_BA(G_AB(a)))]'], dir);
  assert.deepEqual(cyclegan.preview.bands, [
    { text: 'G_BA(G_AB(a))', real: ['a'], sampled: [], depth: 2 },
    { text: 'G_AB(a)', real: ['a'], sampled: [], depth: 1 },
    { text: 'a', real: ['a'], sampled: [], depth: 0 },
    { text: 'G_AB(G_BA(G_AB(a)))', real: ['a'], sampled: [], depth: 3 },
  ]);
  assert.deepEqual([cyclegan.preview.real, cyclegan.preview.sampled], [['a'], []]);
  const cgan = await generatedTrainer('cgan');
  assert.deepEqual(cgan.preview.bands, [{ text: 'G(z, y_g)', real: [], sampled: ['z', 'y_g'], depth: 1 }]);
});
