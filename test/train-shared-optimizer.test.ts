// Shared optimizers and learning-rate schedules at training time, on a tiny ring spec (cpu
// backend): phases naming one declared optimizer step one tfjs instance (Keras-GAN's DCGAN: two
// D steps per cycle with one Adam), whose state is checkpointed once and restored on resume; a
// linear decay gives the rate of the formula at every step, before and after a resume.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as tf from '@tensorflow/tfjs';
import type { AnyTrainer, OptimizerSettings } from '../contract/trainer';
import { loadData } from '../runtime/data';
import { UserError } from '../runtime/errors';
import { currentLearningRate, learningRate } from '../runtime/loop/learning-rate';
import { phaseRunners, updateOnce } from '../runtime/loop/phase';
import { buildNetworks, train } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import { compiledTrainer, tempDir, useBackend } from './helpers';

const SPEC = `name: shared-ring
data: { source: ring, image: [1, 1, 2] }
sample:
  z: normal(4)
networks:
  G:
    inputs: { z: [4] }
    layers:
      - dense: { units: 16, activation: relu }
      - dense: { units: 2 }
      - reshape: [1, 1, 2]
  D:
    inputs: { point: image }
    layers:
      - flatten
      - dense: { units: 16, activation: relu }
      - dense: { units: 1 }
losses:
  D_real: mse(D(x), 1)
  D_fake: mse(D(G(z)), 0)
  G: mse(D(G(z)), 1)
optimizers:
  adam_D: { adam: { lr: 0.01, beta1: 0.5 } }
schedule:
  batch: 8
  steps: 6
  phases:
    - { update: D, loss: D_real, optimizer: adam_D }
    - { update: D, loss: D_fake, optimizer: adam_D }
    - { update: G, optimizer: { sgd: { lr: 0.1, decay: { linear: { start: 2 } } } } }
preview: { every: 100, show: [G(z)], rows: 2, cols: 2 }
checkpoint: { every: 2 }
`;

/** The rates of G's SGD by hand: 0.1 up to step 2, then linearly to 0 at step 6 (the schedule's end). */
const G_RATES = [0.1, 0.1, 0.075, 0.05, 0.025, 0];

let trainer: AnyTrainer | undefined;
async function shared(): Promise<AnyTrainer> {
  await useBackend('cpu');
  if (!trainer) {
    const dir = tempDir('shared-spec');
    writeFileSync(join(dir, 'shared-ring.yaml'), SPEC);
    trainer = await compiledTrainer(join(dir, 'shared-ring.yaml'), [], dir);
  }
  return trainer;
}

/** Equal within 1e-15 relative (0.1 * 0.75 is 0.07500000000000001 in doubles). */
function close(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= 1e-15 * Math.abs(expected[i]), `item ${i}: ${a} is not ${expected[i]}`));
}

const bytes = (m: tf.LayersModel): Buffer[] => m.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).slice().buffer));

test('learningRate: constant without a decay; under a linear one, lr up to start, then lr * (end - s) / (end - start), 0 from end on', () => {
  const sgd: OptimizerSettings = { kind: 'sgd', lr: 0.1 };
  assert.deepEqual([1, 5, 1e9].map((s) => learningRate(sgd, s)), [0.1, 0.1, 0.1]);
  const decaying: OptimizerSettings = { kind: 'adam', lr: 0.0002, beta1: 0.5, beta2: 0.999, epsilon: 1e-7, decay: { kind: 'linear', start: 100, end: 200 } };
  close([1, 100, 101, 150, 199, 200, 250].map((s) => learningRate(decaying, s)), [0.0002, 0.0002, 0.000198, 0.0001, 0.000002, 0, 0]);
});

test('phases naming one optimizer step one tfjs instance: 2 updates a step, one m and v per D weight; the G optimizer runs at the decayed rate of each step', async () => {
  const t = await shared();
  assert.deepEqual(t.phases.map((p) => p.optimizer), ['adam_D', 'adam_D', 'G']);
  installSeededRandom(5);
  const nets = buildNetworks(t);
  const [real, fake, g] = phaseRunners(t, nets);
  assert.equal(real.optimizer, fake.optimizer, 'D_real and D_fake share one optimizer');
  assert.equal(real.vars, fake.vars);
  assert.notEqual(g.optimizer, real.optimizer);
  const data = await loadData(t.data, 'specs');
  const seen: number[] = [];
  for (let step = 1; step <= 6; step++) {
    for (const r of [real, fake]) await updateOnce(t, r, nets, data, 8, step);
    const before = bytes(nets.G);
    await updateOnce(t, g, nets, data, 8, step);
    seen.push(currentLearningRate(g.optimizer));
    // At step 6 the rate is 0: the update leaves G exactly as it was.
    const same = bytes(nets.G).every((b, i) => b.equals(before[i]));
    assert.equal(same, step === 6, `step ${step}: G ${same ? 'did not change' : 'changed'}`);
  }
  close(seen, G_RATES);
  assert.equal(currentLearningRate(real.optimizer), 0.01);
  const weights = await real.optimizer.getWeights();
  assert.equal(weights.length, 1 + 2 * nets.D.trainableWeights.length, 'iterations, then one m and one v per D weight');
  assert.equal((await weights[0].tensor.data())[0], 12, 'two updates in each of 6 steps');
  assert.equal((await (await g.optimizer.getWeights())[0].tensor.data())[0], 6);
  // Adam keeps beta1^(t+1) ready for update t+1: 0.5^13 after 12 updates (exact in float32).
  assert.equal((await (real.optimizer as unknown as { accBeta1: tf.Variable }).accBeta1.data())[0], 0.5 ** 13);
});

test('a checkpoint keeps a shared optimizer once; a run resumed from it equals the uninterrupted run, decaying rate included', async () => {
  const t = await shared();
  const opts = { dataDir: 'specs', seed: 9, log: () => {} };
  const whole = tempDir('shared-whole');
  const split = tempDir('shared-split');
  const a = await train(t, { ...opts, runDir: whole, steps: 5 });
  await train(t, { ...opts, runDir: split, steps: 2 });
  const saved = JSON.parse(readFileSync(join(split, 'checkpoints', 'step-000002', 'optimizers.json'), 'utf8')) as { optimizers: Record<string, { scalars: Record<string, number> }> };
  assert.deepEqual(Object.keys(saved.optimizers), ['adam_D', 'G']);
  assert.equal(saved.optimizers.adam_D.scalars.accBeta1, 0.5 ** 5, 'four D updates in two steps (beta1^(t+1))');
  const b = await train(t, { ...opts, runDir: split, steps: 5, resume: true });
  assert.equal(readFileSync(join(split, 'losses.jsonl'), 'utf8'), readFileSync(join(whole, 'losses.jsonl'), 'utf8'));
  for (const net of ['G', 'D']) bytes(a.nets[net]).forEach((w, i) => assert.ok(w.equals(bytes(b.nets[net])[i]), `${net} weight ${i} differs`));
  // Resumed again for step 6, whose rate is 0: G stays as it was after step 5, D moves on.
  const c = await train(t, { ...opts, runDir: split, steps: 6, resume: true });
  bytes(b.nets.G).forEach((w, i) => assert.ok(w.equals(bytes(c.nets.G)[i]), `G weight ${i} changed at rate 0`));
  assert.ok(bytes(b.nets.D).some((w, i) => !w.equals(bytes(c.nets.D)[i])), 'D changed at step 6');
});

test('a module whose phases share an optimizer with different settings is refused before training', async () => {
  const t = await shared();
  const [real, fake, g] = t.phases;
  const edited: AnyTrainer = { ...t, phases: [real, { ...fake, settings: { ...fake.settings, optimizer: { ...fake.settings.optimizer, lr: 0.5 } } }, g] };
  const nets = buildNetworks(t);
  assert.throws(() => phaseRunners(edited, nets), (err: Error) => err instanceof UserError && err.message === "phases D_real and D_fake share optimizer 'adam_D' but differ in its settings or in what they update");
  const other: AnyTrainer = { ...t, phases: [real, { ...fake, updates: [{ net: 'G' }] }, g] };
  assert.throws(() => phaseRunners(other, nets), UserError);
  Object.values(nets).forEach((m) => m.dispose());
});
