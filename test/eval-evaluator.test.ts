// The committed MNIST evaluator: small enough to commit, at least 99% accurate on the test set,
// and reproducing through the runtime's data path the accuracy meta.json records for a subset.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadData } from '../runtime/data';
import { DEFAULT_EVALUATOR_DIR, loadEvaluator, toEvaluatorInput } from '../eval/evaluator';
import { accuracyOf } from '../eval/stats';
import { useBackend } from './helpers';

test('the committed evaluator is under 2 MB and records at least 99% test accuracy', async () => {
  const size = ['model.json', 'weights.bin'].reduce((s, f) => s + statSync(join(DEFAULT_EVALUATOR_DIR, f)).size, 0);
  assert.ok(size < 2 * 1024 * 1024, `model.json + weights.bin: ${size} bytes`);
  await useBackend('wasm');
  const evaluator = await loadEvaluator();
  assert.ok(evaluator.meta.testAccuracy >= 0.99, `recorded test accuracy ${evaluator.meta.testAccuracy}`);
  assert.equal(evaluator.meta.subset.count, 2000);
});

test('the evaluator reproduces its recorded accuracy on the first 2000 test images', async () => {
  await useBackend('wasm');
  const evaluator = await loadEvaluator();
  const data = await loadData({ source: 'mnist', image: [28, 28, 1], range: [-1, 1], split: 'test' }, '.');
  const count = evaluator.meta.subset.count;
  let i = 0;
  const { x, y } = data.batch(count, () => (i++ + 0.5) / data.size);
  const before = tf.memory().numTensors;
  const scores = await evaluator.score(x as tf.Tensor4D, [-1, 1]);
  assert.equal(tf.memory().numTensors, before, 'scoring leaks no tensors');
  const accuracy = accuracyOf(scores.probs, y.dataSync(), 10);
  tf.dispose([x, y]);
  assert.ok(Math.abs(accuracy - evaluator.meta.subset.accuracy) <= 1 / count, `accuracy ${accuracy}, recorded ${evaluator.meta.subset.accuracy}`);
  assert.equal(scores.features.length, count * 128);
});

test('32x32 images are center-cropped to 28x28, and other pixel ranges are mapped to [-1, 1]', async () => {
  await useBackend('wasm');
  const small = await loadData({ source: 'mnist', image: [28, 28, 1], range: [-1, 1], split: 'test', limit: 8 }, '.');
  const big = await loadData({ source: 'mnist', image: [32, 32, 1], range: [0, 1], split: 'test', limit: 8 }, '.');
  const seq = () => {
    let i = 0;
    return () => (i++ + 0.5) / 8;
  };
  const a = small.batch(8, seq());
  const b = big.batch(8, seq());
  const cropped = toEvaluatorInput(b.x as tf.Tensor4D, [0, 1]);
  assert.deepEqual(cropped.shape, [8, 28, 28, 1]);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(cropped, a.x))).dataSync()[0]);
  assert.ok(diff < 1e-5, `max difference ${diff}`);
  tf.dispose([cropped, ...Object.values(a), ...Object.values(b)]);
});
