// Conv2DBackpropFilter on wasm (missing there): with OpenBLAS on, its patch-matrix product
// (openblas.ts); otherwise as XNNPACK matrix products, in one of three forms.
// For at most `limits.dyFirstColumns` taps·cin (an image layer's filter: 9 for one channel), dy
// first: dWᵀ[cout, taps·cin] = dyᵀ[cout, pixels] × cols[pixels, taps·cin], so that the operand
// XNNPACK packs on every call is the small patch matrix, not dy. Otherwise summed over batch
// chunks, each a copy of the smaller side only:
//  - by patches: dW[taps·cin, cout] = colsᵀ[taps·cin, pixels] × dy[pixels, cout], the transposed
//    patch matrix of x built from rows of x transposed to channels first;
//  - by shifted gradients (stride 1, cout < cin): dWᵀ[taps·cout, cin] = S[taps·cout, x pixels] ×
//    x[x pixels, cin], where row (tap, co) of S is dy's channel co moved onto the input pixels
//    that tap reads. x is used in place; with one output channel S is 9 rows.
// The batch is taken in chunks so that the copied matrix stays under `limits.copyBytes` (over the
// whole batch the patch matrix is 231 MB for a 28x28 conv net at batch 64).
import type * as tf from '@tensorflow/tfjs';
import { conv2dFilterGrad, openBlasOn } from './openblas';
import { type Conv, type ConvAttrs, convInfo, limits, matMul, validRange } from './wasm-conv-common';
import { type Info, type Wasm, alloc, f32, free, reshaped, transpose2d, transposedCopy } from './wasm-heap';

/** Products with fewer rows than this take their right operand in chunks of `limits.operandBytes`
 *  (one output channel: 17 -> 6.5 ms; with more rows, chunks only add copies). */
const FEW_ROWS = 64;

/** dst[d + j] for j in [0, n): src[s + (j − lo)·stride] for j in [lo, hi), else 0. Long unit-stride
 *  runs are copied natively; short rows are cheaper in plain loops than in native calls. */
function paddedRow(dst: Float32Array, d: number, n: number, lo: number, hi: number, src: Float32Array, s: number, stride: number): void {
  let j = 0;
  for (; j < lo; j++) dst[d + j] = 0;
  if (stride === 1 && hi - lo >= 64) {
    dst.set(src.subarray(s, s + hi - lo), d + lo);
    j = hi;
  }
  for (; j < hi; j++, s += stride) dst[d + j] = src[s];
  for (; j < n; j++) dst[d + j] = 0;
}

/** For n consecutive rows x cols planes: dst[d + p·rows·cols + r·cols + c] = src[s + p·rows·cols +
 *  (r + dr)·cols + c + dc], 0 where (r + dr, c + dc) falls outside plane p; src is readable in
 *  [lo, hi). One native copy of the whole flat range, then the rows and the columns that crossed
 *  a plane's edge (read from the next plane or row) set to 0. */
function shiftedPlanes(dst: Float32Array, d: number, n: number, rows: number, cols: number, src: Float32Array, s: number, lo: number, hi: number, dr: number, dc: number): void {
  const plane = rows * cols;
  const off = dr * cols + dc;
  const j0 = Math.min(n * plane, Math.max(0, lo - s - off));
  const j1 = Math.max(j0, Math.min(n * plane, hi - s - off));
  // Outside [j0, j1) the source lies beyond the first or last plane: rows or columns zeroed below.
  dst.set(src.subarray(s + j0 + off, s + j1 + off), d + j0);
  const [r0, r1] = [Math.min(rows, Math.max(0, -dr)), Math.max(0, Math.min(rows, rows - dr))];
  const [c0, c1] = dc > 0 ? [Math.max(0, cols - dc), cols] : [0, Math.min(cols, -dc)];
  for (let p = d; p < d + n * plane; p += plane) {
    for (let i = p; i < p + r0 * cols; i++) dst[i] = 0;
    for (let i = p + r1 * cols; i < p + plane; i++) dst[i] = 0;
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) dst[p + r * cols + c] = 0;
  }
}

/** cols[(kh, kw, ci), (b − b0, oh, ow)] = x[b, oh·s + kh − padTop, ow·s + kw − padLeft, ci] for
 *  b in [b0, b0 + nb), 0 outside, copied whole (stride 1, equal sizes) or by rows from
 *  xT[ci · stride + (b, h, w)] = x[b, h, w, ci]. */
function patchesT(xT: Float32Array, stride: number, c: Conv, b0: number, nb: number, cols: Float32Array): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = c;
  const { inChannels: C, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = c;
  const N = nb * OH * OW;
  const byPlane = sh === 1 && sw === 1 && OH === H && OW === W && H * W >= limits.planeElements;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const [lo, hi] = validRange(OW, sw, kw - c.padInfo.left, W);
      const iw0 = lo * sw + kw - c.padInfo.left;
      let d = (kh * KW + kw) * C * N;
      for (let ci = 0; ci < C; ci++) {
        if (byPlane) {
          const row = ci * stride;
          shiftedPlanes(cols, d, nb, H, W, xT, row + b0 * H * W, row, row + c.batchSize * H * W, kh - c.padInfo.top, kw - c.padInfo.left);
          d += nb * H * W;
          continue;
        }
        for (let b = b0; b < b0 + nb; b++) {
          for (let oh = 0; oh < OH; oh++, d += OW) {
            const ih = oh * sh + kh - c.padInfo.top;
            const inside = ih >= 0 && ih < H;
            paddedRow(cols, d, OW, inside ? lo : OW, hi, xT, ci * stride + (b * H + ih) * W + iw0, sw);
          }
        }
      }
    }
  }
}

/** S[(kh, kw, co), (b − b0, ih, iw)] = dy[b, ih − kh + padTop, iw − kw + padLeft, co] for b in
 *  [b0, b0 + nb), 0 outside dy (stride 1), copied whole (equal sizes) or by rows from
 *  dyT[co, (b, oh, ow)]. */
function shiftedT(dyT: Float32Array, c: Conv, b0: number, nb: number, s: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = c;
  const { outChannels: CO, filterHeight: KH, filterWidth: KW } = c;
  const byPlane = OH === H && OW === W && H * W >= limits.planeElements;
  let d = 0;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const shift = c.padInfo.left - kw;
      const [lo, hi] = validRange(W, 1, shift, OW);
      for (let co = 0; co < CO; co++) {
        if (byPlane) {
          const row = co * B * H * W;
          shiftedPlanes(s, d, nb, H, W, dyT, row + b0 * H * W, row, row + B * H * W, c.padInfo.top - kh, shift);
          d += nb * H * W;
          continue;
        }
        for (let b = b0; b < b0 + nb; b++) {
          for (let ih = 0; ih < H; ih++, d += W) {
            const oh = ih - kh + c.padInfo.top;
            const inside = oh >= 0 && oh < OH;
            paddedRow(s, d, W, inside ? lo : W, hi, dyT, ((co * B + b) * OH + oh) * OW + lo + shift, 1);
          }
        }
      }
    }
  }
}

/** Σ over batch chunks of copied[rows, chunk pixels] × operand[chunk pixels, cols]: `fill` writes a
 *  chunk's copied matrix, `operand` is the tensor whose rows (batch-major, `perImage` rows per
 *  image) are the right-hand side. */
function sumOverChunks(
  wasm: Wasm,
  c: Conv,
  rows: number,
  perImage: number,
  operand: Info,
  fill: (b0: number, nb: number, into: Float32Array) => void,
): Info {
  const B = c.batchSize;
  const cols = operand.shape[1];
  // XNNPACK packs the right operand anew for every product (2.5 to 9 ns per element, more once it
  // outgrows the cache), which a product of few rows cannot amortise: keep its chunks cache-sized.
  const operandBytes = rows < FEW_ROWS ? limits.operandBytes : Infinity;
  const chunk = Math.max(1, Math.min(B, Math.floor(limits.copyBytes / (4 * rows * perImage)), Math.floor(operandBytes / (4 * perImage * cols))));
  const copied = alloc(wasm, [rows, chunk * perImage]);
  let sum: Info | null = null;
  for (let b0 = 0; b0 < B; b0 += chunk) {
    const nb = Math.min(chunk, B - b0);
    const part = reshaped(copied, [rows, nb * perImage]);
    fill(b0, nb, f32(wasm, part));
    if (nb === B) {
      sum = matMul(wasm, part, operand);
      break;
    }
    // A fresh tensor per chunk for the operand's rows, not one rewritten buffer: the backend may
    // keep XNNPACK's packed right-hand operand keyed by tensor id.
    const slice = alloc(wasm, [nb * perImage, cols]);
    f32(wasm, slice).set(f32(wasm, operand).subarray(b0 * perImage * cols, (b0 + nb) * perImage * cols));
    const product = matMul(wasm, part, slice);
    free(wasm, slice);
    if (sum == null) sum = product;
    else {
      const acc = f32(wasm, sum);
      const add = f32(wasm, product);
      for (let i = 0; i < acc.length; i++) acc[i] += add[i];
      free(wasm, product);
    }
  }
  free(wasm, copied);
  return sum!;
}

function byPatches(wasm: Wasm, x: Info, dy: Info, c: Conv): Info {
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const P = c.outHeight * c.outWidth;
  const rows = reshaped(x, [c.batchSize * c.inHeight * c.inWidth, c.inChannels]);
  const xT = c.inChannels === 1 ? rows : transposedCopy(wasm, rows, true);
  const stride = xT.shape[1];
  const dw = sumOverChunks(wasm, c, K, P, reshaped(dy, [c.batchSize * P, c.outChannels]), (b0, nb, into) =>
    patchesT(f32(wasm, xT), stride, c, b0, nb, into));
  if (xT !== rows) free(wasm, xT);
  return dw;
}

/** cols[(b, oh, ow), (kh, kw, ci)] = x[b, oh·s + kh − padTop, ow·s + kw − padLeft, ci], 0 outside
 *  x: the patch matrix, pixel-major (each pixel's taps·cin values in a row). */
function patches(x: Float32Array, c: Conv, cols: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = c;
  const { top, left } = c.padInfo;
  let d = 0;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh - top;
          const inside = ih >= 0 && ih < H;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw - left;
            if (!inside || iw < 0 || iw >= W) {
              for (let ci = 0; ci < C; ci++) cols[d++] = 0;
              continue;
            }
            let s = ((b * H + ih) * W + iw) * C;
            for (let ci = 0; ci < C; ci++) cols[d++] = x[s++];
          }
        }
      }
    }
  }
}

/** For few taps·cin (an image layer's filter): dWᵀ[cout, taps·cin] = dyᵀ[cout, pixels] ×
 *  cols[pixels, taps·cin]. XNNPACK packs its right operand on every call: here that is the small
 *  patch matrix (pixels × 9 for one input channel), where the other forms pack dy (pixels × cout). */
function byDyFirst(wasm: Wasm, x: Info, dy: Info, c: Conv): Info {
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const P = c.batchSize * c.outHeight * c.outWidth;
  const dyT = transposedCopy(wasm, reshaped(dy, [P, c.outChannels]));
  const cols = alloc(wasm, [P, K]);
  patches(f32(wasm, x), c, f32(wasm, cols));
  const dwT = matMul(wasm, dyT, cols);
  free(wasm, dyT, cols);
  const dw = alloc(wasm, [K, c.outChannels]);
  transpose2d(f32(wasm, dwT), c.outChannels, K, f32(wasm, dw));
  free(wasm, dwT);
  return dw;
}

function byShiftedGradients(wasm: Wasm, x: Info, dy: Info, c: Conv): Info {
  const { filterHeight: KH, filterWidth: KW, inChannels: CI, outChannels: CO } = c;
  const pixels = c.inHeight * c.inWidth;
  const dyRows = reshaped(dy, [c.batchSize * c.outHeight * c.outWidth, CO]);
  const dyT = CO === 1 ? dyRows : transposedCopy(wasm, dyRows);
  const dwT = sumOverChunks(wasm, c, KH * KW * CO, pixels, reshaped(x, [c.batchSize * pixels, CI]), (b0, nb, into) =>
    shiftedT(f32(wasm, dyT), c, b0, nb, into));
  if (CO === 1) return dwT;
  free(wasm, dyT);
  // dWᵀ[(tap, co), ci] → dW[(tap, ci), co], one tap at a time.
  const dw = alloc(wasm, [KH * KW * CI, CO]);
  const [src, dst] = [f32(wasm, dwT), f32(wasm, dw)];
  for (let t = 0; t < KH * KW; t++) {
    transpose2d(src.subarray(t * CO * CI, (t + 1) * CO * CI), CO, CI, dst.subarray(t * CI * CO));
  }
  free(wasm, dwT);
  return dw;
}

export const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as Wasm;
  const { x, dy } = inputs as { x: Info; dy: Info };
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const c = convInfo(x.shape, a.filterShape, a);
  if (openBlasOn()) return reshaped(conv2dFilterGrad(wasm, x, dy, c, limits.patchBytes), a.filterShape);
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  if (K <= limits.dyFirstColumns && 4 * c.batchSize * c.outHeight * c.outWidth * K <= limits.copyBytes) {
    return reshaped(byDyFirst(wasm, x, dy, c), a.filterShape);
  }
  const shifted = c.strideHeight === 1 && c.strideWidth === 1 && c.outChannels < c.inChannels;
  return reshaped(shifted ? byShiftedGradients(wasm, x, dy, c) : byPatches(wasm, x, dy, c), a.filterShape);
};
