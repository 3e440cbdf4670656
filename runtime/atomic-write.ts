// The one way ganspec writes a file that must never be seen half-written: write a `.tmp-`
// sibling, fsync it, rename it over the target. Used by checkpoints, sample grids and
// gan-compile's modules. Imports only Node.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The prefix of every temporary sibling, so leftovers of a crash are recognisable. */
export const TEMP_PREFIX = '.tmp-';

/** A fresh, unique `.tmp-` path next to `target`. */
export function tempSibling(target: string): string {
  const unique = `${process.pid}-${randomBytes(4).toString('hex')}`;
  return join(dirname(target), `${TEMP_PREFIX}${basename(target)}-${unique}`);
}

/** Writes and fsyncs `file`, so a later rename (of it or its directory) publishes complete data. */
export async function writeFileDurable(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` in one step: readers see the old content or the new, never a partial one. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = tempSibling(file);
  try {
    await writeFileDurable(temp, data);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
