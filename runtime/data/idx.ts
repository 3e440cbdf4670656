// Reads IDX files (the MNIST file format, optionally gzipped) into uint8 typed arrays,
// checking the magic number and that the file holds exactly the bytes its header promises.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../errors';
import type { ImageSet } from './images';

export type IdxArray = { dims: number[]; data: Uint8Array };

export async function readIdx(file: string): Promise<IdxArray> {
  const bytes = decompress(file, await readBytes(file));
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new UserError(`${file}: not an IDX file (bad magic number)`);
  }
  if (bytes[2] !== 0x08) {
    throw new UserError(`${file}: unsupported IDX data type 0x${bytes[2].toString(16)} (only unsigned bytes, 0x08)`);
  }
  const rank = bytes[3];
  const header = 4 + 4 * rank;
  if (rank === 0 || bytes.length < header) throw new UserError(`${file}: truncated or corrupt IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = header + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    const problem = bytes.length < expected ? 'truncated' : 'corrupt';
    throw new UserError(`${file}: ${problem} IDX file (header [${dims.join(', ')}] needs ${expected} bytes, file has ${bytes.length})`);
  }
  return { dims, data: bytes.subarray(header) };
}

// An IDX image file: [count, height, width] or [count, height, width, channels].
export async function readIdxImages(file: string): Promise<ImageSet> {
  const { dims, data } = await readIdx(file);
  if (dims.length !== 3 && dims.length !== 4) {
    throw new UserError(`${file}: IDX images must have 3 or 4 dimensions, found [${dims.join(', ')}]`);
  }
  const [count, height, width, channels = 1] = dims;
  return { pixels: data, count, height, width, channels };
}

// An IDX label file: [count], checked against the number of images it labels.
export async function readIdxLabels(file: string, count: number): Promise<Uint8Array> {
  const { dims, data } = await readIdx(file);
  if (dims.length !== 1) throw new UserError(`${file}: IDX labels must have 1 dimension, found [${dims.join(', ')}]`);
  if (dims[0] !== count) throw new UserError(`${file}: ${dims[0]} labels for ${count} images`);
  return data;
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(err)})`}`);
  }
}

function decompress(file: string, bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch {
    throw new UserError(`${file}: truncated or corrupt gzip data`);
  }
}
