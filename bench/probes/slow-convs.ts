// Probe: the DCGAN convolutions that ran below half of matMul's GFLOP/s on 2026-11-26
// (BENCHMARKS.md), timed alone against a matMul of their im2col sizes, best of 15 alternating runs.
//
//   node --import tsx bench/probes/slow-convs.ts
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../runtime/backend/select';

interface Case { kernel: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput'; x: number[]; filter: number[]; dy: number[]; strides: number }
const CASES: Case[] = [
  { kernel: 'Conv2DBackpropFilter', x: [32, 28, 28, 64], filter: [3, 3, 64, 1], dy: [32, 28, 28, 1], strides: 1 },
  { kernel: 'Conv2DBackpropFilter', x: [32, 14, 14, 32], filter: [3, 3, 32, 64], dy: [32, 7, 7, 64], strides: 2 },
  { kernel: 'Conv2DBackpropFilter', x: [32, 8, 8, 64], filter: [3, 3, 64, 128], dy: [32, 4, 4, 128], strides: 2 },
  { kernel: 'Conv2DBackpropInput', x: [32, 28, 28, 1], filter: [3, 3, 1, 32], dy: [32, 14, 14, 32], strides: 2 },
  { kernel: 'Conv2DBackpropFilter', x: [32, 28, 28, 1], filter: [3, 3, 1, 32], dy: [32, 14, 14, 32], strides: 2 },
  { kernel: 'Conv2DBackpropFilter', x: [32, 28, 28, 128], filter: [3, 3, 128, 64], dy: [32, 28, 28, 64], strides: 1 },
];

function time(f: () => tf.Tensor): number {
  const t0 = performance.now();
  const out = f(); // synchronous on wasm: no read-back (as in bench/profile.ts)
  const ms = performance.now() - t0;
  out.dispose();
  return ms;
}

await selectBackend(process.argv[2] ?? 'wasm');
for (const c of CASES) {
  const [x, filter, dy] = [tf.randomNormal(c.x), tf.randomNormal(c.filter), tf.randomNormal(c.dy)];
  const attrs = { strides: c.strides, pad: 'same', dataFormat: 'NHWC', dilations: 1 };
  const run = c.kernel === 'Conv2DBackpropFilter'
    ? () => tf.engine().runKernel(c.kernel, { x, dy }, { ...attrs, filterShape: c.filter }) as tf.Tensor
    : () => tf.engine().runKernel(c.kernel, { dy, filter }, { ...attrs, inputShape: c.x }) as tf.Tensor;
  const m = c.dy[0] * c.dy[1] * c.dy[2];
  const k = c.filter[0] * c.filter[1] * c.filter[2];
  const n = c.filter[3];
  const [a, b] = [tf.randomNormal([m, k]), tf.randomNormal([k, n])];
  const mm = () => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < 16; i++) {
    ours.push(time(run));
    theirs.push(time(mm));
  }
  const gflop = (2 * m * k * n) / 1e9;
  const [o, t] = [Math.min(...ours.slice(1)), Math.min(...theirs.slice(1))];
  console.log(`${c.kernel} x[${c.x}] f[${c.filter}] s${c.strides}: ${o.toFixed(2)} ms ${(gflop / o * 1e3).toFixed(1)} GFLOP/s; matMul ${t.toFixed(2)} ms ${(gflop / t * 1e3).toFixed(1)}; ratio ${(t / o).toFixed(2)}`);
  tf.dispose([x, filter, dy, a, b]);
}
