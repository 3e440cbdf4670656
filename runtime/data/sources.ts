// The two kinds of batch source: images with optional labels (x, y) and two unpaired image
// domains (a, b). Batches draw indices uniformly at random, so they keep no iterator state.
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors';
import type { DataConfig, DataSource } from '../../contract/data';
import { dataIdentity, labelPart, type DataPart } from './identity';
import { checkAdaptable, imageBatch, type ImageSet } from './images';

export type Labels = { values: ArrayLike<number>; classes: number };

export function imageSource(images: ImageSet, labels: Labels | null, cfg: DataConfig, origin: string): DataSource {
  checkAdaptable(images, cfg.image, origin);
  const size = limited(images.count, cfg.limit, origin);
  return {
    size,
    classes: labels?.classes ?? null,
    names: labels ? ['x', 'y'] : ['x'],
    batch(n, random): Record<string, tf.Tensor> {
      const indices = draw(n, size, random);
      const x = imageBatch(images, indices, cfg.image, cfg.range);
      if (!labels) return { x };
      return { x, y: tf.tensor1d(Int32Array.from(indices, (i) => labels.values[i]), 'int32') };
    },
    identity: () => dataIdentity(labels ? [imagePart(images, size), labelPart(labels.values, size)] : [imagePart(images, size)]),
  };
}

// Unpaired domains: a and b are drawn independently; size is the smaller domain's.
export function domainPairSource(a: ImageSet, b: ImageSet, cfg: DataConfig, originA: string, originB: string): DataSource {
  checkAdaptable(a, cfg.image, originA);
  checkAdaptable(b, cfg.image, originB);
  const sizeA = limited(a.count, cfg.limit, originA);
  const sizeB = limited(b.count, cfg.limit, originB);
  return {
    size: Math.min(sizeA, sizeB),
    classes: null,
    names: ['a', 'b'],
    batch(n, random) {
      return {
        a: imageBatch(a, draw(n, sizeA, random), cfg.image, cfg.range),
        b: imageBatch(b, draw(n, sizeB, random), cfg.image, cfg.range),
      };
    },
    identity: () => dataIdentity([imagePart(a, sizeA), imagePart(b, sizeB)]),
  };
}

/** The first `count` images as a uint8 part. */
function imagePart(set: ImageSet, count: number): DataPart {
  const shape = [count, set.height, set.width, set.channels];
  return { type: 'uint8', shape, bytes: set.pixels.subarray(0, shape.reduce((a, b) => a * b)) };
}

function limited(count: number, limit: number | undefined, origin: string): number {
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new UserError(`data.limit must be a positive integer, got ${limit}`);
  }
  const size = Math.min(count, limit ?? count);
  if (size === 0) throw new UserError(`${origin}: no images`);
  return size;
}

function draw(n: number, size: number, random: () => number): number[] {
  return Array.from({ length: n }, () => Math.min(size - 1, Math.floor(random() * size)));
}
