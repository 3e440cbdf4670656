// runtime/loop/random-inputs.ts: random inputs are drawn with the shape and range their spec
// gives, from the run's seeded Math.random (the same seed, the same draws); a preview grid holds
// a shaped input along its columns; a module compiled before inputs had shapes is still read.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { SampleDef } from '../contract/trainer';
import { drawInput, gridInputs } from '../runtime/loop/random-inputs';
import { installSeededRandom } from '../runtime/rng';
import { legacySample } from '../runtime/trainer-module';

before(async () => {
  await tf.setBackend('cpu');
});

function stats(values: Float32Array): { min: number; max: number; mean: number; std: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { min, max, mean, std: Math.sqrt(sq / values.length) };
}

function drawn(def: SampleDef, n: number): { shape: number[]; values: Float32Array } {
  const t = drawInput(def, n);
  const out = { shape: t.shape, values: t.dataSync() as Float32Array };
  t.dispose();
  return out;
}

const uniform01: SampleDef = { name: 'u', kind: 'uniform', size: 16, shape: [4, 4, 1], low: 0, high: 1 };
const normalHalf: SampleDef = { name: 'z', kind: 'normal', size: 100, shape: [100], mean: 0, std: 0.5 };

test('uniform(4, 4, 1, low=0, high=1): shape [n, 4, 4, 1], every value in [0, 1), mean 0.5 +- 0.01', () => {
  installSeededRandom(1);
  const { shape, values } = drawn(uniform01, 10000);
  assert.deepEqual(shape, [10000, 4, 4, 1]);
  const s = stats(values);
  assert.ok(s.min >= 0 && s.max < 1, `values in [${s.min}, ${s.max}]`);
  assert.ok(Math.abs(s.mean - 0.5) < 0.01, `mean ${s.mean}`);
  // U[0, 1) has std 1/sqrt(12) = 0.2887.
  assert.ok(Math.abs(s.std - 1 / Math.sqrt(12)) < 0.01, `std ${s.std}`);
});

test('normal(100, std=0.5): shape [n, 100], mean 0 +- 0.01, std 0.5 +- 0.01; mean=3 moves it to 3', () => {
  installSeededRandom(2);
  const { shape, values } = drawn(normalHalf, 2000);
  assert.deepEqual(shape, [2000, 100]);
  const s = stats(values);
  assert.ok(Math.abs(s.mean) < 0.01, `mean ${s.mean}`);
  assert.ok(Math.abs(s.std - 0.5) < 0.01, `std ${s.std}`);
  const shifted = stats(drawn({ ...normalHalf, shape: [10, 10], mean: 3 }, 2000).values);
  assert.ok(Math.abs(shifted.mean - 3) < 0.01, `mean ${shifted.mean}`);
  assert.ok(Math.abs(shifted.std - 0.5) < 0.01, `std ${shifted.std}`);
});

test('the defaults: uniform draws from [-1, 1) (mean 0, std 1/sqrt(3)), normal has mean 0 and std 1', () => {
  installSeededRandom(3);
  const u = stats(drawn({ name: 'u', kind: 'uniform', size: 50, shape: [50], low: -1, high: 1 }, 4000).values);
  assert.ok(u.min >= -1 && u.max < 1, `values in [${u.min}, ${u.max}]`);
  assert.ok(Math.abs(u.mean) < 0.01 && Math.abs(u.std - 1 / Math.sqrt(3)) < 0.01, `mean ${u.mean}, std ${u.std}`);
  const z = stats(drawn({ name: 'z', kind: 'normal', size: 50, shape: [50], mean: 0, std: 1 }, 4000).values);
  assert.ok(Math.abs(z.mean) < 0.02 && Math.abs(z.std - 1) < 0.01, `mean ${z.mean}, std ${z.std}`);
});

test('the same seed gives the same draws, another seed others', () => {
  installSeededRandom(9);
  const a = drawn(uniform01, 8).values;
  installSeededRandom(9);
  assert.deepEqual(drawn(uniform01, 8).values, a);
  installSeededRandom(10);
  assert.notDeepEqual(drawn(uniform01, 8).values, a);
});

test('a preview grid holds a shaped input per column: every row repeats the columns, columns differ', () => {
  installSeededRandom(4);
  const rows = 3;
  const cols = 2;
  const def: SampleDef = { name: 'z', kind: 'normal', size: 8, shape: [2, 2, 2], mean: 0, std: 1 };
  const grid = gridInputs([def], ['z'], rows, cols, [], ['z']);
  assert.deepEqual(grid.z.shape, [6, 2, 2, 2]);
  const v = grid.z.arraySync() as number[][][][];
  for (let i = 0; i < rows * cols; i++) assert.deepEqual(v[i], v[i % cols], `cell ${i} holds column ${i % cols}'s input`);
  assert.notDeepEqual(v[0], v[1]);
  tf.dispose(grid.z);
});

test('a module compiled before shapes ({ name, kind, size }) is read as a vector with the default range', () => {
  const old = (d: object) => legacySample(d as SampleDef);
  assert.deepEqual(old({ name: 'z', kind: 'normal', size: 62 }), { name: 'z', kind: 'normal', size: 62, shape: [62], mean: 0, std: 1 });
  assert.deepEqual(old({ name: 'u', kind: 'uniform', size: 3 }), { name: 'u', kind: 'uniform', size: 3, shape: [3], low: -1, high: 1 });
  assert.deepEqual(old({ name: 'y', kind: 'label', size: 10 }), { name: 'y', kind: 'label', size: 10, shape: [] });
  assert.deepEqual(old({ name: 'c', kind: 'categorical', size: 10 }), { name: 'c', kind: 'categorical', size: 10, shape: [10] });
  assert.equal(legacySample(uniform01), uniform01);
});
