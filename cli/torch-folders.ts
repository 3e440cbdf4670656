// gan-train --target torch: decodes the spec's image folders (data.source folder or domains) here,
// with runtime/data/folder.ts (sharp), so that PyTorch trains on the pixels TensorFlow.js would:
// the same resize and colour conversion, JPEG and WebP as well as PNG, and the same data identity
// (run.json's dataSha256, which --resume and gan-eval compare with). Each folder's pixels and
// labels go into raw files beside `folders.json`, which ganspec_torch's data.py reads
// (--decoded-folders). A folder that cannot be read is named there with its line, which Python
// raises where it reads the data: on several machines every node then stops with that node's line.
// May import: node's fs and path, contract/data (types), runtime/data and runtime/errors.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataConfig } from '../contract/data';
import { UserError } from '../runtime/errors';
import { readImageFolder } from '../runtime/data/folder';
import { folderProgress, imageFolders, type DataProgress } from '../runtime/data/index';

/** What data.py reads for one role: the pixels' file and shape [count, H, W, C], the labels' file (int32), or the line that stops the run. */
type DecodedFolder = { folder: string; pixels: string; shape: number[]; labels: string | null } | { folder: string; error: string };

/**
 * Decodes the folders `data` reads (relative to `dataDir`) into `into`; the path of the
 * folders.json that names them, or undefined for a source without folders.
 */
export async function decodeFolders(data: DataConfig, dataDir: string, into: string, progress?: DataProgress): Promise<string | undefined> {
  const folders = Object.entries(imageFolders(data, dataDir));
  if (folders.length === 0) return undefined;
  const decoded: Record<string, DecodedFolder> = {};
  for (const [role, folder] of folders) {
    try {
      const { images, labels } = await readImageFolder(folder, data.image, data.limit, folderProgress(role, progress));
      const pixels = join(into, `${role}.u8`);
      writeFileSync(pixels, images.pixels);
      let labelFile: string | null = null;
      if (labels !== null) {
        labelFile = join(into, `${role}-labels.i32`);
        writeFileSync(labelFile, new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
      }
      decoded[role] = { folder, pixels, shape: [images.count, images.height, images.width, images.channels], labels: labelFile };
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      // Python stops at the first folder it cannot read: the next is not decoded.
      decoded[role] = { folder, error: err.message };
      break;
    }
  }
  const file = join(into, 'folders.json');
  writeFileSync(file, JSON.stringify(decoded));
  return file;
}
