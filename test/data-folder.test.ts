// Image folders decoded with sharp: class labels from sorted subfolder names, flat folders
// unlabeled, and the trainA/trainB domain pair.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { loadData } from '../runtime/data';
import { UserError } from '../runtime/errors';

await tf.setBackend('cpu');

// A solid w x h image of `rgb` in the format the file name's extension says.
async function solid(file: string, rgb: [number, number, number], w = 12, h = 10): Promise<void> {
  await sharp({ create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).toFile(file);
}

test('subfolders become classes in sorted name order; images resize and convert channels', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'folder-'));
  for (const name of ['zebra', 'apple']) await mkdir(join(dir, 'photos', name), { recursive: true });
  await solid(join(dir, 'photos/apple/1.png'), [255, 255, 255]);
  await solid(join(dir, 'photos/apple/2.jpg'), [255, 255, 255], 40, 30);
  await solid(join(dir, 'photos/zebra/1.webp'), [0, 0, 0]);
  await writeFile(join(dir, 'photos/zebra/notes.txt'), 'ignored');
  const data = await loadData({ source: 'folder', path: 'photos', image: [8, 8, 1], range: [-1, 1] }, dir);
  assert.equal(data.size, 3);
  assert.equal(data.classes, 2);
  assert.deepEqual(data.names, ['x', 'y']);
  const before = tf.memory().numTensors;
  const { x, y } = data.batch(3, (() => { let k = 0; return () => [0, 0.5, 0.9][k++]; })());
  assert.equal(tf.memory().numTensors, before + 2);
  assert.deepEqual(x.shape, [3, 8, 8, 1]);
  assert.deepEqual(Array.from(y.dataSync()), [0, 0, 1]);
  const means = Array.from(x.mean([1, 2, 3]).dataSync());
  assert.ok(Math.abs(means[0] - 1) < 0.02 && Math.abs(means[1] - 1) < 0.02 && Math.abs(means[2] + 1) < 0.02);
  tf.dispose([x, y]);
});

test('a flat folder is unlabeled; grey images become 3 channels', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'folder-'));
  await sharp({ create: { width: 5, height: 5, channels: 3, background: '#808080' } }).grayscale().toFile(join(dir, 'g.png'));
  const data = await loadData({ source: 'folder', path: dir, image: [4, 4, 3], range: [0, 1] }, '/');
  assert.equal(data.classes, null);
  assert.deepEqual(data.names, ['x']);
  const { x } = data.batch(2, Math.random);
  assert.deepEqual(x.shape, [2, 4, 4, 3]);
  assert.ok(Array.from(x.dataSync()).every((v) => Math.abs(v - 128 / 255) < 0.01));
  x.dispose();
});

test('domains: unpaired a from trainA and b from trainB', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'domains-'));
  await mkdir(join(dir, 'trainA'));
  await mkdir(join(dir, 'trainB'));
  for (const i of [1, 2, 3]) await solid(join(dir, `trainA/${i}.png`), [255, 0, 0]);
  for (const i of [1, 2]) await solid(join(dir, `trainB/${i}.jpg`), [0, 0, 255]);
  const data = await loadData({ source: 'domains', path: dir, image: [6, 6, 3], range: [0, 1] }, '.');
  assert.deepEqual(data.names, ['a', 'b']);
  assert.equal(data.classes, null);
  assert.equal(data.size, 2);
  const { a, b } = data.batch(2, Math.random);
  assert.deepEqual(Array.from(a.mean([0, 1, 2]).dataSync()).map(Math.round), [1, 0, 0]);
  assert.deepEqual(Array.from(b.mean([0, 1, 2]).dataSync()).map(Math.round), [0, 0, 1]);
  tf.dispose([a, b]);
});

test('missing, empty or undecodable folders are user errors naming the path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'folder-'));
  const cfg = { image: [8, 8, 1] as [number, number, number], range: [0, 1] as [number, number] };
  await assert.rejects(loadData({ source: 'folder', path: 'absent', ...cfg }, dir),
    (e: Error) => e instanceof UserError && e.message === `${join(dir, 'absent')}: folder not found`);
  await assert.rejects(loadData({ source: 'domains', path: '.', ...cfg }, dir),
    (e: Error) => e instanceof UserError && e.message.startsWith(join(dir, 'trainA')));
  await mkdir(join(dir, 'empty'));
  await assert.rejects(loadData({ source: 'folder', path: 'empty', ...cfg }, dir),
    (e: Error) => e instanceof UserError && e.message === `${join(dir, 'empty')}: no png, jpg or webp images found`);
  await mkdir(join(dir, 'broken'));
  await writeFile(join(dir, 'broken/x.png'), 'not a png');
  await assert.rejects(loadData({ source: 'folder', path: 'broken', ...cfg }, dir),
    (e: Error) => e instanceof UserError && e.message.startsWith(`${join(dir, 'broken/x.png')}: cannot decode image`));
  await assert.rejects(loadData({ source: 'folder', ...cfg }, dir), /data.path is required/);
});
