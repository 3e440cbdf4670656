// Shared by the wasm convolution-gradient kernels: their attributes, the convolution geometry,
// and calls into the fast kernels (OpenBLAS's matrix product when it is on, else XNNPACK's; the
// Conv2D kernel, OpenBLAS's or XNNPACK's).
import * as tf from '@tensorflow/tfjs';
import { gemm, openBlasOn } from './openblas';
import type { Info, Wasm } from './wasm-heap';

export type Conv = tf.backend_util.Conv2DInfo;

/** Sizes that choose between the kernels' forms (settings, so tests can force each form): the
 *  filter gradient takes the batch in chunks to keep its copied matrix under `copyBytes`, and for
 *  products of few rows its right operand under `operandBytes`; the convolutions on OpenBLAS
 *  build their patch matrices `patchBytes` at a time (one image at least: 2 MB, which stays in
 *  the cache, made the deep convolutional spec's forward convolutions twice as fast as 64 MB
 *  did, 90 → 44 ms a step: BENCHMARKS.md); `filterProductPixels` is the
 *  number of dy pixels (batch · height · width) up to which the input gradient multiplies by the
 *  filter in place (up to 25x faster at 4 pixels and 512 channels, even at 512 pixels:
 *  docs/benchmarks-log.md, 2026-11-27); the filter gradient takes dy first up to
 *  `dyFirstColumns` taps·cin (15 to 20 % less CPU time for [32,28,28,1] → [3,3,1,32], 2026-11-30);
 *  at stride 1 between images of equal size it copies shifted images of at least `planeElements`
 *  pixels a channel at a time, not row by row. */
export const limits = { copyBytes: 64 << 20, operandBytes: 1 << 20, patchBytes: 2 << 20, filterProductPixels: 512, dyFirstColumns: 16, planeElements: 64 };
type Shape4 = [number, number, number, number];

export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs): Conv {
  if (a.dataFormat === 'NCHW') throw new Error('wasm convolution gradients support NHWC only');
  return tf.backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, a.strides, 1, a.pad, a.dimRoundingMode);
}

/** The columns j in [lo, hi) of a row of length `size` whose index j·stride + shift lies in
 *  [0, limit). */
export function validRange(size: number, stride: number, shift: number, limit: number): [number, number] {
  const lo = Math.min(size, Math.max(0, Math.ceil(-shift / stride)));
  const hi = Math.min(size, Math.max(lo, Math.floor((limit - 1 - shift) / stride) + 1));
  return [lo, hi];
}

/** a × b for float32 matrices on the heap, through OpenBLAS when it is on, else the backend's
 *  XNNPACK path. */
export function matMul(backend: Wasm, a: Info, b: Info): Info {
  if (openBlasOn()) return gemm(backend, a, b);
  const kernel = tf.getKernel('BatchMatMul', 'wasm').kernelFunc;
  return kernel({ backend, inputs: { a, b }, attrs: { transposeA: false, transposeB: false } }) as Info;
}

/** A stride-1 NHWC Conv2D with explicit padding [[top, bottom], [left, right]]. */
export function conv2d(backend: Wasm, x: Info, filter: Info, pad: [[number, number], [number, number]]): Info {
  const kernel = tf.getKernel('Conv2D', 'wasm').kernelFunc;
  const attrs = { strides: 1, dilations: 1, dataFormat: 'NHWC', pad: [[0, 0], ...pad, [0, 0]] };
  return kernel({ backend, inputs: { x, filter }, attrs }) as Info;
}
