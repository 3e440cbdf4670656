// Convolution gradients on wasm as one XNNPACK matrix product each, with the patch copies done
// in place on the backend's heap: Conv2DBackpropFilter (missing on wasm) is
// colsᵀ[taps·cin, pixels] × dy[pixels, cout], and Conv2DBackpropInput (present, but about six
// times slower than Conv2D) is dy[pixels, cout] × filterᵀ[cout, taps·cin] scattered back to pixels.
import * as tf from '@tensorflow/tfjs';
import { type Info, type Wasm, alloc, f32, free, reshaped, transposedCopy } from './wasm-heap';

type Conv = tf.backend_util.Conv2DInfo;

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs): Conv {
  if (a.dataFormat === 'NCHW') throw new Error('wasm convolution gradients support NHWC only');
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    a.strides, 1, a.pad, a.dimRoundingMode);
}

/** The output columns ow whose tap kw lands inside the input row: [lo, hi). */
function validColumns(c: Conv, kw: number): [number, number] {
  const { strideWidth: s, inWidth: W, outWidth: OW } = c;
  const shift = kw - c.padInfo.left;
  const lo = Math.min(OW, Math.max(0, Math.ceil(-shift / s)));
  const hi = Math.min(OW, Math.max(lo, Math.floor((W - 1 - shift) / s) + 1));
  return [lo, hi];
}

/** cols[(kh, kw, ci), (b, oh, ow)] = x[b, oh·s + kh − padTop, ow·s + kw − padLeft, ci], 0 outside. */
function im2colT(x: Float32Array, c: Conv, cols: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = c;
  const N = B * OH * OW;
  const step = sw * C;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const [lo, hi] = validColumns(c, kw);
      const rows = (kh * KW + kw) * C * N;
      for (let b = 0; b < B; b++) {
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * sh + kh - c.padInfo.top;
          const inside = ih >= 0 && ih < H;
          const x0 = ((b * H + ih) * W + lo * sw + kw - c.padInfo.left) * C;
          // An OW x C tile of x transposed into C runs of OW: small enough to stay in cache.
          for (let ci = 0, d = rows + (b * OH + oh) * OW; ci < C; ci++, d += N) {
            let ow = 0;
            if (inside) {
              for (; ow < lo; ow++) cols[d + ow] = 0;
              for (let s = x0 + ci; ow < hi; ow++, s += step) cols[d + ow] = x[s];
            }
            for (; ow < OW; ow++) cols[d + ow] = 0;
          }
        }
      }
    }
  }
}

/** dx[b, oh·s + kh − padTop, ow·s + kw − padLeft, ci] += cols[(b, oh, ow), (kh, kw, ci)]. */
function col2im(cols: Float32Array, c: Conv, dx: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = c;
  const K = KH * KW * C;
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh + kh - c.padInfo.top;
        if (ih < 0 || ih >= H) continue;
        const row = (b * H + ih) * W;
        for (let ow = 0; ow < OW; ow++) {
          // Taps kw = lo..hi-1 land on consecutive input columns: one contiguous run.
          const iw0 = ow * sw - c.padInfo.left;
          const lo = Math.max(0, -iw0);
          const hi = Math.min(KW, W - iw0);
          if (hi <= lo) continue;
          let d = (row + iw0 + lo) * C;
          let s = ((b * OH + oh) * OW + ow) * K + (kh * KW + lo) * C;
          const end = s + (hi - lo) * C;
          while (s < end) dx[d++] += cols[s++];
        }
      }
    }
  }
}

function matMul(backend: Wasm, a: Info, b: Info): Info {
  const kernel = tf.getKernel('BatchMatMul', 'wasm').kernelFunc;
  return kernel({ backend, inputs: { a, b }, attrs: { transposeA: false, transposeB: false } }) as Info;
}

export const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as Wasm;
  const { x, dy } = inputs as { x: Info; dy: Info };
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const c = convInfo(x.shape, a.filterShape, a);
  const N = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const t0 = performance.now();
  const cols = alloc(wasm, [K, N]);
  const t1 = performance.now();
  im2colT(f32(wasm, x), c, f32(wasm, cols));
  const t2 = performance.now();
  const dw = matMul(wasm, cols, reshaped(dy, [N, c.outChannels]));
  const t3 = performance.now();
  if (process.env.DBG) console.log(`${x.shape} ${a.filterShape} alloc ${(t1-t0).toFixed(1)} im2col ${(t2-t1).toFixed(1)} mm ${(t3-t2).toFixed(1)}`);
  free(wasm, cols);
  return reshaped(dw, a.filterShape);
};

export const conv2DBackpropInput: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as Wasm;
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
  const c = convInfo(a.inputShape, filter.shape, a);
  const N = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const filterT = transposedCopy(wasm, reshaped(filter, [K, c.outChannels]));
  const cols = matMul(wasm, reshaped(dy, [N, c.outChannels]), filterT);
  const dx = alloc(wasm, a.inputShape);
  col2im(f32(wasm, cols), c, f32(wasm, dx));
  free(wasm, filterT, cols);
  return dx;
};
