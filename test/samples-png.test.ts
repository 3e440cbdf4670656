// PNG files: atomic write and a lossless round trip for grey and colour pictures.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readPng, writePng } from '../runtime/images/png';
import { UserError } from '../runtime/errors';

test('grey and colour PNGs round trip exactly, leaving no temp file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'png-'));
  for (const channels of [1, 3] as const) {
    const [width, height] = [7, 5];
    const data = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37) % 256);
    const file = join(dir, 'samples', `grid-${channels}.png`);
    await writePng(file, { data, width, height, channels });
    await writePng(file, { data, width, height, channels }); // overwrite in place
    const back = await readPng(file);
    assert.deepEqual([back.width, back.height, back.channels], [width, height, channels]);
    assert.deepEqual(Array.from(back.data), Array.from(data));
  }
  assert.deepEqual((await readdir(join(dir, 'samples'))).sort(), ['grid-1.png', 'grid-3.png']);
});

test('an unreadable PNG is a user error naming the file', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'png-')), 'bad.png');
  await writeFile(file, 'nope');
  await assert.rejects(readPng(file), (e: Error) => e instanceof UserError && e.message.startsWith(`${file}: cannot read PNG`));
});
