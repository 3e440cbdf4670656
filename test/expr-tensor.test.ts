// The tensor functions of the spec language as generated code computes them: a tiny spec (2-D
// points, a dense D with fixed weights) is compiled, and each phase's loss (one per function) is
// compared with the value computed here in plain JS (float64): reductions along axes, dot, norms,
// broadcasting against per-example and batch-wide values, grad against the closed form and finite
// differences, R1's gradient with respect to D's weights (double backprop) against finite
// differences, on cpu and wasm; noise (its range, one draw for two identical calls, the seed);
// second-order gradients through tanh, sigmoid and exp against their closed forms; and WGAN-GP
// written out against gradient_penalty for the same seed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { AnyTrainer } from '../contract/trainer';
import { phaseVariables } from '../runtime/loop/optimizers';
import { buildNetworks } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import { compiledTrainer, tempDir, useBackend } from './helpers';

/** Each loss is one phase's, so each is a function of the generated module. */
const LOSSES: Record<string, string> = {
  mean0: 'sum(square(mean(x, 0)))',
  sumLast: 'sum(square(sum(x, -1)))',
  max03: 'sum(square(max(x, 0, 3)))',
  min123: 'sum(square(min(x, 1, 2, 3)))',
  std0: 'sum(square(std(x, 0)))',
  var0last: 'sum(var(x, 0, -1))',
  stdAll: 'std(x)',
  varAll: 'var(x)',
  maxAll: 'max(x)',
  minAll: 'min(x)',
  dot: 'sum(dot(x, square(x)))',
  norm2: 'sum(norm(x))',
  norm1: 'sum(norm(x, 1))',
  sqnorm: 'sum(sqnorm(x))',
  wide: 'sum(x * mean(x, 0))',
  perExample: 'sum(x - D(x))',
  r1: 'mean(square(norm(grad(D(x), x))))',
  gradSub: 'sum(grad(D(x * 2), x * 2))',
  gradChain: 'sum(grad(D(x * 2), x))',
  uniform: 'mean(uniform_like(x, 2, 3)) + max(uniform_like(x, 2, 3)) * 0',
  uniformRange: 'min(uniform_like(x, 2, 3)) * 10 + max(uniform_like(x, 2, 3))',
  sameDraw: 'sum(abs(normal_like(x) - normal_like(x))) + mean(D(x)) * 0',
  normal: 'mean(normal_like(x, 5, 0.5))',
  gpShort: 'gradient_penalty(D, x, G(z))',
  gpLong: 'mean(square(norm(grad(D(x * uniform_like(D(x)) + G(z) * (1 - uniform_like(D(x)))), x * uniform_like(D(x)) + G(z) * (1 - uniform_like(D(x))))) - 1))',
};

function spec(): string {
  const phases = Object.keys(LOSSES).map((name) => `    - { name: ${name}, update: D, loss: ${name}, optimizer: { sgd: { lr: 0.1 } } }`);
  return [
    'name: tensorfns',
    'data: { source: ring, image: [1, 1, 2] }',
    'sample: { z: normal(3) }',
    'networks:',
    '  G: { inputs: { z: [3] }, layers: [{ dense: { units: 2 } }, { reshape: [1, 1, 2] }] }',
    '  D: { inputs: { p: image }, layers: [flatten, { dense: { units: 3, activation: tanh } }, { dense: { units: 1 } }] }',
    'losses:',
    ...Object.entries(LOSSES).map(([k, v]) => `  ${k}: ${v}`),
    'schedule:',
    '  batch: 4',
    '  steps: 1',
    '  phases:',
    ...phases,
    'preview: { every: 1, show: [G(z)], rows: 1, cols: 1 }',
  ].join('\n');
}

// Fixed weights of D: K1 [2, 3], b1 [3], K2 [3, 1], b2 [1]; and a batch of 4 points.
const K1 = [
  [0.3, -0.7, 0.5],
  [0.9, 0.2, -0.4],
];
const B1 = [0.1, -0.2, 0.05];
const K2 = [0.8, -0.6, 1.1];
const B2 = [0.3];
const X = [
  [0.5, -1.2],
  [1.5, 0.3],
  [-0.7, 0.8],
  [0.2, 2.0],
];

type Weights = { k1: number[][]; b1: number[]; k2: number[]; b2: number[] };
const W: Weights = { k1: K1, b1: B1, k2: K2, b2: B2 };

/** D(p) and its gradient with respect to p, in float64. */
function d(w: Weights, p: number[]): { value: number; grad: number[] } {
  const h = w.b1.map((b, k) => Math.tanh(b + p[0] * w.k1[0][k] + p[1] * w.k1[1][k]));
  const value = w.b2[0] + h.reduce((s, t, k) => s + t * w.k2[k], 0);
  const grad = [0, 1].map((j) => h.reduce((s, t, k) => s + w.k2[k] * (1 - t * t) * w.k1[j][k], 0));
  return { value, grad };
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const sq = (v: number[]) => sum(v.map((a) => a * a));
const mean = (v: number[]) => sum(v) / v.length;
const variance = (v: number[]) => mean(v.map((a) => (a - mean(v)) ** 2));
const column = (j: number) => X.map((p) => p[j]);
const all = X.flat();
const r1 = (w: Weights) => mean(X.map((p) => sq(d(w, p).grad) + 1e-12));

/** What each loss must be, computed here. */
const EXPECTED: Record<string, number> = {
  mean0: sq([mean(column(0)), mean(column(1))]),
  sumLast: sq(X.map(sum)),
  max03: sq([Math.max(...all)]),
  min123: sq(X.map((p) => Math.min(...p))),
  std0: variance(column(0)) + variance(column(1)),
  var0last: variance(all),
  stdAll: Math.sqrt(variance(all)),
  varAll: variance(all),
  maxAll: Math.max(...all),
  minAll: Math.min(...all),
  dot: sum(all.map((a) => a ** 3)),
  norm2: sum(X.map((p) => Math.sqrt(sq(p) + 1e-12))),
  norm1: sum(all.map(Math.abs)),
  sqnorm: sq(all),
  wide: sum(X.map((p) => p[0] * mean(column(0)) + p[1] * mean(column(1)))),
  perExample: sum(X.map((p) => p[0] + p[1] - 2 * d(W, p).value)),
  r1: r1(W),
  gradSub: sum(X.map((p) => sum(d(W, [2 * p[0], 2 * p[1]]).grad))),
  gradChain: sum(X.map((p) => 2 * sum(d(W, [2 * p[0], 2 * p[1]]).grad))),
  sameDraw: 0,
};

function close(actual: number, expected: number, label: string, rel = 1e-5): void {
  const tol = Math.max(1e-6, Math.abs(expected) * rel);
  assert.ok(Math.abs(actual - expected) <= tol, `${label}: got ${actual}, expected ${expected} (±${tol})`);
}

async function setUp(backend: 'cpu' | 'wasm' = 'cpu'): Promise<{ trainer: AnyTrainer; nets: Record<string, tf.LayersModel>; loss: (name: string) => tf.Scalar }> {
  await useBackend(backend);
  const dir = tempDir('expr-tensor');
  const file = join(dir, 'tensorfns.yaml');
  writeFileSync(file, spec());
  const trainer = await compiledTrainer(file, [], dir);
  const nets = buildNetworks(trainer);
  nets.D.setWeights([tf.tensor2d(K1), tf.tensor1d(B1), tf.tensor2d(K2.map((v) => [v])), tf.tensor1d(B2)]);
  const real = { x: tf.tensor4d(all, [4, 1, 1, 2]) };
  const sampled = { z: tf.tensor2d([0.5, -1, 2, 0.1, 0.3, -0.4, -1.5, 0.8, 1.2, 0, -0.6, 0.9], [4, 3]) };
  nets.G.setWeights([tf.tensor2d([0.4, -0.3, 0.2, 0.9, -0.7, 0.5], [3, 2]), tf.tensor1d([0.1, -0.1])]);
  const loss = (name: string) => trainer.phases.find((p) => p.name === name)!.loss(nets, real, sampled);
  return { trainer, nets, loss };
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`generated reductions, dot, norms and broadcasting equal their values computed by hand on ${backend}`, async () => {
    const { loss } = await setUp(backend);
    for (const [name, want] of Object.entries(EXPECTED)) {
      if (name === 'r1' || name.startsWith('grad')) continue;
      close(tf.tidy(() => loss(name).dataSync()[0]), want, `${name}: ${LOSSES[name]}`);
    }
  });

  test(`grad(D(x), x) equals the closed form and finite differences of D; through a subexpression and the chain rule, on ${backend}`, async () => {
    const { loss } = await setUp(backend);
    // The closed form of the gradient against central differences of D itself (float64).
    const h = 1e-6;
    for (const p of X) {
      const fd = [0, 1].map((j) => {
        const up = [...p];
        const down = [...p];
        up[j] += h;
        down[j] -= h;
        return (d(W, up).value - d(W, down).value) / (2 * h);
      });
      d(W, p).grad.forEach((g, j) => close(g, fd[j], `dD/dx${j} at ${p}`, 1e-6));
    }
    for (const name of ['r1', 'gradSub', 'gradChain']) close(tf.tidy(() => loss(name).dataSync()[0]), EXPECTED[name], `${name}: ${LOSSES[name]}`, 1e-4);
  });

  test(`double backprop: the R1 loss's gradient with respect to D's weights equals finite differences, on ${backend}`, async () => {
    const { nets, loss } = await setUp(backend);
    const vars = phaseVariables(nets, [{ net: 'D' }]);
    const { grads } = tf.variableGrads(() => loss('r1'), vars);
    // D's last bias does not reach the gradient of D: tfjs gives it no gradient at all.
    assert.equal(grads[vars[3].name], undefined);
    const got = vars.slice(0, 3).map((v) => Array.from(grads[v.name].dataSync()));
    // The same gradient by central differences of r1 over each weight, in float64.
    const h = 1e-6;
    const fd = (set: (w: Weights, delta: number) => Weights) => (r1(set(W, h)) - r1(set(W, -h))) / (2 * h);
    const clone = (): Weights => ({ k1: K1.map((r) => [...r]), b1: [...B1], k2: [...K2], b2: [...B2] });
    const want = [
      K1.flatMap((row, j) => row.map((_, k) => fd((_w, delta) => { const c = clone(); c.k1[j][k] += delta; return c; }))),
      B1.map((_, k) => fd((_w, delta) => { const c = clone(); c.b1[k] += delta; return c; })),
      K2.map((_, k) => fd((_w, delta) => { const c = clone(); c.k2[k] += delta; return c; })),
    ];
    close(fd((_w, delta) => ({ ...clone(), b2: [B2[0] + delta] })), 0, 'finite difference over the last bias');
    assert.deepEqual(got.map((g) => g.length), [6, 3, 3]);
    got.forEach((g, i) => g.forEach((v, k) => close(v, want[i][k], `weight ${vars[i].name}[${k}]`, 1e-3)));
    assert.ok(got.flat().some((v) => Math.abs(v) > 0.05), 'the gradient is not trivially zero');
  });
}

test('uniform_like and normal_like: the range, one draw for two identical calls, the run seed', async () => {
  const { loss } = await setUp();
  const value = (name: string) => tf.tidy(() => loss(name).dataSync()[0]);
  installSeededRandom(7);
  const u = value('uniform');
  assert.ok(u > 2 && u < 3, `mean of uniform_like(x, 2, 3) is ${u}`);
  const range = value('uniformRange');
  assert.ok(range >= 22 && range < 33, `min * 10 + max of uniform_like(x, 2, 3) is ${range}`);
  assert.equal(value('sameDraw'), 0, 'normal_like(x) - normal_like(x) is one draw minus itself');
  const n = value('normal');
  assert.ok(Math.abs(n - 5) < 1, `mean of 8 draws of normal(5, 0.5) is ${n}`);
  installSeededRandom(7);
  assert.equal(value('uniform'), u, 'the same seed draws the same values');
  assert.notEqual(value('uniform'), u, 'the next update draws afresh');
});

test('second-order gradients through tanh, sigmoid and exp reach what is in front of them (runtime/backend/gradients.ts)', async () => {
  await useBackend('cpu');
  // g(w) = d f(w x) / dx = w f'(w x), so dg/dw = f'(w x) + w x f''(w x).
  const [w, x] = [0.7, 1.3];
  const u = w * x;
  const t = Math.tanh(u);
  const s = 1 / (1 + Math.exp(-u));
  const cases: [string, (v: tf.Tensor) => tf.Tensor, number][] = [
    ['tanh', tf.tanh, 1 - t * t + u * -2 * t * (1 - t * t)],
    ['sigmoid', tf.sigmoid, s * (1 - s) + u * s * (1 - s) * (1 - 2 * s)],
    ['exp', tf.exp, Math.exp(u) + u * Math.exp(u)],
  ];
  for (const [name, f, want] of cases) {
    const got = tf.tidy(() => tf.grad((wv: tf.Tensor) => tf.grad((xv: tf.Tensor) => f(tf.mul(wv, xv)))(tf.scalar(x)))(tf.scalar(w)).dataSync()[0]);
    close(got, want, `d/dw d${name}(w x)/dx`);
  }
});

test('WGAN-GP written out with grad, norm and uniform_like equals gradient_penalty(D, x, G(z)) for the same seed', async () => {
  const { loss } = await setUp();
  const value = (name: string) => tf.tidy(() => loss(name).dataSync()[0]);
  installSeededRandom(3);
  const short = value('gpShort');
  installSeededRandom(3);
  const long = value('gpLong');
  // Both draw one uniform number per example from the same seeded stream, then compute alike.
  close(long, short, 'the written-out penalty', 1e-6);
  installSeededRandom(4);
  assert.notEqual(value('gpLong'), long, 'another seed, other interpolates');
});
