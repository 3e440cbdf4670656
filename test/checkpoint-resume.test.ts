// Tests that training resumed from a checkpoint is bit-identical to uninterrupted training
// (two small networks with batch norm and dropout, Adam and RMSProp, seeded Math.random), and
// that restoring into a different architecture or optimizer fails with a clear UserError.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint } from '../runtime/checkpoint';
import { UserError } from '../runtime/errors';
import { installSeededRandom, restoreRng, rngState } from '../runtime/rng';

let root: string;
before(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(path.join(tmpdir(), 'ckpt-resume-'));
});
after(() => rm(root, { recursive: true, force: true }));

const NOISE = 4;
const BATCH = 8;

interface Setup {
  networks: { g: tf.LayersModel; d: tf.LayersModel };
  optimizers: { g: tf.Optimizer; d: tf.Optimizer };
}

function build(hidden = 8): Setup {
  const g = tf.sequential({
    layers: [
      tf.layers.dense({ units: hidden, inputShape: [NOISE] }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 2 }),
    ],
  });
  const d = tf.sequential({
    layers: [
      tf.layers.dense({ units: hidden, inputShape: [2], activation: 'relu' }),
      tf.layers.batchNormalization(),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  return { networks: { g, d }, optimizers: { g: tf.train.adam(0.01), d: tf.train.rmsprop(0.01, 0.9, 0.5) } };
}

function vars(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

function trainStep({ networks: { g, d }, optimizers }: Setup): void {
  const logits = (x: tf.Tensor) => d.apply(x, { training: true }) as tf.Tensor;
  const fake = () => g.apply(tf.randomNormal([BATCH, NOISE]), { training: true }) as tf.Tensor;
  optimizers.d.minimize(() => {
    const real = tf.randomNormal([BATCH, 2], 3, 0.5);
    return tf.add(
      tf.losses.sigmoidCrossEntropy(tf.ones([BATCH, 1]), logits(real)),
      tf.losses.sigmoidCrossEntropy(tf.zeros([BATCH, 1]), logits(fake())),
    ) as tf.Scalar;
  }, false, vars(d));
  optimizers.g.minimize(
    () => tf.losses.sigmoidCrossEntropy(tf.ones([BATCH, 1]), logits(fake())) as tf.Scalar,
    false,
    vars(g),
  );
}

async function snapshot(s: Setup): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [name, model] of Object.entries(s.networks)) {
    model.weights.forEach((w, i) => (out[`${name}.${i}`] = Array.from(w.read().dataSync())));
  }
  for (const [name, opt] of Object.entries(s.optimizers)) {
    const weights = await opt.getWeights();
    weights.forEach((w, i) => (out[`${name}-opt.${i}`] = Array.from(w.tensor.dataSync())));
    // State tfjs keeps outside getWeights, e.g. Adam's beta1^t and beta2^t accumulators.
    for (const [key, value] of Object.entries(opt)) {
      if (value instanceof tf.Variable) out[`${name}-opt.${key}`] = Array.from(value.dataSync());
    }
  }
  out.rng = rngState();
  return out;
}

function dispose(s: Setup): void {
  Object.values(s.networks).forEach((m) => m.dispose());
  Object.values(s.optimizers).forEach((o) => o.dispose());
}

async function uninterrupted(steps: number): Promise<Record<string, number[]>> {
  installSeededRandom(42);
  const s = build();
  for (let i = 0; i < steps; i++) trainStep(s);
  const result = await snapshot(s);
  dispose(s);
  return result;
}

async function resumed(steps: number, splitAt: number, runDir: string): Promise<Record<string, number[]>> {
  installSeededRandom(42);
  const first = build();
  for (let i = 0; i < splitAt; i++) trainStep(first);
  const saved = await snapshot(first);
  await saveCheckpoint(runDir, { step: splitAt, ...first, rng: rngState(), meta: { note: 'split' } });
  dispose(first);

  installSeededRandom(999); // the fresh process would not share the first run's random stream
  const second = build();
  const loaded = await loadCheckpoint(runDir, second.networks, second.optimizers);
  assert.equal(loaded.step, splitAt);
  assert.deepEqual(loaded.meta, { note: 'split' });
  restoreRng(loaded.rng);
  assert.deepEqual(await snapshot(second), saved, 'restored state differs from the saved one');
  for (let i = loaded.step; i < steps; i++) trainStep(second);
  const result = await snapshot(second);
  dispose(second);
  return result;
}

for (const [steps, splitAt] of [[6, 3], [16, 8]] as const) {
  test(`${splitAt} steps + save + load + ${steps - splitAt} steps equals ${steps} steps exactly`, async () => {
    const expected = await uninterrupted(steps);
    const actual = await resumed(steps, splitAt, path.join(root, `run-${steps}`));
    assert.deepEqual(Object.keys(actual), Object.keys(expected));
    for (const key of Object.keys(expected)) assert.deepEqual(actual[key], expected[key], key);
  });
}

test('loading into a different architecture names the network and the weight', async () => {
  installSeededRandom(1);
  const s = build();
  trainStep(s);
  const runDir = path.join(root, 'arch');
  await saveCheckpoint(runDir, { step: 1, ...s, rng: rngState() });
  const wider = build(16);
  await assert.rejects(loadCheckpoint(runDir, wider.networks, wider.optimizers), (err: Error) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, /network 'g' weight 0 is dense_Dense\d+\/kernel \[4,8\] but the model expects dense_Dense\d+\/kernel \[4,16\]/);
    return true;
  });
  const before = wider.networks.g.getWeights().map((t) => Array.from(t.dataSync()));
  const swapped = build();
  await assert.rejects(
    loadCheckpoint(runDir, swapped.networks, { g: swapped.optimizers.d, d: swapped.optimizers.g }),
    /optimizer 'g' is Adam but the trainer built RMSProp/,
  );
  assert.deepEqual(wider.networks.g.getWeights().map((t) => Array.from(t.dataSync())), before);
  for (const x of [s, wider, swapped]) dispose(x);
});

test('loading leaks no tensors into the engine', async () => {
  installSeededRandom(2);
  const s = build();
  trainStep(s);
  const runDir = path.join(root, 'leak');
  await saveCheckpoint(runDir, { step: 1, ...s, rng: rngState() });
  const fresh = build();
  trainStep(fresh);
  const count = tf.memory().numTensors;
  await loadCheckpoint(runDir, fresh.networks, fresh.optimizers);
  assert.equal(tf.memory().numTensors, count);
  for (const x of [s, fresh]) dispose(x);
});
