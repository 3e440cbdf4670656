// OpenBLAS for the wasm backend's matrix products and convolutions, through the optional addon
// in runtime/native/ (built by `npm ci` where a C compiler is at hand; it opens the system's
// libopenblas.so.0). wasm's SIMD is 128 bits wide; OpenBLAS uses the CPU's widest. Off until
// the backend choice turns it on for wasm (useOpenBlas); GANSPEC_OPENBLAS=off keeps wasm's own
// kernels. Every product it takes is a float32 one between tensors on the wasm heap.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs';
import type { Info, Wasm } from './wasm-heap';
import { alloc, f32, free } from './wasm-heap';

/** openblas.c's ABI: an addon built from another version is not used. */
const ABI = 3;

interface Addon {
  abi: number;
  load(threads: number): string;
  sgemm(ta: number, tb: number, m: number, n: number, k: number, a: Float32Array, lda: number, b: Float32Array, ldb: number, c: Float32Array, ldc: number): void;
  conv2d(x: Float32Array, filter: Float32Array, out: Float32Array, bias: Float32Array | null, geometry: Int32Array, patchBytes: number): void;
  conv2dFilterGrad(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array, patchBytes: number): void;
  conv2dInputGrad(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: Int32Array, patchBytes: number): void;
}

const ADDON = fileURLToPath(new URL('../native/build/Release/ganspec_openblas.node', import.meta.url));

let addon: Addon | undefined;

/** Turns OpenBLAS on with `threads` threads, or off where GANSPEC_OPENBLAS=off; returns what the
 *  backend line says of it: the core OpenBLAS chose, or why it is not used. */
export function useOpenBlas(threads: number): string {
  addon = undefined;
  if ((process.env.GANSPEC_OPENBLAS ?? '').trim() === 'off') return 'OpenBLAS off (GANSPEC_OPENBLAS=off)';
  let loaded: Addon;
  try {
    loaded = createRequire(import.meta.url)(ADDON) as Addon;
  } catch {
    return 'no OpenBLAS: runtime/native was not built (node runtime/native/build.js builds it; npm ci runs it where a C compiler is at hand)';
  }
  if (loaded.abi !== ABI) return 'no OpenBLAS: runtime/native was built from another version (npm ci, or node runtime/native/build.js, rebuilds it)';
  try {
    const core = loaded.load(threads);
    addon = loaded;
    return `OpenBLAS ${core} for matrix products`;
  } catch (e) {
    return `no OpenBLAS: ${String(e instanceof Error ? e.message : e).split('\n')[0]} (apt-get install libopenblas0)`;
  }
}

/** Whether products go to OpenBLAS. */
export const openBlasOn = (): boolean => addon !== undefined;

/** A new tensor of `shape`, written by `write` (an addon call); freed again if the call throws. */
function output(backend: Wasm, shape: number[], write: (out: Float32Array) => void): Info {
  const out = alloc(backend, shape);
  try {
    write(f32(backend, out));
  } catch (e) {
    free(backend, out);
    throw e;
  }
  return out;
}

/** op(a) × op(b) of float32 matrices [rows, cols] on the heap, a new tensor; op(x) = xᵀ where
 *  trans. */
export function gemm(backend: Wasm, a: Info, b: Info, transA = false, transB = false): Info {
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [m, k, n] = [transA ? ac : ar, transA ? ar : ac, transB ? br : bc];
  return output(backend, [m, n], (out) => addon!.sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, f32(backend, a), ac, f32(backend, b), bc, out, n));
}

type Conv = tf.backend_util.Conv2DInfo;

/** The geometry the addon's convolutions take, in its order. */
const geometry = (c: Conv): Int32Array => Int32Array.of(c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.filterHeight,
  c.filterWidth, c.outChannels, c.outHeight, c.outWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth,
  c.padInfo.top, c.padInfo.left);

/** An NHWC convolution with an HWIO filter, plus bias per output channel when given. Each of
 *  the three convolution functions builds its patch matrix a batch chunk of at most
 *  `patchBytes` at a time. */
export function conv2d(backend: Wasm, x: Info, filter: Info, bias: Info | null, c: Conv, patchBytes: number): Info {
  return output(backend, [c.batchSize, c.outHeight, c.outWidth, c.outChannels], (out) =>
    addon!.conv2d(f32(backend, x), f32(backend, filter), out, bias === null ? null : f32(backend, bias), geometry(c), patchBytes));
}

/** The filter gradient of conv2d, dW [KH, KW, C, CO]. */
export function conv2dFilterGrad(backend: Wasm, x: Info, dy: Info, c: Conv, patchBytes: number): Info {
  return output(backend, [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels], (out) =>
    addon!.conv2dFilterGrad(f32(backend, x), f32(backend, dy), out, geometry(c), patchBytes));
}

/** The input gradient of conv2d, dx [B, H, W, C]: dy × filterᵀ scattered onto the pixels, or at
 *  stride 1 with fewer output than input channels dy convolved with the flipped filter. */
export function conv2dInputGrad(backend: Wasm, dy: Info, filter: Info, c: Conv, patchBytes: number): Info {
  return output(backend, [c.batchSize, c.inHeight, c.inWidth, c.inChannels], (out) =>
    addon!.conv2dInputGrad(f32(backend, dy), f32(backend, filter), out, geometry(c), patchBytes));
}
