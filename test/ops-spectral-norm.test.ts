// Spectral normalisation (runtime/ops/spectral-norm.ts) against values computed here in float64:
// one training call's output is x @ (W / sigma) for the sigma of one power iteration from the
// stored u, worked out by hand; an inference call leaves u alone; after repeated training calls
// the effective kernel's largest singular value is 1 (the reference from the 2x2 eigenvalues of
// W W^T, or a long float64 power iteration for conv kernels read as [out, in*kh*kw]); the
// gradient w.r.t. the kernel flows through sigma with u and v held constant (PyTorch's rule);
// a checkpoint saves and restores u exactly. On the cpu backend.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint } from '../runtime/checkpoint';
import { SpectralNorm, type SpectralNormArgs } from '../runtime/ops/spectral-norm';

let root: string;
before(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(path.join(tmpdir(), 'spectral-norm-'));
});
after(() => rm(root, { recursive: true, force: true }));

type Mat = number[][];
const matvec = (m: Mat, x: number[]): number[] => m.map((row) => row.reduce((s, a, j) => s + a * x[j]!, 0));
const transpose = (m: Mat): Mat => m[0]!.map((_, j) => m.map((row) => row[j]!));
const norm = (x: number[]): number => Math.sqrt(x.reduce((s, a) => s + a * a, 0));
const unit = (x: number[]): number[] => x.map((a) => a / norm(x));
const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** Largest singular value of a 2-row matrix: the square root of W W^T's larger eigenvalue, in closed form. */
function sigmaMax2(w: Mat): number {
  const [a, b, d] = [dot(w[0]!, w[0]!), dot(w[0]!, w[1]!), dot(w[1]!, w[1]!)];
  return Math.sqrt((a + d) / 2 + Math.sqrt(((a - d) / 2) ** 2 + b * b));
}

/** Largest singular value of any matrix by 2000 power iterations in float64, residual checked. */
function sigmaMax(w: Mat): number {
  const a = w.map((r) => w.map((s) => dot(r, s))); // W W^T
  let x = w.map((_, i) => 1 + i);
  for (let k = 0; k < 2000; k++) x = unit(matvec(a, x));
  const lambda = dot(x, matvec(a, x));
  const residual = norm(matvec(a, x).map((y, i) => y - lambda * x[i]!));
  assert.ok(residual < 1e-9 * lambda, `power iteration converged (residual ${residual})`);
  return Math.sqrt(lambda);
}

/** The layer built for `inputShape`, with `weights` (kernel, bias, u) set. */
function layerWith(args: SpectralNormArgs, inputShape: number[], weights: tf.Tensor[]): SpectralNorm {
  const layer = new SpectralNorm(args);
  layer.build([null, ...inputShape]);
  layer.setWeights(weights);
  return layer;
}

const read = (t: tf.Tensor): number[] => Array.from(t.dataSync());
const weightNamed = (layer: tf.layers.Layer, suffix: string): tf.LayerVariable => layer.weights.find((w) => w.originalName.endsWith(suffix))!;
const uOf = (layer: tf.layers.Layer): number[] => read(weightNamed(layer, 'sn_u').read());

function close(actual: number[], expected: number[], tol: number, label: string): void {
  assert.equal(actual.length, expected.length, label);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) <= tol, `${label}[${i}]: got ${a}, expected ${expected[i]} (±${tol})`));
}

// Dense 3 -> 2: the kernel K is [in, out] = [3, 2], so W = K^T is [2, 3].
const K: Mat = [[1, 2], [0, 1], [3, -1]];
const W = transpose(K);
const dense = (u: number[]) => layerWith({ kind: 'dense', units: 2 }, [3], [tf.tensor2d(K), tf.tensor1d([0.5, -0.25]), tf.tensor1d(u)]);
const X: Mat = [[1, -2, 0.5], [0.25, 1, -1]];

/** One power iteration from u, as the paper writes it: v = W^T u / |W^T u|, u' = W v / |W v|, sigma = u'^T W v. */
function byHand(u: number[]): { v: number[]; u1: number[]; sigma: number } {
  const u0 = unit(u);
  const v = unit(matvec(K, u0)); // W^T u
  const u1 = unit(matvec(W, v));
  return { v, u1, sigma: dot(u1, matvec(W, v)) };
}

test('one training call of a dense layer gives x @ (W / sigma) + b for sigma of one power iteration from u, and stores the new u', () => {
  const layer = dense([3, -4]);
  const { u1, sigma } = byHand([3, -4]);
  const y = layer.apply(tf.tensor2d(X), { training: true }) as tf.Tensor;
  const expected = X.flatMap((x) => matvec(W, x).map((a, j) => a / sigma + [0.5, -0.25][j]!));
  close(read(y), expected, 1e-5, 'output');
  close(uOf(layer), u1, 1e-6, 'u after the call');
  assert.ok(Math.abs(sigma - sigmaMax2(W)) > 1e-3, `one iteration from this u is not converged yet (${sigma} vs ${sigmaMax2(W)})`);
});

test('an inference call uses sigma = |W^T u| from the stored u and does not move u', () => {
  const layer = dense([3, -4]);
  const before = uOf(layer);
  const y = layer.apply(tf.tensor2d(X), { training: false }) as tf.Tensor;
  const sigma = norm(matvec(K, unit([3, -4])));
  close(read(y), X.flatMap((x) => matvec(W, x).map((a, j) => a / sigma + [0.5, -0.25][j]!)), 1e-5, 'output');
  assert.deepEqual(uOf(layer), before);
  layer.apply(tf.tensor2d(X));
  assert.deepEqual(uOf(layer), before, 'a call without the training flag is inference too');
});

test('after 30 training calls the dense kernel W / sigma has largest singular value 1 (reference: 2x2 eigenvalues of W W^T)', () => {
  const layer = dense([1, 0.3]);
  for (let i = 0; i < 30; i++) tf.dispose(layer.apply(tf.tensor2d(X), { training: true }) as tf.Tensor);
  const effective = layer.normalizedKernel(false);
  const k = effective.arraySync() as Mat;
  assert.ok(Math.abs(sigmaMax2(transpose(k)) - 1) < 1e-3, `largest singular value ${sigmaMax2(transpose(k))}`);
  // The raw kernel's, for the record: sigma_max(W) = sqrt(8 + sqrt(5)).
  assert.ok(Math.abs(sigmaMax2(W) - Math.sqrt(8 + Math.sqrt(5))) < 1e-12);
});

test('the gradient w.r.t. the kernel flows through sigma with u and v held constant (as PyTorch computes it)', () => {
  const layer = dense([3, -4]);
  const { v, u1, sigma } = byHand([3, -4]);
  const kernel = weightNamed(layer, 'kernel').read() as tf.Variable;
  const { grads } = tf.variableGrads(() => tf.sum(layer.apply(tf.tensor2d(X), { training: true }) as tf.Tensor) as tf.Scalar, [kernel]);
  // f = sum(X K) / sigma + const, sigma = v^T K u': df/dK = colsum(X) 1^T / sigma - f0 / sigma^2 v u'^T.
  const colsum = [0, 1, 2].map((i) => X[0]![i]! + X[1]![i]!);
  const f0 = X.reduce((s, x) => s + matvec(W, x).reduce((a, b) => a + b, 0), 0);
  const expected = [0, 1, 2].flatMap((i) => [0, 1].map((j) => colsum[i]! / sigma - (f0 / sigma ** 2) * v[i]! * u1[j]!));
  close(read(grads[kernel.name]!), expected, 1e-5, 'dL/dK');
  // Without the sigma term the gradient would be colsum / sigma alone: the test tells them apart.
  assert.ok(Math.abs((f0 / sigma ** 2) * v[0]! * u1[0]!) > 0.01);
});

test('conv2d and conv2d_transpose: after 60 training calls the kernel read as [out, in*kh*kw] has largest singular value 1', () => {
  const kh = 2, kw = 3, cin = 2, cout = 3;
  const values = Array.from({ length: kh * kw * cin * cout }, (_, i) => Math.sin(1.7 * i + 0.3));
  for (const kind of ['conv2d', 'conv2d_transpose'] as const) {
    const shape = kind === 'conv2d' ? [kh, kw, cin, cout] : [kh, kw, cout, cin];
    const kernel = tf.tensor4d(values, shape as [number, number, number, number]);
    const layer = layerWith({ kind, units: cout, kernelSize: [kh, kw], strides: [2, 2], padding: 'same', useBias: false }, [4, 4, cin], [kernel, tf.tensor1d([1, -1, 0.5])]);
    const x = tf.randomNormal([2, 4, 4, cin], 0, 1, 'float32', 5);
    for (let i = 0; i < 60; i++) tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    // W[o][(i, j, c)]: kernel entry at (i, j, c -> o).
    const at = (k: tf.Tensor, i: number, j: number, c: number, o: number): number =>
      (k.arraySync() as number[][][][])[i]![j]![kind === 'conv2d' ? c : o]![kind === 'conv2d' ? o : c]!;
    const matrix = (k: tf.Tensor): Mat => Array.from({ length: cout }, (_, o) => {
      const row: number[] = [];
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < cin; c++) row.push(at(k, i, j, c, o));
      return row;
    });
    const reference = sigmaMax(matrix(kernel));
    const effective = layer.normalizedKernel(false);
    assert.ok(Math.abs(sigmaMax(matrix(effective)) - 1) < 1e-3, `${kind}: largest singular value ${sigmaMax(matrix(effective))} (raw ${reference})`);
    const y = layer.apply(x) as tf.Tensor;
    const plain = kind === 'conv2d'
      ? tf.conv2d(x as tf.Tensor4D, tf.div(kernel, reference) as tf.Tensor4D, 2, 'same')
      : tf.conv2dTranspose(x as tf.Tensor4D, tf.div(kernel, reference) as tf.Tensor4D, [2, 8, 8, cout], 2, 'same');
    assert.deepEqual(y.shape, kind === 'conv2d' ? [2, 2, 2, cout] : [2, 8, 8, cout]);
    assert.deepEqual(layer.computeOutputShape([null, 4, 4, cin]), [null, ...y.shape.slice(1)]);
    close(read(y), read(plain), 1e-3, `${kind} output against the convolution with W / sigma_max`);
  }
});

test('a checkpoint saves u and loading it into a fresh network restores u exactly', async () => {
  const build = (): tf.LayersModel => {
    const input = tf.input({ shape: [3] });
    const out = new SpectralNorm({ kind: 'dense', units: 2, name: 'D_l0' }).apply(input) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  };
  const model = build();
  for (let i = 0; i < 3; i++) tf.dispose(model.apply(tf.tensor2d(X), { training: true }) as tf.Tensor);
  const u = uOf(model.getLayer('D_l0'));
  assert.deepEqual(model.weights.map((w) => [w.originalName, w.trainable]), [['D_l0/kernel', true], ['D_l0/bias', true], ['D_l0/sn_u', false]]);
  await saveCheckpoint(root, { step: 3, networks: { D: model }, optimizers: {}, rng: [1, 2, 3, 4] });
  const fresh = build();
  assert.notDeepEqual(uOf(fresh.getLayer('D_l0')), u);
  await loadCheckpoint(root, { D: fresh });
  assert.deepEqual(uOf(fresh.getLayer('D_l0')), u);
  assert.deepEqual(read(fresh.predict(tf.tensor2d(X)) as tf.Tensor), read(model.predict(tf.tensor2d(X)) as tf.Tensor));
});
