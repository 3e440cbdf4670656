// Images kept in memory as uint8 [count, height, width, channels], and the per-batch step that
// turns chosen ones into a float batch of the networks' shape and pixel range.
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors';

export type ImageSet = {
  pixels: Uint8Array;   // count * height * width * channels, row-major
  count: number;
  height: number;
  width: number;
  channels: number;
};

// `count` images taken every other one from `first` (first, first + 2, ...), copied.
export function everyOtherImage(set: ImageSet, first: number, count: number): ImageSet {
  const size = set.height * set.width * set.channels;
  const pixels = new Uint8Array(count * size);
  for (let k = 0; k < count; k++) pixels.set(set.pixels.subarray((first + 2 * k) * size, (first + 2 * k + 1) * size), k * size);
  return { ...set, count, pixels };
}

// Fails at load time, naming `origin`, when the stored channels cannot become `image`'s.
export function checkAdaptable(set: ImageSet, image: [number, number, number], origin: string): void {
  const [from, to] = [set.channels, image[2]];
  if (from !== to && !(from === 1 && to === 3) && !(from === 3 && to === 1)) {
    throw new UserError(`${origin}: images have ${from} channels, cannot convert to ${to}`);
  }
}

// float32 [n, H, W, C] in `range` from the images at `indices`: pixels mapped from [0, 255],
// channels 1->3 by repetition or 3->1 by luminance, smaller images padded centrally with the
// background value, other sizes resized bilinearly.
export function imageBatch(
  set: ImageSet, indices: number[], image: [number, number, number], range: [number, number],
): tf.Tensor4D {
  const { height: h, width: w, channels: c } = set;
  const [H, W, C] = image;
  const [lo, hi] = range;
  const scale = (hi - lo) / 255;
  const size = h * w * c;
  const values = new Float32Array(indices.length * size);
  indices.forEach((index, k) => {
    const src = set.pixels.subarray(index * size, (index + 1) * size);
    for (let j = 0; j < size; j++) values[k * size + j] = src[j] * scale + lo;
  });
  return tf.tidy(() => {
    let x: tf.Tensor4D = tf.tensor4d(values, [indices.length, h, w, c]);
    if (c === 1 && C === 3) x = tf.tile(x, [1, 1, 1, 3]);
    if (c === 3 && C === 1) x = tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), -1, true);
    if (h <= H && w <= W && (h < H || w < W)) {
      const top = Math.floor((H - h) / 2);
      const left = Math.floor((W - w) / 2);
      x = tf.pad(x, [[0, 0], [top, H - h - top], [left, W - w - left], [0, 0]], lo);
    } else if (h !== H || w !== W) {
      x = tf.image.resizeBilinear(x, [H, W], false, true);
    }
    return x;
  });
}
