// ResizeNearestNeighborGrad for the cpu and wasm backends: each dy pixel added to the input pixel
// that the forward pass copied it from. tfjs 4.22's cpu kernel reads dy at the images' batch
// offset (wrong gradients for upsampling layers at batch > 1), and its wasm kernel takes 56 ms for
// a [32,28,28,128] gradient where this loop takes 15.
import * as tf from '@tensorflow/tfjs';
import { type Info, type Wasm, alloc, f32 } from './wasm-heap';

interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters?: boolean;
}

/** The source index of each output index, as ResizeNearestNeighbor computes it. */
function nearestSources(inSize: number, outSize: number, a: ResizeAttrs): Int32Array {
  const corners = a.alignCorners && outSize > 1;
  const scale = corners ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  const offset = a.halfPixelCenters ? 0.5 : 0;
  return Int32Array.from({ length: outSize }, (_, i) => {
    const frac = (i + offset) * scale;
    return Math.max(0, Math.min(inSize - 1, a.alignCorners ? Math.round(frac) : Math.floor(frac)));
  });
}

/** dx (zeroed here) of shape images.shape from dy, both NHWC. */
function accumulate(images: Info, dy: Info, a: ResizeAttrs, src: ArrayLike<number>, dx: Float32Array): void {
  const [B, H, W, C] = images.shape;
  const [, outH, outW] = dy.shape;
  const rows = nearestSources(H, outH, a);
  const cols = nearestSources(W, outW, a);
  dx.fill(0);
  let s = 0;
  for (let b = 0; b < B; b++) {
    for (let y = 0; y < outH; y++) {
      const r = (b * H + rows[y]) * W;
      for (let x = 0; x < outW; x++) {
        let d = (r + cols[x]) * C;
        for (let ch = 0; ch < C; ch++) dx[d++] += src[s++];
      }
    }
  }
}

export const resizeNearestNeighborGradCpu: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as CpuBackend;
  const { images, dy } = inputs as { images: Info; dy: Info };
  const dx = new Float32Array(tf.util.sizeFromShape(images.shape));
  accumulate(images, dy, attrs as unknown as ResizeAttrs, cpu.data.get(dy.dataId).values, dx);
  return cpu.makeTensorInfo(images.shape, 'float32', dx);
};

export const resizeNearestNeighborGradWasm: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as Wasm;
  const { images, dy } = inputs as { images: Info; dy: Info };
  const out = alloc(wasm, images.shape);
  accumulate(images, dy, attrs as unknown as ResizeAttrs, f32(wasm, dy), f32(wasm, out));
  return out;
};
