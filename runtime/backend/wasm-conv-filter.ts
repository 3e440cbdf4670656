// Conv2DBackpropFilter on wasm (missing there) as one XNNPACK matrix product,
// dW[taps·cin, cout] = colsᵀ[taps·cin, pixels] × dy[pixels, cout], with the transposed patch
// matrix built in place on the backend's heap from rows of x transposed to channels first.
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

/** cols[(kh, kw, ci), (b, oh, ow)] = x[b, oh·s + kh − padTop, ow·s + kw − padLeft, ci], 0 outside,
 *  copied by rows from xT[ci, (b, h, w)] = x[b, h, w, ci]. */
function im2colT(xT: Float32Array, c: Conv, cols: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = c;
  const { inChannels: C, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = c;
  const N = B * OH * OW;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const [lo, hi] = validColumns(c, kw);
      const iw0 = lo * sw + kw - c.padInfo.left;
      let d = (kh * KW + kw) * C * N;
      for (let ci = 0; ci < C; ci++) {
        for (let b = 0; b < B; b++) {
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
  const N = c.batchSize * c.outHeight * c.outWidth;
  const cols = alloc(wasm, [c.filterHeight * c.filterWidth * c.inChannels, N]);
  const xT = transposedCopy(wasm, reshaped(x, [c.batchSize * c.inHeight * c.inWidth, c.inChannels]));
  im2colT(f32(wasm, xT), c, f32(wasm, cols));
  const dw = matMul(wasm, cols, reshaped(dy, [N, c.outChannels]));
  free(wasm, cols, xT);
  return reshaped(dw, a.filterShape);
};
