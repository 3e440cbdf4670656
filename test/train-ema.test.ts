// EMA copies in training (runtime/loop/ema.ts): a tiny ring model whose G has a batch-norm layer
// and two EMA copies, G_ema (decay 0.9 from the start) and G_late (decay 0.8 from step 3). Each
// step's G weights are recorded and the copies compared with the recurrence computed here in
// float64; batch-norm moving statistics are copies; a resumed run gives the uninterrupted run's
// EMA weights bit for bit (cpu backend); sampling networks (`--weights`) stand in as documented.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as tf from '@tensorflow/tfjs';
import type { AnyTrainer } from '../contract/trainer';
import { samplingNetworks } from '../runtime/loop/ema';
import { buildNetworks, train } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import { compiledTrainer, tempDir, useBackend } from './helpers';

const SPEC = `
name: ring-ema
data: { source: ring, image: [1, 1, 2] }
sample:
  z: normal(4)
networks:
  G:
    inputs: { z: [4] }
    layers:
      - dense: { units: 8 }
      - batchnorm: { momentum: 0.5 }
      - relu
      - dense: { units: 2 }
      - reshape: [1, 1, 2]
  D:
    inputs: { point: image }
    layers:
      - flatten
      - dense: { units: 8, activation: relu }
      - dense: { units: 1 }
  G_ema: { ema: { of: G, decay: 0.9 } }
  G_late: { ema: { of: G, decay: 0.8, start: 3 } }
losses:
  D: mse(D(x), 1) + mse(D(G(z)), 0)
  G: mse(D(G(z)), 1)
schedule:
  batch: 8
  steps: 6
  phases:
    - { update: D, optimizer: { adam: { lr: 0.01 } } }
    - { update: G, optimizer: { adam: { lr: 0.01 } } }
preview: { every: 100, show: [G(z), G_ema(z)], rows: 2, cols: 2 }
checkpoint: { every: 2, keep: 5 }
`;

const STEPS = 6;
const SEED = 5;

async function trainer(): Promise<AnyTrainer> {
  const dir = tempDir('ema-spec');
  const spec = join(dir, 'ring-ema.yaml');
  writeFileSync(spec, SPEC);
  return compiledTrainer(spec, [], dir);
}

/** Every weight of a network as float64 values, in model.weights order. */
function values(model: tf.LayersModel): Float64Array[] {
  return model.weights.map((w) => Float64Array.from(w.read().dataSync()));
}

function maxDiff(a: Float64Array[], b: Float64Array[]): number {
  assert.equal(a.length, b.length);
  return Math.max(...a.map((x, i) => Math.max(...x.map((v, j) => Math.abs(v - b[i][j])))));
}

test('EMA copies follow the recurrence of the source weights recorded each step; batch-norm statistics are copied', async () => {
  await useBackend('cpu');
  const t = await trainer();
  // gan-train builds the networks right after seeding: the same build gives G's initial weights.
  installSeededRandom(SEED);
  const built = buildNetworks(t);
  const initial = values(built.G);
  assert.equal(maxDiff(values(built.G_ema), initial), 0, 'a built EMA copy starts as a copy of its source');
  const trainable = built.G.weights.map((w) => w.trainable);
  // model.weights lists trainable weights first: 2 dense kernels and biases, gamma and beta; then the moving mean and variance.
  assert.deepEqual(trainable, [true, true, true, true, true, true, false, false]);

  const recorded: Float64Array[][] = [];
  const late: Float64Array[][] = [];
  const result = await train(t, {
    runDir: tempDir('ema-run'), dataDir: '.', steps: STEPS, seed: SEED, log: () => {},
    afterStep: (_step, nets) => {
      recorded.push(values(nets.G));
      late.push(values(nets.G_late));
    },
  });
  const expected = (decay: number, start: number): Float64Array[] => {
    let e = initial.map((w) => Float64Array.from(w));
    recorded.forEach((w, k) => {
      const step = k + 1;
      e = e.map((x, i) => (trainable[i] && step >= start ? x.map((v, j) => decay * v + (1 - decay) * w[i][j]) : Float64Array.from(w[i])));
    });
    return e;
  };
  const G = values(result.nets.G);
  assert.ok(maxDiff(G, initial) > 1e-3, 'training moved G');
  const ema = values(result.nets.G_ema);
  assert.ok(maxDiff(ema, G) > 1e-4, 'G_ema is not G');
  assert.ok(maxDiff(ema, expected(0.9, 0)) < 1e-6, `G_ema = 0.9 * G_ema + 0.1 * G after each update (off by ${maxDiff(ema, expected(0.9, 0))})`);
  assert.ok(maxDiff(values(result.nets.G_late), expected(0.8, 3)) < 1e-6, 'G_late follows the recurrence from step 3');
  // Before its start (steps 1 and 2) G_late is G itself.
  assert.equal(maxDiff(late[0], recorded[0]), 0, 'G_late = G after step 1');
  assert.equal(maxDiff(late[1], recorded[1]), 0, 'G_late = G after step 2');
  assert.ok(maxDiff(late[2], recorded[2]) > 0, 'G_late averages from step 3');
  // Moving mean and variance of the batch norm: G's own, not averaged.
  for (const i of [6, 7]) assert.deepEqual(ema[i], G[i], `G_ema's batch-norm statistic ${i} is G's`);
  assert.ok(maxDiff([initial[6]], [G[6]]) > 0, "training moved G's moving mean");
});

test('a resumed run ends with the EMA weights of the same run uninterrupted (cpu backend), saved in its checkpoints', async () => {
  await useBackend('cpu');
  const t = await trainer();
  const opts = { dataDir: '.', seed: SEED, log: () => {} };
  const whole = await train(t, { ...opts, runDir: tempDir('ema-whole'), steps: 4 });
  const split = tempDir('ema-split');
  await train(t, { ...opts, runDir: split, steps: 2 });
  assert.ok(existsSync(join(split, 'checkpoints', 'step-000002', 'G_ema', 'model.json')), 'the checkpoint holds G_ema');
  const resumed = await train(t, { ...opts, runDir: split, steps: 4, resume: true });
  for (const name of ['G_ema', 'G_late', 'G']) {
    assert.deepEqual(values(resumed.nets[name]), values(whole.nets[name]), `${name} after resuming at step 2`);
  }
});

test('sampling networks: ema draws G with G_ema, raw draws G_ema with G, spec as written', async () => {
  await useBackend('cpu');
  const t = await trainer();
  installSeededRandom(1);
  const nets = buildNetworks(t);
  const ema = samplingNetworks(t, nets, 'ema');
  assert.equal(ema.nets.G, nets.G_ema, 'the first EMA copy of G stands in for it');
  assert.equal(ema.nets.G_ema, nets.G_ema);
  assert.deepEqual(ema.drawnWith, { G: 'G_ema' });
  assert.equal(ema.note, 'weights: G_ema for G, the EMA copies (--weights raw: the trained weights)');
  const raw = samplingNetworks(t, nets, 'raw');
  assert.deepEqual(raw.drawnWith, { G_ema: 'G', G_late: 'G' });
  assert.equal(raw.nets.G_ema, nets.G);
  assert.equal(raw.note, 'weights: G for G_ema, G for G_late, the trained weights (--weights raw)');
  const spec = samplingNetworks(t, nets, 'spec');
  assert.deepEqual(spec.drawnWith, {});
  assert.equal(spec.nets.G, nets.G);
  assert.equal(spec.nets.G_ema, nets.G_ema);
});
