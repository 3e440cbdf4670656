// Slice and SplitV on wasm without copying the input off the heap. The backend's Slice first
// copies its whole input into JavaScript (readSync), then its rows; so a SplitV into four parts
// (the gradient of a channel concat: the upsampling fold's phases) copies the input four times,
// and a crop of [32,30,30,64] takes 7.6 ms. These move the slice's contiguous runs (neighbouring
// axes merged) with copyWithin inside the heap: 0.7 ms for that crop. Imports only TensorFlow.js
// and the heap helpers.
import * as tf from '@tensorflow/tfjs';
import { type Heap, type Info, type Wasm, alloc, eachIndex, stridesOf } from './wasm-heap';

/** x[begin : begin + size] as a new tensor, one copyWithin per contiguous run. */
function slice(backend: Wasm, x: Info, begin: number[], size: number[]): Info {
  const out = alloc(backend, size, x.dtype);
  if (tf.util.sizeFromShape(size) === 0) return out;
  // The slice's axes, with each merged into the one before it where the two are contiguous in x.
  const xStrides = stridesOf(x.shape);
  const dims: number[] = [];
  const strides: number[] = [];
  size.forEach((d, i) => {
    if (d === 1) return;
    const last = dims.length - 1;
    if (last >= 0 && strides[last] === d * xStrides[i]) {
      dims[last] *= d;
      strides[last] = xStrides[i];
    } else {
      dims.push(d);
      strides.push(xStrides[i]);
    }
  });
  // The innermost axis is the run: x's last one when the slice keeps more than one of its
  // elements, else single elements.
  if (dims.length === 0 || strides[dims.length - 1] !== 1) {
    dims.push(1);
    strides.push(1);
  }
  const src = backend.typedArrayFromHeap(x) as Heap;
  const dst = backend.typedArrayFromHeap(out) as Heap;
  const heap = new Uint8Array(dst.buffer);
  const bytes = src.BYTES_PER_ELEMENT;
  const from = src.byteOffset + begin.reduce((sum, b, i) => sum + b * xStrides[i], 0) * bytes;
  const run = dims[dims.length - 1] * bytes;
  let to = dst.byteOffset;
  eachIndex(dims, strides.map((s) => s * bytes), dims.length - 1, (offset) => {
    heap.copyWithin(to, from + offset, from + offset + run);
    to += run;
  });
  return out;
}

export function withHeapSlice(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    if (x.dtype === 'string') return original(args);
    const { begin, size } = args.attrs as unknown as { begin: number[]; size: number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    return slice(args.backend as Wasm, x, b, s);
  };
}

/** SplitV as one slice per part. */
export function withHeapSplitV(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    if (x.dtype === 'string') return original(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const a = tf.util.parseAxisParam(axis, x.shape)[0];
    const begin = x.shape.map(() => 0);
    return tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, a).map((n) => {
      const part = slice(args.backend as Wasm, x, [...begin], x.shape.map((d, i) => (i === a ? n : d)));
      begin[a] += n;
      return part;
    });
  };
}
