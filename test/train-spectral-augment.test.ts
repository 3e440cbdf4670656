// Spectral norm and DiffAugment in a real training run (the tiny cgan of export-run.ts with
// spectral_norm on every dense layer of D and augment on D, cpu backend): a run stopped at a
// checkpoint and resumed ends with exactly the weights (each u included) and losses of the same
// run uninterrupted, so checkpoints restore u and the augmentations draw from the run's seeded
// random stream; the u vectors of the 16-unit layers move while training.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as tf from '@tensorflow/tfjs';
import { train } from '../runtime/loop/train';
import { compiledTrainer, tempDir, useBackend } from './helpers';
import { TINY_CGAN } from './export-run';

const SN = [4, 6, 9, 12].map((i) => `networks.D.layers.${i}.dense.spectral_norm=true`);
const OVERRIDES = [...TINY_CGAN.filter((a) => a !== '--set'), ...SN, 'augment={ policy: [color, translation, cutout], networks: [D] }'];

function weights(nets: Record<string, tf.LayersModel>): { name: string; values: Float32Array }[] {
  return Object.values(nets).flatMap((m) => m.weights.map((w) => ({ name: w.originalName, values: w.read().dataSync() as Float32Array })));
}

test('spectral norm and DiffAugment: a resumed run equals an uninterrupted one on the cpu backend, u included', async () => {
  await useBackend('cpu');
  const trainer = await compiledTrainer('specs/cgan.yaml', OVERRIDES, tempDir('sn-aug-module'));
  const opts = { dataDir: 'specs', batch: 4, seed: 3, log: () => {} };
  const whole = tempDir('sn-aug-whole');
  const split = tempDir('sn-aug-split');
  const a = await train(trainer, { ...opts, runDir: whole, steps: 4 });
  const half = await train(trainer, { ...opts, runDir: split, steps: 2 });
  const wh = weights(half.nets);
  const b = await train(trainer, { ...opts, runDir: split, steps: 4, resume: true });
  const [wa, wb] = [weights(a.nets), weights(b.nets)];
  const us = wa.filter((w) => w.name.endsWith('/sn_u')).map((w) => w.name);
  assert.deepEqual(us, ['D_l4/sn_u', 'D_l6/sn_u', 'D_l9/sn_u', 'D_l12/sn_u']);
  for (const name of us.slice(0, 3)) {
    const [before, after] = [wh.find((w) => w.name === name)!.values, wb.find((w) => w.name === name)!.values];
    assert.ok(before.some((v, j) => v !== after[j]), `${name} moved in steps 3 and 4`);
  }
  // The last layer has one unit: its u, normalised, is the single number 1 or -1.
  assert.equal(Math.abs(wb.find((w) => w.name === 'D_l12/sn_u')!.values[0]!), 1);
  assert.deepEqual(wb.map((w) => w.name), wa.map((w) => w.name));
  wa.forEach((w, i) => assert.deepEqual(wb[i]!.values, w.values, `${w.name} differs`));
  assert.equal(readFileSync(join(split, 'losses.jsonl'), 'utf8'), readFileSync(join(whole, 'losses.jsonl'), 'utf8'));
});
