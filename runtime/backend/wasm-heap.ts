// Helpers for kernels written in TypeScript against the wasm backend: allocate tensors on its
// heap, view them in place (no readSync copies), call its registered kernels, free temporaries.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type Wasm = BackendWasm;
export type Info = tf.TensorInfo;
/** A view of a tensor's heap memory, for the dtypes the heap holds. */
export type Heap = Float32Array | Int32Array | Uint8Array;

/** A new uninitialised tensor on the wasm heap. */
export function alloc(backend: Wasm, shape: number[], dtype: tf.DataType = 'float32'): Info {
  return backend.makeOutput(shape, dtype);
}

/** A float32 view of a tensor's heap memory. Take views after the last allocation: a heap growth
 *  detaches earlier ones (on the threaded build's shared heap they stay valid). */
export function f32(backend: Wasm, t: Info): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

export function free(backend: Wasm, ...ts: Info[]): void {
  for (const t of ts) backend.disposeData(t.dataId);
}

/** Calls f(offset) for every index over dims [0, axes) of shape, with strides. */
export function eachIndex(shape: number[], strides: number[], axes: number, f: (offset: number) => void): void {
  const walk = (axis: number, offset: number): void => {
    if (axis === axes) return f(offset);
    for (let i = 0; i < shape[axis]; i++) walk(axis + 1, offset + i * strides[axis]);
  };
  walk(0, 0);
}

/** Row-major strides of a shape. */
export function stridesOf(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** The same data under another shape (no copy). */
export function reshaped(t: Info, shape: number[]): Info {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** dst[c * stride + r] = src[r * cols + c]: a rows x cols matrix transposed, in cache-sized tiles,
 *  into rows `stride` apart (a power-of-two stride makes a tile's writes collide in the cache). */
export function transpose2d(src: Float32Array, rows: number, cols: number, dst: Float32Array, stride = rows): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        let s = r * cols + c0;
        for (let c = c0; c < c1; c++) dst[c * stride + r] = src[s++];
      }
    }
  }
}

/** Up to this many elements the backend's own Transpose (C++) is 4x faster than transpose2d;
 *  beyond the caches it is 2x slower (docs/benchmarks-log.md). */
const NATIVE_TRANSPOSE_MAX = 1 << 18;

/** A copy of a float32 matrix [...1s, rows, cols] with its last two axes swapped. With `padRows`,
 *  a row count that is a multiple of 256 (whose tiled writes collide in the cache, 4x slower) gets
 *  rows of rows + 16 floats instead: the result's last dimension is its row stride. */
export function transposedCopy(backend: Wasm, t: Info, padRows = false): Info {
  const r = t.shape.length;
  const [rows, cols] = [t.shape[r - 2], t.shape[r - 1]];
  const stride = padRows && rows % 256 === 0 ? rows + 16 : rows;
  if (stride === rows && rows * cols <= NATIVE_TRANSPOSE_MAX) {
    const perm = [...t.shape.keys()].map((i) => (i < r - 2 ? i : 2 * r - 3 - i));
    return tf.getKernel('Transpose', 'wasm').kernelFunc({ backend, inputs: { x: t }, attrs: { perm } }) as Info;
  }
  const out = alloc(backend, [...t.shape.slice(0, -2), cols, stride]);
  transpose2d(f32(backend, t), rows, cols, f32(backend, out), stride);
  return out;
}
