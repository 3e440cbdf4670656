// MNIST-backed sources: shape adaptation (padding, resizing, channels), range mapping,
// labels, the mnist-domains pair and batches that leak no tensors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadData, type DataConfig } from '../runtime/data';
import { UserError } from '../runtime/errors';

await tf.setBackend('cpu');
const at = (value: number) => () => value;
const mnist = (image: [number, number, number], range: [number, number], more: Partial<DataConfig> = {}) =>
  loadData({ source: 'mnist', image, range, ...more }, '.');

test('MNIST is labeled: 60000 examples, 10 classes, x float32 and y int32', async () => {
  const data = await mnist([28, 28, 1], [-1, 1]);
  assert.equal(data.size, 60000);
  assert.equal(data.classes, 10);
  assert.deepEqual(data.names, ['x', 'y']);
  const { x, y } = data.batch(4, at(0));
  assert.deepEqual(x.shape, [4, 28, 28, 1]);
  assert.equal(x.dtype, 'float32');
  assert.equal(y.dtype, 'int32');
  assert.deepEqual(Array.from(y.dataSync()), [5, 5, 5, 5]);
  tf.dispose([x, y]);
});

test('pixels map from [0, 255] onto the configured range', async () => {
  for (const range of [[-1, 1], [0, 1]] as [number, number][]) {
    const { x, y } = (await mnist([28, 28, 1], range)).batch(8, Math.random);
    assert.equal(x.min().dataSync()[0], range[0]);
    assert.equal(x.max().dataSync()[0], range[1]);
    tf.dispose([x, y]);
  }
});

test('28x28 pads centrally to 32x32 with the background value, digits intact', async () => {
  const small = (await mnist([28, 28, 1], [-1, 1])).batch(1, at(0));
  const big = (await mnist([32, 32, 1], [-1, 1])).batch(1, at(0));
  assert.deepEqual(big.x.shape, [1, 32, 32, 1]);
  assert.deepEqual(Array.from(big.x.slice([0, 2, 2, 0], [1, 28, 28, 1]).dataSync()), Array.from(small.x.dataSync()));
  const border = Array.from(big.x.slice([0, 0, 0, 0], [1, 2, 32, 1]).dataSync());
  assert.ok(border.every((v) => v === -1));
  tf.dispose([small.x, small.y, big.x, big.y]);
});

test('larger sources resize bilinearly and channels repeat 1 -> 3', async () => {
  const { x, y } = (await mnist([14, 14, 3], [0, 1], { limit: 10 })).batch(2, at(0.5));
  assert.deepEqual(x.shape, [2, 14, 14, 3]);
  const [r, g, b] = tf.split(x, 3, 3);
  assert.deepEqual(Array.from(r.dataSync()), Array.from(g.dataSync()));
  assert.deepEqual(Array.from(r.dataSync()), Array.from(b.dataSync()));
  tf.dispose([x, y, r, g, b]);
});

test('limit and split choose the examples', async () => {
  const data = await mnist([28, 28, 1], [0, 1], { limit: 3, split: 'test' });
  assert.equal(data.size, 3);
  const { x, y } = data.batch(1, at(0.999));
  assert.equal(y.dataSync()[0], 1); // test digits start 7, 2, 1
  tf.dispose([x, y]);
  await assert.rejects(mnist([28, 28, 2], [0, 1]), UserError);
});

test('a batch leaves only the tensors it returns', async () => {
  const data = await mnist([32, 32, 3], [-1, 1]);
  const before = tf.memory().numTensors;
  const batch = data.batch(16, Math.random);
  assert.equal(tf.memory().numTensors, before + 2);
  tf.dispose(Object.values(batch));
  assert.equal(tf.memory().numTensors, before);
});

test('mnist-domains: unpaired plain digits (a, even-numbered) and bold dilated ones (b, odd-numbered)', async () => {
  const domains = await loadData({ source: 'mnist-domains', image: [28, 28, 1], range: [0, 1], limit: 50 }, '.');
  assert.deepEqual(domains.names, ['a', 'b']);
  assert.equal(domains.classes, null);
  assert.equal(domains.size, 50);
  const before = tf.memory().numTensors;
  const { a, b } = domains.batch(1, at(0));
  assert.equal(tf.memory().numTensors, before + 2);
  const plain = await mnist([28, 28, 1], [0, 1]);
  const first = plain.batch(1, at(0));
  const second = plain.batch(1, at(1.5 / 60000)); // index 1: the first odd-numbered image
  assert.deepEqual(Array.from(a.dataSync()), Array.from(first.x.dataSync()));
  const dilated = tf.maxPool(second.x as tf.Tensor4D, 3, 1, 'same');
  assert.deepEqual(Array.from(b.dataSync()), Array.from(dilated.dataSync()));
  assert.ok(b.sum().dataSync()[0] > second.x.sum().dataSync()[0] * 1.3);
  const next = domains.batch(1, at(1.5 / 50)); // a's second image: MNIST's image 2
  const third = plain.batch(1, at(2.5 / 60000));
  assert.deepEqual(Array.from(next.a.dataSync()), Array.from(third.x.dataSync()));
  tf.dispose([a, b, first.x, first.y, second.x, second.y, dilated, next.a, next.b, third.x, third.y]);
});
