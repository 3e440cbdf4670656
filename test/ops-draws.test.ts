// What the equivalence test relies on in the runtime: a draws listener (runtime/ops/draws.ts) is
// told the very numbers a loss draws (the gradient penalty's interpolation weights, checked
// through a penalty computed by hand from them; uniform_like / normal_like; DiffAugment's draws,
// which reproduce its output), and setDropoutEnabled (runtime/loop/dropout.ts) makes dropout the
// identity in training calls and then drops again at the layer's own rate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setDropoutEnabled } from '../runtime/loop/dropout';
import { augmentWith, diffAugment } from '../runtime/ops/diffaugment';
import { listenToDraws, type Draw } from '../runtime/ops/draws';
import { normalLike, uniformLike } from '../runtime/ops/noise';
import { gradientPenalty } from '../runtime/ops/penalty';
import { installSeededRandom } from '../runtime/rng';
import { useBackend } from './helpers';

function recording<T>(f: () => T): { value: T; draws: Draw[] } {
  const draws: Draw[] = [];
  listenToDraws((d) => draws.push(d));
  try {
    return { value: f(), draws };
  } finally {
    listenToDraws(null);
  }
}

test('the gradient penalty tells its interpolation weights, and uses exactly those', async () => {
  await useBackend('cpu');
  installSeededRandom(3);
  const real = tf.tensor4d([1, 2, 3, 4, 0.5, -1, 2, 0], [2, 2, 2, 1]);
  const fake = tf.tensor4d([0, 1, -2, 1, 1, 1, 0, 3], [2, 2, 2, 1]);
  // critic(x) = sum of squares per example: its gradient at x̂ is 2x̂, so the penalty is mean((2||x̂|| - 1)^2).
  const { value, draws } = recording(() => gradientPenalty((x) => tf.sum(tf.square(x), [1, 2, 3]), real, fake).dataSync()[0]!);
  assert.equal(draws.length, 1);
  const d = draws[0]!;
  assert.ok(d.kind === 'uniform');
  assert.deepEqual(d.shape, [2, 1, 1, 1]);
  const r = real.dataSync();
  const f = fake.dataSync();
  let expected = 0;
  for (let b = 0; b < 2; b++) {
    const a = d.values[b]!;
    let sq = 0;
    for (let i = 0; i < 4; i++) sq += (a * r[b * 4 + i]! + (1 - a) * f[b * 4 + i]!) ** 2;
    expected += (2 * Math.sqrt(sq) - 1) ** 2 / 2;
  }
  assert.ok(Math.abs(value - expected) <= 1e-5 * expected, `penalty ${value}, by hand from the told weights ${expected}`);
});

test('uniform_like and normal_like tell the tensors they return', async () => {
  await useBackend('cpu');
  installSeededRandom(4);
  const like = tf.zeros([2, 3, 1]);
  const { value, draws } = recording(() => [uniformLike(like, -1, 1).dataSync(), normalLike(like, 0, 2).dataSync()]);
  assert.deepEqual(draws.map((d) => d.kind), ['uniform', 'normal']);
  draws.forEach((d, i) => {
    assert.ok(d.kind !== 'augment');
    assert.deepEqual(d.shape, [2, 3, 1]);
    assert.deepEqual(Array.from(d.values), Array.from(value[i]!));
  });
});

test('DiffAugment tells its draws, and applying them gives its output', async () => {
  await useBackend('cpu');
  installSeededRandom(5);
  const x = tf.randomUniform([2, 8, 8, 3], -1, 1);
  const policy = ['color', 'translation', 'cutout'] as const;
  const { value, draws } = recording(() => diffAugment(x, policy).dataSync());
  assert.equal(draws.length, 1);
  const d = draws[0]!;
  assert.ok(d.kind === 'augment');
  assert.deepEqual(Object.keys(d.draws), ['color', 'translation', 'cutout']);
  assert.deepEqual(Array.from(augmentWith(x, policy, d.draws).dataSync()), Array.from(value));
});

test('setDropoutEnabled(false) makes dropout the identity in training calls; true drops at the rate again', async () => {
  await useBackend('cpu');
  installSeededRandom(6);
  const input = tf.input({ shape: [1000] });
  const model = tf.model({ inputs: input, outputs: tf.layers.dropout({ rate: 0.5 }).apply(input) as tf.SymbolicTensor });
  const ones = tf.ones([1, 1000]);
  const run = () => Array.from((model.apply(ones, { training: true }) as tf.Tensor).dataSync());
  setDropoutEnabled({ D: model }, false);
  assert.deepEqual(run(), new Array(1000).fill(1));
  setDropoutEnabled({ D: model }, true);
  const dropped = run();
  const zeros = dropped.filter((v) => v === 0).length;
  // Kept values are scaled by 1 / (1 - rate) = 2; about half are dropped (binomial, sd ~16).
  assert.ok(dropped.every((v) => v === 0 || v === 2), 'values are 0 or 2');
  assert.ok(zeros > 400 && zeros < 600, `${zeros} of 1000 dropped at rate 0.5`);
});
