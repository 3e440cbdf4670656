// Image folders decoded with sharp: every png/jpg/webp resized to H x W and converted to C
// channels; when the folder has subfolders, each is a class (labels in sorted name order).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { UserError } from '../errors';
import type { ImageSet } from './images';

export type FolderImages = { images: ImageSet; labels: Int32Array | null; classes: string[]; /** The image files, in order. */ files: string[] };

const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;
const DECODERS = 4;

export async function readImageFolder(
  dir: string, image: [number, number, number], limit?: number, progress?: (what: string, done: number, total: number) => void,
): Promise<FolderImages> {
  const classes = (await list(dir)).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const files = classes.length === 0
    ? (await imageFiles(dir)).map((file) => ({ file, label: 0 }))
    : (await Promise.all(classes.map(async (name, label) =>
      (await imageFiles(join(dir, name))).map((file) => ({ file, label }))))).flat();
  if (files.length === 0) throw new UserError(`${dir}: no png, jpg or webp images found`);
  const chosen = files.slice(0, limit ?? files.length);
  const [height, width, channels] = image;
  const size = height * width * channels;
  const pixels = new Uint8Array(chosen.length * size);
  let next = 0;
  let decoded = 0;
  await Promise.all(Array.from({ length: DECODERS }, async () => {
    while (next < chosen.length) {
      const i = next++;
      pixels.set(await decode(chosen[i].file, image), i * size);
      progress?.('reading images', ++decoded, chosen.length);
    }
  }));
  return {
    images: { pixels, count: chosen.length, height, width, channels },
    labels: classes.length === 0 ? null : Int32Array.from(chosen, (f) => f.label),
    classes,
    files: chosen.map((f) => f.file),
  };
}

async function decode(file: string, [height, width, channels]: [number, number, number]): Promise<Uint8Array> {
  try {
    const pipeline = sharp(file).removeAlpha().resize(width, height, { fit: 'fill' });
    const converted = channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
    const { data, info } = await converted.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) throw new Error(`decoded ${info.channels} channels, need ${channels}`);
    return data;
  } catch (err) {
    throw new UserError(`${file}: cannot decode image (${(err as Error).message.split('\n')[0]})`);
  }
}

async function imageFiles(dir: string): Promise<string[]> {
  return (await list(dir)).filter((e) => e.isFile() && IMAGE_FILE.test(e.name)).map((e) => join(dir, e.name)).sort();
}

async function list(dir: string) {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${dir}: ${code === 'ENOENT' ? 'folder not found' : `cannot read folder (${code ?? String(err)})`}`);
  }
}
