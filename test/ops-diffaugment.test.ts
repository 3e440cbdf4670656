// DiffAugment (runtime/ops/diffaugment.ts) with fixed draws against outputs worked out here:
// translation moves pixels by the drawn shift and fills zeros, and the gradient of the sum of
// its output is 1 exactly at the pixels that stay in the image; cutout zeroes exactly the square
// (clipped at the border); color adds the brightness, then scales about each pixel's channel mean
// and about the image mean; the draws follow the official ranges (shift 1/8, square 1/2, rounded)
// and come from the run's seeded Math.random. On the cpu backend.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { augmentWith, cutoutSize, diffAugment, drawAugment, maxShift } from '../runtime/ops/diffaugment';
import { installSeededRandom } from '../runtime/rng';

before(async () => {
  await tf.setBackend('cpu');
});

/** [b, h, w, c] images with value 100 b + 10 i + j + c / 10 at each pixel: every value says where it came from. */
function images(b: number, h: number, w: number, c: number): { x: tf.Tensor4D; at: (k: number, i: number, j: number, ch: number) => number } {
  const at = (k: number, i: number, j: number, ch: number) => 100 * k + 10 * i + j + ch / 10;
  const values: number[] = [];
  for (let k = 0; k < b; k++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let ch = 0; ch < c; ch++) values.push(at(k, i, j, ch));
  return { x: tf.tensor4d(values, [b, h, w, c]), at };
}

function close(actual: Float32Array | number[], expected: number[], tol: number, label: string): void {
  assert.equal(actual.length, expected.length, label);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i]! - e) <= tol, `${label}[${i}]: got ${actual[i]}, expected ${e}`));
}

test('translation by a known shift moves every pixel by it and fills zeros', () => {
  const { x } = images(2, 4, 5, 1);
  const y = augmentWith(x, ['translation'], { translation: { dy: [1, -2], dx: [0, 2] } });
  assert.deepEqual(y.arraySync(), [
    // Example 0, dy 1: output row i is input row i + 1; the last row is new, zero.
    [[[10], [11], [12], [13], [14]], [[20], [21], [22], [23], [24]], [[30], [31], [32], [33], [34]], [[0], [0], [0], [0], [0]]],
    // Example 1, dy -2, dx 2: output (i, j) is input (i - 2, j + 2).
    [[[0], [0], [0], [0], [0]], [[0], [0], [0], [0], [0]], [[102], [103], [104], [0], [0]], [[112], [113], [114], [0], [0]]],
  ]);
});

test('the gradient of sum(translation(x)) is 1 at the pixels that stay in the image and 0 at those shifted out', () => {
  const [b, h, w, c] = [2, 4, 5, 2];
  const { x } = images(b, h, w, c);
  const draws = { translation: { dy: [1, -2], dx: [-1, 3] } };
  const g = tf.grad((t: tf.Tensor) => tf.sum(augmentWith(t, ['translation'], draws)))(x);
  const expected: number[] = [];
  for (let k = 0; k < b; k++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        // Input (i, j) lands at output (i - dy, j - dx).
        const stays = i - draws.translation.dy[k]! >= 0 && i - draws.translation.dy[k]! < h && j - draws.translation.dx[k]! >= 0 && j - draws.translation.dx[k]! < w;
        for (let ch = 0; ch < c; ch++) expected.push(stays ? 1 : 0);
      }
    }
  }
  assert.deepEqual(Array.from(g.dataSync()), expected);
  assert.ok(expected.includes(1) && expected.includes(0));
});

test('cutout zeroes exactly the square of half the image, clipped at the border, and nothing else', () => {
  const [b, h, w, c] = [2, 6, 6, 2];
  const { x, at } = images(b, h, w, c);
  assert.equal(cutoutSize(6), 3);
  const draws = { cutout: { top: [-1, 4], left: [2, 0] } };
  const y = Array.from(augmentWith(x, ['cutout'], draws).dataSync());
  const expected: number[] = [];
  const inSquare: boolean[] = [];
  for (let k = 0; k < b; k++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        // Example 0: rows -1..1 (0 and 1 in the image), columns 2..4; example 1: rows 4..6 (4, 5), columns 0..2.
        const zero = k === 0 ? i <= 1 && j >= 2 && j <= 4 : i >= 4 && j <= 2;
        for (let ch = 0; ch < c; ch++) {
          expected.push(zero ? 0 : at(k, i, j, ch));
          inSquare.push(zero);
        }
      }
    }
  }
  close(y, expected.map(Math.fround), 0, 'cutout');
  assert.equal(inSquare.filter((z) => z).length, (2 * 3 + 2 * 3) * c);
  const g = Array.from(tf.grad((t: tf.Tensor) => tf.sum(augmentWith(t, ['cutout'], draws)))(x).dataSync());
  close(g, inSquare.map((z) => (z ? 0 : 1)), 0, 'gradient of the sum');
});

test('color adds the brightness, scales saturation about each pixel\'s channel mean and contrast about the image mean', () => {
  const [b, h, w, c] = [2, 2, 3, 3];
  const { x, at } = images(b, h, w, c);
  const brightOnly = augmentWith(x, ['color'], { color: { brightness: [0.25, -0.5], saturation: [1, 1], contrast: [1, 1] } }).dataSync() as Float32Array;
  const plus: number[] = [];
  for (let k = 0; k < b; k++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let ch = 0; ch < c; ch++) plus.push(at(k, i, j, ch) + [0.25, -0.5][k]!);
  close(brightOnly, plus, 1e-4, 'brightness alone');

  const d = { brightness: [0.25, -0.5], saturation: [0.5, 1.75], contrast: [1.25, 0.6] };
  const y = augmentWith(x, ['color'], { color: d }).dataSync() as Float32Array;
  const expected: number[] = [];
  for (let k = 0; k < b; k++) {
    const sat: number[][][] = [];
    for (let i = 0; i < h; i++) {
      sat.push([]);
      for (let j = 0; j < w; j++) {
        const px = [0, 1, 2].map((ch) => at(k, i, j, ch) + d.brightness[k]!);
        const mean = (px[0]! + px[1]! + px[2]!) / 3;
        sat[i]!.push(px.map((v) => (v - mean) * d.saturation[k]! + mean));
      }
    }
    const imageMean = sat.flat(2).reduce((s, v) => s + v, 0) / (h * w * c);
    for (const v of sat.flat(2)) expected.push((v - imageMean) * d.contrast[k]! + imageMean);
  }
  close(y, expected, 1e-3, 'color');
  // Saturation changes the channels' spread: not the same as brightness alone.
  assert.ok(Math.abs(y[1]! - y[0]! - (brightOnly[1]! - brightOnly[0]!)) > 0.01);
});

test('draws: brightness in [-0.5, 0.5), saturation [0, 2), contrast [0.5, 1.5), shifts within 1/8 of 28 (4), the square 14 wide', () => {
  assert.deepEqual([maxShift(28), cutoutSize(28), maxShift(32), cutoutSize(32), maxShift(4)], [4, 14, 4, 16, 1]);
  const lowest = drawAugment(['color', 'translation', 'cutout'], 2, 28, 28, () => 0);
  assert.deepEqual(lowest, {
    color: { brightness: [-0.5, -0.5], saturation: [0, 0], contrast: [0.5, 0.5] },
    translation: { dy: [-4, -4], dx: [-4, -4] },
    cutout: { top: [-7, -7], left: [-7, -7] },
  });
  const r = 1 - 2 ** -32;
  const highest = drawAugment(['translation', 'cutout'], 1, 28, 28, () => r);
  // The square's centre is at most 28 (the official randint(0, 28 + 1)): its corner at 21.
  assert.deepEqual(highest, { translation: { dy: [4], dx: [4] }, cutout: { top: [21], left: [21] } });
  assert.deepEqual(drawAugment(['cutout'], 1, 26, 26, () => r), { cutout: { top: [19], left: [19] } }, 'odd side 13: centre at most 25, corner 6 before');
});

test('diffAugment draws from the run\'s seeded Math.random: the same seed gives the same images, a new draw others', () => {
  const { x } = images(3, 8, 8, 1);
  const policy = ['color', 'translation', 'cutout'] as const;
  installSeededRandom(5);
  const a = Array.from(diffAugment(x, policy).dataSync());
  const b = Array.from(diffAugment(x, policy).dataSync());
  installSeededRandom(5);
  const c = Array.from(diffAugment(x, policy).dataSync());
  assert.deepEqual(c, a);
  assert.notDeepEqual(b, a);
  assert.throws(() => diffAugment(tf.zeros([2, 4]), policy), /diffAugment takes images \[batch, h, w, c\], got \[2, 4\]/);
});
