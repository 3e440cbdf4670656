// A scatter plot of 2-D points (a preview of point data such as the ring of Gaussians): white
// background, grey axes, one dark dot per point, with the given extent around the origin.
import type { RawImage } from './grid';

export function scatterImage(points: Float32Array, size = 256, extent = 3): RawImage {
  const data = new Uint8Array(size * size).fill(255);
  const toPixel = (v: number) => Math.round(((v + extent) / (2 * extent)) * (size - 1));
  const mid = toPixel(0);
  for (let i = 0; i < size; i++) data[mid * size + i] = data[i * size + mid] = 200;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const px = toPixel(points[i]);
    const py = size - 1 - toPixel(points[i + 1]);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = px + dx;
        const y = py + dy;
        if (x >= 0 && x < size && y >= 0 && y < size) data[y * size + x] = 0;
      }
    }
  }
  return { data, width: size, height: size, channels: 1 };
}
