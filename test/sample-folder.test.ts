// gan-sample --format png (runtime/loop/sample-folder.ts, cli/sample-folder.ts): one PNG per
// sample in a flat folder, named in order, the same pixels as gan-sample's grid for the same
// seed; labels.csv for a label-conditioned model; refusals for a non-empty folder, point data
// and an unknown band.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sampleFolder } from '../cli/sample-folder';
import { readPng } from '../runtime/images/png';
import { UserError } from '../runtime/errors';
import { sampleFileName, writeSampleFolder } from '../runtime/loop/sample-folder';
import { buildNetworks } from '../runtime/loop/train';
import { compiledTrainer, runCli, tempDir, useBackend } from './helpers';

const TINY_GAN = ['networks.G.layers.0.dense.units=8', 'networks.G.layers.3.dense.units=8', 'networks.G.layers.6.dense.units=8', 'networks.D.layers.1.dense.units=8', 'networks.D.layers.3.dense.units=8'];

test('file names are zero-padded to six digits or more', () => {
  assert.equal(sampleFileName(0, 10000), '000000.png');
  assert.equal(sampleFileName(9999, 10000), '009999.png');
  assert.equal(sampleFileName(5, 1234567), '0000005.png');
});

test('gan-sample --format png writes one PNG per sample with the pixels of gan-sample\'s grid', async () => {
  const dir = tempDir('sample-folder');
  const run = join(dir, 'run');
  const trained = runCli('gan-train', ['specs/gan.yaml', '--steps', '2', '--batch', '4', '--out', run, '--no-report', ...TINY_GAN.flatMap((s) => ['--set', s])]);
  assert.equal(trained.status, 0, trained.stderr);
  assert.equal(existsSync(join(run, 'report.html')), false, '--no-report writes no report');
  const grid = runCli('gan-sample', [run, '--n', '4', '--seed', '7', '--out', join(dir, 'grid.png')]);
  assert.equal(grid.status, 0, grid.stderr);
  const folder = join(dir, 'pngs');
  const written = runCli('gan-sample', [run, '--format', 'png', '--n', '6', '--seed', '7', '--out', folder]);
  assert.equal(written.status, 0, written.stderr);
  assert.match(written.stdout, /wrote 6 PNG files of G\(z\) into .*pngs from .*step-000002 \(step 2\)/);
  assert.match(written.stderr, /writing samples 0\/6\nwriting samples 6\/6\n/, 'progress on stderr');
  assert.deepEqual(readdirSync(folder), ['000000.png', '000001.png', '000002.png', '000003.png', '000004.png', '000005.png']);

  // The grid is 2 x 2 cells of 28 x 28 with a 2-pixel border: cell k at (2 + 30 * row, 2 + 30 * col).
  const g = await readPng(join(dir, 'grid.png'));
  assert.deepEqual([g.width, g.height, g.channels], [62, 62, 1]);
  for (let k = 0; k < 4; k++) {
    const png = await readPng(join(folder, sampleFileName(k, 6)));
    assert.deepEqual([png.width, png.height, png.channels], [28, 28, 1]);
    const [top, left] = [2 + 30 * Math.floor(k / 2), 2 + 30 * (k % 2)];
    const cell = new Uint8Array(28 * 28);
    for (let y = 0; y < 28; y++) cell.set(g.data.subarray((top + y) * 62 + left, (top + y) * 62 + left + 28), y * 28);
    assert.deepEqual(png.data, cell, `sample ${k} is cell ${k} of the grid`);
  }
  const distinct = new Set(await Promise.all([0, 1, 2, 3, 4, 5].map(async (k) => Buffer.from((await readPng(join(folder, sampleFileName(k, 6)))).data).toString('hex'))));
  assert.equal(distinct.size, 6, 'every sample has its own noise');

  const again = runCli('gan-sample', [run, '--format', 'png', '--n', '2', '--out', folder, '--quiet']);
  assert.equal(again.status, 1);
  assert.equal(again.stderr.trim(), `gan-sample: ${folder} is not empty: write samples into a new or empty folder`);
});

test('a label-conditioned model gets labels.csv, classes balanced in order', async () => {
  await useBackend('wasm');
  const dir = tempDir('sample-labels');
  const trainer = await compiledTrainer('specs/cgan.yaml', [], dir);
  const nets = buildNetworks(trainer);
  const out = join(dir, 'pngs');
  mkdirSync(out);
  const r = await writeSampleFolder(trainer, nets, out, { n: 12, seed: 1, band: 0 });
  assert.deepEqual(r, { files: 12, band: 'G(z, y_g)', labels: 'y_g' });
  const rows = Array.from({ length: 12 }, (_, i) => `${sampleFileName(i, 12)},${i % 10}`);
  assert.equal(readFileSync(join(out, 'labels.csv'), 'utf8'), ['file,label', ...rows, ''].join('\n'));
  assert.equal(readdirSync(out).filter((f) => f.endsWith('.png')).length, 12);
});

test('refusals: point data, an unknown band, no --out', async () => {
  await useBackend('wasm');
  const dir = tempDir('sample-refuse');
  const ring = await compiledTrainer('specs/ring.yaml', [], dir);
  await assert.rejects(writeSampleFolder(ring, buildNetworks(ring), dir, { n: 2, seed: 0, band: 0 }), (e: unknown) => e instanceof UserError && e.message === "ring's samples are 2-D points, not images: there is nothing for an FID tool to read");
  const cgan = await compiledTrainer('specs/cgan.yaml', [], tempDir('sample-refuse-cgan'));
  const args = { out: join(dir, 'new'), n: 2, seed: 0, scale: 1, band: 'G(x)', dataDir: 'specs', progress: () => {} };
  await assert.rejects(sampleFolder(cgan, buildNetworks(cgan), args), (e: unknown) => e instanceof UserError && e.message === '--band G(x): the preview\'s bands are 0: G(z, y_g)');
  await assert.rejects(sampleFolder(cgan, buildNetworks(cgan), { ...args, out: undefined }), (e: unknown) => e instanceof UserError && e.message.startsWith('--format png needs --out DIR'));
  assert.equal(existsSync(join(dir, 'new')), false, 'nothing was created');
});
