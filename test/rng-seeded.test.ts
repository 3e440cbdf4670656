// Tests runtime/rng.ts: the seeded Math.random makes unseeded tfjs random ops repeat, and its
// state can be captured and restored.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { installSeededRandom, restoreRng, rngState } from '../runtime/rng';

before(async () => {
  await tf.setBackend('cpu');
});

function draw(): number[] {
  return tf.tidy(() => [
    ...tf.randomNormal([64]).dataSync(),
    ...tf.dropout(tf.ones([64]), 0.5).dataSync(),
  ]);
}

test('the same seed gives the same Math.random stream; another seed a different one', () => {
  installSeededRandom(7);
  const a = Array.from({ length: 100 }, Math.random);
  installSeededRandom(7);
  assert.deepEqual(Array.from({ length: 100 }, Math.random), a);
  installSeededRandom(8);
  assert.notDeepEqual(Array.from({ length: 100 }, Math.random), a);
  assert.ok(a.every((x) => x >= 0 && x < 1));
});

test('tf.randomNormal and tf.dropout repeat after restoring a state', () => {
  installSeededRandom(123);
  draw();
  const saved = rngState();
  const first = draw();
  const second = draw();
  assert.notDeepEqual(second, first);
  restoreRng(JSON.parse(JSON.stringify(saved)));
  assert.deepEqual(draw(), first);
  assert.deepEqual(draw(), second);
});

test('large and negative seeds are accepted, non-integers are not', () => {
  installSeededRandom(2 ** 40 + 5);
  const big = Math.random();
  installSeededRandom(5);
  assert.notEqual(Math.random(), big);
  installSeededRandom(-1);
  assert.throws(() => installSeededRandom(1.5), /seed must be an integer/);
});

test('restoreRng rejects malformed state', () => {
  assert.throws(() => restoreRng([1, 2, 3]), /4 unsigned 32-bit integers/);
  assert.throws(() => restoreRng([1, 2, 3, -1]), /4 unsigned 32-bit integers/);
});
