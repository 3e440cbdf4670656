// Tile on wasm: the backend's own kernel takes about 60 ns per output element, and batchnorm's
// gradient tiles per-channel vectors to full activations several times per layer. This one
// copies the input rows once, then repeats the filled block along each axis, innermost first.
import type * as tf from '@tensorflow/tfjs';
import { type Heap, type Info, type Wasm, alloc, eachIndex, stridesOf } from './wasm-heap';

export function withFastTile(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    if (x.dtype === 'string' || x.shape.length === 0) return original(args);
    const wasm = args.backend as Wasm;
    const reps = (args.attrs as { reps: number[] }).reps;
    const shape = x.shape;
    const rank = shape.length;
    const outShape = shape.map((d, i) => d * reps[i]);
    const out = alloc(wasm, outShape, x.dtype);
    const src = wasm.typedArrayFromHeap(x) as Heap;
    const dst = wasm.typedArrayFromHeap(out) as Heap;
    const outStrides = stridesOf(outShape);
    const row = shape[rank - 1];
    // The input's rows, at the origin of the output.
    eachIndex(shape, outStrides, rank - 1, (() => {
      let s = 0;
      return (d: number) => {
        dst.set(src.subarray(s, s + row), d);
        s += row;
      };
    })());
    // Along each axis, innermost first: the block filled so far is contiguous, repeat it.
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (reps[axis] === 1) continue;
      const block = shape[axis] * outStrides[axis];
      const end = reps[axis] * block;
      eachIndex(shape, outStrides, axis, (d) => {
        if (block < 64) for (let i = block; i < end; i++) dst[d + i] = dst[d + i - block];
        else for (let i = block; i < end; i += block) dst.copyWithin(d + i, d, d + block);
      });
    }
    return out;
  };
}
