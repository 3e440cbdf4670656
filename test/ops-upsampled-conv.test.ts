// The folded upsampling and convolution (runtime/ops/upsampled-conv.ts) against the pair it
// replaces, tf.layers.upSampling2d then tf.layers.conv2d with the same weights: outputs, and the
// gradients of a weighted sum with respect to the input, kernel and bias, for kernels 1 to 5 and
// a non-square one, with and without bias and activation, on the cpu backend and on wasm (the
// fast kernels of runtime/backend). Also: each axis's phase geometry worked out by hand for 3x3
// and 4x4; seeded weights equal to conv2d's; a checkpoint of the unfolded pair loads into the
// folded layer (weights by name); a model's JSON topology round trip.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../runtime/backend/wasm-kernels';
import { loadCheckpoint, saveCheckpoint } from '../runtime/checkpoint';
import { installSeededRandom } from '../runtime/rng';
import { phaseAxis, upsampledConv2d, UpsampledConv2D } from '../runtime/ops/upsampled-conv';

before(() => registerTrainingKernels());

test('phase geometry: a 3x3 kernel is two 2-tap kernels one pixel apart, a 4x4 one a 3-tap and a 2-tap one (its block 0 reads 2 of 3 taps)', () => {
  // Output 2i reads upsampled 2i-1, 2i, 2i+1 = input i-1, i, i: taps [W0, W1+W2] from i-1.
  // Output 2i+1 reads 2i, 2i+1, 2i+2 = input i, i, i+1: taps [W0+W1, W2] from i, stored in block 0.
  assert.deepEqual(phaseAxis(3), { taps: 2, pad: [1, 1], shift: 1, mix: [[[1, 1, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 1]]], used: [2, 2] });
  // 'same' pads a 4-tap kernel by 1 before: output 2i reads input i-1, i, i, i+1; 2i+1 reads i, i, i+1, i+1.
  assert.deepEqual(phaseAxis(4), { taps: 3, pad: [1, 2], shift: 1, mix: [[[1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 0]], [[1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1]]], used: [2, 3] });
  assert.deepEqual(phaseAxis(1), { taps: 1, pad: [0, 0], shift: 0, mix: [[[1]], [[1]]], used: [1, 1] });
});

interface Case {
  kernel: [number, number];
  input: [number, number, number, number];
  filters: number;
  activation?: string;
  useBias?: boolean;
}

const CASES: Case[] = [
  { kernel: [3, 3], input: [2, 5, 4, 3], filters: 4 },
  { kernel: [4, 4], input: [2, 4, 5, 3], filters: 2, activation: 'tanh' },
  { kernel: [4, 4], input: [2, 6, 7, 16], filters: 8 },
  { kernel: [5, 5], input: [1, 3, 3, 2], filters: 3, activation: 'relu' },
  { kernel: [2, 2], input: [2, 3, 4, 2], filters: 3, useBias: false },
  { kernel: [1, 1], input: [2, 3, 3, 4], filters: 2 },
  { kernel: [3, 2], input: [2, 4, 3, 3], filters: 2, activation: 'sigmoid' },
];

/** Output and gradients (input, kernel, bias) of the plain pair and of the folded layer, with the same weights. */
function both(c: Case): { plain: tf.Tensor[]; folded: tf.Tensor[] } {
  const x = tf.randomNormal(c.input, 0, 1, 'float32', 7);
  const upsample = tf.layers.upSampling2d({ size: [2, 2] });
  const conv = tf.layers.conv2d({ filters: c.filters, kernelSize: c.kernel, padding: 'same', activation: c.activation as 'tanh' | undefined, useBias: c.useBias, biasInitializer: 'randomNormal' });
  const folded = upsampledConv2d({ filters: c.filters, kernelSize: c.kernel, activation: c.activation, useBias: c.useBias, upsampling: { name: 'up' } });
  conv.apply(upsample.apply(x) as tf.Tensor);
  folded.apply(x);
  folded.setWeights(conv.getWeights());
  const [, h, w] = c.input;
  const weighting = tf.randomNormal([c.input[0], 2 * h, 2 * w, c.filters], 0, 1, 'float32', 8);
  const run = (f: (x: tf.Tensor) => tf.Tensor, layer: tf.layers.Layer): tf.Tensor[] => {
    const y = f(x);
    const weights = layer.trainableWeights.map((v) => v.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x), weighting)) as tf.Scalar, weights);
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input), weighting)))(x);
    return [y, dx, ...weights.map((v) => grads[v.name]!)];
  };
  return {
    plain: run((input) => conv.apply(upsample.apply(input) as tf.Tensor) as tf.Tensor, conv),
    folded: run((input) => folded.apply(input) as tf.Tensor, folded),
  };
}

for (const backend of ['cpu', 'wasm']) {
  for (const c of CASES) {
    const what = `${c.kernel.join('x')} kernel on [${c.input.join(', ')}], ${c.filters} filters${c.activation ? `, ${c.activation}` : ''}${c.useBias === false ? ', no bias' : ''}`;
    test(`${backend}: the folded layer's output and gradients (input and each weight) are the upsampled convolution's, ${what}`, async () => {
      await tf.setBackend(backend);
      const { plain, folded } = both(c);
      assert.equal(folded.length, plain.length);
      const names = ['output', 'input gradient', 'kernel gradient', 'bias gradient'];
      for (let i = 0; i < plain.length; i++) {
        assert.deepEqual(folded[i]!.shape, plain[i]!.shape, names[i]);
        const want = await plain[i]!.data();
        const got = await folded[i]!.data();
        const scale = Math.max(1, ...Array.from(want, Math.abs));
        const worst = Math.max(...Array.from(got, (v, j) => Math.abs(v - want[j]!)));
        assert.ok(worst <= 1.6e-5 * scale, `${names[i]}: differs by ${worst} (largest value ${scale})`);
      }
    });
  }
}

test('with the same seed, the folded layer draws the same initial kernel as conv2d', async () => {
  await tf.setBackend('cpu');
  const x = tf.zeros([1, 4, 4, 3]);
  installSeededRandom(5);
  const conv = tf.layers.conv2d({ filters: 6, kernelSize: [3, 3], padding: 'same' });
  conv.apply(tf.layers.upSampling2d({ size: [2, 2] }).apply(x) as tf.Tensor);
  installSeededRandom(5);
  const folded = upsampledConv2d({ filters: 6, kernelSize: [3, 3], upsampling: { name: 'up' } });
  folded.apply(x);
  const [a, b] = [conv.getWeights(), folded.getWeights()];
  assert.deepEqual(b.map((t) => t.shape), [[3, 3, 3, 6], [6]]);
  assert.deepEqual(await b[0]!.data(), await a[0]!.data());
  assert.ok((await a[0]!.data()).some((v) => v !== 0));
  assert.deepEqual(folded.weights.map((w) => w.name.split('/').pop()), ['kernel', 'bias']);
});

test('a checkpoint of a generator with the unfolded pair loads into the folded one: its kernel and bias, the same images', async () => {
  await tf.setBackend('cpu');
  const build = (folded: boolean): tf.LayersModel => {
    const z = tf.input({ shape: [3, 3, 4], name: 'G_z' });
    const conv = { filters: 2, kernelSize: [3, 3] as [number, number], activation: 'tanh', name: 'G_l1' };
    const y = folded
      ? upsampledConv2d({ ...conv, upsampling: { name: 'G_l0' } }).apply(z)
      : tf.layers.conv2d({ ...conv, activation: 'tanh', padding: 'same' }).apply(tf.layers.upSampling2d({ size: [2, 2], name: 'G_l0' }).apply(z));
    return tf.model({ name: 'G', inputs: z, outputs: y as tf.SymbolicTensor });
  };
  const root = await mkdtemp(path.join(tmpdir(), 'upsampled-conv-'));
  try {
    const plain = build(false);
    await saveCheckpoint(root, { step: 1, networks: { G: plain }, optimizers: {}, rng: [1, 2, 3, 4] });
    const folded = build(true);
    await loadCheckpoint(root, { G: folded });
    const values = async (m: tf.LayersModel) => Promise.all(m.getLayer('G_l1').getWeights().map(async (w) => Array.from(await w.data())));
    assert.deepEqual(await values(folded), await values(plain));
    const z = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 3);
    const [a, b] = [await (plain.predict(z) as tf.Tensor).data(), await (folded.predict(z) as tf.Tensor).data()];
    assert.ok(a.every((v, i) => Math.abs(v - b[i]!) < 1e-5), 'same images');
    assert.ok(a.some((v) => Math.abs(v) > 0.01));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a model with the layer goes through its JSON topology and back with the same class and config', async () => {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [4, 4, 3] });
  const layer = upsampledConv2d({ filters: 5, kernelSize: [4, 4], activation: 'tanh', useBias: false, upsampling: { name: 'G_l2' }, name: 'G_l3' });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  const topology = model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'];
  const back = await tf.models.modelFromJSON({ modelTopology: topology });
  const again = back.getLayer('G_l3');
  assert.ok(again instanceof UpsampledConv2D);
  const config = again.getConfig();
  assert.deepEqual(
    { filters: config.filters, kernelSize: config.kernelSize, strides: config.strides, padding: config.padding, activation: config.activation, useBias: config.useBias, upsampling: config.upsampling },
    { filters: 5, kernelSize: [4, 4], strides: [1, 1], padding: 'same', activation: 'tanh', useBias: false, upsampling: { name: 'G_l2' } },
  );
  assert.deepEqual(back.outputs[0]!.shape, [null, 8, 8, 5]);
});

test('a stride or padding the fold does not cover is refused with the layer named', () => {
  assert.throws(() => upsampledConv2d({ filters: 1, kernelSize: [3, 3], strides: [2, 2], upsampling: { name: 'u' }, name: 'G_l3' }), /layer 'G_l3' folds an upsampling into a stride-1 'same' convolution only/);
});
