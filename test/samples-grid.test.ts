// Sample grids: row-major tiling with a padding border and range -> 0..255 mapping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { gridImage } from '../runtime/images/grid';

await tf.setBackend('cpu');

test('cell (r, c) shows image r * cols + c, inside a padding border', async () => {
  const [rows, cols, h, w, pad] = [2, 3, 4, 5, 2];
  // Image i is filled with i / 10 in range [0, 1].
  const images = tf.tidy(() => tf.range(0, 6).div(10).reshape([6, 1, 1, 1]).tile([1, h, w, 1]) as tf.Tensor4D);
  const grid = await gridImage(images, rows, cols, [0, 1], pad);
  assert.equal(grid.width, cols * w + (cols + 1) * pad);
  assert.equal(grid.height, rows * h + (rows + 1) * pad);
  assert.equal(grid.channels, 1);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const y = pad + r * (h + pad) + h - 1;
      const x = pad + c * (w + pad) + 1;
      assert.equal(grid.data[y * grid.width + x], Math.round(((r * cols + c) / 10) * 255));
    }
  }
  assert.equal(grid.data[0], 255);
  assert.equal(grid.data[(pad + h) * grid.width + pad], 255);
  images.dispose();
});

test('values map from the range to 0..255 and clamp; colour stays colour', async () => {
  const images = tf.tensor4d([-1, 0, 1, -3, 3, 0.5], [1, 1, 2, 3]);
  const grid = await gridImage(images, 1, 1, [-1, 1], 0);
  assert.deepEqual([grid.width, grid.height, grid.channels], [2, 1, 3]);
  assert.deepEqual(Array.from(grid.data), [0, 128, 255, 0, 255, 191]);
  images.dispose();
});
