// Checkpoint file reads (writes go through runtime/atomic-write.ts): reads that turn a missing or unreadable
// file into a UserError naming it.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The whole file as an ArrayBuffer of exactly its bytes (not a slice of Node's buffer pool). */
export async function readBuffer(file: string): Promise<ArrayBuffer> {
  try {
    const bytes = await readFile(file);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `missing checkpoint file ${file}` : `cannot read checkpoint file ${file} (${code})`);
  }
}

export async function readJson(file: string): Promise<unknown> {
  const text = new TextDecoder().decode(await readBuffer(file));
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`corrupt checkpoint file ${file}: not valid JSON`);
  }
}

/** Throws a UserError naming `file` unless `bytes` hash to `expected` (when one was recorded). */
export function checkDigest(file: string, data: ArrayBuffer, expected: unknown): void {
  if (expected !== undefined && sha256(new Uint8Array(data)) !== expected) {
    throw new UserError(`corrupt checkpoint file ${file}: checksum mismatch`);
  }
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
