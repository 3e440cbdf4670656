// gan-train's progress: reading an image folder is counted on stderr ("reading images 6/6");
// --quiet turns that off (and the step line every 2 s, which these three quick steps never
// reach: both runs print the last step's line and the result).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { runCli, tempDir } from './helpers';

const SPEC = `name: tiny-folder
data: { source: folder, path: imgs, image: [4, 4, 1], range: [-1, 1] }
sample: { z: normal(2) }
networks:
  G: { inputs: { z: [2] }, layers: [ { dense: { units: 16, activation: tanh } }, { reshape: [4, 4, 1] } ] }
  D: { inputs: { img: image }, layers: [ flatten, { dense: { units: 1, activation: sigmoid } } ] }
losses:
  D: bce(D(x), 1) + bce(D(G(z)), 0)
  G: bce(D(G(z)), 1)
schedule:
  batch: 2
  steps: 3
  phases:
    - { update: D, optimizer: { adam: { lr: 0.001 } } }
    - { update: G, optimizer: { adam: { lr: 0.001 } } }
preview: { every: 3, show: [G(z)], rows: 1, cols: 2 }
`;

async function specWithImages(): Promise<string> {
  const dir = tempDir('progress');
  mkdirSync(join(dir, 'imgs'));
  for (let i = 0; i < 6; i++) {
    await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 40 * i, g: 0, b: 0 } } }).png().toFile(join(dir, 'imgs', `${i}.png`));
  }
  writeFileSync(join(dir, 'tiny.yaml'), SPEC);
  return dir;
}

test('gan-train counts the images it reads on stderr and prints the last step and the result', async () => {
  const dir = await specWithImages();
  const r = runCli('gan-train', [join(dir, 'tiny.yaml'), '--out', join(dir, 'run'), '--no-report']);
  assert.equal(r.status, 0, r.stderr);
  // Not a terminal: the first and the last count, each on a line of its own.
  assert.deepEqual(r.stderr.split('\n').filter((l) => l.startsWith('reading images')), ['reading images 1/6', 'reading images 6/6']);
  const steps = r.stdout.split('\n').filter((l) => l.startsWith('step '));
  assert.ok(steps.at(-1)!.startsWith('step 3/3  D '), r.stdout);
  assert.match(r.stdout, /^done: \d+ ms\/step/m);
});

test('gan-train --quiet prints no image count, the last step and the result', async () => {
  const dir = await specWithImages();
  const r = runCli('gan-train', [join(dir, 'tiny.yaml'), '--out', join(dir, 'run'), '--no-report', '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.includes('reading images'), false, r.stderr);
  const steps = r.stdout.split('\n').filter((l) => l.startsWith('step '));
  assert.equal(steps.length, 1, r.stdout);
  assert.ok(steps[0].startsWith('step 3/3  D '), r.stdout);
  assert.match(r.stdout, /^done: \d+ ms\/step/m);
});
