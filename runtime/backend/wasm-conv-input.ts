// Conv2DBackpropInput on wasm (the backend's own runs about six times slower than its Conv2D): with
// OpenBLAS on, dy × filterᵀ added back onto the pixels each patch read, or at stride 1 with fewer
// output than input channels a forward convolution of dy (openblas.ts); otherwise in one of three
// forms:
//  - by sub-pixel Conv2Ds: dx as stride-1 XNNPACK Conv2Ds of dy, one per output phase. Rows
//    ih ≡ r (mod stride) of dx only meet the taps kh ≡ ih + padTop (mod stride), so a phase is dy
//    convolved with those taps, flipped and with the channel axes swapped;
//  - by one product, filter first, for few pixels (a generator's bottleneck at batch 1, where the
//    filters are far larger than dy): colsᵀ = filter × dyᵀ, the filter read in place, scattered
//    to dx;
//  - by one product, dy first, for fewer than four input channels (images: the phase Conv2Ds
//    would have too few output channels for XNNPACK to be fast) and explicit pads so wide that a
//    phase would need negative padding: cols = dy × filterᵀ, scattered to dx.
import type * as tf from '@tensorflow/tfjs';
import { conv2dInputGrad, openBlasOn } from './openblas';
import { type Conv, type ConvAttrs, conv2d, convInfo, limits, matMul, validRange } from './wasm-conv-common';
import { type Info, type Wasm, alloc, f32, free, reshaped, transpose2d, transposedCopy } from './wasm-heap';

/** Below this many input channels the dy-first product is 1.2 to 4.5 times faster than the phase
 *  Conv2Ds; at 4 they are about even (docs/benchmarks-log.md, 2026-11-27). */
const FEW_CHANNELS = 4;

/** Phase r of one axis: dx indices r, r + stride, ... (count of them), fed by the taps
 *  first, first + stride, ... (taps of them) through a Conv2D padded by before / after. */
interface Phase {
  r: number;
  count: number;
  first: number;
  taps: number;
  before: number;
  after: number;
}

function phases(size: number, outSize: number, kernel: number, stride: number, pad: number): Phase[] {
  const out: Phase[] = [];
  for (let r = 0; r < Math.min(stride, size); r++) {
    const first = (r + pad) % stride;
    const carry = Math.floor((r + pad) / stride);
    const taps = first < kernel ? Math.ceil((kernel - first) / stride) : 0;
    const count = Math.ceil((size - r) / stride);
    out.push({ r, count, first, taps, before: taps - 1 - carry, after: count - outSize + carry });
  }
  return out;
}

/** The phase's filter [tapsH, tapsW, cout, cin]: its taps of w, flipped, channel axes swapped. */
function phaseFilter(wasm: Wasm, filter: Info, c: Conv, ph: Phase, pw: Phase): Info {
  const { strideHeight: sh, strideWidth: sw, filterWidth: KW, inChannels: CI, outChannels: CO } = c;
  const out = alloc(wasm, [ph.taps, pw.taps, CO, CI]);
  const w = f32(wasm, filter);
  const f = f32(wasm, out);
  for (let th = 0; th < ph.taps; th++) {
    const kh = ph.first + (ph.taps - 1 - th) * sh;
    for (let tw = 0; tw < pw.taps; tw++) {
      const kw = pw.first + (pw.taps - 1 - tw) * sw;
      const src = w.subarray((kh * KW + kw) * CI * CO, (kh * KW + kw + 1) * CI * CO);
      transpose2d(src, CI, CO, f.subarray((th * pw.taps + tw) * CO * CI));
    }
  }
  return out;
}

/** dx[b, m·sh + ph.r, n·sw + pw.r, :] = part[b, m, n, :] (part undefined: zeros). */
function scatterPhase(dx: Float32Array, part: Float32Array | undefined, c: Conv, ph: Phase, pw: Phase): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, strideHeight: sh, strideWidth: sw } = c;
  let s = 0;
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < ph.count; m++) {
      const row = (b * H + m * sh + ph.r) * W + pw.r;
      for (let n = 0; n < pw.count; n++) {
        const d = (row + n * sw) * C;
        if (part === undefined) for (let ci = 0; ci < C; ci++) dx[d + ci] = 0;
        else for (let ci = 0; ci < C; ci++) dx[d + ci] = part[s++];
      }
    }
  }
}

function bySubPixelConvs(wasm: Wasm, dy: Info, filter: Info, c: Conv, rows: Phase[], cols: Phase[]): Info {
  const conv = (ph: Phase, pw: Phase): Info => {
    const f = phaseFilter(wasm, filter, c, ph, pw);
    const part = conv2d(wasm, dy, f, [[ph.before, ph.after], [pw.before, pw.after]]);
    free(wasm, f);
    return part;
  };
  if (rows.length === 1 && cols.length === 1 && rows[0].taps > 0 && cols[0].taps > 0) return conv(rows[0], cols[0]);
  const dx = alloc(wasm, [c.batchSize, c.inHeight, c.inWidth, c.inChannels]);
  for (const ph of rows) {
    for (const pw of cols) {
      if (ph.taps === 0 || pw.taps === 0) {
        scatterPhase(f32(wasm, dx), undefined, c, ph, pw);
        continue;
      }
      const part = conv(ph, pw);
      scatterPhase(f32(wasm, dx), f32(wasm, part), c, ph, pw);
      free(wasm, part);
    }
  }
  return dx;
}

/** dx[b, oh·s + kh − padTop, ow·s + kw − padLeft, ci] += cols at (pixel (b, oh, ow), column
 *  (kh, kw, ci)), the element p·pixelStride + k·columnStride: cols [pixels, taps·cin] or its
 *  transpose. */
function col2im(cols: Float32Array, pixelStride: number, columnStride: number, c: Conv, dx: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = c;
  const { top, left } = c.padInfo;
  const step = sw * C;
  // Per tap kw, the output columns [lo, hi) that land inside dx (typed arrays: no destructuring).
  const lows = new Int32Array(KW);
  const highs = new Int32Array(KW);
  for (let kw = 0; kw < KW; kw++) [lows[kw], highs[kw]] = validRange(OW, sw, kw - left, W);
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh + kh - top;
        if (ih < 0 || ih >= H) continue;
        for (let kw = 0; kw < KW; kw++) {
          const lo = lows[kw];
          const hi = highs[kw];
          let d = ((b * H + ih) * W + lo * sw + kw - left) * C;
          let s = ((b * OH + oh) * OW + lo) * pixelStride + (kh * KW + kw) * C * columnStride;
          if (C === 1) {
            for (let ow = lo; ow < hi; ow++, d += step, s += pixelStride) dx[d] += cols[s];
            continue;
          }
          for (let ow = lo; ow < hi; ow++, d += step, s += pixelStride) {
            for (let ci = 0, t = s; ci < C; ci++, t += columnStride) dx[d + ci] += cols[t];
          }
        }
      }
    }
  }
}

/** dx from one product, scattered to pixels: cols = dy × filterᵀ [pixels, taps·cin] (the filter
 *  copied transposed), or with `filterFirst` colsᵀ = filter × dyᵀ [taps·cin, pixels] (the filter
 *  read in place, dy copied transposed). */
function byProduct(wasm: Wasm, dy: Info, filter: Info, c: Conv, filterFirst: boolean): Info {
  const P = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const [dyRows, w] = [reshaped(dy, [P, c.outChannels]), reshaped(filter, [K, c.outChannels])];
  const copy = transposedCopy(wasm, filterFirst ? dyRows : w);
  const cols = filterFirst ? matMul(wasm, w, copy) : matMul(wasm, dyRows, copy);
  const dx = alloc(wasm, [c.batchSize, c.inHeight, c.inWidth, c.inChannels]);
  col2im(f32(wasm, cols), filterFirst ? 1 : K, filterFirst ? P : 1, c, f32(wasm, dx));
  free(wasm, copy, cols);
  return dx;
}

export const conv2DBackpropInput: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as Wasm;
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
  const c = convInfo(a.inputShape, filter.shape, a);
  if (openBlasOn()) return conv2dInputGrad(wasm, dy, filter, c, limits.patchBytes);
  if (c.inChannels < FEW_CHANNELS) return byProduct(wasm, dy, filter, c, false);
  if (c.batchSize * c.outHeight * c.outWidth <= limits.filterProductPixels) return byProduct(wasm, dy, filter, c, true);
  const rows = phases(c.inHeight, c.outHeight, c.filterHeight, c.strideHeight, c.padInfo.top);
  const cols = phases(c.inWidth, c.outWidth, c.filterWidth, c.strideWidth, c.padInfo.left);
  const padded = [...rows, ...cols].every((p) => p.taps === 0 || (p.before >= 0 && p.after >= 0));
  return padded ? bySubPixelConvs(wasm, dy, filter, c, rows, cols) : byProduct(wasm, dy, filter, c, false);
};
