// Probe: the same convolutions on the embedded default and in PyTorch, side by side. For each
// shape, the best ms of a forward pass and of a backward pass (input and filter gradients) on
// wasm with ganspec's kernels and threads, each kernel timed as `gan-bench --gflops` times a
// step's (bench/profile.ts), then the same in Debian's python3-torch
// on as many threads (torch_conv_rates.py), with the GFLOP/s each reaches. It says how far a
// convolution-bound step can come to PyTorch's on the machine at hand, whatever the rest costs.
// A shape is n,h,w,cin,cout,k,stride (NHWC, a k x k 'same' kernel); the default is Keras-GAN's
// DCGAN at batch 32 as PyTorch's baseline runs it (bench/baseline/): its generator's three
// convolutions, then its discriminator's four.
//
//   node --import tsx bench/probes/conv-rates.ts [shape ...]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../runtime/backend/select';
import { type Geometry, timeConvKernel } from '../profile';
import { torchPython } from '../../runtime/torch-python';

const DCGAN = ['32,14,14,128,128,3,1', '32,28,28,128,64,3,1', '32,28,28,64,1,3,1', '32,28,28,1,32,3,2', '32,14,14,32,64,3,2', '32,8,8,64,128,3,2', '32,4,4,128,256,3,1'];

interface Rates { forwardMs: number; backwardMs: number }

/** Ours as gan-bench --gflops times a step's kernels (bench/profile.ts): each kernel alone, best of
 *  7 on fresh inputs, the output not read back; backward is the input and filter gradients' sum. */
function wasmRates(shape: number[]): Rates {
  const [n, h, w, cin, cout, k, stride] = shape as [number, number, number, number, number, number, number];
  const g: Geometry = { x: [n, h, w, cin], filter: [k, k, cin, cout], dy: [n, Math.ceil(h / stride), Math.ceil(w / stride), cout], strides: stride, pad: 'same' };
  return { forwardMs: timeConvKernel('FusedConv2D', g), backwardMs: timeConvKernel('Conv2DBackpropInput', g) + timeConvKernel('Conv2DBackpropFilter', g) };
}

function torchRates(shapes: string[], threads: number): Rates[] {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'torch_conv_rates.py');
  const run = spawnSync(torchPython(), [script, ...shapes], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  if (run.status !== 0) throw new Error(`torch_conv_rates.py failed: ${run.stderr.trim().split('\n').pop()}`);
  return run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Rates);
}

async function main(): Promise<void> {
  const shapes = process.argv.length > 2 ? process.argv.slice(2) : DCGAN;
  console.log(`backend: ${await selectBackend('wasm')}`);
  const threads = getThreadsCount();
  const ours = shapes.map((s) => wasmRates(s.split(',').map(Number)));
  const theirs = torchRates(shapes, threads);
  console.log(`PyTorch: ${threads} threads; ms (GFLOP/s), best of 7; backward = input and filter gradients`);
  console.log('n,h,w,cin,cout,k,stride   wasm forward     torch forward    ratio   wasm backward    torch backward   ratio');
  // MFLOP per ms is GFLOP/s.
  const cell = (ms: number, mflop: number): string => `${ms.toFixed(1).padStart(7)} (${(mflop / ms).toFixed(1).padStart(5)})`;
  shapes.forEach((s, i) => {
    const [n, h, w, cin, cout, k, stride] = s.split(',').map(Number) as [number, number, number, number, number, number, number];
    const mflop = (2 * n * Math.ceil(h / stride) * Math.ceil(w / stride) * cout * cin * k * k) / 1e6;
    const [a, b] = [ours[i]!, theirs[i]!];
    console.log(`${s.padEnd(24)}  ${cell(a.forwardMs, mflop)}  ${cell(b.forwardMs, mflop)}  ${(a.forwardMs / b.forwardMs).toFixed(2).padStart(5)}  ${cell(a.backwardMs, 2 * mflop)}  ${cell(b.backwardMs, 2 * mflop)}  ${(a.backwardMs / b.backwardMs).toFixed(2).padStart(5)}`);
  });
}

void main();
