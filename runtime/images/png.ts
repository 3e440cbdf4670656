// PNG files for sample grids: written atomically (runtime/atomic-write.ts), optionally with tEXt
// chunks (the run's provenance, runtime/provenance.ts), and read back as raw 8-bit pixels or as
// their tEXt entries. sharp writes no tEXt chunk, so the chunks are inserted after IHDR here.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../atomic-write';
import { UserError } from '../errors';
import type { RawImage } from './grid';

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** The CRC-32 of PNG chunks (ISO 3309, as the PNG specification gives it). */
export function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** One tEXt chunk: keyword (1 to 79 Latin-1 characters), a zero byte, the text (Latin-1). */
function textChunk(keyword: string, text: string): Buffer {
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword)) throw new Error(`not a PNG tEXt keyword: ${JSON.stringify(keyword)}`);
  const body = Buffer.concat([Buffer.from('tEXt', 'latin1'), Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]);
  const chunk = Buffer.alloc(body.length + 8);
  chunk.writeUInt32BE(body.length - 4, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), body.length + 4);
  return chunk;
}

// Signature (8 bytes) and IHDR (4 length + 4 type + 13 data + 4 CRC).
const AFTER_IHDR = 8 + 25;

/** The PNG file's bytes: 8-bit grey for 1 channel, RGB for 3; `text` as tEXt chunks after IHDR. */
export async function encodePng(img: RawImage, text: Record<string, string> = {}): Promise<Buffer> {
  const { data, width, height, channels } = img;
  const raw = sharp(data, { raw: { width, height, channels } });
  const png = await (channels === 1 ? raw.toColourspace('b-w') : raw).png().toBuffer();
  const chunks = Object.entries(text).map(([k, v]) => textChunk(k, v));
  return chunks.length === 0 ? png : Buffer.concat([png.subarray(0, AFTER_IHDR), ...chunks, png.subarray(AFTER_IHDR)]);
}

/** The tEXt entries of a PNG file's bytes, keyword to text (checksums checked; a bad chunk is an error). */
export function pngText(png: Uint8Array): Record<string, string> {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.length);
  const out: Record<string, string> = {};
  for (let at = 8; at + 12 <= buf.length;) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > buf.length) throw new Error(`PNG chunk ${type} at byte ${at} runs past the end`);
    if (type === 'tEXt') {
      if (crc32(buf.subarray(at + 4, at + 8 + length)) !== buf.readUInt32BE(at + 8 + length)) throw new Error(`PNG tEXt chunk at byte ${at} has a bad CRC`);
      const body = buf.subarray(at + 8, at + 8 + length);
      const zero = body.indexOf(0);
      out[body.toString('latin1', 0, zero)] = body.toString('latin1', zero + 1);
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return out;
}

export async function writePng(file: string, img: RawImage, text: Record<string, string> = {}): Promise<void> {
  const png = await encodePng(img, text);
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
