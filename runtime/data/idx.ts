// Reads IDX files (the MNIST file format, optionally gzipped) into uint8 typed arrays,
// checking the magic number and that the file holds exactly the bytes its header promises:
// checked against the file's size (or, gzipped, while decompressing) before anything is read
// whole, so that neither a device like /dev/zero nor a lying header can exhaust memory.
import { constants } from 'node:buffer';
import { constants as fsConstants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors';
import type { ImageSet } from './images';

export type IdxArray = { dims: number[]; data: Uint8Array };

/** The most an IDX file may hold, decompressed: one Node buffer, and half of this machine's memory. */
export function maxIdxBytes(): number {
  return Math.min(constants.MAX_LENGTH, Math.floor(totalmem() / 2));
}

interface Header {
  dims: number[];
  /** Header bytes (magic and sizes). */
  size: number;
  /** Bytes the whole file must have: the header and the product of the sizes. */
  expected: number;
}

/** The header at the start of `bytes`; undefined when more bytes are needed (and may come). */
function headerOf(file: string, bytes: Uint8Array, complete: boolean): Header | undefined {
  if (bytes.length < 4 && !complete) return undefined;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new UserError(`${file}: not an IDX file (bad magic number)`);
  if (bytes[2] !== 0x08) throw new UserError(`${file}: unsupported IDX data type 0x${bytes[2].toString(16)} (only unsigned bytes, 0x08)`);
  const rank = bytes[3];
  const size = 4 + 4 * rank;
  if (bytes.length < size && !complete) return undefined;
  if (rank === 0 || bytes.length < size) throw new UserError(`${file}: truncated or corrupt IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = size + dims.reduce((a, b) => a * b, 1);
  const max = maxIdxBytes();
  if (expected > max) throw new UserError(`${file}: its IDX header [${dims.join(', ')}] declares ${expected} bytes, more than the ${max} an IDX file may hold here`);
  return { dims, size, expected };
}

function sizeMismatch(file: string, header: Header, actual: number): UserError {
  const problem = actual < header.expected ? 'truncated' : 'corrupt';
  return new UserError(`${file}: ${problem} IDX file (header [${header.dims.join(', ')}] needs ${header.expected} bytes, file has ${actual})`);
}

/**
 * Reads an IDX file. Before reading it whole: it must be a regular file (a device such as
 * /dev/zero or a pipe could be read forever), and its size must be what its header declares
 * (a gzipped one is decompressed only as far as its header allows).
 */
export async function readIdx(file: string): Promise<IdxArray> {
  const handle = await openIdx(file);
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new UserError(`${file}: a folder, not an IDX file`);
    if (!stat.isFile()) throw new UserError(`${file}: not a regular file (a device, pipe or socket), so not an IDX file`);
    if (stat.size > maxIdxBytes()) throw new UserError(`${file}: ${stat.size} bytes, more than the ${maxIdxBytes()} an IDX file may hold here`);
    const start = new Uint8Array(Math.min(stat.size, 4 + 4 * 255));
    await handle.read(start, 0, start.length, 0);
    if (start[0] === 0x1f && start[1] === 0x8b) return await gunzipIdx(file, await handle.readFile());
    const header = headerOf(file, start, true)!;
    if (stat.size !== header.expected) throw sizeMismatch(file, header, stat.size);
    const bytes = new Uint8Array(stat.size);
    const { bytesRead } = await handle.read(bytes, 0, stat.size, 0);
    if (bytesRead !== stat.size) throw sizeMismatch(file, header, bytesRead);
    return { dims: header.dims, data: bytes.subarray(header.size) };
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  } finally {
    await handle.close();
  }
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

async function openIdx(file: string): Promise<FileHandle> {
  try {
    // Non-blocking: opening a pipe for reading would otherwise wait for a writer (fstat then refuses it).
    return await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(err)})`}`);
  }
}

/** Decompresses a gzipped IDX file, stopping as soon as it passes the size its header declares. */
function gunzipIdx(file: string, compressed: Uint8Array): Promise<IdxArray> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    let header: Header | undefined;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      gunzip.destroy();
      reject(err instanceof UserError ? err : new UserError(`${file}: truncated or corrupt gzip data`));
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (failed) return;
      chunks.push(chunk);
      total += chunk.length;
      try {
        header ??= headerOf(file, chunks.length === 1 ? chunk : Buffer.concat(chunks, total), false);
      } catch (err) {
        return fail(err);
      }
      if (header && total > header.expected) fail(new UserError(`${file}: corrupt IDX file (header [${header.dims.join(', ')}] needs ${header.expected} bytes, the gzip data holds more)`));
    });
    gunzip.on('error', fail);
    gunzip.on('end', () => {
      if (failed) return;
      const bytes = Buffer.concat(chunks, total);
      try {
        header ??= headerOf(file, bytes, true)!;
        if (total !== header.expected) throw sizeMismatch(file, header, total);
      } catch (err) {
        return fail(err);
      }
      resolve({ dims: header.dims, data: bytes.subarray(header.size) });
    });
    gunzip.end(compressed);
  });
}
