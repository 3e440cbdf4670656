// The identity of a data set: one SHA-256 over the arrays its examples are drawn from (the images
// within data.limit as uint8 [count, height, width, channels], their labels as int32), each
// preceded by its type and shape, as `uint8[60000, 28, 28, 1];`. ganspec_torch's data.py computes
// it the same way, so the same decoded examples have the same identity on both targets. run.json
// records it; --resume compares it. Imports node:crypto only.
import { createHash } from 'node:crypto';

/** One array of a data set: its elements' type, shape and bytes (int32 little-endian). */
export type DataPart = { type: 'uint8' | 'int32'; shape: number[]; bytes: Uint8Array };

export function dataIdentity(parts: DataPart[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.type}[${part.shape.join(', ')}];`).update(part.bytes);
  return hash.digest('hex');
}

/** The labels of the first `count` examples as an int32 part. */
export function labelPart(values: ArrayLike<number>, count: number): DataPart {
  const labels = Int32Array.from({ length: count }, (_, i) => values[i]!);
  return { type: 'int32', shape: [count], bytes: new Uint8Array(labels.buffer) };
}
