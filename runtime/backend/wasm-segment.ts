// UnsortedSegmentSum on wasm (missing there): the gradient of gather, so of embedding layers.
// out[segmentIds[i], ...] += x[i, ...], computed in place on the backend's heap.
import type * as tf from '@tensorflow/tfjs';
import { type Info, type Wasm, alloc } from './wasm-heap';

export const unsortedSegmentSum: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as Wasm;
  const { x, segmentIds } = inputs as { x: Info; segmentIds: Info };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: dtype ${x.dtype}`);
  const inner = x.shape.slice(segmentIds.shape.length);
  const width = inner.reduce((p, d) => p * d, 1);
  const out = alloc(wasm, [numSegments, ...inner], x.dtype);
  const ids = wasm.typedArrayFromHeap(segmentIds) as Int32Array;
  const src = wasm.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const dst = wasm.typedArrayFromHeap(out) as Float32Array | Int32Array;
  dst.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const seg = ids[i];
    if (seg < 0 || seg >= numSegments) continue;
    for (let j = 0, d = seg * width, s = i * width; j < width; j++) dst[d++] += src[s++];
  }
  return out;
};
