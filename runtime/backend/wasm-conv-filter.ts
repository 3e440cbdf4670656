// Conv2DBackpropFilter on wasm (missing there) as XNNPACK matrix products,
// dW[taps·cin, cout] = Σ_chunks colsᵀ[taps·cin, pixels] × dy[pixels, cout], with the transposed
// patch matrix built in place on the backend's heap from rows of x transposed to channels first.
// The batch is taken in chunks so that the patch matrix stays under PATCH_BYTES (over the whole
// batch it is 231 MB for a 28x28 conv net at batch 64); one patch buffer serves every chunk.
import type * as tf from '@tensorflow/tfjs';
import { type Conv, type ConvAttrs, convInfo, matMul } from './wasm-conv-common';
import { type Info, type Wasm, alloc, f32, free, reshaped, transposedCopy } from './wasm-heap';

/** The output columns ow whose tap kw lands inside the input row: [lo, hi). */
function validColumns(c: Conv, kw: number): [number, number] {
  const { strideWidth: s, inWidth: W, outWidth: OW } = c;
  const shift = kw - c.padInfo.left;
  const lo = Math.min(OW, Math.max(0, Math.ceil(-shift / s)));
  const hi = Math.min(OW, Math.max(lo, Math.floor((W - 1 - shift) / s) + 1));
  return [lo, hi];
}

/** The patch matrix's budget, in bytes. */
export const PATCH_BYTES = 32 << 20;

/** cols[(kh, kw, ci), (b − b0, oh, ow)] = x[b, oh·s + kh − padTop, ow·s + kw − padLeft, ci] for
 *  b in [b0, b0 + nb), 0 outside, copied by rows from xT[ci, (b, h, w)] = x[b, h, w, ci]. */
function im2colT(xT: Float32Array, c: Conv, b0: number, nb: number, cols: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = c;
  const { inChannels: C, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = c;
  const N = nb * OH * OW;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const [lo, hi] = validColumns(c, kw);
      const iw0 = lo * sw + kw - c.padInfo.left;
      let d = (kh * KW + kw) * C * N;
      for (let ci = 0; ci < C; ci++) {
        for (let b = b0; b < b0 + nb; b++) {
          for (let oh = 0; oh < OH; oh++, d += OW) {
            const ih = oh * sh + kh - c.padInfo.top;
            let ow = 0;
            if (ih >= 0 && ih < H) {
              for (; ow < lo; ow++) cols[d + ow] = 0;
              for (let s = ((ci * B + b) * H + ih) * W + iw0; ow < hi; ow++, s += sw) cols[d + ow] = xT[s];
            }
            for (; ow < OW; ow++) cols[d + ow] = 0;
          }
        }
      }
    }
  }
}

export const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as Wasm;
  const { x, dy } = inputs as { x: Info; dy: Info };
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const c = convInfo(x.shape, a.filterShape, a);
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const P = c.outHeight * c.outWidth;
  const B = c.batchSize;
  const chunk = Math.max(1, Math.min(B, Math.floor(PATCH_BYTES / (4 * K * P))));
  const cols = alloc(wasm, [K, chunk * P]);
  const xT = transposedCopy(wasm, reshaped(x, [B * c.inHeight * c.inWidth, c.inChannels]));
  if (chunk === B) {
    im2colT(f32(wasm, xT), c, 0, B, f32(wasm, cols));
    const dw = matMul(wasm, cols, reshaped(dy, [B * P, c.outChannels]));
    free(wasm, cols, xT);
    return reshaped(dw, a.filterShape);
  }
  let dw: Info | null = null;
  for (let b0 = 0; b0 < B; b0 += chunk) {
    const nb = Math.min(chunk, B - b0);
    const part = reshaped(cols, [K, nb * P]);
    im2colT(f32(wasm, xT), c, b0, nb, f32(wasm, part));
    // A fresh tensor per chunk for this chunk's rows of dy (small), not one rewritten buffer: the
    // backend may keep XNNPACK's packed right-hand operand keyed by tensor id.
    const rows = nb * P * c.outChannels;
    const dyPart = alloc(wasm, [nb * P, c.outChannels]);
    f32(wasm, dyPart).set(f32(wasm, dy).subarray(b0 * P * c.outChannels, b0 * P * c.outChannels + rows));
    const product = matMul(wasm, part, dyPart);
    free(wasm, dyPart);
    if (dw == null) dw = product;
    else {
      const acc = f32(wasm, dw);
      const add = f32(wasm, product);
      for (let i = 0; i < acc.length; i++) acc[i] += add[i];
      free(wasm, product);
    }
  }
  free(wasm, cols, xT);
  return reshaped(dw!, a.filterShape);
};
