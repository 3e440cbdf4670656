// Makes the wasm backend able to train every layer of the vocabulary, second-order gradients
// included: registers the kernels it lacks or runs slowly (its convolutions and matrix products on
// OpenBLAS while openblas.ts has it on), the missing zero gradients, a faster
// Tile gradient (every backend), slices that read the heap in place, the upsampling gradient (a
// fix on cpu, faster on wasm), an Identity that shares data with the engine's clones made without
// a kernel call (identity.ts), and a backward pass that frees each tensor once it is done with it
// (tape-memory.ts, every backend).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerGradients } from './gradients';
import { resizeNearestNeighborGradCpu, resizeNearestNeighborGradWasm } from './resize-nearest-grad';
import { installSharedClones, withSharedCast, withSharedIdentity } from './identity';
import { conv2DBackpropFilter } from './wasm-conv-filter';
import { conv2DBackpropInput } from './wasm-conv-input';
import { withTransposedCopies } from './wasm-matmul';
import { withOpenBlasConv } from './wasm-conv-forward';
import { withRowSums } from './wasm-reduce';
import { withFastTile } from './wasm-tile';
import { withHeapSlice, withHeapSplitV } from './wasm-slice';
import { unsortedSegmentSum } from './wasm-segment';
import { installTapeMemory } from './tape-memory';

const ours = new Set<tf.KernelFunc>();

/** Registers kernelFunc in place of any existing kernel, keeping its setup function. */
function replace(kernelName: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  const existing = tf.getKernel(kernelName, backendName);
  if (existing != null) {
    if (ours.has(existing.kernelFunc)) return;
    tf.unregisterKernel(kernelName, backendName);
  }
  ours.add(kernelFunc);
  tf.registerKernel({ ...existing, kernelName, backendName, kernelFunc });
}

/** Registers a wasm kernel that handles some cases itself and passes the rest to the original. */
function wrap(kernelName: string, wrapper: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(kernelName, 'wasm').kernelFunc;
  if (!ours.has(original)) replace(kernelName, 'wasm', wrapper(original));
}

/** Idempotent; safe to call before or after the wasm backend is initialised. */
export function registerTrainingKernels(): void {
  registerGradients();
  installTapeMemory();
  replace('Conv2DBackpropFilter', 'wasm', conv2DBackpropFilter);
  replace('Conv2DBackpropInput', 'wasm', conv2DBackpropInput);
  replace('UnsortedSegmentSum', 'wasm', unsortedSegmentSum);
  wrap('BatchMatMul', withTransposedCopies);
  wrap('Conv2D', withOpenBlasConv);
  wrap('FusedConv2D', withOpenBlasConv);
  wrap('Tile', withFastTile);
  wrap('Slice', withHeapSlice);
  wrap('SplitV', withHeapSplitV);
  wrap('Sum', (original) => withRowSums(original, false));
  wrap('Mean', (original) => withRowSums(original, true));
  replace('ResizeNearestNeighborGrad', 'cpu', resizeNearestNeighborGradCpu);
  replace('ResizeNearestNeighborGrad', 'wasm', resizeNearestNeighborGradWasm);
  wrap('Identity', withSharedIdentity);
  wrap('Cast', withSharedCast);
  installSharedClones();
}
