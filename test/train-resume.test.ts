// On the cpu backend a run is a function of its seed: a run stopped at a checkpoint and resumed
// ends with exactly the weights and losses of the same run uninterrupted (batchnorm, dropout,
// label embeddings and two Adam optimizers included; and an EMA copy with a learning-rate decay).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as tf from '@tensorflow/tfjs';
import { compiledTrainer } from '../cli/module';
import { train } from '../runtime/loop/train';
import { generatedTrainer, tempDir, useBackend } from './helpers';

function weights(nets: Record<string, tf.LayersModel>): Float32Array[] {
  return Object.values(nets).flatMap((m) => m.getWeights().map((w) => w.dataSync() as Float32Array));
}

test('a resumed run equals an uninterrupted one on the cpu backend', async () => {
  await useBackend('cpu');
  const trainer = await generatedTrainer('cgan');
  const opts = { dataDir: 'specs', batch: 2, seed: 11, log: () => {} };
  const whole = tempDir('whole');
  const split = tempDir('split');
  const a = await train(trainer, { ...opts, runDir: whole, steps: 4 });
  const half = await train(trainer, { ...opts, runDir: split, steps: 2 });
  const b = await train(trainer, { ...opts, runDir: split, steps: 4, resume: true });
  const [wa, wb, wh] = [weights(a.nets), weights(b.nets), weights(half.nets)];
  assert.ok(wh.some((w, i) => w.some((v, j) => v !== wb[i][j])), 'steps 3 and 4 changed the weights');
  assert.equal(wa.length, wb.length);
  wa.forEach((w, i) => assert.deepEqual(w, wb[i], `weight ${i} differs`));
  assert.equal(readFileSync(join(split, 'losses.jsonl'), 'utf8'), readFileSync(join(whole, 'losses.jsonl'), 'utf8'));
});

test('a resumed run equals an uninterrupted one with an EMA copy and a linear lr decay (ring.yaml, cpu backend)', async () => {
  await useBackend('cpu');
  const trainer = await compiledTrainer('specs/ring.yaml', 'trained', {
    overrides: ['networks.G_ema={ema: {of: G, decay: 0.5}}', 'schedule.phases.1.optimizer.adam.decay={linear: {start: 1, end: 6}}', 'networks.G.layers.0.dense.units=16'],
  });
  assert.deepEqual(trainer.ema, [{ name: 'G_ema', of: 'G', decay: 0.5, start: 0 }]);
  const opts = { dataDir: 'specs', batch: 4, seed: 3, log: () => {} };
  const whole = tempDir('whole-ema');
  const split = tempDir('split-ema');
  const a = await train(trainer, { ...opts, runDir: whole, steps: 4 });
  await train(trainer, { ...opts, runDir: split, steps: 2 });
  const b = await train(trainer, { ...opts, runDir: split, steps: 4, resume: true });
  const [ema, g] = [b.nets.G_ema.getWeights()[0].dataSync(), b.nets.G.getWeights()[0].dataSync()];
  assert.ok(ema.some((v, i) => v !== g[i]), 'the EMA copy is an average, not G');
  const [wa, wb] = [weights(a.nets), weights(b.nets)];
  assert.equal(wa.length, wb.length);
  wa.forEach((w, i) => assert.deepEqual(w, wb[i], `weight ${i} differs`));
  assert.equal(readFileSync(join(split, 'losses.jsonl'), 'utf8'), readFileSync(join(whole, 'losses.jsonl'), 'utf8'));
});
