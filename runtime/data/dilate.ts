// Grey dilation with a 3x3 square (the maximum over each pixel's neighbourhood), used to make
// a bold-stroke restyling of images.
import type { ImageSet } from './images';

export function dilate3x3(set: ImageSet): ImageSet {
  const { count, height: h, width: w, channels: c, pixels } = set;
  const out = new Uint8Array(pixels.length);
  for (let n = 0; n < count; n++) {
    const base = n * h * w * c;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) {
          let max = 0;
          for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
            for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
              max = Math.max(max, pixels[base + (yy * w + xx) * c + k]);
            }
          }
          out[base + (y * w + x) * c + k] = max;
        }
      }
    }
  }
  return { ...set, pixels: out };
}
