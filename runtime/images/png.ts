// PNG files for sample grids: written atomically (runtime/atomic-write.ts)
// and read back as raw 8-bit pixels.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../atomic-write';
import { UserError } from '../errors';
import type { RawImage } from './grid';

/** The PNG file's bytes: 8-bit grey for 1 channel, RGB for 3. */
export async function encodePng(img: RawImage): Promise<Buffer> {
  const { data, width, height, channels } = img;
  const raw = sharp(data, { raw: { width, height, channels } });
  return (channels === 1 ? raw.toColourspace('b-w') : raw).png().toBuffer();
}

export async function writePng(file: string, img: RawImage): Promise<void> {
  const png = await encodePng(img);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, png);
}

// Grey PNGs come back with 1 channel, colour ones with 3; alpha is dropped.
export async function readPng(file: string): Promise<RawImage> {
  try {
    const meta = await sharp(file).metadata();
    const grey = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1;
    const pipeline = sharp(file).removeAlpha();
    const { data, info } = await (grey ? pipeline.grayscale() : pipeline.toColourspace('srgb'))
      .raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: grey ? 1 : 3 };
  } catch (err) {
    throw new UserError(`${file}: cannot read PNG (${(err as Error).message.split('\n')[0]})`);
  }
}
