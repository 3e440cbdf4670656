// IDX parsing: the MNIST files read straight into typed arrays, and clear errors for corrupt files.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadData } from '../runtime/data';
import { UserError } from '../runtime/errors';
import { readIdx, readIdxImages, readIdxLabels } from '../runtime/data/idx';
import { mnistDir } from '../runtime/data/mnist';

test('MNIST training images and labels parse from IDX', async () => {
  const images = await readIdxImages(join(mnistDir(), 'train-images-idx3-ubyte'));
  assert.deepEqual([images.count, images.height, images.width, images.channels], [60000, 28, 28, 1]);
  assert.equal(images.pixels.length, 60000 * 28 * 28);
  const labels = await readIdxLabels(join(mnistDir(), 'train-labels-idx1-ubyte'), images.count);
  assert.equal(labels[0], 5);
  assert.equal(Math.max(...labels), 9);
  assert.equal(Math.min(...labels), 0);
});

test('truncated, corrupt and mismatched IDX files are user errors naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'idx-'));
  const good = await readFile(join(mnistDir(), 't10k-labels-idx1-ubyte'));
  const truncated = join(dir, 'truncated');
  await writeFile(truncated, good.subarray(0, good.length - 10));
  await assert.rejects(readIdx(truncated), (e: Error) => e instanceof UserError && e.message.startsWith(`${truncated}: truncated`));
  const magic = join(dir, 'magic');
  await writeFile(magic, Buffer.from('hello world'));
  await assert.rejects(readIdx(magic), (e: Error) => e instanceof UserError && /bad magic/.test(e.message));
  const short = join(dir, 'short');
  await writeFile(short, Buffer.from([0, 0, 8, 3, 0, 0]));
  await assert.rejects(readIdx(short), (e: Error) => e instanceof UserError && /truncated/.test(e.message));
  await assert.rejects(readIdx(join(dir, 'absent')), (e: Error) => e instanceof UserError && /not found/.test(e.message));
  const labels = join(dir, 'labels');
  await writeFile(labels, good);
  await assert.rejects(readIdxLabels(labels, 5), (e: Error) => e instanceof UserError && /10000 labels for 5 images/.test(e.message));
});

test('gzipped IDX files are read transparently', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'idx-'));
  const file = join(dir, 'labels.gz');
  await writeFile(file, gzipSync(await readFile(join(mnistDir(), 't10k-labels-idx1-ubyte'))));
  const { dims, data } = await readIdx(file);
  assert.deepEqual(dims, [10000]);
  assert.equal(data[0], 7);
});

test('idx source: colour IDX images convert 3 -> 1 by luminance, labels optional', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'idx-'));
  const pixels = new Uint8Array(2 * 2 * 2 * 3);
  for (let i = 0; i < pixels.length; i += 3) pixels.set([255, 0, 0], i);
  const header = Buffer.alloc(4 + 16);
  header.set([0, 0, 8, 4]);
  [2, 2, 2, 3].forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  await writeFile(join(dir, 'colour.idx'), Buffer.concat([header, pixels]));
  const data = await loadData({ source: 'idx', path: 'colour.idx', image: [2, 2, 1], range: [0, 1] }, dir);
  assert.equal(data.classes, null);
  assert.deepEqual(data.names, ['x']);
  const { x } = data.batch(1, () => 0);
  assert.ok(Array.from(x.dataSync()).every((v) => Math.abs(v - 0.299) < 1e-6));
  x.dispose();
});

test('fashion-mnist without its files is a user error naming the missing path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'idx-'));
  await assert.rejects(
    loadData({ source: 'fashion-mnist', image: [28, 28, 1], range: [-1, 1] }, dir),
    (e: Error) => e instanceof UserError && e.message.startsWith(join(dir, 'data/fashion-mnist/train-images-idx3-ubyte')),
  );
});
