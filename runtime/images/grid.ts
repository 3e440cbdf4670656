// Tiles a batch of images row-major into one 8-bit picture with a padding border, for the
// sample grids written during training.
import type * as tf from '@tensorflow/tfjs';

export type RawImage = { data: Uint8Array; width: number; height: number; channels: 1 | 3 };

const BORDER = 255;

// Cell (r, c) shows image r * cols + c; cells past the last image stay border-coloured.
// Values map linearly from `range` to 0..255, clamped. Reads the images back asynchronously (the
// only way on webgpu); the caller keeps them until it resolves.
export async function gridImage(images: tf.Tensor4D, rows: number, cols: number, range: [number, number], pad = 2): Promise<RawImage> {
  const [n, h, w, channels] = images.shape;
  if (channels !== 1 && channels !== 3) throw new Error(`gridImage: images need 1 or 3 channels, got ${channels}`);
  const values = await images.data();
  const width = cols * w + (cols + 1) * pad;
  const height = rows * h + (rows + 1) * pad;
  const data = new Uint8Array(width * height * channels).fill(BORDER);
  const [lo, hi] = range;
  const scale = 255 / (hi - lo);
  for (let i = 0; i < Math.min(n, rows * cols); i++) {
    const top = pad + Math.floor(i / cols) * (h + pad);
    const left = pad + (i % cols) * (w + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w * channels; x++) {
        const v = Math.round((values[((i * h + y) * w) * channels + x] - lo) * scale);
        data[((top + y) * width + left) * channels + x] = Math.min(255, Math.max(0, v));
      }
    }
  }
  return { data, width, height, channels };
}

/** The picture `factor` times larger, each pixel a factor x factor block (nearest neighbour). */
export function upscale(img: RawImage, factor: number): RawImage {
  if (factor === 1) return img;
  const width = img.width * factor;
  const height = img.height * factor;
  const c = img.channels;
  const data = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / factor) * img.width;
    for (let x = 0; x < width; x++) {
      const from = (row + Math.floor(x / factor)) * c;
      const to = (y * width + x) * c;
      for (let k = 0; k < c; k++) data[to + k] = img.data[from + k];
    }
  }
  return { data, width, height, channels: c };
}
