// A generator fed image-shaped noise end to end: a tiny spec whose G takes `normal(4, 4, 1)` and
// `uniform(4, 4, 1, low=0, high=1)` compiles to a module whose Sampled inputs are Tensor4D,
// trains 3 steps (cpu backend), resumes exactly, draws its preview grid (one z per column) and
// gan-sample's PNG folder from the checkpoint; gan-export refuses it with one line. Also: the
// random-input fixtures carry the codes reserved for them.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as tf from '@tensorflow/tfjs';
import { compileToModule, lowerSpec } from '../compiler/index';
import { exportInfo } from '../export/index';
import { loadCheckpoint } from '../runtime/checkpoint/load';
import { readPng } from '../runtime/images/png';
import { disposeInputs, previewInputs, writePreview } from '../runtime/loop/preview';
import { writeSampleFolder } from '../runtime/loop/sample-folder';
import { buildNetworks, train } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import { compiledTrainer, tempDir, useBackend } from './helpers';

const SPEC = `name: shaped-noise
data: { source: mnist, image: [28, 28, 1], limit: 64 }
sample:
  z: normal(4, 4, 1)
  u: uniform(4, 4, 1, low=0, high=1)
networks:
  G:
    inputs: { z: [4, 4, 1], u: [4, 4, 1] }
    layers:
      - { concat: null, from: [z, u] }
      - upsample: 7
      - conv2d: { filters: 1, kernel: 3, activation: tanh }
  D:
    inputs: { img: image }
    layers:
      - flatten
      - dense: { units: 1, activation: sigmoid }
losses:
  D: bce(D(x), 1) + bce(D(G(z, u)), 0)
  G: bce(D(G(z, u)), 1)
schedule:
  batch: 4
  steps: 3
  phases:
    - { update: D, optimizer: { adam: { lr: 0.01 } } }
    - { update: G, optimizer: { adam: { lr: 0.01 } } }
preview: { every: 3, show: ['G(z, u)'], rows: 2, cols: 3, per_col: [z] }
checkpoint: { every: 3, keep: 2 }
`;

const dir = tempDir('shaped-input');
const spec = join(dir, 'shaped-noise.yaml');
writeFileSync(spec, SPEC);

function weights(nets: Record<string, tf.LayersModel>): Float32Array[] {
  return Object.values(nets).flatMap((m) => m.getWeights().map((w) => w.dataSync() as Float32Array));
}

test('normal(4, 4, 1) and uniform(4, 4, 1, ...) compile to Tensor4D inputs with their shape and range', () => {
  const compiled = compileToModule(spec, { typeCheck: true });
  assert.deepEqual(compiled.diagnostics, []);
  const text = compiled.text!;
  assert.ok(text.includes('  readonly z: tf.Tensor4D; // normal(4, 4, 1, mean=0, std=1)\n'), text);
  assert.ok(text.includes('  readonly u: tf.Tensor4D; // uniform(4, 4, 1, low=0, high=1)\n'));
  assert.ok(text.includes('samples: [{ name: "z", kind: "normal", size: 16, shape: [4, 4, 1], mean: 0, std: 1 }, { name: "u", kind: "uniform", size: 16, shape: [4, 4, 1], low: 0, high: 1 }],'));
});

test('a G fed normal(4, 4, 1) trains 3 steps to finite losses and resumes to the weights of an uninterrupted run', async () => {
  await useBackend('cpu');
  const trainer = await compiledTrainer(spec, [], dir);
  const opts = { dataDir: dir, seed: 5, log: () => {} };
  const half = await train(trainer, { ...opts, runDir: join(dir, 'half'), steps: 3 });
  assert.equal(half.step, 3);
  for (const [phase, loss] of Object.entries(half.losses)) assert.ok(Number.isFinite(loss) && loss > 0, `${phase} loss ${loss}`);
  assert.deepEqual(readdirSync(join(dir, 'half', 'samples')), ['step-000003.png']);
  const resumed = await train(trainer, { ...opts, runDir: join(dir, 'half'), steps: 5, resume: true });
  const whole = await train(trainer, { ...opts, runDir: join(dir, 'whole'), steps: 5 });
  const [a, b, h] = [weights(whole.nets), weights(resumed.nets), weights(half.nets)];
  assert.ok(h.some((w, i) => w.some((v, j) => v !== b[i][j])), 'steps 4 and 5 changed the weights');
  a.forEach((w, i) => assert.deepEqual(w, b[i], `weight ${i} differs`));
  assert.equal(readFileSync(join(dir, 'half', 'losses.jsonl'), 'utf8'), readFileSync(join(dir, 'whole', 'losses.jsonl'), 'utf8'));
});

test('from the checkpoint: a preview grid with one z per column, and a folder of PNGs as gan-sample writes them', async () => {
  await useBackend('cpu');
  const trainer = await compiledTrainer(spec, [], dir);
  installSeededRandom(0);
  const nets = buildNetworks(trainer);
  const loaded = await loadCheckpoint(join(dir, 'whole'), nets);
  assert.equal(loaded.step, 5);
  const empty = { size: 0, classes: null, names: [], batch: () => ({}), identity: () => '' };
  const inputs = previewInputs(trainer, empty, 1, 2, 3);
  assert.deepEqual(inputs.sampled.z.shape, [6, 4, 4, 1]);
  assert.deepEqual(inputs.sampled.u.shape, [6, 4, 4, 1]);
  const z = inputs.sampled.z.arraySync() as number[][][][];
  assert.deepEqual(z[3], z[0], 'row 2 holds column 1s z');
  assert.notDeepEqual(z[1], z[0]);
  const grid = join(dir, 'grid.png');
  await writePreview(trainer, nets, inputs, grid);
  disposeInputs(inputs);
  const png = await readPng(grid);
  assert.ok(png.width >= 3 * 28 && png.height >= 2 * 28, `${png.width}x${png.height}`);
  const folder = join(dir, 'pngs');
  mkdirSync(folder);
  await writeSampleFolder(trainer, nets, folder, { n: 5, seed: 2, band: 0 });
  assert.deepEqual(readdirSync(folder).sort(), ['000000.png', '000001.png', '000002.png', '000003.png', '000004.png']);
  const first = await readPng(join(folder, '000000.png'));
  assert.deepEqual([first.width, first.height], [28, 28]);
});

test('gan-export refuses tensor-shaped noise with one line', () => {
  const { ir } = lowerSpec(spec);
  const run = { spec, step: 3, steps: 3, batch: 4, seed: 5, backend: 'cpu', trainingSeconds: null, ganspecVersion: '0', specSha256: '', moduleSha256: null };
  assert.throws(() => exportInfo(ir!, run), {
    name: 'UserError',
    message: "shaped-noise's random input z is normal(4, 4, 1), a tensor: gan-export serves vector noise only (normal(N)) for now",
  });
});

test('the random-input fixtures carry the codes reserved for them', () => {
  const codes = (name: string) => compileToModule(`test/fixtures/invalid/${name}.yaml`, { format: false }).diagnostics.map((d) => d.code);
  assert.deepEqual(codes('sample-bad-dimension'), ['GS122']);
  assert.deepEqual(codes('sample-unknown-keyword'), ['GS123']);
  assert.deepEqual(codes('sample-low-above-high'), ['GS124']);
  assert.deepEqual(codes('sample-std-zero'), ['GS124']);
  assert.deepEqual(codes('sample-dimension-after-keyword'), ['GS120']);
});
