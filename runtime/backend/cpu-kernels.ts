// ResizeNearestNeighborGrad for the cpu backend: tfjs 4.22's own reads dy at the images' batch
// offset, so upsampling layers get wrong gradients at batch > 1. This one adds each dy pixel
// to the input pixel that the forward pass copied it from.
import type * as tf from '@tensorflow/tfjs';

interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters?: boolean;
}

/** The source index of output index i, as ResizeNearestNeighbor computes it. */
function nearestSource(inSize: number, outSize: number, a: ResizeAttrs): (i: number) => number {
  const corners = a.alignCorners && outSize > 1;
  const scale = corners ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  const offset = a.halfPixelCenters ? 0.5 : 0;
  return (i) => {
    const frac = (i + offset) * scale;
    return Math.max(0, Math.min(inSize - 1, a.alignCorners ? Math.round(frac) : Math.floor(frac)));
  };
}

export const resizeNearestNeighborGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as CpuBackend;
  const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as ResizeAttrs;
  const [B, H, W, C] = images.shape;
  const [, outH, outW] = dy.shape;
  const row = nearestSource(H, outH, a);
  const col = nearestSource(W, outW, a);
  const src = cpu.data.get(dy.dataId).values;
  const dx = new Float32Array(B * H * W * C);
  let s = 0;
  for (let b = 0; b < B; b++) {
    for (let y = 0; y < outH; y++) {
      const r = (b * H + row(y)) * W;
      for (let x = 0; x < outW; x++) {
        let d = (r + col(x)) * C;
        for (let ch = 0; ch < C; ch++) dx[d++] += src[s++];
      }
    }
  }
  return cpu.makeTensorInfo(images.shape, 'float32', dx);
};
