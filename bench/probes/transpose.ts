// Probe for runtime/backend/wasm-heap.ts: a float32 matrix transposed by the wasm backend's own
// Transpose kernel against transpose2d (JavaScript, 32x32 tiles), dense and with rows 16 floats
// apart; best of 15. Small matrices favour the kernel, large ones and power-of-two row counts
// (whose dense writes collide in the cache) the padded tiles.
//
//   node --import tsx bench/probes/transpose.ts
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../runtime/backend/select';
import { type Wasm, alloc, f32, free, transpose2d } from '../../runtime/backend/wasm-heap';

const best = (f: () => void): number =>
  Math.min(...Array.from({ length: 15 }, () => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  }));

await selectBackend('wasm');
const backend = tf.backend() as Wasm;
const kernel = tf.getKernel('Transpose', 'wasm').kernelFunc;
for (const [rows, cols] of [[1568, 64], [6272, 32], [2048, 64], [4096, 64], [25088, 64], [25088, 128], [64, 28800]]) {
  const x = tf.randomNormal([rows, cols]);
  const info = { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  const native = best(() => free(backend, kernel({ backend, inputs: { x: info }, attrs: { perm: [1, 0] } }) as tf.TensorInfo));
  const tiled = (stride: number) => best(() => {
    const out = alloc(backend, [cols, stride]);
    transpose2d(f32(backend, info), rows, cols, f32(backend, out), stride);
    free(backend, out);
  });
  console.log(`[${rows},${cols}]: Transpose kernel ${native.toFixed(3)} ms, tiles ${tiled(rows).toFixed(3)} ms, tiles with rows + 16 ${tiled(rows + 16).toFixed(3)} ms`);
  x.dispose();
}
