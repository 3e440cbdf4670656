// The ring of Gaussians (8 modes of std 0.02 on a circle of radius 2, as in the unrolled-GAN
// and VEEGAN experiments): a 2-D toy set on which mode coverage is a number, not a picture.
// Points are 1x1 images with two channels (x, y); labels are the mode index.
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors';
import type { DataConfig, DataSource } from '../../contract/data';
import { dataIdentity } from './identity';

export const RING = { modes: 8, radius: 2, std: 0.02 } as const;

/** The centre of mode k. */
export function ringMode(k: number): [number, number] {
  const angle = (2 * Math.PI * k) / RING.modes;
  return [RING.radius * Math.cos(angle), RING.radius * Math.sin(angle)];
}

function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export function ringSource(cfg: DataConfig): DataSource {
  const [h, w, c] = cfg.image;
  if (h !== 1 || w !== 1 || c !== 2) throw new UserError(`data source 'ring' gives 2-D points: set data.image to [1, 1, 2], not [${cfg.image.join(', ')}]`);
  return {
    size: Number.POSITIVE_INFINITY,
    classes: RING.modes,
    names: ['x', 'y'],
    batch(n, random) {
      const points = new Float32Array(n * 2);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const k = Math.floor(random() * RING.modes);
        const [cx, cy] = ringMode(k);
        points[2 * i] = cx + RING.std * gaussian(random);
        points[2 * i + 1] = cy + RING.std * gaussian(random);
        labels[i] = k;
      }
      return { x: tf.tensor4d(points, [n, 1, 1, 2]), y: tf.tensor1d(labels, 'int32') };
    },
    identity: () => dataIdentity([]), // drawn afresh: nothing read
  };
}
