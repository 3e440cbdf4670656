// The loss functions of runtime/ops/losses.ts (bce, ce with labels / a class number / one-hot
// codes, bce_logits and ce_logits, mse, l1, detach) against values computed by hand on small
// tensors, on the cpu and wasm backends: the batch mean, the clipping to [1e-7, 1 - 1e-7] (in
// float32) at probabilities 0 and 1, the gradients inside and outside the clipped range, and the
// logits forms' values and gradients at logits far past where a clipped log gives up. Imports
// runtime/ops and tfjs only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { bce, bceLogits, ce, ceLogits, detach, l1, mse } from '../runtime/ops/losses';
import { useBackend } from './helpers';

const BACKENDS = ['cpu', 'wasm'] as const;
/** The clip bounds as float32 holds them: 1e-7 and 1 - 1e-7 (which rounds to 1 - 2^-23). */
const LO = Math.fround(1e-7);
const HI = Math.fround(1 - 1e-7);

/** float32 arithmetic: a few ulps of the value, never less than 1e-7 absolute. */
function close(actual: number, expected: number, label: string): void {
  const tol = Math.max(1e-7, Math.abs(expected) * 4e-7);
  assert.ok(Math.abs(actual - expected) <= tol, `${label}: got ${actual}, expected ${expected} (±${tol})`);
}

function value(f: () => tf.Scalar): number {
  return tf.tidy(() => {
    const s = f();
    assert.deepEqual(s.shape, [], 'a loss is a scalar');
    return s.dataSync()[0];
  });
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** |actual - expected| <= tol. */
function near(actual: number, expected: number, tol: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${label}: got ${actual}, expected ${expected} (±${tol})`);
}

/** d loss / d pred at pred, as plain numbers. */
function gradient(pred: tf.Tensor, loss: (p: tf.Tensor) => tf.Scalar): number[] {
  return tf.tidy(() => Array.from(tf.grad(loss)(pred).dataSync()));
}

for (const backend of BACKENDS) {
  test(`bce on ${backend}: the batch mean of -[t log p + (1 - t) log(1 - p)]`, async () => {
    await useBackend(backend);
    const p = tf.tensor2d([0.9, 0.2, 0.5, 0.7], [4, 1]);
    const t = tf.tensor2d([1, 0, 1, 0], [4, 1]);
    close(value(() => bce(p, t)), -(Math.log(0.9) + Math.log(0.8) + Math.log(0.5) + Math.log(0.3)) / 4, 'tensor target');
    close(value(() => bce(p, 1)), -(Math.log(0.9) + Math.log(0.2) + Math.log(0.5) + Math.log(0.7)) / 4, 'target 1');
    close(value(() => bce(p, 0)), -(Math.log(0.1) + Math.log(0.8) + Math.log(0.5) + Math.log(0.3)) / 4, 'target 0');
    // Soft targets weigh both terms.
    close(value(() => bce(tf.tensor1d([0.25]), 0.5)), -(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75)), 'target 0.5');
    tf.dispose([p, t]);
  });

  test(`bce on ${backend}: probabilities 0 and 1 are clipped to 1e-7 and 1 - 1e-7, never infinite`, async () => {
    await useBackend(backend);
    const p = tf.tensor1d([0, 1]);
    // Certain and wrong: -log(1e-7) for p = 0 (target 1), -log(1 - HI) for p = 1 (target 0).
    close(value(() => bce(p, tf.tensor1d([1, 0]))), (-Math.log(LO) - Math.log(1 - HI)) / 2, 'wrong with certainty');
    assert.ok(-Math.log(LO) > 16.11 && -Math.log(LO) < 16.12, 'the p = 0 term is 16.118...');
    assert.ok(-Math.log(1 - HI) > 15.94 && -Math.log(1 - HI) < 15.95, 'the p = 1 term is 15.942... (1 - 1e-7 rounds in float32)');
    // Certain and right: almost nothing, not exactly 0.
    close(value(() => bce(p, tf.tensor1d([0, 1]))), (-Math.log(1 - LO) - Math.log(HI)) / 2, 'right with certainty');
    // Beyond [0, 1] (a linear head by mistake) the clip still holds.
    close(value(() => bce(tf.tensor1d([-3, 7]), 1)), (-Math.log(LO) - Math.log(HI)) / 2, 'outside [0, 1]');
    p.dispose();
  });

  test(`bce on ${backend}: the gradient is -(t/p - (1-t)/(1-p))/n inside the clip, 0 outside it`, async () => {
    await useBackend(backend);
    const p = tf.tensor1d([0.5, 0.25, 0, 1]);
    const t = tf.tensor1d([1, 0, 1, 0]);
    const g = gradient(p, (x) => bce(x, t));
    close(g[0], -(1 / 0.5) / 4, 'p 0.5, t 1');
    close(g[1], 1 / (1 - 0.25) / 4, 'p 0.25, t 0');
    assert.ok(g[2] === 0, `p 0 is clipped: no gradient, got ${g[2]}`);
    assert.ok(g[3] === 0, `p 1 is clipped: no gradient, got ${g[3]}`);
    tf.dispose([p, t]);
  });

  test(`ce on ${backend}: class labels [batch] and [batch, 1], a class number, one-hot and soft codes`, async () => {
    await useBackend(backend);
    const p = tf.tensor2d([
      [0.7, 0.2, 0.1],
      [0.1, 0.6, 0.3],
    ]);
    const labels = -(Math.log(0.7) + Math.log(0.3)) / 2;
    close(value(() => ce(p, tf.tensor1d([0, 2], 'int32'))), labels, 'labels [2]');
    close(value(() => ce(p, tf.tensor2d([[0], [2]], [2, 1], 'int32'))), labels, 'labels [2, 1]');
    close(value(() => ce(p, 1)), -(Math.log(0.2) + Math.log(0.6)) / 2, 'class number 1');
    close(value(() => ce(p, 0)), -(Math.log(0.7) + Math.log(0.1)) / 2, 'class number 0');
    close(value(() => ce(p, tf.tensor2d([[0, 1, 0], [1, 0, 0]]))), -(Math.log(0.2) + Math.log(0.1)) / 2, 'one-hot codes');
    close(
      value(() => ce(p, tf.tensor2d([[0.5, 0.5, 0], [0, 0.25, 0.75]]))),
      -(0.5 * Math.log(0.7) + 0.5 * Math.log(0.2) + 0.25 * Math.log(0.6) + 0.75 * Math.log(0.3)) / 2,
      'soft codes',
    );
    p.dispose();
  });

  test(`ce on ${backend}: a probability of 0 or 1 for the true class is clipped like bce`, async () => {
    await useBackend(backend);
    const p = tf.tensor2d([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    close(value(() => ce(p, tf.tensor1d([0, 0], 'int32'))), (-Math.log(LO) - Math.log(HI)) / 2, 'one certain miss, one certain hit');
    close(value(() => ce(p, 1)), (-Math.log(HI) - Math.log(LO)) / 2, 'class number');
    const g = gradient(tf.tensor2d([[0.5, 0.25, 0.25], [0, 1, 0]]), (x) => ce(x, tf.tensor1d([0, 0], 'int32')));
    close(g[0], -1 / 0.5 / 2, 'd/dp of the true class: -1/(p n)');
    assert.ok(g[1] === 0 && g[2] === 0, `the other classes get no gradient: ${g}`);
    assert.ok(g.slice(3).every((d) => d === 0), `a clipped row gets no gradient: ${g}`);
    p.dispose();
  });

  test(`mse and l1 on ${backend}: batch means of squared and absolute differences, no clipping`, async () => {
    await useBackend(backend);
    const p = tf.tensor2d([1, 2, 3, 4], [4, 1]);
    const t = tf.tensor2d([0, 2, 5, 1], [4, 1]);
    close(value(() => mse(p, t)), (1 + 0 + 4 + 9) / 4, 'mse tensor target');
    close(value(() => mse(p, 1)), (0 + 1 + 4 + 9) / 4, 'mse target 1');
    close(value(() => l1(p, t)), (1 + 0 + 2 + 3) / 4, 'l1 tensor target');
    close(value(() => l1(p, 2.5)), (1.5 + 0.5 + 0.5 + 1.5) / 4, 'l1 target 2.5');
    const edges = tf.tensor1d([0, 1, 0, 1]);
    close(value(() => mse(edges, tf.tensor1d([1, 0, 0, 1]))), 0.5, 'mse at 0 and 1');
    close(value(() => l1(edges, tf.tensor1d([1, 0, 0, 1]))), 0.5, 'l1 at 0 and 1');
    close(value(() => mse(tf.tensor1d([-3, 7]), 0)), (9 + 49) / 2, 'mse is not clipped');
    const g = gradient(tf.tensor1d([1, 2, 3, 4]), (x) => mse(x, t.reshape([4])));
    [2 * 1, 0, 2 * -2, 2 * 3].forEach((d, i) => close(g[i], d / 4, `mse gradient ${i}`));
    const gl = gradient(tf.tensor1d([1, 2, 3, 4]), (x) => l1(x, tf.tensor1d([0, 3, 5, 1])));
    assert.deepEqual(gl, [0.25, -0.25, -0.25, 0.25], 'l1 gradient: sign(p - t)/n');
    tf.dispose([p, t, edges]);
  });

  test(`detach on ${backend}: the value passes, the gradient is zero`, async () => {
    await useBackend(backend);
    const x = tf.tensor1d([1, -2, 3]);
    assert.deepEqual(Array.from(tf.tidy(() => detach(x).dataSync())), [1, -2, 3]);
    // d/dx [sum(x^2) + sum(detach(x)^2)] = 2x: only the first term counts.
    const g = gradient(x, (v) => tf.add(tf.sum(tf.square(v)), tf.sum(tf.square(detach(v)))) as tf.Scalar);
    assert.deepEqual(g, [2, -4, 6]);
    x.dispose();
  });

  test(`bce_logits on ${backend}: log(1 + e) = 1.3133 at logit -1 for target 1, gradient (sigmoid(l) - t)/n, finite at ±100 and exact at 0`, async () => {
    await useBackend(backend);
    close(value(() => bceLogits(tf.tensor1d([-1]), 1)), Math.log(1 + Math.E), 'logit -1, target 1');
    near(Math.log(1 + Math.E), 1.3133, 5e-5, 'log(1 + e)');
    // Where bce(l, 1) clips l = -1 to 1e-7 and gives 16.1 with no gradient.
    close(value(() => bce(tf.tensor1d([-1]), 1)), -Math.log(LO), 'bce on the logit itself');
    const l = tf.tensor1d([-1, 100, -100, 100, -100, 0]);
    const t = tf.tensor1d([1, 1, 1, 0, 0, 1]);
    const loss = value(() => bceLogits(l, t));
    assert.ok(Number.isFinite(loss), `finite at ±100: ${loss}`);
    // Certain and right costs e^-100 (0 in float32), certain and wrong 100, logit 0 log 2.
    close(loss, (Math.log(1 + Math.E) + 0 + 100 + 100 + 0 + Math.log(2)) / 6, 'the batch mean');
    const g = gradient(l, (x) => bceLogits(x, t));
    const want = [sigmoid(-1) - 1, 0, -1, 1, 0, 0.5 - 1].map((d) => d / 6);
    want.forEach((d, i) => near(g[i], d, 1e-7, `gradient ${i}`));
    tf.dispose([l, t]);
  });

  test(`bce_logits on ${backend}: equals bce(sigmoid(l), t) for moderate logits, targets as tensors or numbers`, async () => {
    await useBackend(backend);
    const l = tf.tensor2d([-3, -0.5, 0.2, 2.5], [4, 1]);
    const t = tf.tensor2d([1, 0, 0.3, 1], [4, 1]);
    const hand = [-3, -0.5, 0.2, 2.5].map((x, i) => {
      const y = [1, 0, 0.3, 1][i];
      return -(y * Math.log(sigmoid(x)) + (1 - y) * Math.log(1 - sigmoid(x)));
    });
    near(value(() => bceLogits(l, t)), hand.reduce((a, b) => a + b) / 4, 1e-6, 'against the closed form');
    near(value(() => bceLogits(l, t)), value(() => bce(tf.sigmoid(l), t)), 1e-6, 'against bce of the sigmoid');
    near(value(() => bceLogits(l, 0)), value(() => bce(tf.sigmoid(l), 0)), 1e-6, 'target 0');
    tf.dispose([l, t]);
  });

  test(`ce_logits on ${backend}: log-sum-exp(l) - l[true class] averaged, finite at logits ±1000, gradient (softmax - onehot)/n`, async () => {
    await useBackend(backend);
    const l = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const lse = Math.log(Math.E + Math.E ** 2 + Math.E ** 3);
    close(value(() => ceLogits(l, tf.tensor1d([2, 0], 'int32'))), (lse - 3 + Math.log(3)) / 2, 'labels');
    close(value(() => ceLogits(l, 1)), (lse - 2 + Math.log(3)) / 2, 'class number 1');
    close(value(() => ceLogits(l, tf.tensor2d([[0, 0, 1], [0.5, 0.5, 0]]))), (lse - 3 + Math.log(3)) / 2, 'one-hot and soft codes');
    near(value(() => ceLogits(l, 1)), value(() => ce(tf.softmax(l), 1)), 1e-6, 'equals ce of the softmax');
    const big = tf.tensor2d([[1000, 0, -1000]]);
    close(value(() => ceLogits(big, 0)), 0, 'certain and right');
    close(value(() => ceLogits(big, 1)), 1000, 'certain and wrong: the logit gap');
    const g = gradient(l, (x) => ceLogits(x, tf.tensor1d([2, 0], 'int32')));
    const soft = [1, 2, 3].map((x) => Math.exp(x) / (Math.E + Math.E ** 2 + Math.E ** 3));
    const want = [soft[0], soft[1], soft[2] - 1, 1 / 3 - 1, 1 / 3, 1 / 3].map((d) => d / 2);
    want.forEach((d, i) => near(g[i], d, 1e-7, `gradient ${i}`));
    tf.dispose([l, big]);
  });
}
